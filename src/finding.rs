//! A contract check's result: a stable code, a severity, and the expected and
//! live values as they may be shown.

use serde::Serialize;

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

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub environment: String,
    /// The check kind as written in the contract: `cloudfront`, `function-env`, …
    pub check: String,
    /// The AWS resource looked at.
    pub resource: String,
    /// Stable kebab-case code; `ok` when the check passed.
    pub code: String,
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
