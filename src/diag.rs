//! A contract error with file, line and column: below `error.rs`, which carries
//! them to exit 2, and below `config/`, which finds them.

use std::fmt;

use crate::code::kebab_codes;

/// A 1-based line and column in the contract file, for diagnostics and annotations.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

kebab_codes! {
    /// What a contract error says, as a stable kebab-case code (the README's
    /// "Contract error codes" table lists each one). A new code is one variant
    /// here and one row there.
    pub enum Code {
        /// The file is not valid YAML.
        YamlSyntax = "yaml-syntax",
        /// `version` is not `1`.
        UnsupportedVersion = "unsupported-version",
        /// A required key is absent (or the file is empty).
        MissingKey = "missing-key",
        /// A key the contract does not define.
        UnknownKey = "unknown-key",
        /// A key written twice in one map.
        DuplicateKey = "duplicate-key",
        /// A value of the wrong type (a list where a map belongs, …).
        WrongType = "wrong-type",
        /// A string or list that must not be empty is.
        EmptyValue = "empty-value",
        /// A job env var name with other characters than letters, digits and `_`,
        /// or starting with a digit.
        BadEnvName = "bad-env-name",
        /// A check entry that is not one map with one known kind.
        BadCheck = "bad-check",
        /// Two keys that exclude each other are both written.
        ConflictingKeys = "conflicting-keys",
        /// `account` is not 12 digits.
        BadAccount = "bad-account",
        /// An environment, function or alias name outside its grammar (letters,
        /// digits, `_` and `-`; a function may be an ARN, an alias is not only digits).
        BadName = "bad-name",
        /// A value outside the ones the key allows.
        BadValue = "bad-value",
        /// One function and alias listed twice in an environment.
        DuplicateFunction = "duplicate-function",
        /// A smoke-test payload that is not JSON.
        BadJson = "bad-json",
        /// A number outside its allowed range (`keep-versions`, `max-errors`).
        OutOfRange = "out-of-range",
        /// An invalidation path that does not start with `/`.
        BadPath = "bad-path",
        /// A canary step outside 1–99.
        CanaryStepRange = "canary-step-range",
        /// Canary steps that do not increase.
        CanaryStepOrder = "canary-step-order",
        /// A duration that does not parse, or is 0.
        BadDuration = "bad-duration",
        /// `prerelease: true` without a `tag` glob.
        PrereleaseWithoutTag = "prerelease-without-tag",
        /// `from` names no environment.
        UnknownEnvironment = "unknown-environment",
        /// `from` links form a cycle.
        FromCycle = "from-cycle",
        /// Two environments have the same `branch` or `tag` glob.
        DuplicateTrigger = "duplicate-trigger",
        /// A `limits` rate that is not a whole number from 1 to AWS's quota.
        BadLimit = "bad-limit",
        /// A `role` that is not an IAM role ARN.
        BadRole = "bad-role",
        /// A `region` that is not an AWS region name.
        BadRegion = "bad-region",
        /// An environment's role belongs to another account than the one it acts in.
        RoleAccountMismatch = "role-account-mismatch",
    }
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub file: String,
    pub at: Pos,
    /// Stable kebab-case code, e.g. `unknown-key`, `wrong-type`, `unknown-environment`.
    pub code: Code,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {} [{}]",
            self.file, self.at.line, self.at.col, self.message, self.code
        )
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
}
