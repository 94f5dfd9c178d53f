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
        match self.post::<Viewer, _>(&self.graphql_url(), &query).await {
            Ok(Viewer {
                data: Some(ViewerData { viewer }),
            }) if !viewer.login.is_empty() => Ok(Some(viewer.login)),
            Ok(_) | Err(Failure::Status { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// GitHub.com's `https://api.github.com/graphql`; an Enterprise Server's
    /// `https://HOST/api/graphql` beside its `https://HOST/api/v3`.
    fn graphql_url(&self) -> String {
        match self.api_url.strip_suffix("/api/v3") {
            Some(host) => format!("{host}/api/graphql"),
            None => format!("{}/graphql", self.api_url),
        }
    }
}
