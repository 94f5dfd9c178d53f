//! The contract file: its model, parsing with positions, and validation.

mod access;
pub mod accounts;
mod across;
mod assume;
mod checks;
pub mod gates;
mod gates_parse;
mod limits;
pub mod model;
mod names;
mod parse;
mod strategy;
mod trigger;
pub mod yaml;

use std::path::Path;

use crate::error::UsageError;

pub use model::Contract;
pub use parse::parse;

/// Reads and parses the contract at `file`; `label` is the path shown to the
/// user (relative to the workspace) in diagnostics and annotations.
pub fn load(label: &Path, file: &Path) -> Result<Contract, UsageError> {
    let text = std::fs::read_to_string(file).map_err(|source| UsageError::ContractUnreadable {
        path: label.display().to_string(),
        source,
    })?;
    parse(&label.display().to_string(), &text).map_err(UsageError::Contract)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_reads_the_file_and_labels_diagnostics() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.yml");
        std::fs::write(&file, "version: 3\n").unwrap();
        let label = Path::new(".github/lambda-promote.yml");
        match load(label, &file) {
            Err(UsageError::Contract(d)) => {
                assert!(d.iter().all(|d| d.file == ".github/lambda-promote.yml"));
                assert!(
                    d.iter()
                        .any(|d| d.code == crate::diag::Code::UnsupportedVersion)
                );
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn load_reports_a_missing_file_by_its_label() {
        let dir = tempfile::tempdir().unwrap();
        let err = load(Path::new("x.yml"), &dir.path().join("nope.yml")).unwrap_err();
        assert!(matches!(&err, UsageError::ContractUnreadable { path, .. } if path == "x.yml"));
    }
}
