//! Footguns of the workflow side, through the real binary (issue 13): a `timeout` without a
//! unit is an input error before any AWS request, and a pre-release tag (`v1.0.0-rc.1`) never
//! reaches an environment whose `v*.*.*` glob did not ask for pre-releases.

mod support;

use support::{Recorder, Run};

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
        let r = Run::action()
            .endpoint(&recorder.endpoint())
            .contract_text(CONTRACT)
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
            r.stdout.contains("::error::") && r.stdout.contains("30m"),
            "an annotation tells the fix:\n{}",
            r.stdout
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
        let r = Run::action()
            .endpoint(&recorder.endpoint())
            .contract_text(CONTRACT)
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
        let r = Run::action()
            .endpoint(&recorder.endpoint())
            .contract_text(CONTRACT)
            .push_tag(tag)
            .execute();
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
