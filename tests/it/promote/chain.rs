//! The chain dev → staging → production: one digest through every environment, the no-op
//! second run, a failing smoke test, and `auto` on a dispatch.

use super::*;

#[test]
fn dev_by_digest_deploys_that_digest() {
    let fx = Fixture::new();
    let v3 = fx.digest("v3");
    let r = fx
        .push_branch("dev")
        .input("image", &format!("{REPO}@{v3}"))
        .execute();
    r.assert_code(0);
    assert_eq!(r.out("result"), "success");
    assert_eq!(r.out("image-digest"), v3);
    assert_eq!(r.out("image-uri"), format!("{REPO}@{v3}"));
    assert_eq!(r.out("version"), "2");
    let state = fx.state();
    assert_eq!(state["worker-dev"]["aliases"]["live"]["version"], "2");
    assert_eq!(
        state["worker-dev"]["versions"]["2"]["code_sha256"],
        v3.trim_start_matches("sha256:")
    );
}

#[test]
fn a_second_identical_run_is_a_noop_that_publishes_nothing() {
    let fx = Fixture::new();
    let image = format!("{REPO}:v2");
    fx.push_branch("dev")
        .input("image", &image)
        .execute()
        .assert_code(0);
    let before = fx.state();

    let again = fx.push_branch("dev").input("image", &image).execute();
    again.assert_code(0);
    assert_eq!(again.out("result"), "no-op");
    assert_eq!(again.out("version"), "2");
    assert_eq!(again.out("previous-version"), "2");
    assert_eq!(fx.state(), before, "a no-op writes nothing");
    assert_eq!(fx.moto.versions("worker-dev"), [1, 2], "no new version");
}

#[test]
fn a_failing_smoke_test_leaves_the_alias_untouched() {
    let fx = Fixture::new();
    fx.push_branch("dev")
        .input("image", &format!("{REPO}:v2"))
        .execute()
        .assert_code(0);
    fx.push_branch("main").execute().assert_code(0);
    let prod_before = fx.state()["worker-prod"]["aliases"].clone();

    fx.moto
        .queue_invoke_result(r#"{"errorMessage": "boom: the database is down"}"#);
    let r = fx.push_tag("v1.2.3").execute();
    r.assert_code(1);
    assert_eq!(r.out("result"), "failed");
    assert_eq!(r.out("rolled-back"), "false");
    assert_eq!(r.out("version"), "1", "the alias still serves version 1");
    assert_eq!(
        fx.state()["worker-prod"]["aliases"],
        prod_before,
        "alias untouched"
    );
    assert!(
        r.summary.contains("boom: the database is down"),
        "the summary shows the error message:\n{}",
        r.summary
    );
    assert!(
        r.stdout.contains("::error") && r.stdout.contains("boom"),
        "an error annotation names the failure:\n{}",
        r.stdout
    );
}

#[test]
fn auto_promotes_on_workflow_dispatch_to_the_named_environment() {
    let fx = Fixture::new();
    let r = Run::action()
        .endpoint(&fx.endpoint())
        .contract_text(CONTRACT)
        .event("workflow_dispatch", json!({"inputs": {}}))
        .git_ref("refs/heads/feature-x")
        .input("environment", "dev")
        .input("image", &format!("{REPO}:v3"))
        .execute();
    r.assert_code(0);
    assert_eq!(r.out("result"), "success");
    assert_eq!(r.out("environment"), "dev");
    assert_eq!(r.report()["command"], "promote");
    assert_eq!(fx.moto.alias("worker-dev", "live").0, "2");
}
