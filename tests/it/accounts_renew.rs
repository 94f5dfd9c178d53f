//! Assumed-role credentials renew before they expire: a run that outlasts its
//! session asks GitHub for a fresh OIDC token and exchanges it again. AWS's shortest
//! session is 900 s; the proxy stands in for a shorter one by asking moto for 35 s
//! (moto's `Expiration` is now + `DurationSeconds`, `moto/sts/models.py`).

use crate::support::accounts_world::{STAGING, World};
use crate::support::{Action, Match, Rule};
use std::time::Duration;

#[test]
fn a_run_longer_than_its_session_gets_fresh_credentials() {
    let w = World::start(true);
    w.proxy.add(Rule::new(
        Match::op("AssumeRoleWithWebIdentity"),
        Action::RewriteRequest("DurationSeconds=3600".into(), "DurationSeconds=35".into()),
    ));
    // The update of staging takes 30 s: longer than the session's life less the
    // SDK's 10–15 s renewal window.
    w.proxy.add(
        Rule::new(
            Match::op("GetFunction").path("/functions/worker-staging"),
            Action::Hold {
                hold: Duration::from_secs(30),
                failed: None,
            },
        )
        .after("UpdateFunctionCode"),
    );
    let r = w
        .action()
        .input("command", "promote")
        .push_branch("main")
        .execute();
    r.assert_code(0);
    assert_eq!(r.output("result"), Some("success"), "{}", r.stdout);
    assert_eq!(w.live(STAGING, "us-east-1", "worker-staging").0, "2");
    // dev's and staging's first exchange share the run's one token; staging's
    // renewal asks for a fresh one and exchanges it again.
    assert!(
        w.oidc.requests() >= 2,
        "token requests: {}",
        w.oidc.requests()
    );
    let exchanges = w.proxy.count("AssumeRoleWithWebIdentity");
    assert!(exchanges >= 3, "exchanges: {exchanges}");
}
