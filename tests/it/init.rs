//! `init` through the binary against moto (issue 25, part 4): a first contract from the
//! account's functions, aliases, log groups and distributions and the workflows' secret
//! names, that `validate` then accepts against the same account; `--out` never
//! overwrites a file without `--force`.
//!
//! Bare moto (no realism proxy): `init` only lists and reads, paced like every call.

use crate::support::{Moto, Run, RunResult, seed};
use serde_json::json;

const WORKFLOW: &str = r#"on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    env:
      CLOUDFRONT_DISTRIBUTION_ID: ${{ secrets.CLOUDFRONT_DISTRIBUTION_ID }}
      STAGE: ${{ vars.DEPLOY_STAGE }}
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: ${{ secrets.DEPLOY_ROLE_ARN }}
          github-token: ${{ secrets.GITHUB_TOKEN }}
"#;

/// api-dev and api-prod behind `live`, api-staging with no alias yet, an image function
/// no pattern places, a zip function, dev's log group, and production's distribution.
fn seed_world(moto: &Moto) {
    let image = json!({"repository": "worker", "tag": "v1"});
    let mut world = seed::world(
        &["v1"],
        vec![
            seed::function_on_v1("api-dev"),
            json!({"name": "api-staging", "versions": [seed::version("v1")]}),
            seed::function_on_v1("api-prod"),
            json!({"name": "cron-job", "image": image}),
            json!({"name": "legacy-zip", "package_type": "Zip"}),
        ],
    );
    world["log_groups"] = json!([{"name": "/aws/lambda/api-dev"}]);
    world["cloudfront"] =
        json!([{"name": "prod", "comment": "api-prod", "aliases": ["www.example.com"]}]);
    moto.seed(world);
}

fn init(moto: &Moto, args: &[&str]) -> RunResult {
    Run::cli(std::iter::once("init").chain(args.iter().copied()))
        .endpoint(&moto.endpoint())
        .contract_text_at(".github/workflows/x.yml", WORKFLOW)
        .execute()
}

#[test]
fn init_writes_a_contract_that_validate_accepts() {
    let moto = Moto::start();
    seed_world(&moto);
    let result = init(&moto, &[]);
    assert_eq!(result.code, Some(0), "{result:#?}");
    let text = &result.stdout;

    assert!(
        text.starts_with("# Written by `lambda-promote init`"),
        "{text}"
    );
    assert!(text.contains("version: 1\n"), "{text}");
    assert!(text.contains("account: \"123456789012\""), "{text}");
    // Grouped by suffix, in promotion order, each promoting the one before.
    let dev = text.find("  dev:\n").expect("dev environment");
    let staging = text.find("  staging:\n").expect("staging environment");
    let production = text
        .find("  production:\n")
        .expect("production environment");
    assert!(dev < staging && staging < production, "{text}");
    assert!(
        text[dev..staging].contains("- name: \"api-dev\"\n        alias: live\n"),
        "{text}"
    );
    assert!(
        text[staging..production].contains("- name: \"api-staging\"\n        # no alias yet"),
        "{text}"
    );
    assert!(
        text[staging..production].contains("image: { from: dev }"),
        "{text}"
    );
    assert!(
        text[production..].contains("- name: \"api-prod\"\n        alias: live\n"),
        "{text}"
    );
    assert!(
        text[production..].contains("image: { from: staging }"),
        "{text}"
    );
    // What exists is checked; a log group that does not exist yet is only suggested.
    assert!(
        text[dev..staging].contains("- log-group: \"/aws/lambda/api-dev\""),
        "{text}"
    );
    assert!(
        text[production..].contains("# - log-group: \"/aws/lambda/api-prod\""),
        "{text}"
    );
    assert!(
        text[production..].contains("- cloudfront: { comment: \"api-prod\" }"),
        "{text}"
    );
    // The rest, commented: the unplaced image function, the zip one, the workflows' names.
    assert!(text.contains("#      - name: \"cron-job\""), "{text}");
    assert!(text.contains("#   legacy-zip"), "{text}");
    for name in [
        "secrets.CLOUDFRONT_DISTRIBUTION_ID",
        "secrets.DEPLOY_ROLE_ARN",
        "vars.DEPLOY_STAGE",
    ] {
        assert!(
            text.contains(&format!("#   {name}\n")),
            "{name} missing: {text}"
        );
    }
    assert!(!text.contains("GITHUB_TOKEN"), "{text}");

    // The contract as written passes every check against the same account: exit 0, `success`
    // (api-staging's missing alias is only a warning; drift would be exit 1).
    let validated = Run::action()
        .endpoint(&moto.endpoint())
        .contract_text(text)
        .input("command", "validate")
        .input("pr-comment", "false")
        .execute();
    assert_eq!(validated.code, Some(0), "{validated:#?}");
    assert_eq!(validated.out("result"), "success", "{validated:#?}");
}

#[test]
fn init_out_refuses_an_existing_file_unless_forced() {
    let moto = Moto::start();
    seed_world(&moto);
    let refused = Run::cli(["init", "--out", ".github/lambda-promote.yml"])
        .endpoint(&moto.endpoint())
        .contract_text("version: 1 # mine\n")
        .execute();
    assert_eq!(refused.code, Some(2), "{refused:#?}");
    assert!(refused.stderr.contains("--force"), "{refused:#?}");
    assert!(refused.stdout.is_empty(), "{refused:#?}");

    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("contract.yml");
    std::fs::write(&path, "version: 1 # mine\n").expect("write");
    let path_text = path.to_str().expect("utf-8 path");
    let forced = init(&moto, &["--out", path_text, "--force"]);
    assert_eq!(forced.code, Some(0), "{forced:#?}");
    let written = std::fs::read_to_string(&path).expect("read contract");
    assert!(written.contains("- name: \"api-prod\""), "{written}");
    assert!(
        forced.stderr.contains("lambda-promote validate --contract"),
        "{forced:#?}"
    );
}
