//! The small guards of issue 20, through the binary: action mode only on a runner, no
//! panic on a non-UTF-8 environment, Lambda's grammar for names and the top-level region
//! checked as contract errors with positions, and glob matching in linear time.

use crate::support::Run;
use std::os::unix::ffi::OsStrExt;
use std::time::{Duration, Instant};

const TOKEN: &str = "ghs_GuardsTestTokenNeverPrinted4242";

#[test]
fn without_a_runner_action_mode_is_a_usage_error_and_prints_no_mask() {
    // No arguments, but no GITHUB_ACTIONS: a terminal or some other CI, where
    // `::add-mask::TOKEN` would print the token in clear.
    let r = Run::cli(Vec::<String>::new())
        .input("github-token", TOKEN)
        .input("command", "validate")
        .execute();
    r.assert_code(2);
    assert!(!r.stdout.contains(TOKEN), "{}", r.stdout);
    assert!(!r.stderr.contains(TOKEN), "{}", r.stderr);
    assert!(r.stderr.contains("GITHUB_ACTIONS"), "{}", r.stderr);
}

/// The binary as the runner starts it, with one more variable whose value is not UTF-8.
fn with_bad_bytes(name: &str) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    std::process::Command::new(env!("CARGO_BIN_EXE_lambda-promote"))
        .env_clear()
        .current_dir(dir.path())
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_WORKSPACE", dir.path())
        .env("INPUT_COMMAND", "validate")
        .env(name, std::ffi::OsStr::from_bytes(b"caf\xe9"))
        .output()
        .unwrap()
}

#[test]
fn a_non_utf8_environment_is_no_panic() {
    // Any other variable is left alone: the run goes on (to the missing contract).
    let other = with_bad_bytes("SOME_TOOL_SETTING");
    let stderr = String::from_utf8_lossy(&other.stderr);
    assert!(
        !stderr.contains("panicked") && !stderr.contains("internal error"),
        "{stderr}"
    );
    assert_eq!(other.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("contract"), "{stderr}");
    // An input that is not UTF-8 is an error naming it.
    let input = with_bad_bytes("INPUT_ENVIRONMENT");
    let stderr = String::from_utf8_lossy(&input.stderr);
    assert_eq!(input.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("environment") && stderr.contains("UTF-8"),
        "{stderr}"
    );
}

#[test]
fn names_and_the_region_follow_lambdas_grammar_with_positions() {
    let contract = "version: 1
region: Europe
environments:
  dev:
    when: { branch: main }
    image: input
    functions:
      - name: \"worker/../x\"
      - name: ok-worker
        alias: \"42\"
";
    let r = Run::action()
        .input("command", "validate")
        .contract_text(contract)
        .execute();
    r.assert_code(2);
    for (at, code) in [
        ("2:9", "bad-region"),
        ("8:15", "bad-name"),
        ("10:16", "bad-name"),
    ] {
        assert!(
            r.stderr
                .contains(&format!(".github/lambda-promote.yml:{at}"))
                && r.stderr.contains(code),
            "{at} {code}: {}",
            r.stderr
        );
    }
}

#[test]
fn a_glob_with_many_stars_takes_linear_time() {
    let stars = "*a".repeat(30);
    let contract = format!(
        "version: 1\nregion: us-east-1\nenvironments:\n  dev:\n    when: {{ branch: \"{stars}b\" }}\n    \
         image: input\n    functions: [{{ name: worker }}]\n"
    );
    let start = Instant::now();
    let r = Run::action()
        .input("command", "promote")
        .push_branch(&"a".repeat(200))
        .contract_text(&contract)
        .timeout(Duration::from_secs(30))
        .execute();
    r.assert_code(0);
    assert_eq!(r.output("result"), Some("skipped"), "{}", r.stderr);
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
}
