//! The GitHub REST API through octocrab: one client per run, bounded requests,
//! errors classified so a caller can turn any of them into a warning.
//!
//! Requests go through octocrab's generic `get`/`post`/`patch` with small
//! response types of our own: its typed models demand every field of a full
//! payload, and we only ever need an `id` and a `body`.

mod comment;
mod deployment;
mod error;
mod identity;
mod retry;

use std::fmt;

use anyhow::{Context, bail};
use octocrab::FromResponse;
use octocrab::Octocrab;
use serde::Serialize;

use crate::secret::Secret;

pub use comment::{CommentAction, marker_tag};
pub use deployment::{DeploymentState, NewDeployment, truncate_description};
pub use error::{COMMENTS_PERMISSION, DEPLOYMENTS_PERMISSION, GitHubError};
pub use retry::RetryPolicy;

use error::{Failure, from_octocrab};

/// Where the public GitHub API lives; GitHub Enterprise Server sets
/// `GITHUB_API_URL` to its own, such as `https://ghe.example.com/api/v3`.
pub const DEFAULT_API_URL: &str = "https://api.github.com";

/// A client for one repository.
pub struct GitHub {
    client: Octocrab,
    api_url: String,
    owner: String,
    repo: String,
    token: Secret,
    policy: RetryPolicy,
}

impl fmt::Debug for GitHub {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GitHub")
            .field("api_url", &self.api_url)
            .field("repository", &format_args!("{}/{}", self.owner, self.repo))
            .field("token", &self.token)
            .field("policy", &self.policy)
            .finish()
    }
}

impl GitHub {
    /// A client for `repository` (`owner/name`, as in `GITHUB_REPOSITORY`) at
    /// `api_url` (`GITHUB_API_URL`; empty means api.github.com).
    ///
    /// Must be called inside a Tokio runtime: octocrab spawns its request
    /// buffer there.
    pub fn new(api_url: &str, token: &Secret, repository: &str) -> anyhow::Result<GitHub> {
        let api_url = normalise_api_url(api_url)?;
        let (owner, repo) = split_repository(repository)?;
        // Runner secrets often end in a newline; a header value cannot.
        let token = Secret::new(token.expose().trim());
        if token.is_empty() {
            bail!("the GitHub token is empty");
        }
        // octocrab builds the Authorization header with `parse().unwrap()`, so a
        // token that is not a valid header value would panic inside it.
        if !token.expose().bytes().all(|b| b.is_ascii_graphic()) {
            bail!("the GitHub token contains characters that cannot be sent in a header");
        }
        if tokio::runtime::Handle::try_current().is_err() {
            bail!("the GitHub client needs a Tokio runtime");
        }
        let policy = RetryPolicy::default();
        let client = Octocrab::builder()
            .base_uri(api_url.as_str())
            .with_context(|| format!("invalid GitHub API URL {api_url}"))?
            .personal_token(token.expose().to_string())
            // Retries are ours: octocrab retries 5xx at once, without backoff,
            // and would re-send a POST that we want to re-check first.
            .add_retry_config(octocrab::service::middleware::retry::RetryConfig::None)
            .set_connect_timeout(Some(policy.request_timeout))
            .set_read_timeout(Some(policy.request_timeout))
            .set_write_timeout(Some(policy.request_timeout))
            .build()
            .map_err(|e| anyhow::anyhow!(error::scrub(&e.to_string(), &token)))
            .context("cannot build the GitHub client")?;
        Ok(GitHub {
            client,
            api_url,
            owner: owner.to_string(),
            repo: repo.to_string(),
            token,
            policy,
        })
    }

