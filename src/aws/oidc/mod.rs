//! The job's GitHub OIDC token, asked for afresh for each role exchange, with audience
//! `sts.amazonaws.com` (docs/accounts.md, "Many accounts and regions"). The runner
//! sets `ACTIONS_ID_TOKEN_REQUEST_URL` and `ACTIONS_ID_TOKEN_REQUEST_TOKEN`
//! only when the job has `permissions: id-token: write`.
//! <https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-cloud-providers#requesting-the-jwt-using-environment-variables>
//!
//! The request goes through octocrab, the GitHub client already in the tree.

pub mod role;

use std::time::Duration;

use crate::secret::Secret;

/// The audience AWS STS expects in the token's `aud` claim.
pub const AUDIENCE: &str = "sts.amazonaws.com";

const TIMEOUT: Duration = Duration::from_secs(10);

/// Where and how to ask for the token; both variables set and non-empty.
#[derive(Clone, Debug)]
pub struct OidcRequest {
    url: String,
    bearer: Secret,
}

/// Why no token came back, with what to fix.
#[derive(Clone, Debug, thiserror::Error)]
pub enum OidcError {
    #[error(
        "the job has no GitHub OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL is unset): add \
         `permissions: id-token: write` to the job, or remove `role:` from the contract and \
         configure AWS credentials yourself"
    )]
    Missing,
    #[error(
        "GitHub refused the OIDC token request (HTTP {status}): the request token is not valid \
         for this job; check `permissions: id-token: write` and that the job runs on GitHub Actions"
    )]
    Refused { status: u16 },
    #[error("the GitHub OIDC token request failed: {0}")]
    Failed(String),
}

impl OidcRequest {
    /// From the runner's variables (`get` reads the process environment once).
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Option<Self> {
        let url = get("ACTIONS_ID_TOKEN_REQUEST_URL").filter(|v| !v.trim().is_empty())?;
        let bearer = get("ACTIONS_ID_TOKEN_REQUEST_TOKEN").filter(|v| !v.trim().is_empty())?;
        Some(Self {
            url: url.trim().to_string(),
            bearer: Secret::new(bearer.trim()),
        })
    }

    /// The request token: masked and scrubbed like every secret.
    pub fn bearer(&self) -> &Secret {
        &self.bearer
    }

    /// The URL with the audience appended (the runner's URL already has a query).
    fn url_with_audience(&self) -> String {
        let sep = if self.url.contains('?') { '&' } else { '?' };
        format!("{}{sep}audience={AUDIENCE}", self.url)
    }

    /// Asks GitHub for the token. Errors never carry the request token.
    pub async fn fetch(&self) -> Result<Secret, OidcError> {
        let url = self.url_with_audience();
        let (base, route) = split_url(&url).ok_or_else(|| {
            OidcError::Failed("ACTIONS_ID_TOKEN_REQUEST_URL is not an http(s) URL".into())
        })?;
        let scrub = |text: String| text.replace(self.bearer.expose(), &self.bearer.redacted());
        if !self.bearer.expose().bytes().all(|b| b.is_ascii_graphic()) {
            return Err(OidcError::Failed(
                "ACTIONS_ID_TOKEN_REQUEST_TOKEN cannot be sent in a header".into(),
            ));
        }
        let client = octocrab::Octocrab::builder()
            .base_uri(base)
            .map_err(|e| OidcError::Failed(scrub(e.to_string())))?
            // octocrab sends it as `Authorization: Bearer …`, which GitHub's
            // token service accepts like the toolkit's lower-case `bearer`.
            .personal_token(self.bearer.expose().to_string())
            .set_connect_timeout(Some(TIMEOUT))
            .set_read_timeout(Some(TIMEOUT))
            .build()
            .map_err(|e| OidcError::Failed(scrub(e.to_string())))?;
        let answer: Result<TokenAnswer, _> = client.get(&route, None::<&()>).await;
        match answer {
            Ok(TokenAnswer { value }) if !value.trim().is_empty() => Ok(Secret::new(value.trim())),
            Ok(_) => Err(OidcError::Failed("GitHub answered without a token".into())),
            Err(octocrab::Error::GitHub { source, .. }) => Err(OidcError::Refused {
                status: source.status_code.as_u16(),
            }),
            Err(e) => Err(OidcError::Failed(scrub(format!("{e}")))),
        }
    }
}

#[derive(serde::Deserialize)]
struct TokenAnswer {
    value: String,
}

/// `scheme://host[:port]` and the rest (`/path?query`).
fn split_url(url: &str) -> Option<(String, String)> {
    let rest = url
        .strip_prefix("https://")
        .map(|r| ("https://", r))
        .or_else(|| url.strip_prefix("http://").map(|r| ("http://", r)))?;
    let (scheme, rest) = rest;
    let slash = rest.find('/').unwrap_or(rest.len());
    let (host, path) = rest.split_at(slash);
    if host.is_empty() {
        return None;
    }
    let path = if path.is_empty() { "/" } else { path };
    Some((format!("{scheme}{host}"), path.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(url: &str) -> OidcRequest {
        OidcRequest::from_env(|k| match k {
            "ACTIONS_ID_TOKEN_REQUEST_URL" => Some(url.to_string()),
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN" => Some("request-token-123".to_string()),
            _ => None,
        })
        .unwrap()
    }

    #[test]
    fn the_audience_joins_the_runners_query() {
        let r = request("https://pipelines.example/token?api-version=2.0");
        assert_eq!(
            r.url_with_audience(),
            "https://pipelines.example/token?api-version=2.0&audience=sts.amazonaws.com"
        );
        assert_eq!(
            request("http://127.0.0.1:9/t").url_with_audience(),
            "http://127.0.0.1:9/t?audience=sts.amazonaws.com"
        );
    }

    #[test]
    fn both_variables_are_needed() {
        assert!(OidcRequest::from_env(|_| None).is_none());
        let only_url =
            |k: &str| (k == "ACTIONS_ID_TOKEN_REQUEST_URL").then(|| "https://x/t".into());
        assert!(OidcRequest::from_env(only_url).is_none());
    }

    #[test]
    fn urls_split_into_base_and_route() {
        assert_eq!(
            split_url("http://127.0.0.1:8080/a/b?c=d"),
            Some(("http://127.0.0.1:8080".into(), "/a/b?c=d".into()))
        );
        assert_eq!(split_url("ftp://x/y"), None);
        assert_eq!(split_url("https:///y"), None);
    }
}
