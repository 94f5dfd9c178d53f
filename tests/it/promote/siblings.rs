//! Environments of several functions, and the versions around them: one failing function
//! leaves every alias where it was, a missing alias is created (and deleted on failure), and
//! pruning keeps what an alias serves.

use super::*;
use crate::support::SMOKE;

#[test]
fn one_failing_function_leaves_every_alias_of_the_environment_where_it_was() {
    let contract = dev_contract("pair", &["worker-a", "worker-b"], SMOKE);
    let fx = Fixture::with(world(
        &["v1", "v2"],
        vec![function_on_v1("worker-a"), function_on_v1("worker-b")],
    ));
    let before = fx.moto.lambda_state(&["worker-a", "worker-b"]);
    // The functions run concurrently: whichever smoke test comes second fails.
    fx.moto.queue_invoke_result(r#"{"ok": true}"#);
    fx.moto.queue_invoke_result(r#"{"errorMessage": "boom"}"#);

    let r = fx
        .on_dev(&contract)
        .input("image", &format!("{REPO}:v2"))
        .execute();
    r.assert_code(1);
    let result = r.out("result");
    assert!(
        result == "failed" || result == "rolled-back",
        "result {result}"
    );
    let after = fx.moto.lambda_state(&["worker-a", "worker-b"]);
    for function in ["worker-a", "worker-b"] {
        assert_eq!(
            after[function]["aliases"], before[function]["aliases"],
            "{function}: alias version, routing and description as before the run"
        );
    }
    assert!(r.summary.contains("boom"), "{}", r.summary);
}

#[test]
fn a_missing_alias_is_created_and_deleted_again_when_a_sibling_fails() {
    let contract = dev_contract("pair", &["worker-new", "worker-old"], SMOKE);
    let fx = Fixture::with(world(
        &["v1", "v2"],
        vec![
            json!({"name": "worker-new", "image": {"repository": "worker", "tag": "v1"}}),
            function_on_v1("worker-old"),
        ],
    ));
    let run = || fx.on_dev(&contract).input("image", &format!("{REPO}:v2"));
    let before = fx.moto.lambda_state(&["worker-new", "worker-old"]);
    assert_eq!(before["worker-new"]["aliases"], json!({}));

    fx.moto.queue_invoke_result(r#"{"ok": true}"#);
    fx.moto.queue_invoke_result(r#"{"errorMessage": "boom"}"#);
    let failed = run().execute();
    failed.assert_code(1);
    let after = fx.moto.lambda_state(&["worker-new", "worker-old"]);
    assert_eq!(
        after["worker-new"]["aliases"],
        json!({}),
        "the alias this run created is gone again"
    );
    assert_eq!(
        after["worker-old"]["aliases"],
        before["worker-old"]["aliases"]
    );

    // Without a failure the alias is created and records that nothing came before.
    let ok = run().execute();
    ok.assert_code(0);
    assert_eq!(ok.out("result"), "success");
    assert!(
        ok.stdout
            .contains("alias live of worker-new does not exist yet"),
        "the missing alias is a warning, not drift:\n{}",
        ok.stdout
    );
    let (version, description) = fx.moto.alias("worker-new", "live");
    assert!(!version.is_empty(), "alias created");
    assert!(description.contains("previous=none"), "{description}");
}

#[test]
fn pruning_keeps_the_newest_and_every_aliased_version() {
    let contract = dev_contract("dev", &["worker-dev"], "    keep-versions: 3\n");
    let image = version;
    let mut spec = seed_spec();
    // Versions 1–5; `live` serves 5, `beta` serves 3 and routes 20% to 1.
    spec["functions"] = json!([{"name": "worker-dev",
        "versions": [image("v1"), image("v2"), image("v1"), image("v2"), image("v1")],
        "aliases": [{"name": "live", "version": 5},
                    {"name": "beta", "version": 3, "weights": {"1": 0.2}}]}]);
    let fx = Fixture::with(spec);
    assert_eq!(fx.moto.versions("worker-dev"), [1, 2, 3, 4, 5]);

    let r = fx
        .on_dev(&contract)
        .input("image", &format!("{REPO}:v3"))
        .execute();
    r.assert_code(0);
    assert_eq!(r.out("result"), "success");
    assert_eq!(r.out("version"), "6");
    // Newest three (4, 5, 6) kept; 3 and 1 are aliased (1 as a routing weight); only 2 goes.
    // The realism proxy takes the delete itself (moto would reuse the number, tests/MOTO.md):
    // the version is gone for the binary, and moto still lists it.
    let deleted = fx.proxy.with_model(|m| m.deleted_versions("worker-dev"));
    assert_eq!(deleted, ["2"]);
    assert_eq!(fx.moto.versions("worker-dev"), [1, 2, 3, 4, 5, 6]);
    let state = fx.moto.lambda_state(&["worker-dev"]);
    assert_eq!(state["worker-dev"]["aliases"]["beta"]["version"], "3");
    assert_eq!(
        state["worker-dev"]["aliases"]["beta"]["weights"],
        json!({"1": 0.2})
    );
    assert!(r.summary.contains("deleted versions 2"), "{}", r.summary);
}
