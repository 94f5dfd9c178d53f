//! What `validate` finds: a clean contract with its summary table, every finding code with
//! its severity and annotation, and warnings that do not fail the run.

use super::*;

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

    // A live Id under 16 characters is redacted whole (`***`, escaped for markdown):
    // nothing of it moves into the snapshot.
    for id in &world.all_ids {
        assert!(!result.summary.contains(id.as_str()), "{id} in the summary");
    }
    insta::assert_snapshot!("clean_summary", result.summary);
}

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
