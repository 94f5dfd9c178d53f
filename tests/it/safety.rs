//! Safety as a property (issue 19, docs/safety.md "Safety"): the reproductions through the binary.
//! One coordinator owns every alias a run may have moved: a sibling's failure stops the
//! others at once, a write whose answer never came is fenced and restored, and a second
//! `rollback` changes nothing.

use crate::support::{Action, FUNCTION, Fault, Lost, Match, Rule, Run, SMOKE, Stage, canary};
use std::time::{Duration, Instant};

/// `promote` of environment `prod` (branch main) of `functions` to image `tag`.
pub fn promote_all(stage: &Stage, functions: &[&str], tag: &str, extra: &str) -> Run {
    let list: Vec<String> = functions
        .iter()
        .map(|f| format!("{{ name: {f} }}"))
        .collect();
    let contract = format!(
        "version: 1\nregion: us-east-1\nenvironments:\n  prod:\n    when: {{ branch: main }}\n    \
         image: input\n    functions: [{}]\n{extra}",
        list.join(", ")
    );
    Run::action()
        .push_branch("main")
        .endpoint(&stage.proxy.endpoint())
        .contract_text(&contract)
        .input("command", "promote")
        .input("image", &stage.image(tag))
}

/// The alias writes to `function`'s alias `live`, in order.
pub fn writes_of(stage: &Stage, function: &str) -> Vec<crate::support::Seen> {
    let path = format!("/functions/{function}/aliases/live");
    stage
        .alias_writes()
        .into_iter()
        .filter(|s| s.path.contains(&path))
        .collect()
}

#[test]
fn a_failing_canary_stops_its_sibling_at_once() {
    // Reproduction 1: the first function's new version logs ERROR; the second's canary
    // must not carry on to its next step, and both aliases are back within seconds.
    let stage = Stage::start_functions(191, &[FUNCTION, "jobs"], true);
    stage.aws.create_group("/aws/lambda/jobs");
    let running = promote_all(&stage, &[FUNCTION, "jobs"], "v2", &canary("[10, 50]", "8s"))
        .timeout(Duration::from_secs(120))
        .spawn();
    assert!(
        stage
            .proxy
            .wait_for("UpdateAlias", 2, Duration::from_secs(60))
    );
    stage.log("2", "0a1b2c", &["ERROR boom"]);
    let written = Instant::now();
    let r = running.wait();
    r.assert_end(1, "rolled-back", true);
    for f in [FUNCTION, "jobs"] {
        let alias = stage.aws.alias(f, "live");
        assert_eq!(alias.version, "1", "{f}: {alias:?}");
        assert!(alias.weights.is_empty(), "{f}: {alias:?}");
    }
    // The sibling never went to 50 %, and was put back within seconds of the error.
    let jobs = writes_of(&stage, "jobs");
    assert!(jobs.iter().all(|w| !w.body.contains("0.5")), "{jobs:#?}");
    let back = jobs.last().expect("the sibling's restore").done;
    let after = back.duration_since(written);
    assert!(
        after < Duration::from_secs(6),
        "sibling restored {after:?} after the error"
    );
    let rows = r.report()["promotion"]["functions"].to_string();
    assert!(rows.contains("another function"), "{rows}");
}

#[test]
fn a_landed_write_whose_answer_was_lost_is_restored() {
    // Reproduction 2: UpdateAlias is applied, its answer lost (500), every retry fails.
    let stage = Stage::realistic(192);
    stage
        .proxy
        .with_model(|m| m.lose("UpdateAlias", 1, Lost::ServerError));
    stage.proxy.add(
        Rule::new(Match::op("UpdateAlias"), Action::Fail(Fault::ServerError))
            .skip(1)
            .times(5),
    );
    let r = stage.promote("v2", "").execute();
    r.assert_end(1, "rolled-back", true);
    stage.assert_alias("1");
    let report = r.report();
    let row = &report["promotion"]["functions"][0];
    assert_eq!(row["version"], "1", "{row:#}");
    assert!(report["left_moved"].as_array().is_none_or(Vec::is_empty));
}

