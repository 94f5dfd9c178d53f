//! Typed errors that decide the exit code (README, "Exit codes and results"). Everything else travels
//! as `anyhow::Error` with context and ends as a failed run (exit 1).

use crate::diag::Diagnostic;

/// Problems with what the user gave us: exit 2, and no AWS write was attempted.
#[derive(Debug, thiserror::Error)]
pub enum UsageError {
    /// A bad input or CLI argument; `name` is the input's name (`dry-run`).
    #[error("input `{name}`: {message}")]
    Input { name: String, message: String },
    /// The contract file has errors, all of them listed.
    #[error("{}", render_diagnostics(.0))]
    Contract(Vec<Diagnostic>),
    /// The contract file could not be read.
    #[error("cannot read contract {path}")]
    ContractUnreadable {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// A ref or event the contract cannot map (an invalid semver tag, two environments).
    #[error("{0}")]
    Selection(String),
}

impl UsageError {
    pub fn input(name: &str, message: impl Into<String>) -> Self {
        UsageError::Input {
            name: name.to_string(),
            message: message.into(),
        }
    }
}

fn render_diagnostics(diags: &[Diagnostic]) -> String {
    let mut out = format!("the contract has {} error(s):", diags.len());
    for d in diags {
        out.push_str("\n  ");
        out.push_str(&d.to_string());
    }
    out
}

/// The job was cancelled by a signal (exit 128 + signal number).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cancelled by {}", .0.name())]
pub struct Cancelled(pub crate::cancel::Signal);

/// Exit codes (README, "Exit codes and results").
pub mod exit {
    pub const OK: u8 = 0;
    pub const FAILED: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const SIGINT: u8 = 130;
    pub const SIGTERM: u8 = 143;
}
