//! README promises about a promotion's edges, each through the binary against the realism
//! proxy (issue 19, item 10): a rollback racing a canary, a drifted secret stopping a
//! deploy, a dry run that ends `no-op`, a canary on an alias that does not exist yet, a
//! custom `error-pattern` sent as written, and the 60 s bound on one attempt of a call.

use crate::support::seed::{function, repository, version};
use crate::support::{Action, FUNCTION, Match, Moto, Proxy, Realism, Rule, Run, Stage, canary};
use serde_json::{Value, json};
use std::time::Duration;

#[test]
fn a_rollback_racing_a_canary_wins_and_the_canary_does_not_overwrite_it() {
    let stage = Stage::realistic(601);
    let running = stage.promote("v2", &canary("[10, 50]", "20s")).spawn();
    stage.wait_canary_started();
    let back = stage.rollback("").input("to-version", "1").execute();
    back.assert_code(0);
    assert_eq!(back.output("result"), Some("success"), "{}", back.stderr);
    let r = running.wait();
    assert_ne!(
        r.code,
        Some(0),
        "the canary cannot succeed over the rollback"
    );
    assert_ne!(r.output("result"), Some("success"));
    // Both end on the old version, with no routing left.
    stage.assert_alias("1");
}

/// moto with `worker` (version 1 on v1 behind `live`, `AURORA_HOST` in its environment)
/// behind the realism proxy.
fn with_environment(host: &str) -> (Moto, Proxy, Value) {
    let moto = Moto::start();
    let mut worker = function(FUNCTION, &["v1"], 1, Some("seeded"));
    worker["environment"] = json!({"AURORA_HOST": host});
    let seeded =
        moto.seed(json!({"ecr": [repository("worker", &["v1", "v2"])], "functions": [worker]}));
    let proxy = Proxy::start(moto.port(), 602);
    proxy.model(Realism::new());
    (moto, proxy, seeded)
}

#[test]
fn a_drifted_secret_stops_the_deploy_before_any_write() {
    let (moto, proxy, seeded) = with_environment("db.prod.internal");
    let before = moto.lambda_state(&[FUNCTION]);
    let checks = "    checks:\n      - function-env:\n          function: worker\n          \
                  keys: [AURORA_HOST]\n          equals-env: { AURORA_HOST: AURORA_HOST }\n";
    let uri = seeded["repositories"]["worker"]["uri"]
        .as_str()
        .expect("uri");
    let r = Run::action()
        .push_branch("main")
        .endpoint(&proxy.endpoint())
        .contract_text(&crate::support::stage_contract(checks))
        .input("command", "promote")
        .input("image", &format!("{uri}:v2"))
        .env("AURORA_HOST", "db.staging.internal")
        .execute();
    r.assert_end(1, "drift", false);
    assert_eq!(proxy.count("UpdateFunctionCode"), 0);
    assert_eq!(proxy.count("UpdateAlias"), 0);
    assert_eq!(moto.lambda_state(&[FUNCTION]), before, "nothing written");
    // The secret and the live value it is compared with are never shown.
    let all = format!(
        "{}{}{}{}",
        r.stdout.replace("::add-mask::db.staging.internal", ""),
        r.stderr,
        r.summary,
        r.outputs_raw
    );
    assert!(!all.contains("db.staging.internal"), "{all}");
    assert!(!all.contains("db.prod.internal"), "{all}");
}

#[test]
fn a_dry_run_of_the_live_image_ends_no_op_and_writes_nothing() {
    let stage = Stage::realistic(603);
    let r = stage.promote("v1", "").input("dry-run", "true").execute();
    r.assert_end(0, "no-op", false);
    for op in [
        "UpdateFunctionCode",
        "PublishVersion",
        "UpdateAlias",
        "CreateAlias",
    ] {
        assert_eq!(stage.proxy.count(op), 0, "{op}");
    }
    stage.assert_alias("1");
}

#[test]
fn a_canary_on_an_alias_that_does_not_exist_yet_moves_at_once() {
    let moto = Moto::start();
    let seeded = moto.seed(json!({
        "ecr": [repository("worker", &["v1", "v2"])],
        "functions": [{"name": FUNCTION, "versions": [version("v1")], "aliases": []}],
    }));
    let proxy = Proxy::start(moto.port(), 604);
    proxy.model(Realism::new());
    let uri = seeded["repositories"]["worker"]["uri"]
        .as_str()
        .expect("uri");
    let r = Run::action()
        .push_branch("main")
        .endpoint(&proxy.endpoint())
        .contract_text(&crate::support::stage_contract(&canary("[10, 50]", "30s")))
        .input("command", "promote")
        .input("image", &format!("{uri}:v2"))
        .execute();
    r.assert_end(0, "success", false);
    assert_eq!(proxy.count("CreateAlias"), 1);
    // No step was waited out: nothing to split against.
    assert_eq!(proxy.count("UpdateAlias"), 0, "{:#?}", proxy.counts());
    assert!(r.canary_records().is_empty(), "{:#?}", r.canary_records());
    assert_eq!(moto.alias(FUNCTION, "live").0, "2");
}

#[test]
fn a_custom_error_pattern_is_sent_to_cloudwatch_logs_as_written() {
    let stage = Stage::realistic(605);
    let block = canary("[50]", "2s").replace("error-pattern: ERROR", "error-pattern: Traceback");
    let running = stage.promote("v2", &block).spawn();
    stage.wait_canary_started();
    // A stream of the new version, so the canary has something to filter.
    stage.log("2", "fresh", &["INFO fine"]);
    let r = running.wait();
    r.assert_end(0, "success", false);
    let reads: Vec<String> = stage
        .proxy
        .log()
        .into_iter()
        .filter(|s| s.op == "FilterLogEvents")
        .map(|s| s.body)
        .collect();
    // The error count asks CloudWatch with the pattern as written (other reads count every
    // event examined, with no pattern), and no other pattern is ever sent.
    let patterned: Vec<&String> = reads
        .iter()
        .filter(|b| b.contains("filterPattern"))
        .collect();
    assert!(!patterned.is_empty(), "{reads:#?}");
    for body in patterned {
        assert!(body.contains("\"filterPattern\":\"Traceback\""), "{body}");
    }
}

#[test]
fn one_attempt_of_a_call_is_cut_at_60_seconds_and_retried() {
    let stage = Stage::realistic(606);
    // The first alias read never answers; the SDK's next attempt goes through.
    stage
        .proxy
        .add(Rule::new(Match::op("GetAlias"), Action::Hang).times(1));
    let r = stage
        .promote("v2", "")
        .timeout(Duration::from_secs(150))
        .execute();
    r.assert_end(0, "success", false);
    let reads: Vec<_> = stage
        .proxy
        .log()
        .into_iter()
        .filter(|s| s.op == "GetAlias")
        .collect();
    let (hung, retry) = (&reads[0], &reads[1]);
    assert_eq!(hung.status, 0, "{reads:#?}");
    let waited = retry.at.duration_since(hung.at);
    assert!(
        waited >= Duration::from_secs(60) && waited < Duration::from_secs(75),
        "the retry came {waited:?} after the hung attempt"
    );
}
