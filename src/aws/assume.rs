//! `AssumeRoleWithWebIdentity`: the GitHub OIDC token exchanged for a role's
//! temporary credentials, once per role. The call is unsigned, so it needs no
//! credentials of its own.
//! <https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html>
//!
//! Session tags cannot be passed to this call (AWS takes them only from the
//! token's `https://aws.amazon.com/tags` claim, which GitHub does not set);
//! the session name carries repository, run and environment instead, and
//! CloudTrail records the token's own `repository`, `run_id` and
//! `environment` claims (docs/accounts.md, "Many accounts and regions").

use aws_sdk_sts::config::Credentials;
use aws_sdk_sts::error::ProvideErrorMetadata;

use crate::secret::Secret;

/// One hour: the default maximum session of a role, enough for a canary.
const DURATION_SECONDS: i32 = 3600;

/// Why a role could not be assumed, with what to fix.
#[derive(Debug, thiserror::Error)]
pub enum AssumeError {
    #[error(
        "AWS STS rejected the GitHub OIDC token for role {role} ({code}: {message}): the account \
         needs the IAM OIDC identity provider token.actions.githubusercontent.com with audience \
         sts.amazonaws.com (docs/security.md, \"Creating the roles\")"
    )]
    InvalidToken {
        role: String,
        code: String,
        message: String,
    },
    #[error(
        "AWS STS refused the GitHub OIDC token for role {role} as expired ({code}: {message}): \
         a token lives about five minutes and lambda-promote asks for a fresh one for each role \
         exchange; check the runner's clock, then re-run the job"
    )]
    ExpiredToken {
        role: String,
        code: String,
        message: String,
    },
    #[error(
        "AWS STS rejected a claim of the GitHub OIDC token for role {role} ({code}: {message}): \
         the token's audience must be sts.amazonaws.com and its subject must match the \
         provider's and the role's conditions (print them with `lambda-promote iam-policy`)"
    )]
    RejectedClaim {
        role: String,
        code: String,
        message: String,
    },
    #[error(
        "AWS STS refused to let this workflow assume role {role} ({code}: {message}): the role's \
         trust policy must allow sts:AssumeRoleWithWebIdentity for this repository and GitHub \
         environment (print it with `lambda-promote iam-policy`)"
    )]
    Denied {
        role: String,
        code: String,
        message: String,
    },
    #[error("failed to assume role {role}: {code}: {message}")]
    Other {
        role: String,
        code: String,
        message: String,
    },
}

/// Who is asking, for the session name.
pub struct Session<'a> {
    pub repository: &'a str,
    pub run_id: &'a str,
    /// The environments this role serves in this run.
    pub environments: &'a [String],
    /// A `from:` environment reading its source's image with the source's role: the
    /// session is named [`READER_SESSION_PREFIX`]…, which is all the role's trust lets such
    /// a job ask for, and the role's policy denies that session every write.
    pub reader: bool,
}

/// How a reader's session name starts (`iam-policy` conditions on it; docs/accounts.md,
/// "Cross-account promotion").
pub const READER_SESSION_PREFIX: &str = "read@";

/// `gh@REPO.RUN.ENV` (`read@…` for a reader), in the characters and length STS allows
/// (`[\w+=,.@-]`, 2 to 64).
pub fn session_name(s: &Session<'_>) -> String {
    let repo = s.repository.replace('/', ".");
    let run = if s.run_id.is_empty() {
        "local"
    } else {
        s.run_id
    };
    let envs = s.environments.join("+");
    let who = if s.reader {
        READER_SESSION_PREFIX
    } else {
        "gh@"
    };
    let raw = format!("{who}{repo}.{run}.{envs}");
    let clean: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "+=,.@-_".contains(c) {
                c
            } else {
                '-'
            }
        })
        .take(64)
        .collect();
    if clean.len() < 2 {
        "lambda-promote".to_string()
    } else {
        clean
    }
}

/// Exchanges `token` for the credentials of `role`.
pub async fn assume(
    sts: &aws_sdk_sts::Client,
    role: &str,
    token: &Secret,
    session: &Session<'_>,
) -> Result<Credentials, AssumeError> {
    // unpaced: the unsigned exchange runs once per role (and on renewal), before the role's
    // clients and their pacer exist, and the SDK's standard retry handles STS throttling here.
    let out = sts
        .assume_role_with_web_identity()
        .role_arn(role)
        .role_session_name(session_name(session))
        .web_identity_token(token.expose())
        .duration_seconds(DURATION_SECONDS)
        .send()
        .await;
    let out = match out {
        Ok(o) => o,
        Err(e) => return Err(classify(role, &e, token)),
    };
    let c = out.credentials().ok_or_else(|| AssumeError::Other {
        role: role.to_string(),
        code: "NoCredentials".into(),
        message: "STS answered without credentials".into(),
    })?;
    let expiry = std::time::SystemTime::try_from(*c.expiration()).ok();
    Ok(Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_string()),
        expiry,
        "lambda-promote-oidc",
    ))
}

fn classify<E, R>(
    role: &str,
    err: &aws_sdk_sts::error::SdkError<E, R>,
    token: &Secret,
) -> AssumeError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    let (code, message) = match err.as_service_error() {
        Some(se) => (
            se.code().unwrap_or("Unknown").to_string(),
            se.message().unwrap_or_default().to_string(),
        ),
        None => (
            "Unreachable".to_string(),
            aws_sdk_sts::error::DisplayErrorContext(err).to_string(),
        ),
    };
    // STS may quote the token back; it never leaves in clear.
    let message = message.replace(token.expose(), &token.redacted());
    let (role, code) = (role.to_string(), code);
    match code.as_str() {
        "ExpiredTokenException" | "ExpiredToken" => AssumeError::ExpiredToken {
            role,
            code,
            message,
        },
        "IDPRejectedClaim" => AssumeError::RejectedClaim {
            role,
            code,
            message,
        },
        "InvalidIdentityToken" => AssumeError::InvalidToken {
            role,
            code,
            message,
        },
        "AccessDenied" | "AccessDeniedException" => AssumeError::Denied {
            role,
            code,
            message,
        },
        _ => AssumeError::Other {
            role,
            code,
            message,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_names_fit_what_sts_allows() {
        let envs = ["production".to_string()];
        let s = Session {
            repository: "octo-org/worker",
            run_id: "4242",
            environments: &envs,
            reader: false,
        };
        assert_eq!(session_name(&s), "gh@octo-org.worker.4242.production");
        let s = Session { reader: true, ..s };
        assert_eq!(session_name(&s), "read@octo-org.worker.4242.production");
        let long = ["e".repeat(100)];
        let s = Session {
            repository: "o/r r",
            run_id: "",
            environments: &long,
            reader: false,
        };
        let n = session_name(&s);
        assert_eq!(n.len(), 64);
        assert!(n.starts_with("gh@o.r-r.local."), "{n}");
    }
}
