//! `validate` end to end (issue 2): the real binary, run as the GitHub runner runs a container
//! action, against a moto seeded per test. Every finding code, exit codes 0/1/2, annotations
//! with lines and columns, no AWS request after a contract or input error, the toolkit's input
//! quirks, the fork skip, the environment selection, and no secret in any output channel.


use serde_json::{Value, json};
use crate::support::{Moto, Recorder, Run, RunResult};

/// Values no contract below writes in plain, so any appearance in an output is a leak.
const DB_HOST: &str = "db-7f3kq2.cluster-ro.internal.example";
const DB_HOST_DRIFTED: &str = "db-drifted-9x8w7v.cluster.internal";
const LAMBDA_ONLY: &str = "sk-lambda-only-value-4c2b9e1d";
const HIDDEN_FUNCTION: &str = "jobs-runner-x7q9z";
const CF_DRIFTED: &str = "EDRIFTED0SECRET9";

/// The live AWS state every test starts from.
fn seed(moto: &Moto) -> World {
    let image = json!({"repository": "worker", "tag": "v1"});
    let seeded = moto.seed(json!({
        "ecr": [{"repository": "worker", "images": [{"name": "v1", "tags": ["v1"]}]}],
        "functions": [
            {"name": "api-dev", "image": image,
             "environment": {"DB_HOST": DB_HOST, "API_KEY": LAMBDA_ONLY},
             "versions": [{}], "aliases": [{"name": "live", "version": 1}]},
            {"name": "api-new", "image": image, "versions": [{}]},
            {"name": "legacy-zip", "package_type": "Zip"},
            {"name": HIDDEN_FUNCTION, "image": image}
        ],
        "log_groups": [{"name": "/aws/lambda/api-dev"}],
        "cloudfront": [
            {"name": "dev", "comment": "app-dev", "aliases": ["dev.example.com"]},
            {"name": "dup1", "comment": "app-dup"},
            {"name": "dup2", "comment": "app-dup"},
            {"name": "off", "comment": "app-off", "enabled": false}
        ]
    }));
    let id = |name: &str| {
        seeded["distributions"][name]["id"]
            .as_str()
            .expect("distribution id")
            .to_owned()
    };
    World {
        cf_dev: id("dev"),
        all_ids: ["dev", "dup1", "dup2", "off"].map(id).to_vec(),
    }
}

struct World {
    cf_dev: String,
    all_ids: Vec<String>,
}

/// Three environments, every check kind, all right with `right_secrets`.
const CLEAN: &str = r#"version: 1
region: us-east-1
account: "123456789012"
environments:
  dev:
    when: { branch: dev }
    image: input
    functions:
      - name: api-dev
    checks:
      - cloudfront:
          comment: app-dev
          id-env: CF_DISTRIBUTION_ID
      - function-env:
          function: api-dev
          keys: [DB_HOST, API_KEY]
          equals-env: { DB_HOST: DB_HOST }
      - log-group: /aws/lambda/api-dev
      - function:
          name-env: JOBS_FUNCTION
  staging:
    when: { branch: main }
    image: { from: dev }
    functions: [{ name: api-dev }]
    checks:
      - log-group: /aws/lambda/api-dev
  production:
    when: { tag: "v*.*.*" }
    image: { from: staging }
    functions: [{ name: api-dev, alias: live }]
    checks:
      - cloudfront:
          alias: dev.example.com
          id-env: CF_DISTRIBUTION_ID
"#;

/// Every finding code at once; the comments name the code each line provokes.
const EVERYTHING_WRONG: &str = r#"version: 1
account: "111111111111"                      # account-mismatch
environments:
  dev:
    when: { branch: dev }
    image: input
    functions:
      - name: api-dev
      - name: api-new                        # alias-not-found (warning)
      - name: legacy-zip                     # not-an-image-function
      - name: ghost-fn                       # function-not-found
    checks:
      - cloudfront: { comment: app-dev, id-env: CF_DISTRIBUTION_ID }   # cloudfront-id-mismatch
      - cloudfront: { comment: nobody-has-this }                       # cloudfront-not-found
      - cloudfront: { comment: app-dup }                               # cloudfront-ambiguous
      - cloudfront: { comment: app-off }                               # cloudfront-disabled (warning)
      - function-env: { function: api-dev, keys: [DB_HOST, NOT_THERE] }  # function-env-missing
      - function-env:
          function: api-dev
          keys: [DB_HOST]
          equals-env: { DB_HOST: DB_HOST }   # function-env-mismatch
      - log-group: /aws/lambda/nowhere       # log-group-not-found
      - function: { name-env: UNSET_FUNCTION }   # secret-unset
"#;

/// Only findings of warning severity: the run still succeeds.
const WARNINGS_ONLY: &str = r#"version: 1
environments:
  dev:
    when: { branch: dev }
    image: input
    functions: [{ name: api-new }]
    checks:
      - cloudfront: { comment: app-off }
"#;

