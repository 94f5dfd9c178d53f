//! Footguns of the workflow side, through the real binary (issue 13): a `timeout` without a
//! unit is an input error before any AWS request, and a pre-release tag (`v1.0.0-rc.1`) never
//! reaches an environment whose `v*.*.*` glob did not ask for pre-releases, while one with
//! `prerelease: true` takes it (and its GitHub Deployment is not marked production).
//!
//! Bare moto (no realism proxy): what is tested is which environment a ref selects and what
//! GitHub is told, not how AWS times the writes.

use crate::support::seed::{function, world};
use crate::support::{GitHubStandIn, Moto, Recorder, Run};

const CONTRACT: &str = r#"version: 1
region: us-east-1
environments:
  production:
    when: { tag: "v*.*.*" }
    image: input
    functions: [{ name: worker-prod }]
"#;

#[test]
fn a_bare_number_timeout_exits_2_naming_the_input_and_the_fix() {
    for value in ["30", " 15 "] {
        let recorder = Recorder::start();
        let r = recorder
            .action(CONTRACT)
            .input("command", "validate")
            .input("timeout", value)
            .execute();
        r.assert_code(2);
        let n = value.trim();
        for needle in [
            "timeout".to_string(),
            format!("`{n}` has no unit"),
            format!("`{n}m` or `{n}s`"),
        ] {
            assert!(r.stderr.contains(&needle), "{needle}: {}", r.stderr);
        }
        assert!(
            r.stdout.contains("::error::") && r.stdout.contains(&format!("`{n}m`")),
            "an annotation tells the fix:\n{}",
            r.stdout
        );
        assert_eq!(
            r.stderr.matches("m` or `").count(),
            1,
            "said once: {}",
            r.stderr
        );
        assert_eq!(r.output("result"), None, "no report after a usage error");
        recorder.assert_no_requests();
    }
}

#[test]
fn a_bare_number_timeout_is_refused_on_the_terminal_too() {
    let recorder = Recorder::start();
    let r = Run::cli(["validate", "--timeout", "30"])
        .endpoint(&recorder.endpoint())
        .contract_text(CONTRACT)
        .execute();
    r.assert_code(2);
    assert!(r.stderr.contains("`30m` or `30s`"), "{}", r.stderr);
    recorder.assert_no_requests();
}

#[test]
fn timeouts_with_a_unit_still_work() {
    // A unit makes it valid: the run goes on to select the environment (here: none).
    for value in ["30m", "30s", "1h30m"] {
        let recorder = Recorder::start();
        let r = recorder
            .action(CONTRACT)
            .input("timeout", value)
            .push_branch("feature")
            .execute();
        r.assert_code(0);
        assert_eq!(r.output("result"), Some("skipped"), "{value}");
        recorder.assert_no_requests();
    }
}

#[test]
fn a_prerelease_tag_skips_production_without_aws() {
    for tag in ["v1.0.0-rc.1", "v2.0.0-beta.3+sha.1"] {
        let recorder = Recorder::start();
        let r = recorder.action(CONTRACT).push_tag(tag).execute();
        r.assert_code(0);
        assert_eq!(r.output("result"), Some("skipped"), "{tag}");
        assert!(
            r.stdout.contains(&format!("refs/tags/{tag}")),
            "{}",
            r.stdout
        );
        recorder.assert_no_requests();
    }
}

/// Candidates and production share `v*.*.*`; only `prerelease: true` tells them apart.
const WITH_CANDIDATE: &str = r#"version: 1
region: us-east-1
environments:
  candidate:
    when: { tag: "v*.*.*", prerelease: true }
    image: input
    functions: [{ name: worker-candidate }]
  production:
    when: { tag: "v*.*.*" }
    image: input
    functions: [{ name: worker-prod }]
"#;

#[test]
fn a_prerelease_tag_promotes_the_candidate_and_records_no_production_deployment() {
    let moto = Moto::start();
    let on_v1 = |name: &str| function(name, &["v1"], 1, None);
    moto.seed(world(
        &["v1", "v2"],
        vec![on_v1("worker-candidate"), on_v1("worker-prod")],
    ));
    let before = moto.lambda_state(&["worker-prod"]);
    let github = GitHubStandIn::start();
    github.deployments(77);

    let r = Run::action()
        .endpoint(&moto.endpoint())
        .contract_text(WITH_CANDIDATE)
        .github(&github.uri(), "ghs_FootgunsTokenNotReal0000000000")
        .input("github-deployment", "true")
        .input(
            "image",
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/worker:v2",
        )
        .push_tag("v1.1.0-rc.1")
        .execute();
    r.assert_code(0);
    assert_eq!(r.output("environment"), Some("candidate"));
    assert_eq!(r.output("result"), Some("success"));
    assert_eq!(
        moto.lambda_state(&["worker-prod"]),
        before,
        "production untouched"
    );

    let created: Vec<serde_json::Value> = github
        .requests()
        .iter()
        .filter(|r| r.url.path() == "/repos/acme/app/deployments")
        .map(|r| serde_json::from_slice(&r.body).expect("json body"))
        .collect();
    assert_eq!(created.len(), 1, "{created:?}");
    assert_eq!(created[0]["environment"], "candidate");
    assert_eq!(created[0]["production_environment"], false);
}
