//! A contract error with file, line and column.

use std::fmt;

use super::model::Pos;

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub file: String,
    pub at: Pos,
    /// Stable kebab-case code, e.g. `unknown-key`, `wrong-type`, `unknown-environment`.
    pub code: String,
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
