//! `rollback` at the binary level against moto behind the realism proxy: back to the version recorded on the alias,
//! to an explicit `to-version`, and a clear refusal of a version that does not exist.

use crate::support::seed::{function, function_on_v1, world};
use crate::support::{Action, Fault, Match, Moto, Proxy, Realism, Rule, Run, dev_contract};
use serde_json::json;
use std::ops::Deref;

/// moto behind the realism proxy: `endpoint()` is the proxy's, for the binary; every other
/// read (`alias`, `lambda_state`, `seed`) goes to moto directly.
struct World {
    moto: Moto,
    proxy: Proxy,
}

impl World {
    fn start() -> World {
        let moto = Moto::start();
        let proxy = Proxy::start(moto.port(), 9);
        proxy.model(Realism::new());
        World { moto, proxy }
    }

    fn endpoint(&self) -> String {
        self.proxy.endpoint()
    }
}

impl Deref for World {
    type Target = Moto;
    fn deref(&self) -> &Moto {
        &self.moto
    }
}

const REPO: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com/worker";

fn moto() -> World {
    let moto = World::start();
    moto.seed(world(
        &["v1", "v2"],
        vec![
            function_on_v1("worker-dev"),
            json!({"name": "zipped", "package_type": "Zip",
                   "versions": [{}], "aliases": [{"name": "live", "version": 1}]}),
        ],
    ));
    moto
}

/// dev promoted to image v2 (version 2), so its alias records version 1 as the previous.
fn promote_v2(moto: &World) {
    Run::action()
        .endpoint(&moto.endpoint())
        .contract_text(&dev_contract("dev", &["worker-dev"], ""))
        .push_branch("dev")
        .input("image", &format!("{REPO}:v2"))
        .execute()
        .assert_code(0);
}

fn rollback(moto: &World) -> Run {
    Run::action()
        .endpoint(&moto.endpoint())
        .contract_text(&dev_contract("dev", &["worker-dev"], ""))
        .push_branch("dev")
        .input("command", "rollback")
}

#[test]
fn rollback_returns_to_the_recorded_previous_version_then_to_an_explicit_one() {
    let moto = moto();
    promote_v2(&moto);
    assert_eq!(moto.alias("worker-dev", "live").0, "2");

    let back = rollback(&moto).execute();
    back.assert_code(0);
    assert_eq!(back.out("result"), "success");
    assert_eq!(back.out("rolled-back"), "true");
    assert_eq!(back.out("previous-version"), "2");
    assert_eq!(back.out("version"), "1");
    let (version, description) = moto.alias("worker-dev", "live");
    assert_eq!(version, "1");
    // The rollback marks the alias rolled back: a second one without `to-version` changes
    // nothing (SPEC "Rollback is idempotent"); `to-version` goes forward on purpose.
    assert!(description.contains("rolled-back-from=2"), "{description}");
    assert!(!description.contains("previous="), "{description}");
    assert!(back.summary.contains("rollback"), "{}", back.summary);

    let forward = rollback(&moto).input("to-version", "2").execute();
    forward.assert_code(0);
    assert_eq!(forward.out("version"), "2");
    assert_eq!(moto.alias("worker-dev", "live").0, "2");
}

#[test]
fn rollback_clears_a_routing_split() {
    let moto = World::start();
    let mut split = function("worker-dev", &["v1", "v2"], 1, None);
    split["aliases"][0]["weights"] = json!({"2": 0.5});
    moto.seed(world(&["v1", "v2"], vec![split]));
    let r = rollback(&moto).input("to-version", "1").execute();
    r.assert_code(0);
    let state = moto.lambda_state(&["worker-dev"]);
    assert_eq!(state["worker-dev"]["aliases"]["live"]["version"], "1");
    assert_eq!(state["worker-dev"]["aliases"]["live"]["weights"], json!({}));
}

#[test]
fn rollback_refuses_a_version_that_does_not_exist_or_no_recorded_previous() {
    let moto = moto();
    let before = moto.lambda_state(&["worker-dev"]);

    let missing = rollback(&moto).input("to-version", "99").execute();
    missing.assert_code(1);
    assert_eq!(missing.out("result"), "failed");
    let error = missing.error();
    assert!(
        error.contains("version 99 of worker-dev does not exist"),
        "{error}"
    );
    assert!(
        missing.summary.contains("does not exist"),
        "{}",
        missing.summary
    );

    // The seeded alias records no previous version: say so and name the input.
    let unrecorded = rollback(&moto).execute();
    unrecorded.assert_code(1);
    let error = unrecorded.error();
    assert!(
        error.contains("records no previous version") && error.contains("to-version"),
        "{error}"
    );
    assert_eq!(
        moto.lambda_state(&["worker-dev"]),
        before,
        "nothing written"
    );
}

