//! What can go wrong talking to GitHub, and which failures are worth a retry.
//! Classification is pure, so every rule is unit-tested without a server.

use std::time::Duration;

use crate::secret::Secret;

/// The workflow permission each API area needs; named in `Permission` errors.
pub const COMMENTS_PERMISSION: &str = "pull-requests: write";
pub const DEPLOYMENTS_PERMISSION: &str = "deployments: write";

/// A GitHub API failure after retries. The caller reports it as a warning:
/// GitHub bookkeeping never fails a run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GitHubError {
    /// 403 or 404: the token may not do this. GitHub answers 404 rather than 403
    /// when the token cannot see the resource at all.
    #[error(
        "GitHub API returned {status} ({message}): the workflow token lacks `{permission}`; \
         add it under `permissions:` in the workflow or the job. A pull request from a fork \
         always gets a read-only token, which also causes this"
    )]
    Permission {
        permission: &'static str,
        status: u16,
        message: String,
    },
    /// Anything else, after retries where a retry could help.
    #[error("GitHub API: {0}")]
    Other(String),
}

/// One failed attempt, before deciding whether to try again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Failure {
    /// GitHub answered with an error status.
    Status {
        status: u16,
        message: String,
        rate_limited: bool,
    },
    /// The request never got an answer (connection, TLS, reset).
    Transport(String),
    /// No answer within the per-request timeout.
    TimedOut(Duration),
    /// Not worth retrying: a malformed answer, an invalid request.
    Fatal(String),
}

/// Whether to try again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    Retry(GitHubError),
    GiveUp(GitHubError),
}

/// Decides what a failed attempt means. `permission` is the workflow
/// permission the operation needs, named when GitHub refuses it.
pub(crate) fn classify(failure: Failure, permission: &'static str) -> Verdict {
    match failure {
        // A 403 from an exhausted rate limit is not a permission problem, and its
        // reset is minutes away: give up now rather than hold the run.
        Failure::Status {
            status,
            message,
            rate_limited: true,
        } => Verdict::GiveUp(GitHubError::Other(format!(
            "rate limited ({status}): {message}"
        ))),
        Failure::Status {
            status: status @ (403 | 404),
            message,
            ..
        } => Verdict::GiveUp(GitHubError::Permission {
            permission,
            status,
            message,
        }),
        Failure::Status {
            status, message, ..
        } if status == 429 || status >= 500 => {
            Verdict::Retry(GitHubError::Other(format!("{status}: {message}")))
        }
        Failure::Status {
            status, message, ..
        } => Verdict::GiveUp(GitHubError::Other(format!("{status}: {message}"))),
        Failure::Transport(message) => Verdict::Retry(GitHubError::Other(message)),
        Failure::TimedOut(after) => {
            Verdict::Retry(GitHubError::Other(format!("no answer within {after:?}")))
        }
        Failure::Fatal(message) => Verdict::GiveUp(GitHubError::Other(message)),
    }
}

/// Turns an octocrab error into a `Failure`, with the token scrubbed from
/// every message (GitHub or a proxy could echo it back).
pub(crate) fn from_octocrab(err: octocrab::Error, token: &Secret) -> Failure {
    match err {
        octocrab::Error::GitHub { source, .. } => {
            let rate_limited = source
                .headers
                .as_ref()
                .and_then(|h| h.get("x-ratelimit-remaining"))
                .is_some_and(|v| v.as_bytes() == b"0");
            Failure::Status {
                status: source.status_code.as_u16(),
                message: scrub(&source.message, token),
                rate_limited,
            }
        }
        err @ (octocrab::Error::Hyper { .. } | octocrab::Error::Service { .. }) => {
            Failure::Transport(scrub(&error_chain(&err), token))
        }
        err => Failure::Fatal(scrub(&error_chain(&err), token)),
    }
}

/// The error and its sources on one line; octocrab's own `Display` of some
/// variants is only the variant name.
fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut out = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        // Some Display impls already include their source; say it once.
        let text = cause.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = cause.source();
    }
    out
}

/// Replaces every occurrence of the token with its redacted form.
pub(crate) fn scrub(message: &str, token: &Secret) -> String {
    if token.is_empty() {
        return message.to_string();
    }
    message.replace(token.expose(), &token.redacted())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(status: u16, message: &str) -> Failure {
        Failure::Status {
            status,
            message: message.into(),
            rate_limited: false,
        }
    }

    #[test]
    fn forbidden_and_not_found_name_the_permission() {
        for code in [403, 404] {
            let verdict = classify(status(code, "Resource not accessible"), COMMENTS_PERMISSION);
            let Verdict::GiveUp(err) = verdict else {
                panic!("{code} must not be retried");
            };
            assert_eq!(
                err,
                GitHubError::Permission {
                    permission: "pull-requests: write",
                    status: code,
                    message: "Resource not accessible".into()
                }
            );
            let text = err.to_string();
            assert!(text.contains("`pull-requests: write`"), "{text}");
            assert!(text.contains("fork"), "{text}");
        }
    }

    #[test]
    fn server_errors_rate_limits_and_transport_are_retried() {
        for failure in [
            status(500, "boom"),
            status(502, "Bad Gateway"),
            status(429, "slow down"),
            Failure::Transport("connection reset".into()),
            Failure::TimedOut(Duration::from_secs(10)),
        ] {
            assert!(
                matches!(
                    classify(failure.clone(), DEPLOYMENTS_PERMISSION),
                    Verdict::Retry(_)
                ),
                "{failure:?}"
            );
        }
    }

    #[test]
    fn client_errors_and_exhausted_rate_limits_give_up_without_blaming_permissions() {
        let exhausted = Failure::Status {
            status: 403,
            message: "API rate limit exceeded".into(),
            rate_limited: true,
        };
        for failure in [
            status(422, "Validation Failed"),
            status(409, "Conflict"),
            exhausted,
            Failure::Fatal("bad json".into()),
        ] {
            match classify(failure.clone(), DEPLOYMENTS_PERMISSION) {
                Verdict::GiveUp(GitHubError::Other(_)) => {}
                other => panic!("{failure:?} gave {other:?}"),
            }
        }
    }

    #[test]
    fn error_chain_says_each_cause_once() {
        // Like octocrab's `Service Error: {source}`: the source in the Display.
        #[derive(Debug, thiserror::Error)]
        #[error("Service Error: {0}")]
        struct Outer(#[source] std::io::Error);
        #[derive(Debug, thiserror::Error)]
        #[error("request failed")]
        struct Plain(#[source] std::io::Error);

        let twice = Outer(std::io::Error::other("connection refused"));
        assert_eq!(error_chain(&twice), "Service Error: connection refused");
        let once = Plain(std::io::Error::other("connection refused"));
        assert_eq!(error_chain(&once), "request failed: connection refused");
    }

    #[test]
    fn scrub_hides_the_token_everywhere() {
        let token = Secret::new("ghs_abcdefghijklmnop");
        let out = scrub("bad ghs_abcdefghijklmnop and ghs_abcdefghijklmnop", &token);
        assert!(!out.contains("ghs_abcdefghijklmnop"));
        assert_eq!(out, "bad gh…op and gh…op");
    }
}
