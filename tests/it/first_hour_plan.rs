//! Refusing what cannot work before any write (issue 25), through the real binary: a canary
//! lasts steps × (interval + the wait for late signals), `plan` shows it next to the
//! `timeout`, and a `timeout` shorter than it is an input error before any AWS call. `plan`
//! also names the environment's CloudFront invalidation.
//!
//! Bare moto (no realism proxy): `plan` only reads, and the figure tested is computed from
//! the contract.

use crate::support::seed::{function, world};
use crate::support::{Moto, Recorder, Run, dev_contract};

const REPO: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com/worker";

fn canary_contract() -> String {
    dev_contract(
        "dev",
        &["worker-dev"],
        "    strategy:\n      canary:\n        steps: [10]\n        interval: 20s\n    \
         invalidate:\n      distribution-id-env: CLOUDFRONT_DISTRIBUTION_ID\n      paths: [\"/*\"]\n",
    )
}

#[test]
fn a_timeout_shorter_than_the_canary_is_refused_before_any_aws_call() {
    for command in ["promote", "plan"] {
        let recorder = Recorder::start();
        let r = recorder
            .action(&canary_contract())
            .push_branch("dev")
            .input("command", command)
            .input("image", &format!("{REPO}:v2"))
            .input("timeout", "10s")
            .execute();
        r.assert_code(2);
        let said = "input `timeout`: `10s` is shorter than the canary of `dev`, which takes at least 40s: 1 step × (20s + 20s for late metrics)";
        assert!(r.stderr.contains(said), "{command}: {}", r.stderr);
        assert!(r.stdout.contains("::error::"), "{}", r.stdout);
        recorder.assert_no_requests();
    }
}

#[test]
fn plan_shows_the_canarys_real_duration_and_the_invalidation() {
    let moto = Moto::start();
    moto.seed(world(
        &["v1", "v2"],
        vec![function("worker-dev", &["v1"], 1, None)],
    ));
    let r = Run::action()
        .endpoint(&moto.endpoint())
        .contract_text(&canary_contract())
        .push_branch("dev")
        .input("command", "plan")
        .input("image", &format!("{REPO}:v2"))
        .input("timeout", "40s")
        .execute();
    r.assert_code(0);
    assert_eq!(r.out("result"), "planned");
    let summary = r.summary.replace("&#96;", "`").replace("&#42;", "*");
    for said in [
        "the canary of `dev` takes at least 40s: 1 step × (20s + 20s for late metrics); the `timeout` is 40s",
        "invalidate the CloudFront distribution in `CLOUDFRONT_DISTRIBUTION_ID`, paths /*",
        "10% for 20s (+20s for late signals)",
    ] {
        assert!(summary.contains(said), "{said}: {summary}");
    }
    let report = r.report();
    let notices = report["notices"].to_string();
    assert!(notices.contains("takes at least 40s"), "{notices}");
}
