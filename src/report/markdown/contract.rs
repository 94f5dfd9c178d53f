//! The job summary of a contract that does not parse: every error with its place, as the
//! annotations show them, so the summary page is not empty on exit 2.

use crate::diag::Diagnostic;
use crate::report::escape::{LINE, cell};

pub fn summary(diags: &[Diagnostic]) -> String {
    let mut out = format!(
        "### ❌ lambda-promote · the contract has {} error(s)\n\nNothing was checked or changed. Fix these and run again:\n\n",
        diags.len()
    );
    for d in diags {
        let place = format!("{}:{}:{}", d.file, d.at.line, d.at.col);
        out.push_str(&format!(
            "- {}: {} ({})\n",
            cell(&place, LINE),
            cell(&d.message, LINE),
            cell(d.code.as_str(), LINE)
        ));
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse;

    #[test]
    fn every_error_with_its_place() {
        let diags = parse(
            "c.yml",
            "version: 1\nenvironments:\n  dev:\n    imag: input\n",
        )
        .unwrap_err();
        let md = summary(&diags);
        assert!(md.contains(&format!("the contract has {} error(s)", diags.len())));
        assert!(md.contains("c.yml:4:5"), "{md}");
    }
}
