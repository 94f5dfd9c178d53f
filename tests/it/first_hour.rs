//! No silent footguns (issue 25), through the real binary: an input spelled the way shells
//! write it is honoured with a warning, an unknown input is a warning naming the closest one,
//! the `image` input given to a `from:` environment is a warning, `rollback` needs its
//! `environment`, and a contract duration without a unit is an error at its position.
//!
//! Bare moto (no realism proxy): these runs stop on input, contract and report rules before
//! any AWS timing matters.

use crate::support::seed::{function, world};
use crate::support::{Aws, Moto, Recorder, Run, RunResult, dev_contract};

/// The job summary with markdown's escaped backticks read back.
fn summary(r: &RunResult) -> String {
    r.summary.replace("&#96;", "`")
}

const REPO: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com/worker";

const TWO: &str = r#"version: 1
region: us-east-1
environments:
  dev:
    when: { branch: dev }
    image: input
    functions: [{ name: worker-dev }]
  staging:
    when: { branch: main }
    image: { from: dev }
    functions: [{ name: worker-staging }]
"#;

#[test]
fn an_underscored_input_is_honoured_and_named_the_runners_way() {
    let moto = Moto::start();
    moto.seed(world(
        &["v1", "v2", "v3"],
        vec![function("worker-dev", &["v1", "v2", "v3"], 3, None)],
    ));
    let r = Run::action()
        .endpoint(&moto.endpoint())
        .contract_text(&dev_contract("dev", &["worker-dev"], ""))
        .push_branch("dev")
        .input("command", "rollback")
        .env("INPUT_TO_VERSION", "1")
        .execute();
    r.assert_code(0);
    assert_eq!(r.out("version"), "1", "INPUT_TO_VERSION was read");
    assert_eq!(moto.alias("worker-dev", "live").0, "1");
    let said =
        "INPUT_TO_VERSION is read as input `to-version`; the runner spells it INPUT_TO-VERSION";
    assert!(r.stdout.contains("::warning"), "{}", r.stdout);
    assert!(r.stdout.contains(said), "{}", r.stdout);
    assert!(summary(&r).contains(said), "{}", r.summary);
}

#[test]
fn both_spellings_with_different_values_are_an_input_error() {
    let recorder = Recorder::start();
    let r = recorder
        .action(&dev_contract("dev", &["worker-dev"], ""))
        .input("command", "rollback")
        .input("to-version", "2")
        .env("INPUT_TO_VERSION", "3")
        .execute();
    r.assert_code(2);
    assert!(r.stderr.contains("input `to-version`"), "{}", r.stderr);
    recorder.assert_no_requests();
}

#[test]
fn an_unknown_input_is_a_warning_naming_the_closest() {
    let recorder = Recorder::start();
    let r = recorder
        .action(TWO)
        .env("INPUT_ENVIROMENT", "staging")
        .push_branch("feature/x")
        .execute();
    r.assert_code(0);
    assert_eq!(r.output("result"), Some("skipped"));
    let said = "INPUT_ENVIROMENT is not an input of lambda-promote and is ignored; did you mean `environment` (INPUT_ENVIRONMENT)?";
    assert!(r.stdout.contains(said), "{}", r.stdout);
    assert!(summary(&r).contains(said), "{}", r.summary);
    recorder.assert_no_requests();
}

#[test]
fn the_image_input_for_a_from_environment_is_a_warning() {
    let moto = Moto::start();
    let on_v1 = |name: &str| function(name, &["v1"], 1, None);
    let staging_on_v2 = function("worker-staging", &["v1", "v2"], 2, None);
    moto.seed(world(
        &["v1", "v2"],
        vec![on_v1("worker-dev"), staging_on_v2],
    ));
    let r = Run::action()
        .endpoint(&moto.endpoint())
        .contract_text(TWO)
        .push_branch("main")
        .input("command", "plan")
        .input("image", &format!("{REPO}:v2"))
        .execute();
    r.assert_code(0);
    assert_eq!(r.out("result"), "planned");
    let said = "input `image` is ignored: environment `staging` promotes the image `dev` serves";
    assert!(r.stdout.contains(said), "{}", r.stdout);
    assert!(summary(&r).contains(said), "{}", r.summary);
    // What it plans is the image dev serves (v1), not the input's v2.
    let dev = Aws::new(&moto.endpoint()).digest_of("worker-dev", "1");
    assert_eq!(r.out("image-digest"), dev);
}

#[test]
fn rollback_without_environment_is_an_input_error_naming_the_environments() {
    for branch in ["main", "feature/x"] {
        let recorder = Recorder::start();
        let r = recorder
            .action(TWO)
            .input("command", "rollback")
            .push_branch(branch)
            .execute();
        r.assert_code(2);
        for needle in ["input `environment`", "`rollback` needs", "dev, staging"] {
            assert!(r.stderr.contains(needle), "{needle}: {}", r.stderr);
        }
        assert!(r.stdout.contains("::error::"), "{}", r.stdout);
        recorder.assert_no_requests();
    }
}

#[test]
fn an_unknown_environment_lists_the_known_ones() {
    let recorder = Recorder::start();
    let r = recorder
        .action(TWO)
        .input("command", "rollback")
        .input("environment", "prod")
        .execute();
    r.assert_code(2);
    assert!(
        r.stderr
            .contains("no environment `prod` in .github/lambda-promote.yml; known: dev, staging"),
        "{}",
        r.stderr
    );
    recorder.assert_no_requests();
}

#[test]
fn a_contract_duration_without_a_unit_is_an_error_at_its_position() {
    let recorder = Recorder::start();
    let contract = dev_contract(
        "dev",
        &["worker-dev"],
        "    strategy:\n      canary:\n        steps: [10]\n        interval: 20\n",
    );
    let r = Run::cli(["validate", "--environment", "dev"])
        .endpoint(&recorder.endpoint())
        .contract_text(&contract)
        .execute();
    r.assert_code(2);
    let said = ".github/lambda-promote.yml:11:19: `environments.dev.strategy.canary.interval`: `20` has no unit; write `20m` or `20s`";
    assert!(r.stderr.contains(said), "{}", r.stderr);
    recorder.assert_no_requests();
}
