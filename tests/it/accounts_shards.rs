//! Fan-out through the Actions matrix (issue 12): plan's `matrix` output, one promote job
//! per (account, region) shard with the `shard` input, and the rollback-all job that
//! rolls every shard back when any failed (`examples/matrix.yml` has the workflow).

use crate::support::accounts_world::{PROD, World};
use crate::support::{Action, Fault, Match, Rule};
use serde_json::Value;

const US: &str = "production/333333333333/us-east-1";
const EU: &str = "production/333333333333/eu-west-1";

#[test]
fn plan_writes_a_matrix_that_from_json_accepts() {
    let w = World::start(true);
    // Staging first: production's source image is then dev's, in a registry that
    // grants production (staging's own registry does not).
    w.action()
        .input("command", "promote")
        .push_branch("main")
        .execute()
        .assert_code(0);
    let r = w
        .action()
        .input("command", "plan")
        .push_tag("v1.0.0")
        .execute();
    r.assert_code(0);
    let raw = r.output("matrix").expect("matrix output");
    assert!(!raw.contains('\n'), "one line: {raw}");
    // fromJSON parses JSON; strategy.matrix wants `include` as a list of objects.
    let m: Value = serde_json::from_str(raw).expect("matrix is JSON");
    let include = m["include"].as_array().expect("include is a list");
    let shards: Vec<&str> = include
        .iter()
        .map(|e| e["shard"].as_str().unwrap())
        .collect();
    assert_eq!(shards, [US, EU]);
    for e in include {
        assert_eq!(e["environment"], "production");
        assert_eq!(e["account"], PROD);
        for key in ["shard", "environment", "account", "region"] {
            assert!(
                e[key].as_str().is_some_and(|v| !v.is_empty()),
                "{key} in {e}"
            );
        }
    }
    assert_eq!(include[1]["region"], "eu-west-1");
    assert_eq!(r.output("result"), Some("planned"));
}

#[test]
fn rollback_all_restores_every_shard_this_run_moved() {
    let w = World::start(true);
    w.action()
        .input("command", "promote")
        .push_branch("main")
        .execute()
        .assert_code(0);
    // The eu-west-1 shard fails its update; the us-east-1 shard succeeds.
    w.proxy.add(Rule::new(
        Match::op("UpdateFunctionCode").path("worker-prod-eu"),
        Action::Fail(Fault::status(
            400,
            "InvalidParameterValueException",
            "injected",
        )),
    ));
    let job = |shard: &str, command: &str| {
        w.action()
            .input("command", command)
            .input("shard", shard)
            .push_tag("v1.0.0")
            .execute()
    };
    let us = job(US, "promote");
    us.assert_code(0);
    let eu = job(EU, "promote");
    eu.assert_code(1);
    assert_eq!(eu.output("result"), Some("failed"));
    assert_eq!(w.live(PROD, "us-east-1", "worker-prod").0, "2");
    assert_eq!(
        w.live(PROD, "eu-west-1", "worker-prod-eu").0,
        "1",
        "its own all-or-nothing"
    );

    // if: failure() → rollback --shard for every entry of the matrix.
    let back = job(US, "rollback");
    back.assert_code(0);
    assert_eq!(back.output("result"), Some("success"));
    assert_eq!(w.live(PROD, "us-east-1", "worker-prod").0, "1");
    let back = job(EU, "rollback");
    back.assert_code(0);
    assert_eq!(back.output("result"), Some("no-op"));
    assert!(
        back.stdout.contains("nothing to roll back"),
        "{}",
        back.stdout
    );
    assert_eq!(w.live(PROD, "eu-west-1", "worker-prod-eu").0, "1");
}

#[test]
fn a_later_run_does_not_undo_an_earlier_runs_shard() {
    let w = World::start(true);
    w.action()
        .input("command", "promote")
        .push_branch("main")
        .execute()
        .assert_code(0);
    w.action()
        .input("command", "promote")
        .input("shard", US)
        .push_tag("v1.0.0")
        .execute()
        .assert_code(0);
    let r = w
        .action()
        .env("GITHUB_RUN_ID", "5151")
        .input("command", "rollback")
        .input("shard", US)
        .push_tag("v1.0.0")
        .execute();
    r.assert_code(0);
    assert_eq!(r.output("result"), Some("no-op"));
    assert_eq!(w.live(PROD, "us-east-1", "worker-prod").0, "2");
}

#[test]
fn an_unknown_shard_lists_the_known_ones() {
    let w = World::start(true);
    let r = w
        .action()
        .input("command", "promote")
        .input("shard", "production/333333333333/ap-south-1")
        .push_tag("v1.0.0")
        .execute();
    r.assert_code(2);
    assert!(r.stderr.contains("input `shard`"), "{}", r.stderr);
    assert!(
        r.stderr.contains(US) && r.stderr.contains(EU),
        "{}",
        r.stderr
    );
}
