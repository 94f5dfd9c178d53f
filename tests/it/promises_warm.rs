//! README promises about warm versions, through the binary against the realism proxy (issue
//! 19, item 10): a SnapStart version that ends `Failed` and provisioned concurrency that
//! ends `FAILED` fail the run before any traffic moves, and after a success the old
//! version's own provisioned concurrency is removed.

use crate::support::{FUNCTION, SMOKE, Stage, canary};
use std::time::Duration;

#[test]
fn a_snapstart_version_that_fails_stops_the_release_with_the_alias_untouched() {
    let stage = Stage::realistic(701);
    stage.proxy.with_model(|m| {
        m.snapstart(FUNCTION, Duration::from_secs(1));
        m.warm_up_fails(FUNCTION);
    });
    let r = stage.promote("v2", SMOKE).execute();
    r.assert_end(1, "failed", false);
    assert_eq!(stage.proxy.count("UpdateAlias"), 0);
    assert_eq!(
        stage.proxy.count("Invoke"),
        0,
        "no smoke test of a Failed version"
    );
    stage.assert_alias("1");
    let steps = r.steps();
    assert!(steps.contains("wait-active"), "{steps}");
}

#[test]
fn provisioned_concurrency_that_fails_stops_the_release_and_removes_what_it_added() {
    let stage = Stage::realistic(702);
    // On the version the alias serves: Lambda refuses weights on an alias with its own
    // provisioned concurrency (SPEC §10), and the pre-flight check stops that before any write.
    stage.proxy.with_model(|m| {
        m.provisioned(FUNCTION, "1", 5);
        m.warm_up_fails(FUNCTION);
    });
    let r = stage.promote("v2", &canary("[50]", "1s")).execute();
    r.assert_end(1, "failed", false);
    assert_eq!(stage.proxy.count("UpdateAlias"), 0, "no traffic moved");
    stage.assert_alias("1");
    assert!(
        stage
            .proxy
            .with_model(|m| m.provisioned_config(FUNCTION, "2"))
            .is_none(),
        "the configuration this run added is removed"
    );
    assert!(
        stage
            .proxy
            .with_model(|m| m.provisioned_config(FUNCTION, "1"))
            .is_some(),
        "the old version's own is left alone"
    );
}

#[test]
fn after_a_success_the_old_versions_own_provisioned_concurrency_is_removed() {
    let stage = Stage::realistic(703);
    stage.proxy.with_model(|m| m.provisioned(FUNCTION, "1", 3));
    let r = stage.promote("v2", &canary("[50]", "1s")).execute();
    r.assert_end(0, "success", false);
    stage.assert_alias("2");
    let (new, old) = stage.proxy.with_model(|m| {
        (
            m.provisioned_config(FUNCTION, "2"),
            m.provisioned_config(FUNCTION, "1"),
        )
    });
    assert_eq!(
        new.map(|c| c.0),
        Some(3),
        "the new version got the same amount"
    );
    assert!(
        old.is_none(),
        "the old version's own configuration is removed"
    );
}
