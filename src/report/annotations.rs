//! Annotations for the run page and the contract file: one per failing or
//! warning finding, at the check's line in the contract, and one for the
//! run's error.
//!
//! GitHub shows at most 10 annotations of each kind per step
//! (`actions/toolkit` `docs/problem-matchers.md`, "Limitations") and drops the
//! rest silently, so the tenth of a kind says how many more there are.

use crate::finding::{Finding, Shown, Status};
use crate::github::commands::{Annotation, Level};
use crate::report::model::Report;
use crate::report::scrub::Clean;
use crate::report::shorten::shorten;

/// Annotations of one level GitHub shows per step.
pub const PER_LEVEL: usize = 10;

pub fn annotations(report: &Clean<Report>) -> Vec<Annotation> {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    if let Some(e) = &report.error {
        let mut a = Annotation::new(Level::Error, shorten(e, 2_000));
        a.title = Some(format!("lambda-promote {} failed", report.command));
        errors.push(a);
    }
    for f in &report.findings {
        let level = match f.status {
            Status::Pass => continue,
            Status::Error => Level::Error,
            Status::Warning | Status::Skipped => Level::Warning,
        };
        let a = finding(report, f, level);
        if level == Level::Error {
            errors.push(a);
        } else {
            warnings.push(a);
        }
    }
    let mut out = cap(errors, Level::Error, "errors");
    out.extend(cap(warnings, Level::Warning, "warnings"));
    out
}

fn finding(report: &Report, f: &Finding, level: Level) -> Annotation {
    let mut message = format!(
        "{} {} {}: {}",
        f.environment, f.check, f.resource, f.message
    );
    let shown = |s: &Shown| !matches!(s, Shown::None);
    if shown(&f.expected) || shown(&f.live) {
        message.push_str(&format!(" (expected {}, live {})", f.expected, f.live));
    }
    Annotation {
        level,
        message: shorten(&message, 2_000),
        title: Some(if f.status == Status::Skipped {
            format!("{} (skipped)", f.code)
        } else {
            f.code.to_string()
        }),
        file: Some(report.contract.clone()).filter(|c| !c.is_empty()),
        line: f.at.map(|p| p.line),
        col: f.at.map(|p| p.col),
    }
}

/// At most [`PER_LEVEL`], the last one counting those left out.
fn cap(mut list: Vec<Annotation>, level: Level, noun: &str) -> Vec<Annotation> {
    if list.len() > PER_LEVEL {
        let more = list.len() - (PER_LEVEL - 1);
        list.truncate(PER_LEVEL - 1);
        let mut a = Annotation::new(
            level,
            format!("{more} more {noun} are not annotated; the job summary lists them all."),
        );
        a.title = Some(format!("{more} more {noun}"));
        list.push(a);
    }
    list
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::github::commands::annotation;
    use crate::report::samples;

    #[test]
    fn one_per_failing_or_warning_finding_at_its_line() {
        let a = annotations(&Clean::trusted(samples::drift()));
        let lines: Vec<String> = a.iter().map(annotation).collect();
        insta::assert_snapshot!("annotations_drift", lines.join("\n"));
        assert_eq!(a.len(), 5, "pass findings are not annotated");
        assert_eq!(a.iter().filter(|a| a.level == Level::Error).count(), 3);
        assert_eq!(a[0].file.as_deref(), Some(".github/lambda-promote.yml"));
        assert_eq!((a[0].line, a[0].col), (Some(11), Some(9)));
        assert_eq!(a[0].title.as_deref(), Some("cloudfront-id-mismatch"));
    }

    #[test]
    fn run_error_comes_first() {
        let a = annotations(&Clean::trusted(samples::rolled_back()));
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].level, Level::Error);
        assert_eq!(a[0].file, None);
        assert!(a[0].message.starts_with("canary at 50%"));
    }

    #[test]
    fn clean_report_has_none() {
        assert!(annotations(&Clean::trusted(samples::clean_validate())).is_empty());
    }

    #[test]
    fn at_most_ten_of_a_level_the_last_counting_the_rest() {
        let a = annotations(&Clean::trusted(samples::huge(100)));
        let errors: Vec<&Annotation> = a.iter().filter(|a| a.level == Level::Error).collect();
        assert_eq!(errors.len(), PER_LEVEL);
        let failing = samples::huge(100).count(Status::Error);
        assert_eq!(
            errors[9].message,
            format!(
                "{} more errors are not annotated; the job summary lists them all.",
                failing - 9
            )
        );
    }
}