fn right_secrets(run: Run, world: &World) -> Run {
    run.env("CF_DISTRIBUTION_ID", &world.cf_dev)
        .env("DB_HOST", DB_HOST)
        .env("JOBS_FUNCTION", HIDDEN_FUNCTION)
}

fn drifted_secrets(run: Run) -> Run {
    run.env("CF_DISTRIBUTION_ID", CF_DRIFTED)
        .env("DB_HOST", DB_HOST_DRIFTED)
        .env("JOBS_FUNCTION", HIDDEN_FUNCTION)
}

/// `validate` as the runner runs it for a pull request, without the PR comment.
fn validate(moto: &Moto, contract: &str) -> Run {
    Run::action()
        .endpoint(&moto.endpoint())
        .contract_text(contract)
        .input("command", "validate")
        .input("pr-comment", "false")
}

/// `(environment, code, status)` of every finding in the `report` output.
fn findings(result: &RunResult) -> Vec<(String, String, String)> {
    let report = result.report();
    let list = report["findings"].as_array().expect("findings array");
    list.iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or_default().to_owned();
            (s("environment"), s("code"), s("status"))
        })
        .collect()
}

fn status_of(result: &RunResult, code: &str) -> Vec<String> {
    findings(result)
        .into_iter()
        .filter(|(_, c, _)| c == code)
        .map(|(_, _, s)| s)
        .collect()
}

