//! GitHub Deployments end to end: the real binary promotes against moto and records a
//! Deployment on a wiremock GitHub API, in progress then success or failure.
//!
//! Bare moto (no realism proxy): the subject is the Deployment statuses; AWS only has to
//! answer.

use crate::support::github_e2e::*;
use crate::support::{Aws, GitHubStandIn, Moto, Proxy, Run};
use serde_json::{Value, json};
use wiremock::MockServer;

/// `promote` of dev on a push to the dev branch, recording a Deployment.
fn promote(moto: &Moto, github: &MockServer, cf_id: &str, image: &str) -> Run {
    action(moto, github)
        .push_branch("dev")
        .input("command", "promote")
        .input("image", image)
        .input("github-deployment", "true")
        .env(CF_ID_ENV, cf_id)
}

/// The deployment and its statuses, in order, as `(path, body)`.
async fn deployment_calls(github: &MockServer) -> Vec<(String, Value)> {
    requests(github)
        .await
        .iter()
        .map(|r| (line(r), body(r)))
        .collect()
}

const LOG_URL: &str = "https://github.example.test/acme/app/actions/runs/9876";

#[tokio::test(flavor = "multi_thread")]
async fn a_promote_records_a_deployment_in_progress_then_success() {
    let moto = Moto::start();
    let seeded = seed(&moto);
    let cf_id = distribution_id(&seeded);
    let digest = seeded["images"]["v2"]["digest"].as_str().expect("digest");
    let github = server().await;
    deployments(&github, 4321).await;

    let image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/worker:v2";
    let result = execute(promote(&moto, &github, &cf_id, image)).await;
    result.assert_code(0);
    assert_eq!(result.output("result"), Some("success"));
    assert_eq!(result.output("image-digest"), Some(digest));
    let version = result.output("version").expect("version output").to_owned();

    let calls = deployment_calls(&github).await;
    let paths: Vec<&str> = calls.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        [
            "POST /repos/acme/app/deployments",
            "POST /repos/acme/app/deployments/4321/statuses",
            "POST /repos/acme/app/deployments/4321/statuses",
        ]
    );
    let deployment = &calls[0].1;
    assert_eq!(
        deployment["ref"],
        "0123456789abcdef0123456789abcdef01234567"
    );
    assert_eq!(deployment["environment"], "dev");
    assert_eq!(deployment["auto_merge"], false);
    assert_eq!(deployment["required_contexts"], json!([]));
    assert_eq!(deployment["production_environment"], false);

    let (started, finished) = (&calls[1].1, &calls[2].1);
    assert_eq!(started["state"], "in_progress");
    assert_eq!(started["log_url"], LOG_URL);
    assert_eq!(finished["state"], "success");
    assert_eq!(finished["log_url"], LOG_URL);
    let description = finished["description"].as_str().unwrap_or_default();
    let short_digest: String = digest.chars().take(19).collect();
    assert!(
        description.contains(&format!("version {version}")) && description.contains(&short_digest),
        "{description}"
    );
    assert_authorised(&requests(&github).await);
    assert_token_never_printed(&result);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_promote_posts_a_failure_status() {
    let moto = Moto::start();
    let cf_id = distribution_id(&seed(&moto));
    let github = server().await;
    deployments(&github, 4321).await;

    let image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/worker:v404";
    let result = execute(promote(&moto, &github, &cf_id, image)).await;
    result.assert_code(1);
    assert_eq!(result.output("result"), Some("failed"));

    let calls = deployment_calls(&github).await;
    let states: Vec<(&str, &str)> = calls
        .iter()
        .map(|(p, b)| (p.as_str(), b["state"].as_str().unwrap_or("-")))
        .collect();
    assert_eq!(
        states,
        [
            ("POST /repos/acme/app/deployments", "-"),
            (
                "POST /repos/acme/app/deployments/4321/statuses",
                "in_progress"
            ),
            ("POST /repos/acme/app/deployments/4321/statuses", "failure"),
        ]
    );
    assert_eq!(calls[2].1["log_url"], LOG_URL);
    assert!(
        calls[2].1["description"]
            .as_str()
            .unwrap_or_default()
            .contains("failed")
    );
    assert_token_never_printed(&result);
}

