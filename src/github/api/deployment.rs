//! GitHub Deployments: one per promoted environment, with `in_progress`, then
//! `success`, `failure` or `error` statuses that point at the run's log and,
//! when the environment has one, its URL.
//! <https://docs.github.com/en/rest/deployments/deployments#create-a-deployment>
//!
//! A create whose answer never came may have landed: before trying again we
//! look for the Deployment by the key in its `payload`, so a retry never makes
//! a second one.

use std::sync::atomic::{AtomicBool, Ordering};

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::error::{DEPLOYMENTS_PERMISSION, GitHubError};
use super::{Created, GitHub, retry};

/// The deployment states we report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeploymentState {
    InProgress,
    Success,
    Failure,
    /// The run stopped on an error before its end.
    Error,
}

/// The `payload` key that names the run which created a Deployment.
const PAYLOAD_KEY: &str = "lambda-promote";

/// What a Deployment is made of.
#[derive(Debug, Clone, Copy)]
pub struct NewDeployment<'a> {
    /// The commit deployed (`GITHUB_SHA`).
    pub sha: &'a str,
    pub environment: &'a str,
    pub production: bool,
    pub description: &'a str,
    /// Unique to the run and attempt (`RUN_ID/ATTEMPT/COMMAND`): finds a create that landed.
    pub key: &'a str,
}

/// GitHub's limit on a deployment status description.
/// <https://docs.github.com/en/rest/deployments/statuses#create-a-deployment-status>
const MAX_DESCRIPTION_CHARS: usize = 140;

/// Cuts `description` to GitHub's 140 characters on a character boundary,
/// ending in `…` when something was cut.
pub fn truncate_description(description: &str) -> String {
    let description = description.trim();
    if description.chars().count() <= MAX_DESCRIPTION_CHARS {
        return description.to_string();
    }
    let mut out: String = description
        .chars()
        .take(MAX_DESCRIPTION_CHARS - 1)
        .collect();
    out.push('…');
    out
}

#[derive(Serialize)]
struct Body<'a> {
    #[serde(rename = "ref")]
    sha: &'a str,
    environment: &'a str,
    description: String,
    payload: Value,
    // Never merge the default branch into the ref: we deploy exactly this commit.
    auto_merge: bool,
    // The workflow already gates on its checks; an empty list skips GitHub's own.
    required_contexts: [&'a str; 0],
    production_environment: bool,
    transient_environment: bool,
}

#[derive(Serialize)]
struct NewStatus<'a> {
    state: DeploymentState,
    log_url: &'a str,
    description: String,
    // GitHub links the environment to this URL ("View deployment").
    #[serde(skip_serializing_if = "Option::is_none")]
    environment_url: Option<&'a str>,
}

#[derive(Deserialize)]
struct Listed {
    id: u64,
    #[serde(default)]
    payload: Value,
}

impl GitHub {
    /// Records a deployment; returns its id. A retry first looks for the one
    /// an unanswered attempt may have made.
    pub async fn create_deployment(&self, new: NewDeployment<'_>) -> Result<u64, GitHubError> {
        let route = self.repo_route("/deployments");
        let body = Body {
            sha: new.sha,
            environment: new.environment,
            description: truncate_description(new.description),
            payload: serde_json::json!({ PAYLOAD_KEY: new.key }),
            auto_merge: false,
            required_contexts: [],
            production_environment: new.production,
            transient_environment: false,
        };
        let tried = AtomicBool::new(false);
        retry::with_retries(
            &self.policy,
            DEPLOYMENTS_PERMISSION,
            "deployment",
            || async {
                if tried.swap(true, Ordering::SeqCst)
                    && let Some(id) = self.find_deployment(&route, new).await?
                {
                    return Ok(id);
                }
                let created: Created = self.post(&route, &body).await?;
                Ok(created.id)
            },
        )
        .await
    }

    /// The Deployment of `new.sha` to `new.environment` whose payload holds `new.key`.
    /// <https://docs.github.com/en/rest/deployments/deployments#list-deployments>
    async fn find_deployment(
        &self,
        route: &str,
        new: NewDeployment<'_>,
    ) -> Result<Option<u64>, super::error::Failure> {
        let query = [
            ("sha", new.sha),
            ("environment", new.environment),
            ("per_page", "100"),
        ];
        let listed: Vec<Listed> = self.get(route, Some(&query)).await?;
        Ok(listed
            .iter()
            .find(|d| d.payload.get(PAYLOAD_KEY).and_then(Value::as_str) == Some(new.key))
            .map(|d| d.id))
    }

    /// Adds a status to deployment `id`; `log_url` links to the workflow run,
    /// `environment_url` to where the environment is served.
    pub async fn set_deployment_status(
        &self,
        id: u64,
        state: DeploymentState,
        log_url: &str,
        description: &str,
        environment_url: Option<&str>,
    ) -> Result<(), GitHubError> {
        let route = self.repo_route(&format!("/deployments/{id}/statuses"));
        let body = NewStatus {
            state,
            log_url,
            description: truncate_description(description),
            environment_url,
        };
        retry::with_retries(
            &self.policy,
            DEPLOYMENTS_PERMISSION,
            "deployment status",
            || async {
                let _: IgnoredAny = self.post(&route, &body).await?;
                Ok(())
            },
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_serialise_as_github_spells_them() {
        let json = serde_json::to_string(&[
            DeploymentState::InProgress,
            DeploymentState::Success,
            DeploymentState::Failure,
            DeploymentState::Error,
        ])
        .unwrap();
        assert_eq!(json, r#"["in_progress","success","failure","error"]"#);
    }

    #[test]
    fn short_descriptions_are_kept() {
        assert_eq!(truncate_description(" deployed v1 "), "deployed v1");
        let exact = "x".repeat(140);
        assert_eq!(truncate_description(&exact), exact);
    }

    #[test]
    fn long_descriptions_are_cut_on_a_character_boundary() {
        let long = "é".repeat(200);
        let out = truncate_description(&long);
        assert_eq!(out.chars().count(), 140);
        assert!(out.ends_with('…'));
        assert!(out.starts_with("éé"));
    }
}
