//! Which environments and checks run: the toolkit's input quirks, the `environment` input,
//! and the fork skip of checks that need a secret.

use super::*;

#[test]
fn toolkit_quirks_whitespace_hyphens_and_empty_defaults() {
    let moto = Moto::start();
    let world = seed(&moto);
    let run = Run::action()
        .endpoint(&moto.endpoint())
        .contract_text_at("ci/contract.yml", CLEAN)
        // Padded values are trimmed; hyphenated names keep their hyphen.
        .input("command", "  validate\n")
        .input("contract", "  ci/contract.yml  ")
        .input("environment", " staging , production ")
        .input("dry-run", " FALSE ")
        .input("pr-comment", "False")
        .input("github-deployment", "  ")
        // Empty means the default (15m), not an error.
        .input("timeout", "")
        .input("to-version", "");
    let result = right_secrets(run, &world).execute();
    result.assert_code(0);
    assert_eq!(result.output("result"), Some("success"));
    assert_eq!(result.output("environment"), Some("staging,production"));

    // An empty `contract` input is the default path, an empty `command` is `auto`
    // (a pull request → validate).
    let run = validate(&moto, CLEAN)
        .input("contract", "")
        .input("command", "")
        .input("environment", "staging");
    let result = right_secrets(run, &world).execute();
    result.assert_code(0);
    assert_eq!(result.report()["command"], "validate");
    assert_eq!(result.output("environment"), Some("staging"));
}

#[test]
fn the_environment_input_selects_a_subset() {
    let moto = Moto::start();
    seed(&moto);
    // dev alone would drift (wrong secrets); staging and production do not read them.
    let run = drifted_secrets(validate(&moto, CLEAN)).input("environment", "staging");
    let result = run.execute();
    result.assert_code(0);
    let envs: std::collections::BTreeSet<String> =
        findings(&result).into_iter().map(|(e, _, _)| e).collect();
    assert_eq!(
        envs,
        ["*", "staging"].map(String::from).into_iter().collect()
    );

    let result = drifted_secrets(validate(&moto, CLEAN))
        .input("environment", "dev,staging")
        .execute();
    result.assert_code(1);
    assert_eq!(result.output("environment"), Some("dev,staging"));
    let envs: std::collections::BTreeSet<String> =
        findings(&result).into_iter().map(|(e, _, _)| e).collect();
    assert!(!envs.contains("production"), "{envs:?}");
}

fn fork_event(head: Value) -> Value {
    json!({"pull_request": {"number": 12, "head": {"repo": head},
        "base": {"repo": {"full_name": "octo-org/worker"}}}})
}

#[test]
fn a_fork_pull_request_skips_checks_that_need_a_secret() {
    let moto = Moto::start();
    seed(&moto);
    for head in [
        json!({"full_name": "mallory/worker", "fork": true}),
        json!({"full_name": "mallory/worker", "fork": false}),
    ] {
        let result = validate(&moto, CLEAN)
            .event("pull_request", fork_event(head.clone()))
            // The runner sets a fork's secrets to empty strings.
            .env("CF_DISTRIBUTION_ID", "")
            .env("DB_HOST", "")
            .env("JOBS_FUNCTION", "")
            .execute();
        result.assert_code(0);
        assert_eq!(result.output("result"), Some("success"), "{head}");
        assert_eq!(result.output("drift"), Some("false"));
        // dev: cloudfront, function-env equals, function name-env; production: cloudfront.
        assert_eq!(
            status_of(&result, "secret-unset"),
            vec!["skipped"; 4],
            "{head}"
        );
        assert!(
            result
                .stdout
                .lines()
                .any(|l| l.starts_with("::warning") && l.contains("fork")),
            "{}",
            result.stdout
        );
    }
    // The same empty secrets on the repository's own pull request are drift.
    let result = validate(&moto, CLEAN)
        .env("CF_DISTRIBUTION_ID", "")
        .env("DB_HOST", "")
        .env("JOBS_FUNCTION", "")
        .execute();
    result.assert_code(1);
    assert_eq!(status_of(&result, "secret-unset"), vec!["error"; 4]);
}
