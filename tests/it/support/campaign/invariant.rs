//! The safety invariant of SPEC §10, checked from outside after a run: what the aliases
//! serve (read from moto), what the binary said (exit code, outputs, report), and what the
//! proxy saw land. Each broken clause is one line of the verdict.

use super::scenario::{Command, Fault, Scenario};
use super::world::{SECRET, World};
use crate::support::{RunResult, Seen};
use serde_json::Value;
use std::collections::BTreeMap;

/// What an alias serves: its version and its routing weights.
pub type Serving = BTreeMap<String, (String, BTreeMap<String, f64>)>;

pub fn serving(world: &World, names: &[String]) -> Serving {
    names
        .iter()
        .map(|n| {
            let a = world.aws.alias(n, "live");
            (n.clone(), (a.version, a.weights))
        })
        .collect()
}

/// Whether an alias write that reached moto changed what the alias served before the run.
fn moved(log: &[Seen], before: &Serving) -> bool {
    log.iter()
        .filter(|s| s.landed && (s.op == "UpdateAlias" || s.op == "CreateAlias"))
        .any(|s| {
            let body: Value = serde_json::from_str(&s.body).unwrap_or(Value::Null);
            let function = before
                .keys()
                .find(|f| s.path.contains(&format!("/functions/{f}/")));
            let Some((version, _)) = function.and_then(|f| before.get(f)) else {
                return false;
            };
            let weights = body
                .pointer("/RoutingConfig/AdditionalVersionWeights")
                .and_then(Value::as_object)
                .is_some_and(|w| !w.is_empty());
            let to = body.get("FunctionVersion").and_then(Value::as_str);
            weights || to.is_some_and(|v| v != version)
        })
}

/// Every clause of the invariant the run broke; empty when it held.
pub fn check(world: &World, s: &Scenario, before: &Serving, r: &RunResult) -> Vec<String> {
    let names = s.names();
    let after = serving(world, &names);
    let mut broken = Vec::new();
    for (f, (v, w)) in &after {
        if !w.is_empty() {
            broken.push(format!("alias of {f} left split: version {v} with {w:?}"));
        }
    }
    let result = r.output("result").unwrap_or("(none)");
    let success = result == "success";
    let on_target = |f: &String, v: &String| match s.command {
        Command::Promote => world.aws.digest_of(f, v) == world.digest("v2"),
        Command::Rollback => v == "1",
    };
    if success {
        if r.code != Some(0) {
            broken.push(format!("result success with exit {:?}", r.code));
        }
        for (f, (v, _)) in &after {
            if !on_target(f, v) {
                broken.push(format!("result success but {f} serves version {v}"));
            }
        }
    } else {
        if r.code == Some(0) || r.code.is_none() {
            broken.push(format!("result {result} with exit {:?}", r.code));
        }
        for (f, (v, _)) in &after {
            if Some(v) != before.get(f).map(|b| &b.0) {
                broken.push(format!(
                    "result {result} but {f} serves version {v}, not {:?} as before",
                    before.get(f).map(|b| &b.0)
                ));
            }
        }
    }
    broken.extend(rolled_back(s, before, r, success, &world.proxy.log()));
    broken.extend(rows(r, &after, &names));
    broken.extend(secrets(r));
    broken
}

/// `rolled-back` is true exactly when an alias had moved and was put back.
fn rolled_back(
    s: &Scenario,
    before: &Serving,
    r: &RunResult,
    success: bool,
    log: &[Seen],
) -> Option<String> {
    let said = r.output("rolled-back");
    // For `rollback` the output says whether the environment is now rolled back (README,
    // "Outputs"): true on success; a rollback undone after a failure or a signal is not one.
    let expected = match (s.command, success) {
        (Command::Rollback, rolled) => rolled,
        (Command::Promote, true) => false,
        (Command::Promote, false) => moved(log, before),
    };
    // A write held past the client's end that never landed: the run fenced it without
    // knowing whether it had landed, so either answer is honest.
    let unknowable = !expected
        && matches!(
            s.fault,
            Fault::HangThenSignal {
                op: "UpdateAlias",
                ..
            }
        )
        && !success;
    let want = if expected { "true" } else { "false" };
    (said != Some(want) && !unknowable).then(|| {
        format!(
            "rolled-back is {said:?}, expected {want} (an alias {} moved)",
            if expected { "had" } else { "never" }
        )
    })
}

/// The report's rows say what each alias serves.
fn rows(r: &RunResult, after: &Serving, names: &[String]) -> Vec<String> {
    let Some(raw) = r.output("report") else {
        return vec!["no report output".to_owned()];
    };
    let Ok(report) = serde_json::from_str::<Value>(raw) else {
        return vec!["the report output is not JSON".to_owned()];
    };
    let mut broken = Vec::new();
    let rows = report
        .pointer("/promotion/functions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for row in &rows {
        let f = row["function"].as_str().unwrap_or_default();
        let (Some(said), Some((v, _))) = (row["version"].as_str(), after.get(f)) else {
            continue;
        };
        if said != v {
            broken.push(format!(
                "the report says {f} serves {said}, the alias serves {v}"
            ));
        }
    }
    let first = &names[0];
    if let (Some(said), Some((v, _))) = (r.output("version"), after.get(first))
        && !said.is_empty()
        && said != v
    {
        broken.push(format!(
            "output version is {said}, alias {first} serves {v}"
        ));
    }
    broken
}

/// No secret in any channel (the runner's own `::add-mask::` lines aside).
fn secrets(r: &RunResult) -> Vec<String> {
    let stdout: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| !l.starts_with("::add-mask::"))
        .collect();
    let channels = [
        ("stdout", stdout.join("\n")),
        ("stderr", r.stderr.clone()),
        ("summary", r.summary.clone()),
        ("outputs", r.outputs_raw.clone()),
    ];
    channels
        .iter()
        .filter(|(_, text)| text.contains(SECRET) || text.contains("hidden-7f3a"))
        .map(|(name, _)| format!("the secret is on {name}"))
        .collect()
}
