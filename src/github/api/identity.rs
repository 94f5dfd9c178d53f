//! Whose comments are ours: those written by the token's own identity, never
//! any comment that merely carries the marker (anyone can paste it).
//!
//! `GET /user` names the user behind a personal or OAuth token. A GitHub App
//! installation token, which is what `GITHUB_TOKEN` is, gets 403 ("Resource
//! not accessible by integration",
//! <https://docs.github.com/en/rest/users/users#get-the-authenticated-user>)
//! or 404 there; its comments are authored by the app's bot user, which for
//! the Actions token is `github-actions[bot]`
//! (<https://docs.github.com/en/actions/security-for-github-actions/security-guides/automatic-token-authentication>).

use serde::Deserialize;

use super::GitHub;
use super::error::Failure;

/// The author of every comment made with the workflow's `GITHUB_TOKEN`.
pub const ACTIONS_BOT: &str = "github-actions[bot]";

#[derive(Debug, Deserialize)]
struct Me {
    login: String,
}

impl GitHub {
    /// The login the token writes comments as. A refusal means an
    /// installation token: the Actions bot. Other failures are retried by the
    /// caller like any request.
    pub(super) async fn own_login(&self) -> Result<String, Failure> {
        match self.get::<Me, ()>("/user", None).await {
            Ok(me) if !me.login.is_empty() => Ok(me.login),
            Ok(_) => Ok(ACTIONS_BOT.to_string()),
            Err(Failure::Status {
                status: 401 | 403 | 404,
                ..
            }) => Ok(ACTIONS_BOT.to_string()),
            Err(e) => Err(e),
        }
    }
}