    /// Replaces the retry and timeout policy (the default: 3 attempts from
    /// 250 ms backoff, 10 s per request, 30 s per operation).
    pub fn with_policy(mut self, policy: RetryPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// `/repos/{owner}/{repo}` followed by `rest`.
    fn repo_route(&self, rest: &str) -> String {
        format!("/repos/{}/{}{rest}", self.owner, self.repo)
    }

    async fn get<R: FromResponse, P: Serialize + ?Sized>(
        &self,
        route: &str,
        query: Option<&P>,
    ) -> Result<R, Failure> {
        let request = async {
            self.client
                .get::<R, _, P>(route, query)
                .await
                .map_err(|e| from_octocrab(e, &self.token))
        };
        retry::timed(&self.policy, request).await
    }

    async fn post<R: FromResponse, B: Serialize + ?Sized>(
        &self,
        route: &str,
        body: &B,
    ) -> Result<R, Failure> {
        let request = async {
            self.client
                .post::<B, R>(route, Some(body))
                .await
                .map_err(|e| from_octocrab(e, &self.token))
        };
        retry::timed(&self.policy, request).await
    }

    async fn patch<R: FromResponse, B: Serialize + ?Sized>(
        &self,
        route: &str,
        body: &B,
    ) -> Result<R, Failure> {
        let request = async {
            self.client
                .patch::<R, _, B>(route, Some(body))
                .await
                .map_err(|e| from_octocrab(e, &self.token))
        };
        retry::timed(&self.policy, request).await
    }
}

/// An `id`, which is all we read back from what we create.
#[derive(Debug, serde::Deserialize)]
struct Created {
    id: u64,
}

/// Trims the URL and its trailing slashes, and insists on `http(s)://host`
/// (octocrab would panic joining a base without a scheme or host).
fn normalise_api_url(api_url: &str) -> anyhow::Result<String> {
    let url = api_url.trim().trim_end_matches('/');
    if url.is_empty() {
        return Ok(DEFAULT_API_URL.to_string());
    }
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let host = rest.map(|r| r.split('/').next().unwrap_or_default());
    let clean = |r: &str| {
        !r.chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '?' | '#' | '@'))
    };
    match (rest, host) {
        (Some(r), Some(h)) if !h.is_empty() && clean(r) => {}
        _ => bail!("invalid GitHub API URL {url:?}: expected http(s)://host[/path]"),
    }
    Ok(url.to_string())
}

/// `owner/name`, each part made only of the characters GitHub allows, so
/// neither can reshape the request path.
fn split_repository(repository: &str) -> anyhow::Result<(&str, &str)> {
    let valid = |s: &str| {
        !s.is_empty()
            && s != "."
            && s != ".."
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    match repository.trim().split_once('/') {
        Some((owner, repo)) if valid(owner) && valid(repo) => Ok((owner, repo)),
        _ => bail!("invalid repository {repository:?}: expected owner/name"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_url_defaults_and_keeps_an_enterprise_path() {
        assert_eq!(normalise_api_url("").unwrap(), DEFAULT_API_URL);
        assert_eq!(
            normalise_api_url(" https://ghe.example.com/api/v3/ ").unwrap(),
            "https://ghe.example.com/api/v3"
        );
    }

    #[test]
    fn api_url_without_scheme_or_host_is_refused() {
        for bad in [
            "ghe.example.com/api/v3",
            "/api/v3",
            "ftp://x",
            "https://x/api?y=1",
        ] {
            assert!(normalise_api_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn repository_must_be_owner_slash_name() {
        assert_eq!(
            split_repository("octo-org/my.repo_1").unwrap(),
            ("octo-org", "my.repo_1")
        );
        for bad in [
            "", "owner", "owner/", "/repo", "a/b/c", "a/..", "a/b?x", "a b/c",
        ] {
            assert!(split_repository(bad).is_err(), "{bad}");
        }
    }

    #[tokio::test]
    async fn bad_tokens_are_refused_without_showing_them() {
        for token in ["", "  ", "ghp_line\nbreak_abcdef", "ghp_with space_abcdef"] {
            let err = GitHub::new("", &Secret::new(token), "o/r").unwrap_err();
            let text = format!("{err:#} {err:?}");
            assert!(!token.trim().is_empty() || text.contains("empty"), "{text}");
            if !token.trim().is_empty() {
                assert!(!text.contains(token), "{text}");
            }
        }
    }

    #[test]
    fn outside_a_runtime_it_refuses_instead_of_panicking() {
        let err = GitHub::new("", &Secret::new("ghp_abcdefghijkl"), "o/r").unwrap_err();
        assert!(err.to_string().contains("Tokio runtime"), "{err}");
    }

    #[tokio::test]
    async fn debug_redacts_the_token() {
        let gh = GitHub::new("", &Secret::new("ghp_abcdefghijklmnop"), "o/r").unwrap();
        let text = format!("{gh:?}");
        assert!(!text.contains("ghp_abcdefghijklmnop"), "{text}");
        assert!(text.contains("o/r"), "{text}");
    }
}
