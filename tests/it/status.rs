//! `status` through the binary (issue 23): after a promotion it shows what the alias serves,
//! the digest, the commit and run of the provenance, the publish time, and the way back,
//! whose image is reported gone once deleted from ECR; a canary under way shows its weights.
//! It writes nothing.

use crate::support::boto::boto;
use crate::support::{Run, RunResult, Stage, stage_contract};
use serde_json::Value;

fn status(stage: &Stage) -> RunResult {
    Run::action()
        .endpoint(&stage.proxy.endpoint())
        .contract_text(&stage_contract(""))
        .input("command", "status")
        .execute()
}

fn rows(r: &RunResult) -> Value {
    let text = r.output("report").expect("output report");
    serde_json::from_str(text).expect("report is JSON")
}

#[test]
fn status_shows_what_runs_where_and_the_way_back() {
    let stage = Stage::start(2320);
    stage.promote("v2", "").execute().assert_code(0);
    stage.proxy.clear_log();
    let r = status(&stage);
    r.assert_code(0);
    assert_eq!(r.output("result"), Some("success"));
    let all = rows(&r);
    let f = &all[0]["functions"][0];
    assert_eq!(all[0]["environment"], "prod");
    assert_eq!(f["function"], "worker");
    assert_eq!(f["version"], "2");
    assert_eq!(f["image_digest"], stage.digest("v2").as_str());
    assert_eq!(f["commit"], "0123456789ab");
    assert_eq!(f["run"], "4242");
    assert!(f["published"].is_string(), "{f}");
    assert_eq!(f["rollback_to"], "1");
    assert_eq!(f["rollback_image"], true);
    assert!(
        r.summary
            .contains("| prod (us-east-1) | worker | live → 2 |"),
        "{}",
        r.summary
    );
    assert!(r.summary.contains("1 (image present)"), "{}", r.summary);
    let counts = stage.proxy.counts();
    for write in [
        "UpdateAlias",
        "UpdateFunctionCode",
        "PublishVersion",
        "CreateAlias",
    ] {
        assert!(!counts.contains_key(write), "status wrote: {counts:?}");
    }

    // A canary under way: the weights show.
    boto(
        &stage.moto,
        "lam.update_alias(FunctionName='worker', Name='live', \
         RoutingConfig={'AdditionalVersionWeights': {'1': 0.25}})",
    );
    let r = status(&stage);
    r.assert_code(0);
    assert_eq!(rows(&r)[0]["functions"][0]["weights"]["1"], 0.25);
    assert!(
        r.stdout.contains("live → 2 + 1 25% (canary)"),
        "{}",
        r.stdout
    );
}

/// moto answers a version's `GetFunction` with the code `$LATEST` has now (tests/MOTO.md), so
/// the gone image is shown on a rollback target that is the version the alias serves.
#[test]
fn status_says_when_the_rollback_targets_image_is_gone() {
    let stage = Stage::start(2321);
    boto(
        &stage.moto,
        "lam.update_alias(FunctionName='worker', Name='live', Description='lambda-promote previous=1 run=7')\n\
         ecr.batch_delete_image(repositoryName='worker', imageIds=[{'imageTag': 'v1'}])",
    );
    let r = status(&stage);
    r.assert_code(0);
    let f = &rows(&r)[0]["functions"][0];
    assert_eq!(f["rollback_to"], "1");
    assert_eq!(f["rollback_image"], false);
    assert!(r.summary.contains("1 (image GONE)"), "{}", r.summary);
}
