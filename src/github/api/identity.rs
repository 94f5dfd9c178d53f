//! Whose comments are ours: those written by the token's own identity, never
//! any comment that merely carries the marker (anyone can paste it).
//!
//! `GET /user` names the user behind a personal or OAuth token. A GitHub App
//! installation token, which is what `GITHUB_TOKEN` is, gets 403 ("Resource
//! not accessible by integration",
//! <https://docs.github.com/en/rest/users/users#get-the-authenticated-user>)
//! or 404 there; GraphQL's `viewer` names its bot user, which for the
//! Actions token is `github-actions[bot]`
//! (<https://docs.github.com/en/actions/security-for-github-actions/security-guides/automatic-token-authentication>).
//! When neither names the token's identity, no comment is taken for ours.

use serde::Deserialize;

use super::GitHub;
use super::error::Failure;

#[derive(Debug, Deserialize)]
struct Me {
    login: String,
}

/// GraphQL's answer to `{ viewer { login } }`.
#[derive(Debug, Deserialize)]
struct Viewer {
    data: Option<ViewerData>,
}

#[derive(Debug, Deserialize)]
struct ViewerData {
    viewer: Me,
}

impl GitHub {
    /// The login the token writes comments as: `GET /user`, else GraphQL's
    /// `viewer`, which also names an installation token's bot
    /// (`github-actions[bot]` for `GITHUB_TOKEN`,
    /// <https://docs.github.com/en/graphql/reference/queries#viewer>). `None`
    /// when neither says: then no comment is ours, and a new one is posted,
    /// never one another identity wrote edited. Transport failures are retried
    /// by the caller like any request.
    pub(super) async fn own_login(&self) -> Result<Option<String>, Failure> {
        match self.get::<Me, ()>("/user", None).await {
            Ok(me) if !me.login.is_empty() => return Ok(Some(me.login)),
            Ok(_) | Err(Failure::Status { .. }) => {}
            Err(e) => return Err(e),
        }
        let query = serde_json::json!({ "query": "query { viewer { login } }" });
        let client = self.graphql_client()?;
        let request = async {
            client
                .post::<_, Viewer>("/graphql", Some(&query))
                .await
                .map_err(|e| super::error::from_octocrab(e, &self.token))
        };
        match super::retry::timed(&self.policy, request).await {
            Ok(Viewer {
                data: Some(ViewerData { viewer }),
            }) if !viewer.login.is_empty() => Ok(Some(viewer.login)),
            Ok(_) | Err(Failure::Status { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// A client at GraphQL's base: GitHub.com's `https://api.github.com`
    /// (`/graphql`), an Enterprise Server's `https://HOST/api` beside its
    /// `https://HOST/api/v3` (the REST client would put `/api/v3` in front).
    fn graphql_client(&self) -> Result<octocrab::Octocrab, Failure> {
        let base = match self.api_url.strip_suffix("/v3") {
            Some(api) if api.ends_with("/api") => api,
            _ => self.api_url.as_str(),
        };
        let timeout = Some(self.policy.request_timeout);
        octocrab::Octocrab::builder()
            .base_uri(base)
            .and_then(|b| {
                b.personal_token(self.token.expose().to_string())
                    .add_retry_config(octocrab::service::middleware::retry::RetryConfig::None)
                    .set_connect_timeout(timeout)
                    .set_read_timeout(timeout)
                    .set_write_timeout(timeout)
                    .build()
            })
            .map_err(|e| Failure::Fatal(super::error::scrub(&e.to_string(), &self.token)))
    }
}
