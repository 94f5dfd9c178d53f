//! Issue 3 at the binary level: `plan`, `promote` and `auto` run as the GitHub runner runs the
//! container action, against moto. Each test proves what the run wrote to Lambda (or that it
//! wrote nothing) by reading moto's state before and after (`scripts/dev/lambda_state.py`).
//! Here the three-environment contract and world they share, and the chain's main test.

mod chain;
mod refusals;
mod siblings;

pub use crate::support::seed::{function, function_on_v1, version, world};
pub use crate::support::{Moto, Proxy, Realism, Recorder, Run, dev_contract};
pub use serde_json::{Value, json};

pub const REPO: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com/worker";

/// dev takes the `image` input, staging dev's digest, production staging's after a smoke test.
pub const CONTRACT: &str = r#"version: 1
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
pub fn seed_spec() -> Value {
    let mut spec = world(
        &["v1", "v2", "v3"],
        ["worker-dev", "worker-staging", "worker-prod"]
            .map(function_on_v1)
            .to_vec(),
    );
    spec["ecr"][0]["images"]
        .as_array_mut()
        .expect("images")
        .push(json!({"name": "multi", "tags": ["multi"], "media_type": "oci-index"}));
    spec
}

/// moto seeded for a test, behind the realism proxy the binary talks to (what AWS does and
/// moto does not: revision ids, update status, …); the test reads moto directly.
pub struct Fixture {
    pub moto: Moto,
    pub proxy: Proxy,
    pub seeded: Value,
}

impl Fixture {
    pub fn new() -> Fixture {
        Fixture::with(seed_spec())
    }

    pub fn with(spec: Value) -> Fixture {
        let moto = Moto::start();
        let seeded = moto.seed(spec);
        let proxy = Proxy::start(moto.port(), 3);
        proxy.model(Realism::new());
        Fixture {
            moto,
            proxy,
            seeded,
        }
    }

    /// Where the binary's AWS calls go: the realism proxy.
    pub fn endpoint(&self) -> String {
        self.proxy.endpoint()
    }

    pub fn digest(&self, image: &str) -> String {
        self.seeded["images"][image]["digest"]
            .as_str()
            .unwrap_or_else(|| panic!("no image {image} in {}", self.seeded))
            .to_owned()
    }

    /// The action with `contract` on a push of `refs/heads/dev` against this moto.
    pub fn on_dev(&self, contract: &str) -> Run {
        Run::action()
            .endpoint(&self.endpoint())
            .contract_text(contract)
            .push_branch("dev")
    }

    /// The action on a push of `refs/heads/BRANCH` against this moto.
    pub fn push_branch(&self, branch: &str) -> Run {
        Run::action()
            .endpoint(&self.endpoint())
            .contract_text(CONTRACT)
            .push_branch(branch)
    }

    pub fn push_tag(&self, tag: &str) -> Run {
        Run::action()
            .endpoint(&self.endpoint())
            .contract_text(CONTRACT)
            .push_tag(tag)
    }

    pub fn state(&self) -> Value {
        self.moto
            .lambda_state(&["worker-dev", "worker-staging", "worker-prod"])
    }
}

/// `sha256:` and the code hash Lambda reports for `function`'s `version`.
pub fn served_digest(state: &Value, function: &str, version: &str) -> String {
    let sha = state[function]["versions"][version]["code_sha256"]
        .as_str()
        .unwrap_or_default();
    format!("sha256:{sha}")
}

/// Asserts the version description records the provenance of the run.
pub fn assert_provenance(description: &str, git_ref: &str, digest: &str) {
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
    dev_resolves_the_tag_once(&fx, &v2);

    // staging: `from: dev` gets the identical digest.
    let staging = fx.push_branch("main").execute();
    staging.assert_code(0);
    assert_eq!(staging.out("result"), "success");
    assert_eq!(staging.out("environment"), "staging");
    assert_eq!(staging.out("image-digest"), v2);
    assert_eq!(staging.out("image-uri"), format!("{REPO}@{v2}"));
    assert_eq!(staging.out("previous-version"), "1");
    assert_eq!(staging.out("version"), "2");
    assert_eq!(staging.report()["promotion"]["source"], "from dev");

    production_takes_stagings_digest(&fx, &v2);
}

/// dev: the image input by tag is resolved to its digest once, and Lambda is given the digest.
fn dev_resolves_the_tag_once(fx: &Fixture, v2: &str) {
    let dev = fx
        .push_branch("dev")
        .input("image", &format!("{REPO}:v2"))
        .execute();
    dev.assert_code(0);
    assert_eq!(dev.out("result"), "success");
    assert_eq!(dev.out("environment"), "dev");
    assert_eq!(dev.out("image-uri"), format!("{REPO}@{v2}"));
    assert_eq!(dev.out("image-digest"), v2);
    assert_eq!(dev.out("version"), "2");
    assert_eq!(dev.out("previous-version"), "1");
    assert_eq!(dev.out("rolled-back"), "false");
    let state = fx.state();
    let live = &state["worker-dev"]["aliases"]["live"];
    assert_eq!(live["version"], "2");
    assert_eq!(
        live["weights"],
        json!({}),
        "no routing split after all-at-once"
    );
    let alias_description = live["description"].as_str().unwrap_or_default();
    assert!(
        alias_description.contains("previous=1"),
        "alias description records the previous version: {alias_description:?}"
    );
    assert_eq!(served_digest(&state, "worker-dev", "2"), v2);
    let description = &state["worker-dev"]["versions"]["2"]["description"];
    assert_provenance(
        description.as_str().unwrap_or_default(),
        "refs/heads/dev",
        v2,
    );
    let latest_uri = state["worker-dev"]["latest"]["image_uri"]
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
}

/// production: `from: staging`, on a release tag, after the smoke test passes.
fn production_takes_stagings_digest(fx: &Fixture, v2: &str) {
    let production = fx.push_tag("v1.2.3").execute();
    production.assert_code(0);
    assert_eq!(production.out("result"), "success");
    assert_eq!(production.out("environment"), "production");
    assert_eq!(production.out("image-digest"), v2);
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
            served_digest(&state, function, "2"),
            v2,
            "{function} serves the digest dev was given"
        );
    }
    let description = &state["worker-prod"]["versions"]["2"]["description"];
    assert_provenance(
        description.as_str().unwrap_or_default(),
        "refs/tags/v1.2.3",
        v2,
    );
}
