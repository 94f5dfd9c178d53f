//! GitHub Deployments: one per promoted environment, with `in_progress`, then
//! `success` or `failure` statuses that point at the run's log.
//! <https://docs.github.com/en/rest/deployments/deployments#create-a-deployment>

use serde::Serialize;
use serde::de::IgnoredAny;

use super::error::{DEPLOYMENTS_PERMISSION, GitHubError};
use super::{Created, GitHub, retry};

/// The deployment states we report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeploymentState {
    InProgress,
    Success,
    Failure,
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
struct NewDeployment<'a> {
    #[serde(rename = "ref")]
    sha: &'a str,
    environment: &'a str,
    description: String,
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
}

impl GitHub {
    /// Records a deployment of commit `sha` to `environment`; returns its id.
    pub async fn create_deployment(
        &self,
        sha: &str,
        environment: &str,
        production: bool,
        description: &str,
    ) -> Result<u64, GitHubError> {
        let route = self.repo_route("/deployments");
        let body = NewDeployment {
            sha,
            environment,
            description: truncate_description(description),
            auto_merge: false,
            required_contexts: [],
            production_environment: production,
            transient_environment: false,
        };
        retry::run(
            &self.policy,
            DEPLOYMENTS_PERMISSION,
            "deployment",
            || async {
                let created: Created = self.post(&route, &body).await?;
                Ok(created.id)
            },
        )
        .await
    }

    /// Adds a status to deployment `id`; `log_url` links to the workflow run.
    pub async fn set_deployment_status(
        &self,
        id: u64,
        state: DeploymentState,
        log_url: &str,
        description: &str,
    ) -> Result<(), GitHubError> {
        let route = self.repo_route(&format!("/deployments/{id}/statuses"));
        let body = NewStatus {
            state,
            log_url,
            description: truncate_description(description),
        };
        retry::run(
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
        ])
        .unwrap();
        assert_eq!(json, r#"["in_progress","success","failure"]"#);
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