/// dev with an `invalidate` of the distribution whose alias is dev.example.com.
const INVALIDATED: &str = r#"version: 1
region: us-east-1
environments:
  dev:
    when: { branch: dev }
    image: input
    functions:
      - name: worker-dev
    invalidate:
      distribution-id-env: CF_DISTRIBUTION_ID
      paths: ["/*"]
"#;

/// The `CallerReference` of every `CreateInvalidation` the proxy saw.
fn caller_references(proxy: &Proxy) -> Vec<String> {
    proxy
        .log()
        .iter()
        .filter(|s| s.op == "CreateInvalidation")
        .filter_map(|s| {
            let (_, rest) = s.body.split_once("<CallerReference>")?;
            Some(rest.split_once('<')?.0.to_owned())
        })
        .collect()
}

#[test]
fn statuses_link_the_cloudfront_alias_and_a_rerun_invalidates_again() {
    let moto = Moto::start();
    let seeded = seed(&moto);
    let cf_id = distribution_id(&seeded);
    let proxy = Proxy::start(moto.port(), 7);
    let github = GitHubStandIn::start();
    github.deployments(4321);
    let attempt = |n: &str| {
        Run::action()
            .endpoint(&proxy.endpoint())
            .contract_text(INVALIDATED)
            .github(&github.uri(), TOKEN)
            .env("GITHUB_RUN_ID", "9876")
            .env("GITHUB_RUN_ATTEMPT", n)
            .push_branch("dev")
            .input("command", "promote")
            .input(
                "image",
                "123456789012.dkr.ecr.us-east-1.amazonaws.com/worker:v2",
            )
            .input("github-deployment", "true")
            .env(CF_ID_ENV, &cf_id)
            .execute()
    };

    attempt("1").assert_code(0);
    let statuses: Vec<Value> = github
        .requests()
        .iter()
        .filter(|r| r.url.path().ends_with("/statuses"))
        .map(body)
        .collect();
    assert_eq!(statuses.len(), 2, "{:?}", github.lines());
    for s in &statuses {
        assert_eq!(s["environment_url"], "https://dev.example.com", "{s}");
    }

    // The re-run of the same run (attempt 2) after the alias was put back promotes again:
    // CloudFront must not hand back attempt 1's invalidation for the same reference.
    let aws = Aws::new(&moto.endpoint());
    aws.block(
        aws.lambda()
            .update_alias()
            .function_name("worker-dev")
            .name("live")
            .function_version("1")
            .send(),
    )
    .expect("put the alias back");
    attempt("2").assert_code(0);
    let refs = caller_references(&proxy);
    assert_eq!(refs.len(), 2, "{refs:?}");
    assert!(
        refs[0].starts_with("lambda-promote-9876-1-sha256:"),
        "{refs:?}"
    );
    assert!(
        refs[1].starts_with("lambda-promote-9876-2-sha256:"),
        "{refs:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_command_that_stops_on_an_error_leaves_no_deployment_in_progress() {
    let moto = Moto::start();
    let cf_id = distribution_id(&seed(&moto));
    let github = server().await;
    deployments(&github, 4321).await;
    // A role to assume, and no OIDC token to assume it with: the rollback's first shard
    // cannot get its clients, after the Deployment was created.
    let contract = CONTRACT.replace(
        "region: us-east-1\n",
        "region: us-east-1\nrole: arn:aws:iam::123456789012:role/deploy\n",
    );
    let run = action(&moto, &github)
        .contract_text(&contract)
        .push_branch("dev")
        .input("command", "rollback")
        .input("environment", "dev")
        .input("github-deployment", "true")
        .env(CF_ID_ENV, &cf_id);
    let result = execute(run).await;
    assert_ne!(result.code, Some(0), "{}", result.stdout);

    let calls = deployment_calls(&github).await;
    let states: Vec<&str> = calls
        .iter()
        .filter(|(p, _)| p.ends_with("/statuses"))
        .map(|(_, b)| b["state"].as_str().unwrap_or("-"))
        .collect();
    assert_eq!(
        states.last(),
        Some(&"error"),
        "{calls:?}\n{}",
        result.stdout
    );
    assert_token_never_printed(&result);
}