/// Every channel a user or a later step can read.
fn channels(result: &RunResult) -> [(&'static str, &str); 4] {
    [
        ("stdout", &result.stdout),
        ("stderr", &result.stderr),
        ("summary", &result.summary),
        ("GITHUB_OUTPUT", &result.outputs_raw),
    ]
}

/// The value shows up nowhere except on a `::add-mask::` line of stdout.
fn assert_never_printed(result: &RunResult, value: &str) {
    for (channel, text) in channels(result) {
        for line in text.lines().filter(|l| l.contains(value)) {
            assert!(
                channel == "stdout" && line == format!("::add-mask::{value}"),
                "{value:?} leaked on {channel}: {line}"
            );
        }
    }
}

#[test]
fn a_clean_contract_succeeds_with_a_verdict_and_a_table() {
    let moto = Moto::start();
    let world = seed(&moto);
    let result = right_secrets(validate(&moto, CLEAN), &world).execute();
    result.assert_code(0);
    assert_eq!(result.output("result"), Some("success"));
    assert_eq!(result.output("drift"), Some("false"));
    assert_eq!(result.output("environment"), Some("dev,staging,production"));
    let failing: Vec<_> = findings(&result)
        .into_iter()
        .filter(|(_, c, s)| c != "ok" || s != "pass")
        .collect();
    assert!(failing.is_empty(), "{failing:?}");
    assert!(result.summary.contains("### ✅ lambda-promote validate"));
    assert!(
        result
            .summary
            .contains("| Environment | Check | Resource | Expected | Live | Status | Detail |")
    );

    // The redacted live Ids are the only moving part: name them.
    let mut summary = result.summary.clone();
    for id in &world.all_ids {
        summary = summary.replace(&lambda_promote::secret::redact(id), "<id>");
    }
    insta::assert_snapshot!("clean_summary", summary);
}

#[test]
fn every_finding_code_is_reported_with_its_severity() {
    let moto = Moto::start();
    let world = seed(&moto);
    let result = drifted_secrets(validate(&moto, EVERYTHING_WRONG)).execute();
    result.assert_code(1);
    assert_eq!(result.output("result"), Some("drift"));
    assert_eq!(result.output("drift"), Some("true"));
    for (code, status) in [
        ("account-mismatch", "error"),
        ("alias-not-found", "warning"),
        ("not-an-image-function", "error"),
        ("function-not-found", "error"),
        ("cloudfront-id-mismatch", "error"),
        ("cloudfront-not-found", "error"),
        ("cloudfront-ambiguous", "error"),
        ("cloudfront-disabled", "warning"),
        ("function-env-missing", "error"),
        ("function-env-mismatch", "error"),
        ("log-group-not-found", "error"),
        ("secret-unset", "error"),
    ] {
        assert_eq!(
            status_of(&result, code),
            vec![status.to_owned()],
            "{code} in {:#?}",
            findings(&result)
        );
    }
    // Each error is an annotation on the line of its check.
    for (code, line) in [
        ("cloudfront-id-mismatch", 13),
        ("cloudfront-not-found", 14),
        ("log-group-not-found", 22),
        ("secret-unset", 23),
    ] {
        let prefix = format!("::error file=.github/lambda-promote.yml,line={line},col=");
        assert!(
            result
                .stdout
                .lines()
                .any(|l| l.starts_with(&prefix) && l.contains(&format!("title={code}::"))),
            "no annotation for {code} on line {line}:\n{}",
            result.stdout
        );
    }
    assert!(result.summary.contains("### ❌"), "{}", result.summary);
    assert!(result.summary.contains("cloudfront-ambiguous"));
    // An ambiguous match names the candidates, but not the one compared with a secret.
    assert!(!result.summary.contains(&world.cf_dev));
}

#[test]
fn warnings_alone_do_not_fail_the_run() {
    let moto = Moto::start();
    seed(&moto);
    let result = validate(&moto, WARNINGS_ONLY).execute();
    result.assert_code(0);
    assert_eq!(result.output("result"), Some("success"));
    assert_eq!(result.output("drift"), Some("false"));
    assert_eq!(status_of(&result, "alias-not-found"), vec!["warning"]);
    assert_eq!(status_of(&result, "cloudfront-disabled"), vec!["warning"]);
    assert!(
        result.stdout.lines().any(|l| l.starts_with("::warning")),
        "{}",
        result.stdout
    );
}

/// Three contract errors on known lines: all reported at once, as annotations.
const BAD_CONTRACT: &str = r#"version: 1
colour: blue
environments:
  dev:
    when: { branch: dev }
    image: latest
    functions:
      - name: api-dev
        alais: live
"#;

#[test]
fn a_bad_contract_exits_2_with_positions_and_no_aws_request() {
    let recorder = Recorder::start();
    let result = Run::action()
        .endpoint(&recorder.endpoint())
        .contract_text(BAD_CONTRACT)
        .input("command", "validate")
        .execute();
    result.assert_code(2);
    for (line, col, word) in [(2, 1, "colour"), (6, 12, "latest"), (9, 9, "alais")] {
        let prefix = format!("::error file=.github/lambda-promote.yml,line={line},col={col},");
        let annotation = result
            .stdout
            .lines()
            .find(|l| l.starts_with(&prefix))
            .unwrap_or_else(|| panic!("no annotation at {line}:{col}:\n{}", result.stdout));
        assert!(annotation.contains(word), "{annotation}");
        assert!(
            result
                .stderr
                .contains(&format!("lambda-promote.yml:{line}:{col}")),
            "stderr lacks {line}:{col}:\n{}",
            result.stderr
        );
    }
    assert_eq!(
        result.output("result"),
        None,
        "no report after a usage error"
    );
    recorder.assert_no_requests();
}

#[test]
fn a_bad_input_exits_2_naming_it_and_no_aws_request() {
    for (input, value) in [("dry-run", "yes"), ("pr-comment", "maybe")] {
        let recorder = Recorder::start();
        let result = Run::action()
            .endpoint(&recorder.endpoint())
            .contract_text(CLEAN)
            .input("command", "validate")
            .input(input, value)
            .execute();
        result.assert_code(2);
        assert!(
            result.stderr.contains(input) && result.stderr.contains(value),
            "{input}: {}",
            result.stderr
        );
        assert!(result.stdout.contains("::error::"), "{}", result.stdout);
        recorder.assert_no_requests();
    }
}

#[test]
fn an_unknown_environment_exits_2_and_makes_no_aws_request() {
    let recorder = Recorder::start();
    let result = Run::action()
        .endpoint(&recorder.endpoint())
        .contract_text(CLEAN)
        .input("command", "validate")
        .input("environment", "dev,qa")
        .execute();
    result.assert_code(2);
    assert!(result.stderr.contains("qa"), "{}", result.stderr);
    assert!(result.stderr.contains("environment"), "{}", result.stderr);
    recorder.assert_no_requests();
}

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
    let world = seed(&moto);
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
    drop(world);
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

#[test]
fn secrets_and_lambda_values_are_never_printed() {
    let moto = Moto::start();
    let world = seed(&moto);
    let clean = right_secrets(validate(&moto, CLEAN), &world).execute();
    clean.assert_code(0);
    let drifted = drifted_secrets(validate(&moto, CLEAN)).execute();
    drifted.assert_code(1);
    assert_eq!(
        status_of(&drifted, "cloudfront-id-mismatch"),
        vec!["error"; 2]
    );
    assert_eq!(status_of(&drifted, "function-env-mismatch"), vec!["error"]);

    for value in [&world.cf_dev, DB_HOST, HIDDEN_FUNCTION] {
        assert!(
            clean.stdout.contains(&format!("::add-mask::{value}")),
            "{value} not masked"
        );
        assert_never_printed(&clean, value);
        assert_never_printed(&drifted, value);
    }
    for value in [CF_DRIFTED, DB_HOST_DRIFTED] {
        assert!(drifted.stdout.contains(&format!("::add-mask::{value}")));
        assert_never_printed(&drifted, value);
    }
    // A Lambda environment value is not a job secret: never shown, not even masked.
    for result in [&clean, &drifted] {
        for (channel, text) in channels(result) {
            assert!(!text.contains(LAMBDA_ONLY), "Lambda value on {channel}");
        }
    }
    // The mask comes before anything else is printed.
    let first = drifted.stdout.lines().next().unwrap_or_default();
    assert!(first.starts_with("::add-mask::"), "{first}");
}
