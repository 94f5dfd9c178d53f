//! Issue 3 at the binary level: `plan`, `promote` and `auto` run as the GitHub runner runs the
//! container action, against moto. Each test proves what the run wrote to Lambda (or that it
//! wrote nothing) by reading moto's state before and after (`scripts/lambda_state.py`).


use serde_json::{Value, json};
use crate::support::{Moto, Recorder, Run, RunResult};

const REPO: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com/worker";

/// dev takes the `image` input, staging dev's digest, production staging's after a smoke test.
const CONTRACT: &str = r#"version: 1
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
  production:
    when: { tag: "v*.*.*" }
    image: { from: staging }
    functions: [{ name: worker-prod }]
    smoke-test:
      payload: '{"smoke": true}'
"#;

/// Three images and three functions, each at version 1 = image v1 behind alias `live`.
fn seed_spec() -> Value {
    let function = |name: &str| {
        json!({"name": name,
               "versions": [{"image": {"repository": "worker", "tag": "v1"}}],
               "aliases": [{"name": "live", "version": 1, "description": "seeded"}]})
    };
    json!({
        "ecr": [{"repository": "worker", "images": [
            {"name": "v1", "tags": ["v1"]},
            {"name": "v2", "tags": ["v2"]},
            {"name": "v3", "tags": ["v3"]},
            {"name": "multi", "tags": ["multi"], "media_type": "oci-index"}
        ]}],
        "functions": [function("worker-dev"), function("worker-staging"), function("worker-prod")]
    })
}

struct Fixture {
    moto: Moto,
    seeded: Value,
}

impl Fixture {
    fn new() -> Fixture {
        Fixture::with(seed_spec())
    }

    fn with(spec: Value) -> Fixture {
        let moto = Moto::start();
        let seeded = moto.seed(spec);
        Fixture { moto, seeded }
    }

    fn digest(&self, image: &str) -> String {
        self.seeded["images"][image]["digest"]
            .as_str()
            .unwrap_or_else(|| panic!("no image {image} in {}", self.seeded))
            .to_owned()
    }

    /// The action on a push of `refs/heads/BRANCH` against this moto.
    fn push_branch(&self, branch: &str) -> Run {
        Run::action()
            .endpoint(&self.moto.endpoint())
            .contract_text(CONTRACT)
            .push_branch(branch)
    }

    fn push_tag(&self, tag: &str) -> Run {
        Run::action()
            .endpoint(&self.moto.endpoint())
            .contract_text(CONTRACT)
            .push_tag(tag)
    }

    fn state(&self) -> Value {
        self.moto
            .lambda_state(&["worker-dev", "worker-staging", "worker-prod"])
    }
}

fn out<'r>(r: &'r RunResult, name: &str) -> &'r str {
    r.output(name)
        .unwrap_or_else(|| panic!("no output {name}: {:#?}", r.outputs))
}

/// Asserts the version description records the provenance of the run.
fn assert_provenance(description: &str, git_ref: &str, digest: &str) {
    for part in [
        "octo-org/worker",
        &format!("ref={git_ref}"),
        "commit=0123456789ab",
        "run=4242",
        digest,
    ] {
        assert!(
            description.contains(part),
            "version description {description:?} lacks {part:?}"
        );
    }
    assert!(description.chars().count() <= 256, "{description}");
}

