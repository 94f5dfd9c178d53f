//! GitHub Deployments end to end: the real binary promotes against moto and records a
//! Deployment on a wiremock GitHub API, in progress then success or failure.

use crate::support::github_e2e::*;
use crate::support::{Moto, Run};
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
