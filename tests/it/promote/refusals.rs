//! What stops a promotion before its first write: a tag no environment takes, a bad tag or
//! image input, an image index, a split source alias, drift; and `plan`, which writes nothing.

use super::*;

#[test]
fn a_tag_that_matches_no_environment_is_skipped_without_aws() {
    let recorder = Recorder::start();
    let r = recorder.action(CONTRACT).push_tag("nightly-2024").execute();
    r.assert_code(0);
    assert_eq!(r.out("result"), "skipped");
    assert!(
        r.stdout.contains("::notice::") && r.stdout.contains("refs/tags/nightly-2024"),
        "a notice names the ref:\n{}",
        r.stdout
    );
    recorder.assert_no_requests();
}

#[test]
fn an_invalid_semver_tag_is_refused_before_any_aws_request() {
    for tag in ["v1.2", "v1.2.3.4"] {
        let recorder = Recorder::start();
        let r = recorder.action(CONTRACT).push_tag(tag).execute();
        r.assert_code(2);
        let all = format!("{}{}", r.stdout, r.stderr);
        assert!(
            all.contains(&format!("`{tag}`")) && all.contains("semantic version"),
            "{tag}: the error names the tag and the rule:\n{all}"
        );
        recorder.assert_no_requests();
    }
}

#[test]
fn a_missing_image_or_repository_is_a_clear_error() {
    let fx = Fixture::new();
    let before = fx.state();
    for (image, expected) in [
        (format!("{REPO}:v9"), "does not exist in ECR"),
        (
            format!("{REPO}@sha256:{}", "0".repeat(64)),
            "does not exist in ECR",
        ),
        (
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/nowhere:v1".to_owned(),
            "does not exist in ECR",
        ),
    ] {
        let r = fx.push_branch("dev").input("image", &image).execute();
        r.assert_code(1);
        assert_eq!(r.out("result"), "failed", "{image}");
        let error = r.error();
        assert!(
            error.contains(expected) && error.contains("push it first or fix the `image` input"),
            "{image}: {error}"
        );
        assert!(
            !error.contains("SdkError") && !error.contains("service error"),
            "no SDK dump: {error}"
        );
        assert!(r.summary.contains(expected), "{}", r.summary);
    }
    assert_eq!(fx.state(), before, "nothing was written");
}

#[test]
fn an_image_index_is_refused_with_the_build_fix() {
    let fx = Fixture::new();
    let before = fx.state();
    let r = fx
        .push_branch("dev")
        .input("image", &format!("{REPO}:multi"))
        .execute();
    r.assert_code(1);
    assert_eq!(r.out("result"), "failed");
    let error = r.error();
    assert!(
        error.contains("image index") && error.contains("--provenance=false"),
        "{error}"
    );
    assert_eq!(fx.state(), before);
}

#[test]
fn from_an_environment_whose_alias_is_split_is_refused() {
    let mut spec = seed_spec();
    // dev mid-canary: live serves 1 and routes 10% to 2.
    spec["functions"][0] = function("worker-dev", &["v1", "v2"], 1, None);
    spec["functions"][0]["aliases"][0]["weights"] = json!({"2": 0.1});
    let fx = Fixture::with(spec);
    let before = fx.state();
    let r = fx.push_branch("main").execute();
    r.assert_code(1);
    assert_eq!(r.out("result"), "failed");
    let error = r.error();
    assert!(
        error.contains("split") && error.contains("settled release"),
        "{error}"
    );
    assert_eq!(fx.state(), before);
}

#[test]
fn drift_stops_the_promotion_before_the_first_write() {
    let checks = "    checks:\n      - function-env:\n          function: worker-dev\n          \
                  keys: [AURORA_HOST]\n";
    let contract = dev_contract("dev", &["worker-dev"], checks);
    let fx = Fixture::new();
    let before = fx.state();
    let r = fx
        .on_dev(&contract)
        .input("image", &format!("{REPO}:v2"))
        .execute();
    r.assert_code(1);
    assert_eq!(r.out("result"), "drift");
    assert_eq!(r.out("drift"), "true");
    assert!(r.summary.contains("function-env-missing"), "{}", r.summary);
    assert_eq!(fx.state(), before);
}

#[test]
fn an_empty_image_input_is_a_usage_error_before_any_aws_request() {
    let recorder = Recorder::start();
    let r = recorder.action(CONTRACT).push_branch("dev").execute();
    r.assert_code(2);
    assert!(
        format!("{}{}", r.stdout, r.stderr).contains("image"),
        "the error names the input:\n{}\n{}",
        r.stdout,
        r.stderr
    );
    recorder.assert_no_requests();
}

#[test]
fn plan_and_dry_run_write_nothing() {
    let mut spec = seed_spec();
    // dev serves v2 (version 2), so staging `from: dev` has something to plan.
    spec["functions"][0] = function("worker-dev", &["v1", "v2"], 2, Some("seeded"));
    let fx = Fixture::with(spec);
    let before = fx.state();
    let image = format!("{REPO}:v3");

    let plan = fx
        .push_branch("dev")
        .input("command", "plan")
        .input("image", &image)
        .execute();
    plan.assert_code(0);
    assert_eq!(plan.out("result"), "planned");
    assert_eq!(plan.out("image-digest"), fx.digest("v3"));
    assert_eq!(plan.out("previous-version"), "2");
    for part in [
        "update-code",
        "publish",
        "move-alias",
        "live: 2 → new version",
    ] {
        assert!(
            plan.summary.contains(part),
            "plan shows {part}:\n{}",
            plan.summary
        );
    }

    let dry = fx
        .push_branch("dev")
        .input("dry-run", "true")
        .input("image", &image)
        .execute();
    dry.assert_code(0);
    assert_eq!(dry.out("result"), "planned");

    // A dry run of a promotion `from:` another environment, and of a rollback.
    let dry_staging = fx.push_branch("main").input("dry-run", "true").execute();
    dry_staging.assert_code(0);
    assert_eq!(dry_staging.out("result"), "planned");
    assert_eq!(dry_staging.out("image-digest"), fx.digest("v2"));

    let dry_rollback = fx
        .push_branch("dev")
        .input("command", "rollback")
        .input("environment", "dev")
        .input("dry-run", "true")
        .input("to-version", "1")
        .execute();
    dry_rollback.assert_code(0);
    assert_eq!(dry_rollback.out("result"), "planned");

    assert_eq!(fx.state(), before, "versions, aliases and code unchanged");
}

#[test]
fn auto_validates_on_a_pull_request() {
    let fx = Fixture::new();
    let before = fx.state();
    let r = Run::action()
        .endpoint(&fx.endpoint())
        .contract_text(CONTRACT)
        .input("pr-comment", "false")
        .execute();
    r.assert_code(0);
    assert_eq!(r.out("result"), "success");
    assert_eq!(r.report()["command"], "validate");
    assert_eq!(r.out("image-uri"), "");
    assert_eq!(fx.state(), before);
}