#[test]
fn dev_by_tag_then_staging_and_production_carry_the_same_digest() {
    let fx = Fixture::new();
    let v2 = fx.digest("v2");

    // dev: the image input by tag is resolved to its digest once.
    let dev = fx
        .push_branch("dev")
        .input("image", &format!("{REPO}:v2"))
        .execute();
    dev.assert_code(0);
    assert_eq!(out(&dev, "result"), "success");
    assert_eq!(out(&dev, "environment"), "dev");
    assert_eq!(out(&dev, "image-uri"), format!("{REPO}@{v2}"));
    assert_eq!(out(&dev, "image-digest"), v2);
    assert_eq!(out(&dev, "version"), "2");
    assert_eq!(out(&dev, "previous-version"), "1");
    assert_eq!(out(&dev, "rolled-back"), "false");
    let state = fx.state();
    let dev_state = &state["worker-dev"];
    assert_eq!(dev_state["aliases"]["live"]["version"], "2");
    assert_eq!(
        dev_state["aliases"]["live"]["weights"],
        json!({}),
        "no routing split after all-at-once"
    );
    let alias_description = dev_state["aliases"]["live"]["description"]
        .as_str()
        .unwrap_or_default();
    assert!(
        alias_description.contains("previous=1"),
        "alias description records the previous version: {alias_description:?}"
    );
    assert_eq!(
        format!(
            "sha256:{}",
            dev_state["versions"]["2"]["code_sha256"]
                .as_str()
                .unwrap_or_default()
        ),
        v2
    );
    assert_provenance(
        dev_state["versions"]["2"]["description"]
            .as_str()
            .unwrap_or_default(),
        "refs/heads/dev",
        &v2,
    );
    // Lambda was given the digest, never the tag.
    let latest_uri = dev_state["latest"]["image_uri"]
        .as_str()
        .unwrap_or_default();
    assert_eq!(latest_uri, format!("{REPO}@{v2}"));
    for part in ["update-code", "wait", "verify", "publish", "move-alias"] {
        assert!(
            dev.summary.contains(part),
            "summary lacks step {part}:\n{}",
            dev.summary
        );
    }
    assert!(
        dev.summary.contains("console.aws.amazon.com"),
        "summary links the console:\n{}",
        dev.summary
    );

    // staging: `from: dev` gets the identical digest.
    let staging = fx.push_branch("main").execute();
    staging.assert_code(0);
    assert_eq!(out(&staging, "result"), "success");
    assert_eq!(out(&staging, "environment"), "staging");
    assert_eq!(out(&staging, "image-digest"), v2);
    assert_eq!(out(&staging, "image-uri"), format!("{REPO}@{v2}"));
    assert_eq!(out(&staging, "previous-version"), "1");
    assert_eq!(out(&staging, "version"), "2");
    assert_eq!(staging.report()["promotion"]["source"], "from dev");

    // production: `from: staging`, on a release tag, after the smoke test passes.
    let production = fx.push_tag("v1.2.3").execute();
    production.assert_code(0);
    assert_eq!(out(&production, "result"), "success");
    assert_eq!(out(&production, "environment"), "production");
    assert_eq!(out(&production, "image-digest"), v2);
    assert!(
        production.summary.contains("smoke-test"),
        "{}",
        production.summary
    );
    let state = fx.state();
    for function in ["worker-dev", "worker-staging", "worker-prod"] {
        let f = &state[function];
        assert_eq!(f["aliases"]["live"]["version"], "2", "{function}: {f}");
        assert_eq!(
            format!(
                "sha256:{}",
                f["versions"]["2"]["code_sha256"]
                    .as_str()
                    .unwrap_or_default()
            ),
            v2,
            "{function} serves the digest dev was given"
        );
    }
    assert_provenance(
        state["worker-prod"]["versions"]["2"]["description"]
            .as_str()
            .unwrap_or_default(),
        "refs/tags/v1.2.3",
        &v2,
    );
}

