//! AWS errors classified once, by error code, into what the rest of the code
//! decides on. `SdkError`'s `Display` says only "service error", so the code and
//! message are carried explicitly; `AccessDenied` names the IAM action.

use std::fmt;

use aws_sdk_lambda::config::http::HttpResponse;
use aws_sdk_lambda::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};

use super::operations::Operation;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorKind {
    NotFound,
    AccessDenied,
    /// `ResourceConflictException`: an update is in progress.
    Conflict,
    /// `PreconditionFailedException`: a revision id guard failed (another run wrote).
    Precondition,
    Throttled,
    /// Could not reach AWS, or it timed out.
    Network,
    Other,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, serde::Serialize)]
pub struct AwsError {
    pub kind: ErrorKind,
    /// The IAM action of the call that failed, e.g. `lambda:GetFunction`.
    pub action: &'static str,
    /// The resource it was called on.
    pub resource: String,
    pub code: String,
    pub message: String,
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            ErrorKind::AccessDenied => write!(
                f,
                "access denied: the role may not call {} on {} ({}: {}); grant it (see `lambda-promote iam-policy`)",
                self.action, self.resource, self.code, self.message
            ),
            ErrorKind::Precondition => write!(
                f,
                "{} on {} was refused because another run changed it in between ({}: {}); not overwriting it",
                self.action, self.resource, self.code, self.message
            ),
            _ => write!(
                f,
                "{} on {} failed: {}: {}",
                self.action, self.resource, self.code, self.message
            ),
        }
    }
}

impl AwsError {
    pub fn is_not_found(&self) -> bool {
        self.kind == ErrorKind::NotFound
    }

    /// Classify any SDK error of any service.
    pub fn classify<E>(op: Operation, resource: &str, err: &SdkError<E, HttpResponse>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let (code, message) = match err {
            SdkError::ServiceError(se) => (
                se.err().code().unwrap_or("Unknown").to_string(),
                se.err()
                    .message()
                    .map(str::to_string)
                    .unwrap_or_else(|| DisplayErrorContext(se.err()).to_string()),
            ),
            SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) => (
                "Unreachable".to_string(),
                DisplayErrorContext(err).to_string(),
            ),
            _ => (
                err.code().unwrap_or("Unknown").to_string(),
                DisplayErrorContext(err).to_string(),
            ),
        };
        // A bare 404 with no AWS error in it: the endpoint has no such API or resource (a
        // local emulator without provisioned concurrency answers so).
        let bare_404 = code == "Unknown"
            && err
                .raw_response()
                .is_some_and(|r| r.status().as_u16() == 404);
        let kind = match err {
            SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) => ErrorKind::Network,
            _ if bare_404 => ErrorKind::NotFound,
            _ => kind_of(&code),
        };
        AwsError {
            kind,
            action: op.action,
            resource: resource.to_string(),
            code,
            message,
        }
    }
}

/// Error codes across Lambda, CloudFront, Logs, STS and ECR.
fn kind_of(code: &str) -> ErrorKind {
    match code {
        "ResourceNotFoundException"
        | "ProvisionedConcurrencyConfigNotFoundException"
        | "NoSuchDistribution"
        | "RepositoryNotFoundException"
        | "ImageNotFoundException"
        | "LifecyclePolicyNotFoundException"
        | "NotFound" => ErrorKind::NotFound,
        "AccessDeniedException"
        | "AccessDenied"
        | "UnauthorizedOperation"
        | "UnrecognizedClientException"
        | "InvalidClientTokenId"
        | "ExpiredToken"
        | "ExpiredTokenException" => ErrorKind::AccessDenied,
        "ResourceConflictException" => ErrorKind::Conflict,
        "PreconditionFailedException" => ErrorKind::Precondition,
        "TooManyRequestsException"
        | "ThrottlingException"
        | "Throttling"
        | "RequestLimitExceeded" => ErrorKind::Throttled,
        _ => ErrorKind::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::operations;

    #[test]
    fn codes_map_to_kinds() {
        assert_eq!(kind_of("ResourceNotFoundException"), ErrorKind::NotFound);
        assert_eq!(kind_of("AccessDeniedException"), ErrorKind::AccessDenied);
        assert_eq!(
            kind_of("PreconditionFailedException"),
            ErrorKind::Precondition
        );
        assert_eq!(kind_of("TooManyRequestsException"), ErrorKind::Throttled);
        assert_eq!(kind_of("Whatever"), ErrorKind::Other);
    }

    #[test]
    fn access_denied_names_the_action_and_resource() {
        let e = AwsError {
            kind: ErrorKind::AccessDenied,
            action: operations::UPDATE_ALIAS.action,
            resource: "worker-prod:live".into(),
            code: "AccessDeniedException".into(),
            message: "no".into(),
        };
        let s = e.to_string();
        assert!(s.contains("lambda:UpdateAlias"), "{s}");
        assert!(s.contains("worker-prod:live"), "{s}");
    }
}
