//! Pure decisions of a promotion: per function, is it a no-op, and which steps
//! will run. `plan` and dry-run stop here.

use crate::aws::types::AliasInfo;
use crate::config::model::{Environment, FunctionTarget, Strategy};
use crate::duration::display;
use crate::promote::canary::window::step_wait;
use crate::report::model::{FunctionRun, Links, StepRecord, StepStatus};
use crate::step::Step;

/// One step a promotion will take, with what it will do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Planned {
    pub step: Step,
    pub detail: String,
}

fn planned(step: Step, detail: impl Into<String>) -> Planned {
    Planned {
        step,
        detail: detail.into(),
    }
}

#[derive(Clone, Debug)]
pub struct FunctionPlan<'e> {
    pub target: &'e FunctionTarget,
    /// The alias before the run; `None` if it does not exist yet.
    pub before: Option<AliasInfo>,
    /// The digest the alias serves now (unsplit aliases only).
    pub served: Option<String>,
    /// The alias already serves the digest with no routing split.
    pub noop: bool,
    /// The steps a promotion would take, in order.
    pub steps: Vec<Planned>,
}

/// `current` holds, per function: its target, its alias now, the digest served.
pub fn plan<'e>(
    env: &'e Environment,
    digest: &str,
    current: &[(&'e FunctionTarget, Option<AliasInfo>, Option<String>)],
) -> Vec<FunctionPlan<'e>> {
    current
        .iter()
        .map(|(target, before, served)| {
            let split = before.as_ref().is_some_and(AliasInfo::is_split);
            let noop = !split && served.as_deref() == Some(digest);
            let steps = if noop {
                vec![planned(
                    Step::NoOp,
                    format!("{} already serves {digest}", target.alias),
                )]
            } else {
                steps(env, target, before.as_ref(), digest)
            };
            FunctionPlan {
                target,
                before: before.clone(),
                served: served.clone(),
                noop,
                steps,
            }
        })
        .collect()
}

fn steps(
    env: &Environment,
    t: &FunctionTarget,
    before: Option<&AliasInfo>,
    digest: &str,
) -> Vec<Planned> {
    let mut s = vec![
        planned(Step::WaitIdle, "until no other update is in progress"),
        planned(Step::UpdateCode, format!("{} → …@{digest}", t.name)),
        planned(Step::Wait, "until LastUpdateStatus is Successful"),
        planned(Step::Verify, format!("resolves to {digest}")),
        planned(Step::Publish, "new version with provenance"),
    ];
    if env.smoke_test.is_some() {
        s.push(planned(Step::SmokeTest, "invoke the new version"));
    }
    let from = match before {
        Some(b) if b.is_split() => format!("{} (split)", b.version),
        Some(b) => b.version.clone(),
        None => "(new alias)".to_string(),
    };
    match &env.strategy {
        Strategy::AllAtOnce => s.push(planned(
            Step::MoveAlias,
            format!("{}: {from} → new version", t.alias),
        )),
        Strategy::Canary(c) => {
            let gates = c.gates.plan_words();
            let wait = step_wait(c.interval, c.gates.metrics.is_some());
            for p in &c.steps {
                s.push(planned(
                    Step::Canary,
                    format!(
                        "{p}% for {} (+{} for late signals), at most {} error(s){gates}",
                        display(c.interval),
                        display(wait),
                        c.max_errors
                    ),
                ));
            }
            s.push(planned(
                Step::MoveAlias,
                format!("{}: {from} → new version (100%)", t.alias),
            ));
        }
    }
    if env.post_traffic.is_some() {
        s.push(planned(
            Step::PostTraffic,
            format!("invoke alias {} after 100%", t.alias),
        ));
    }
    if let Some(k) = env.keep_versions {
        s.push(planned(
            Step::Prune,
            format!("keep the newest {k} versions and every aliased one"),
        ));
    }
    s
}

/// The environment's own steps, run once every function succeeded, in order.
pub fn after(env: &Environment) -> Vec<Step> {
    let mut steps = Vec::new();
    if env.keep_versions.is_some() {
        steps.push(Step::Prune);
    }
    if env.invalidate.is_some() {
        steps.push(Step::Invalidate);
    }
    steps
}

