//! A contract check's result: a stable code, a severity, and the expected and
//! live values as they may be shown.

use serde::Serialize;

use crate::code::kebab_codes;
use crate::config::model::Pos;

/// How a finding affects the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// The check passed.
    Pass,
    /// Drift or a failed lookup: fails the run.
    Error,
    /// Shown, does not fail the run.
    Warning,
    /// Not run (a fork's empty secret): shown with a warning, not drift.
    Skipped,
}

/// A value as it may appear in a report. Secrets are stored already redacted,
/// so no renderer can print them in clear.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "value")]
pub enum Shown {
    Plain(String),
    /// The redacted form of a secret (`E2…ZL`).
    Redacted(String),
    /// A Lambda environment value: never shown at all.
    Hidden,
    /// Nothing to show.
    None,
}

impl std::fmt::Display for Shown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Shown::Plain(s) | Shown::Redacted(s) => f.write_str(s),
            Shown::Hidden => f.write_str("(hidden)"),
            Shown::None => f.write_str("—"),
        }
    }
}

kebab_codes! {
    /// What a finding says, as a stable kebab-case code (the README's "Finding
    /// codes" table lists each one).
    pub enum Code {
        /// The check passed.
        Ok = "ok",
        /// The credentials act in another account than the contract's `account`.
        AccountMismatch = "account-mismatch",
        /// A read was refused; the message names the IAM action and resource.
        AwsAccessDenied = "aws-access-denied",
        /// A read failed for another reason than access.
        AwsError = "aws-error",
        /// AWS could not be reached: no credentials, or the network.
        AwsUnreachable = "aws-unreachable",
        /// A job env var the check compares with is unset or empty.
        SecretUnset = "secret-unset",
        /// A function to deploy to is a zip function.
        NotAnImageFunction = "not-an-image-function",
        /// A function named by the contract does not exist.
        FunctionNotFound = "function-not-found",
        /// The alias to move does not exist yet.
        AliasNotFound = "alias-not-found",
        /// The function's environment lacks keys.
        FunctionEnvMissing = "function-env-missing",
        /// A function environment value differs from its job env var.
        FunctionEnvMismatch = "function-env-mismatch",
        /// The log group does not exist.
        LogGroupNotFound = "log-group-not-found",
        /// No CloudFront distribution matches the selector.
        CloudfrontNotFound = "cloudfront-not-found",
        /// More than one distribution matches the selector.
        CloudfrontAmbiguous = "cloudfront-ambiguous",
        /// The matching distribution is disabled.
        CloudfrontDisabled = "cloudfront-disabled",
        /// The distribution's Id differs from its job env var.
        CloudfrontIdMismatch = "cloudfront-id-mismatch",
        /// A trigger invokes the unqualified function, `$LATEST` or a version, not the alias.
        TrafficBypassesAlias = "traffic-bypasses-alias",
        /// The image of the version a rollback would return to is gone from ECR.
        RollbackImageMissing = "rollback-image-missing",
        /// An ECR lifecycle rule would expire the live image or the rollback target's.
        ImageMayExpire = "image-may-expire",
        /// The alias has provisioned concurrency and the strategy needs weights.
        ProvisionedConcurrencyOnAlias = "provisioned-concurrency-on-alias",
        /// Live AWS disagrees with what the environment's `assume:` vouches for.
        AssumptionFalse = "assumption-false",
    }
}

impl Code {
    /// The status a finding with this code has. `secret-unset` may also be
    /// [`Status::Skipped`] (on a pull request from a fork); `traffic-bypasses-alias` and
    /// `rollback-image-missing` are warnings where the README's table says so.
    pub const fn status(self) -> Status {
        match self {
            Code::Ok => Status::Pass,
            Code::AliasNotFound | Code::CloudfrontDisabled | Code::ImageMayExpire => {
                Status::Warning
            }
            Code::AccountMismatch
            | Code::AwsAccessDenied
            | Code::AwsError
            | Code::AwsUnreachable
            | Code::SecretUnset
            | Code::NotAnImageFunction
            | Code::FunctionNotFound
            | Code::FunctionEnvMissing
            | Code::FunctionEnvMismatch
            | Code::LogGroupNotFound
            | Code::CloudfrontNotFound
            | Code::CloudfrontAmbiguous
            | Code::CloudfrontIdMismatch
            | Code::TrafficBypassesAlias
            | Code::RollbackImageMissing
            | Code::ProvisionedConcurrencyOnAlias
            | Code::AssumptionFalse => Status::Error,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub environment: String,
    /// The check kind as written in the contract: `cloudfront`, `function-env`, …
    pub check: String,
    /// The AWS resource looked at.
    pub resource: String,
    /// Stable kebab-case code; `ok` when the check passed.
    pub code: Code,
    pub status: Status,
    pub expected: Shown,
    pub live: Shown,
    /// One sentence for a person; never holds a secret in clear.
    pub message: String,
    /// Where the check is written in the contract.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<Pos>,
}

impl Finding {
    pub fn fails(&self) -> bool {
        self.status == Status::Error
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_kebab_case_and_unique() {
        let texts: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        crate::code::assert_kebab_and_unique(&texts);
    }

    #[test]
    fn a_code_serializes_as_its_text() {
        let json = serde_json::to_string(&Code::FunctionNotFound).unwrap();
        assert_eq!(json, r#""function-not-found""#);
        assert_eq!(
            Code::CloudfrontIdMismatch.to_string(),
            "cloudfront-id-mismatch"
        );
    }
}