#[test]
fn a_slow_alias_write_cut_by_sigterm_is_fenced() {
    // Reproduction 3: SIGTERM while the first canary UpdateAlias is held; it lands later,
    // carrying the revision id it was sent with, and is refused.
    let stage = Stage::realistic(193);
    stage.proxy.add(
        Rule::new(
            Match::op("UpdateAlias"),
            Action::Delay(Duration::from_secs(5)),
        )
        .times(1),
    );
    let running = stage.promote("v2", &canary("[20]", "30s")).spawn();
    assert!(
        stage
            .proxy
            .wait_arrived("UpdateAlias", 1, Duration::from_secs(60))
    );
    let held_until = Instant::now() + Duration::from_secs(5);
    running.signal("TERM");
    let r = running.wait();
    r.assert_code(143);
    // The held write goes on after the run ended (and the SDK may have sent it again when
    // the signal cut its attempt): each carries the old revision id and is refused.
    std::thread::sleep(
        held_until.saturating_duration_since(Instant::now()) + Duration::from_secs(1),
    );
    stage.assert_alias("1");
    let canary_writes: Vec<u16> = stage
        .alias_writes()
        .into_iter()
        .filter(|s| s.body.contains("0.2"))
        .map(|s| s.status)
        .collect();
    assert!(!canary_writes.is_empty(), "the held write was answered");
    assert!(
        canary_writes.iter().all(|s| *s == 412),
        "a late write landed: {canary_writes:?}"
    );
    let error = r.error();
    assert!(error.contains("SIGTERM"), "{error}");
    // Nothing had moved when the run ended: it says so, and not rolled back.
    assert_eq!(r.output("rolled-back"), Some("false"));
}

#[test]
fn a_second_rollback_changes_nothing_and_says_so() {
    // Reproduction 4: promote 1 → 2, rollback (alias on 1), rollback again.
    let stage = Stage::start(194);
    stage.promote("v2", "").execute().assert_code(0);
    let first = stage.rollback("").execute();
    first.assert_end(0, "success", true);
    stage.assert_alias("1");
    let description = stage.aws.alias(FUNCTION, "live").description;
    assert!(
        description.contains("rolled-back-from=2") && !description.contains("previous="),
        "{description}"
    );
    stage.proxy.clear_log();
    let second = stage.rollback("").execute();
    second.assert_end(0, "no-op", false);
    stage.assert_alias("1");
    assert_eq!(stage.proxy.count("UpdateAlias"), 0);
    assert!(
        second.stdout.contains("already rolled back from version 2"),
        "{}",
        second.stdout
    );
    // `to-version` still moves it on purpose.
    let forward = stage.rollback("").input("to-version", "2").execute();
    forward.assert_end(0, "success", true);
    stage.assert_alias("2");
}

#[test]
fn restores_are_not_starved_by_a_lowered_pace() {
    // Reproduction 5: one control-plane request per second, eight functions all at once;
    // the last smoke test fails after the others moved. Every alias goes back.
    let names: Vec<String> = (1..=8).map(|i| format!("fn{i}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let stage = Stage::start_functions(195, &names, false);
    stage.proxy.add(Rule::new(
        Match::op("Invoke").path("/functions/fn8/"),
        Action::Delay(Duration::from_secs(25)),
    ));
    stage.proxy.add(Rule::new(
        Match::op("Invoke").path("/functions/fn8/"),
        Action::unhandled(),
    ));
    let extra = format!("{SMOKE}limits:\n  lambda-control-plane: 1\n");
    let r = promote_all(&stage, &names, "v2", &extra)
        .timeout(Duration::from_secs(240))
        .execute();
    r.assert_end(1, "rolled-back", true);
    let moved = names
        .iter()
        .filter(|f| !writes_of(&stage, f).is_empty())
        .count();
    assert!(
        moved >= 6,
        "only {moved} functions had moved: {:#?}",
        stage.proxy.counts()
    );
    for f in &names {
        let alias = stage.aws.alias(f, "live");
        assert_eq!(
            alias.version, "1",
            "{f} left moved: {alias:?}\n{}",
            r.stderr
        );
    }
}