/// What `plan` says of the environment's own last step, which no function's row
/// shows: the CloudFront invalidation.
pub fn after_words(env: &Environment) -> Option<String> {
    let inv = env.invalidate.as_ref()?;
    Some(format!(
        "after every function is promoted: invalidate the CloudFront distribution in `{}`, paths {}",
        inv.distribution_id_env,
        inv.paths.join(", ")
    ))
}

/// The report row of a function that was planned or skipped.
pub fn record(p: &FunctionPlan<'_>, region: &str, status: StepStatus) -> FunctionRun {
    let current = p.before.as_ref().map(|b| b.version.clone());
    FunctionRun {
        function: p.target.name.clone(),
        alias: p.target.alias.clone(),
        previous_version: current.clone(),
        version: current,
        steps: p
            .steps
            .iter()
            .map(|planned| StepRecord {
                step: planned.step,
                status: if p.noop { StepStatus::Skipped } else { status },
                duration_ms: 0,
                detail: planned.detail.clone(),
            })
            .collect(),
        canary: Vec::new(),
        links: Links::new(region, &p.target.name, &p.target.alias),
        error: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::model::{ImageSource, Pos, Trigger};

    fn env() -> Environment {
        Environment {
            name: "dev".into(),
            at: Pos::default(),
            when: Trigger::default(),
            image: ImageSource::Input,
            functions: vec![FunctionTarget {
                name: "f".into(),
                alias: "live".into(),
                at: Pos::default(),
            }],
            checks: vec![],
            smoke_test: None,
            post_traffic: None,
            strategy: Strategy::AllAtOnce,
            keep_versions: Some(3),
            invalidate: None,
            url: None,
            assume: Default::default(),
        }
    }

    fn alias(v: &str, split: bool) -> AliasInfo {
        AliasInfo {
            name: "live".into(),
            version: v.into(),
            routing: if split {
                [("9".to_string(), 0.1)].into()
            } else {
                Default::default()
            },
            description: String::new(),
            revision_id: None,
        }
    }

    #[test]
    fn same_digest_unsplit_is_a_noop() {
        let e = env();
        let p = plan(
            &e,
            "sha256:a",
            &[(
                &e.functions[0],
                Some(alias("3", false)),
                Some("sha256:a".into()),
            )],
        );
        assert!(p[0].noop);
    }

    #[test]
    fn a_split_alias_is_never_a_noop() {
        let e = env();
        let p = plan(
            &e,
            "sha256:a",
            &[(
                &e.functions[0],
                Some(alias("3", true)),
                Some("sha256:a".into()),
            )],
        );
        assert!(!p[0].noop);
    }

    #[test]
    fn steps_of_a_new_digest() {
        let e = env();
        let p = plan(&e, "sha256:b", &[(&e.functions[0], None, None)]);
        let names: Vec<Step> = p[0].steps.iter().map(|s| s.step).collect();
        assert_eq!(
            names,
            [
                Step::WaitIdle,
                Step::UpdateCode,
                Step::Wait,
                Step::Verify,
                Step::Publish,
                Step::MoveAlias,
                Step::Prune
            ]
        );
        assert!(p[0].steps[5].detail.contains("(new alias)"));
    }

    /// Execute walks this list (`promote/execute/function.rs`): the canary's windows
    /// come before the alias's last move, and the smoke test before any traffic.
    #[test]
    fn steps_of_a_canary_with_a_smoke_test() {
        use crate::config::model::{Canary, SmokeTest};
        let mut e = env();
        e.keep_versions = None;
        e.smoke_test = Some(SmokeTest {
            payload: "{}".into(),
        });
        e.strategy = Strategy::Canary(Canary {
            steps: vec![10, 50],
            interval: std::time::Duration::from_secs(60),
            max_errors: 0,
            error_pattern: "ERROR".into(),
            linear: None,
            gates: Default::default(),
        });
        let p = plan(
            &e,
            "sha256:b",
            &[(&e.functions[0], Some(alias("3", false)), None)],
        );
        let names: Vec<Step> = p[0].steps.iter().map(|s| s.step).collect();
        assert_eq!(
            names,
            [
                Step::WaitIdle,
                Step::UpdateCode,
                Step::Wait,
                Step::Verify,
                Step::Publish,
                Step::SmokeTest,
                Step::Canary,
                Step::Canary,
                Step::MoveAlias
            ]
        );
        assert!(p[0].steps[6].detail.starts_with("10%"));
        assert!(after(&e).is_empty());
    }
}