#[test]
fn dev_by_digest_deploys_that_digest() {
    let fx = Fixture::new();
    let v3 = fx.digest("v3");
    let r = fx
        .push_branch("dev")
        .input("image", &format!("{REPO}@{v3}"))
        .execute();
    r.assert_code(0);
    assert_eq!(out(&r, "result"), "success");
    assert_eq!(out(&r, "image-digest"), v3);
    assert_eq!(out(&r, "image-uri"), format!("{REPO}@{v3}"));
    assert_eq!(out(&r, "version"), "2");
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
    assert_eq!(out(&again, "result"), "no-op");
    assert_eq!(out(&again, "version"), "2");
    assert_eq!(out(&again, "previous-version"), "2");
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
    assert_eq!(out(&r, "result"), "failed");
    assert_eq!(out(&r, "rolled-back"), "false");
    assert_eq!(out(&r, "version"), "1", "the alias still serves version 1");
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
fn plan_and_dry_run_write_nothing() {
    let mut spec = seed_spec();
    // dev serves v2 (version 2), so staging `from: dev` has something to plan.
    spec["functions"][0] = json!({"name": "worker-dev",
        "versions": [{"image": {"repository": "worker", "tag": "v1"}},
                     {"image": {"repository": "worker", "tag": "v2"}}],
        "aliases": [{"name": "live", "version": 2, "description": "seeded"}]});
    let fx = Fixture::with(spec);
    let before = fx.state();
    let image = format!("{REPO}:v3");

    let plan = fx
        .push_branch("dev")
        .input("command", "plan")
        .input("image", &image)
        .execute();
    plan.assert_code(0);
    assert_eq!(out(&plan, "result"), "planned");
    assert_eq!(out(&plan, "image-digest"), fx.digest("v3"));
    assert_eq!(out(&plan, "previous-version"), "2");
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
    assert_eq!(out(&dry, "result"), "planned");

    // A dry run of a promotion `from:` another environment, and of a rollback.
    let dry_staging = fx.push_branch("main").input("dry-run", "true").execute();
    dry_staging.assert_code(0);
    assert_eq!(out(&dry_staging, "result"), "planned");
    assert_eq!(out(&dry_staging, "image-digest"), fx.digest("v2"));

    let dry_rollback = fx
        .push_branch("dev")
        .input("command", "rollback")
        .input("dry-run", "true")
        .input("to-version", "1")
        .execute();
    dry_rollback.assert_code(0);
    assert_eq!(out(&dry_rollback, "result"), "planned");

    assert_eq!(fx.state(), before, "versions, aliases and code unchanged");
}

#[test]
fn one_failing_function_leaves_every_alias_of_the_environment_where_it_was() {
    let contract = r#"version: 1
region: us-east-1
environments:
  pair:
    when: { branch: dev }
    image: input
    functions: [{ name: worker-a }, { name: worker-b }]
    smoke-test:
      payload: '{"smoke": true}'
"#;
    let function = |name: &str| {
        json!({"name": name,
               "versions": [{"image": {"repository": "worker", "tag": "v1"}}],
               "aliases": [{"name": "live", "version": 1, "description": "seeded"}]})
    };
    let fx = Fixture::with(json!({
        "ecr": [{"repository": "worker", "images": [
            {"name": "v1", "tags": ["v1"]}, {"name": "v2", "tags": ["v2"]}]}],
        "functions": [function("worker-a"), function("worker-b")]
    }));
    let before = fx.moto.lambda_state(&["worker-a", "worker-b"]);
    // The functions run concurrently: whichever smoke test comes second fails.
    fx.moto.queue_invoke_result(r#"{"ok": true}"#);
    fx.moto.queue_invoke_result(r#"{"errorMessage": "boom"}"#);

    let r = Run::action()
        .endpoint(&fx.moto.endpoint())
        .contract_text(contract)
        .push_branch("dev")
        .input("image", &format!("{REPO}:v2"))
        .execute();
    r.assert_code(1);
    let result = out(&r, "result");
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
fn a_tag_that_matches_no_environment_is_skipped_without_aws() {
    let recorder = Recorder::start();
    let r = Run::action()
        .endpoint(&recorder.endpoint())
        .contract_text(CONTRACT)
        .push_tag("nightly-2024")
        .execute();
    r.assert_code(0);
    assert_eq!(out(&r, "result"), "skipped");
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
        let r = Run::action()
            .endpoint(&recorder.endpoint())
            .contract_text(CONTRACT)
            .push_tag(tag)
            .execute();
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
        assert_eq!(out(&r, "result"), "failed", "{image}");
        let error = r.report()["error"].as_str().unwrap_or_default().to_owned();
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
    assert_eq!(out(&r, "result"), "failed");
    let error = r.report()["error"].as_str().unwrap_or_default().to_owned();
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
    spec["functions"][0] = json!({"name": "worker-dev",
        "versions": [{"image": {"repository": "worker", "tag": "v1"}},
                     {"image": {"repository": "worker", "tag": "v2"}}],
        "aliases": [{"name": "live", "version": 1, "weights": {"2": 0.1}}]});
    let fx = Fixture::with(spec);
    let before = fx.state();
    let r = fx.push_branch("main").execute();
    r.assert_code(1);
    assert_eq!(out(&r, "result"), "failed");
    let error = r.report()["error"].as_str().unwrap_or_default().to_owned();
    assert!(
        error.contains("split") && error.contains("settled release"),
        "{error}"
    );
    assert_eq!(fx.state(), before);
}

#[test]
fn auto_validates_on_a_pull_request() {
    let fx = Fixture::new();
    let before = fx.state();
    let r = Run::action()
        .endpoint(&fx.moto.endpoint())
        .contract_text(CONTRACT)
        .input("pr-comment", "false")
        .execute();
    r.assert_code(0);
    assert_eq!(out(&r, "result"), "success");
    assert_eq!(r.report()["command"], "validate");
    assert_eq!(out(&r, "image-uri"), "");
    assert_eq!(fx.state(), before);
}

#[test]
fn auto_promotes_on_workflow_dispatch_to_the_named_environment() {
    let fx = Fixture::new();
    let r = Run::action()
        .endpoint(&fx.moto.endpoint())
        .contract_text(CONTRACT)
        .event("workflow_dispatch", json!({"inputs": {}}))
        .git_ref("refs/heads/feature-x")
        .input("environment", "dev")
        .input("image", &format!("{REPO}:v3"))
        .execute();
    r.assert_code(0);
    assert_eq!(out(&r, "result"), "success");
    assert_eq!(out(&r, "environment"), "dev");
    assert_eq!(r.report()["command"], "promote");
    assert_eq!(fx.moto.alias("worker-dev", "live").0, "2");
}

#[test]
fn pruning_keeps_the_newest_and_every_aliased_version() {
    let contract = r#"version: 1
region: us-east-1
environments:
  dev:
    when: { branch: dev }
    image: input
    functions: [{ name: worker-dev }]
    keep-versions: 3
"#;
    let image = |tag: &str| json!({"image": {"repository": "worker", "tag": tag}});
    let mut spec = seed_spec();
    // Versions 1–5; `live` serves 5, `beta` serves 3 and routes 20% to 1.
    spec["functions"] = json!([{"name": "worker-dev",
        "versions": [image("v1"), image("v2"), image("v1"), image("v2"), image("v1")],
        "aliases": [{"name": "live", "version": 5},
                    {"name": "beta", "version": 3, "weights": {"1": 0.2}}]}]);
    let fx = Fixture::with(spec);
    assert_eq!(fx.moto.versions("worker-dev"), [1, 2, 3, 4, 5]);

    let r = Run::action()
        .endpoint(&fx.moto.endpoint())
        .contract_text(contract)
        .push_branch("dev")
        .input("image", &format!("{REPO}:v3"))
        .execute();
    r.assert_code(0);
    assert_eq!(out(&r, "result"), "success");
    assert_eq!(out(&r, "version"), "6");
    // Newest three (4, 5, 6) kept; 3 and 1 are aliased (1 as a routing weight); only 2 goes.
    // No publish after this point: moto reuses version numbers after a delete (tests/MOTO.md).
    assert_eq!(fx.moto.versions("worker-dev"), [1, 3, 4, 5, 6]);
    let state = fx.moto.lambda_state(&["worker-dev"]);
    assert_eq!(state["worker-dev"]["aliases"]["beta"]["version"], "3");
    assert_eq!(
        state["worker-dev"]["aliases"]["beta"]["weights"],
        json!({"1": 0.2})
    );
    assert!(r.summary.contains("deleted versions 2"), "{}", r.summary);
}

#[test]
fn a_missing_alias_is_created_and_deleted_again_when_a_sibling_fails() {
    let contract = r#"version: 1
region: us-east-1
environments:
  pair:
    when: { branch: dev }
    image: input
    functions: [{ name: worker-new }, { name: worker-old }]
    smoke-test:
      payload: '{"smoke": true}'
"#;
    let fx = Fixture::with(json!({
        "ecr": [{"repository": "worker", "images": [
            {"name": "v1", "tags": ["v1"]}, {"name": "v2", "tags": ["v2"]}]}],
        "functions": [
            {"name": "worker-new", "image": {"repository": "worker", "tag": "v1"}},
            {"name": "worker-old",
             "versions": [{"image": {"repository": "worker", "tag": "v1"}}],
             "aliases": [{"name": "live", "version": 1, "description": "seeded"}]}
        ]
    }));
    let run = || {
        Run::action()
            .endpoint(&fx.moto.endpoint())
            .contract_text(contract)
            .push_branch("dev")
            .input("image", &format!("{REPO}:v2"))
    };
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
    assert_eq!(out(&ok, "result"), "success");
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
fn drift_stops_the_promotion_before_the_first_write() {
    let contract = r#"version: 1
region: us-east-1
environments:
  dev:
    when: { branch: dev }
    image: input
    functions: [{ name: worker-dev }]
    checks:
      - function-env:
          function: worker-dev
          keys: [AURORA_HOST]
"#;
    let fx = Fixture::new();
    let before = fx.state();
    let r = Run::action()
        .endpoint(&fx.moto.endpoint())
        .contract_text(contract)
        .push_branch("dev")
        .input("image", &format!("{REPO}:v2"))
        .execute();
    r.assert_code(1);
    assert_eq!(out(&r, "result"), "drift");
    assert_eq!(out(&r, "drift"), "true");
    assert!(r.summary.contains("function-env-missing"), "{}", r.summary);
    assert_eq!(fx.state(), before);
}

#[test]
fn an_empty_image_input_is_a_usage_error_before_any_aws_request() {
    let recorder = Recorder::start();
    let r = Run::action()
        .endpoint(&recorder.endpoint())
        .contract_text(CONTRACT)
        .push_branch("dev")
        .execute();
    r.assert_code(2);
    assert!(
        format!("{}{}", r.stdout, r.stderr).contains("image"),
        "the error names the input:\n{}\n{}",
        r.stdout,
        r.stderr
    );
    recorder.assert_no_requests();
}