#[test]
fn rollback_refuses_a_version_that_is_not_an_image() {
    let moto = moto();
    let before = moto.lambda_state(&["zipped"]);
    let contract = "version: 1\nregion: us-east-1\nenvironments:\n  zip:\n    image: input\n    functions: [{ name: zipped }]\n";
    let r = Run::action()
        .endpoint(&moto.endpoint())
        .contract_text(contract)
        .push_branch("dev")
        .input("command", "rollback")
        .input("environment", "zip")
        .input("to-version", "1")
        .execute();
    r.assert_code(1);
    let error = r.error();
    assert!(error.contains("not a published image version"), "{error}");
    assert_eq!(moto.lambda_state(&["zipped"]), before);
}

#[test]
fn rollback_moves_no_alias_when_one_function_of_the_environment_cannot_roll_back() {
    let moto = World::start();
    let two_versions =
        |name: &str, description: &str| function(name, &["v1", "v2"], 2, Some(description));
    // worker-a records its previous version; worker-b was set by hand and records none.
    moto.seed(world(
        &["v1", "v2"],
        vec![
            two_versions("worker-a", "lambda-promote previous=1 run=7"),
            two_versions("worker-b", "set by hand"),
        ],
    ));
    let before = moto.lambda_state(&["worker-a", "worker-b"]);
    let contract = "version: 1\nregion: us-east-1\nenvironments:\n  pair:\n    image: input\n    functions: [{ name: worker-a }, { name: worker-b }]\n";
    let r = Run::action()
        .endpoint(&moto.endpoint())
        .contract_text(contract)
        .push_branch("dev")
        .input("command", "rollback")
        .input("environment", "pair")
        .execute();
    r.assert_code(1);
    assert_eq!(r.out("result"), "failed");
    assert_eq!(r.out("rolled-back"), "false");
    let error = r.error();
    assert!(
        error.contains("worker-b records no previous version"),
        "{error}"
    );
    assert_eq!(
        moto.lambda_state(&["worker-a", "worker-b"]),
        before,
        "an environment is rolled back whole or not at all"
    );
}

#[test]
fn a_failed_alias_write_puts_back_the_functions_already_rolled_back() {
    let moto = Moto::start();
    let rolled = |name: &str| {
        function(
            name,
            &["v1", "v2"],
            2,
            Some("lambda-promote previous=1 run=7"),
        )
    };
    moto.seed(world(&["v1", "v2"], vec![rolled("api"), rolled("jobs")]));
    // Every write to the second function's alias is refused, after its reads succeeded.
    let proxy = Proxy::start(moto.port(), 1);
    proxy.model(Realism::new());
    proxy.add(Rule::new(
        Match::op("UpdateAlias").path("/functions/jobs/aliases/live"),
        Action::Fail(Fault::status(500, "ServiceException", "injected")),
    ));
    let r = Run::action()
        .endpoint(&proxy.endpoint())
        .contract_text(
            "version: 1\nregion: us-east-1\nenvironments:\n  prod:\n    image: input\n    functions: [{ name: api }, { name: jobs }]\n",
        )
        .input("command", "rollback")
        .input("environment", "prod")
        .execute();
    r.assert_code(1);
    assert_eq!(r.out("result"), "failed");
    // Neither alias moved in the end: the one that was rolled back was put back.
    let (api, description) = moto.alias("api", "live");
    assert_eq!(api, "2", "api was left rolled back");
    assert!(description.contains("previous=1"), "{description}");
    assert_eq!(moto.alias("jobs", "live").0, "2");
    assert!(r.summary.contains("put back"), "{}", r.summary);
}

#[test]
fn rollback_never_touches_an_account_the_contract_does_not_allow() {
    let moto = moto();
    promote_v2(&moto);
    let before = moto.alias("worker-dev", "live");
    assert_eq!(before.0, "2");
    let r = Run::action()
        .endpoint(&moto.endpoint())
        .contract_text(&dev_contract("dev", &["worker-dev"], "").replace(
            "region: us-east-1\n",
            "region: us-east-1\naccount: \"999999999999\"\n",
        ))
        .push_branch("dev")
        .input("command", "rollback")
        .input("to-version", "1")
        .execute();
    r.assert_code(1);
    assert_eq!(r.out("result"), "drift");
    assert!(r.summary.contains("account-mismatch"), "{}", r.summary);
    assert_eq!(moto.alias("worker-dev", "live"), before);
}
