//! The report as GitHub-flavoured markdown: the job summary (README, "Outputs") and the
//! pull-request comment. Everything that came from AWS or the user goes
//! through [`escape`], and both stay under GitHub's size limits by leaving
//! out table rows, saying how many.

mod canary;
pub mod contract;
mod promotion;

use crate::finding::{Finding, Status};
use crate::report::escape::{CELL, LINE, cell, escape, url};
use crate::report::fit::{Part, fit};
use crate::report::format::{check_counts, outcome_icon, plural, rows, status_icon, status_rank};
use crate::report::markdown::promotion::promotion_parts;
use crate::report::model::Report;
use crate::report::scrub::Clean;

/// Under GitHub's 1 MiB step-summary limit, with room for a heading another
/// step of the job may have written.
pub const SUMMARY_BUDGET: usize = 1_000_000;
/// GitHub refuses a comment body over 65,536 characters; a byte budget is
/// safe because a character is at least one byte.
pub const COMMENT_BUDGET: usize = 65_000;

/// The job summary: verdict, contract checks, promotion, errors, warnings
/// and notices.
pub fn summary(report: &Clean<Report>) -> String {
    let mut parts = vec![Part::text(verdict(report))];
    parts.extend(errors(report, true));
    parts.push(Part::text("#### Contract checks\n\n"));
    parts.push(checks(report, "", "", |n| {
        format!("\n_{n} more {} not shown._\n", rows(n))
    }));
    if let Some(promotion) = &report.promotion {
        parts.extend(promotion_parts(promotion));
    }
    parts.extend(list("Warnings", &report.warnings));
    parts.extend(list("Notices", &report.notices));
    fit(parts, SUMMARY_BUDGET)
}

/// The hidden first line that identifies lambda-promote's comment, so a later
/// run updates it instead of adding another. Use it to find the comment too.
pub fn marker_line(marker: &str) -> String {
    format!("<!-- {marker} -->")
}

/// The validation part of the report for a pull-request comment, starting
/// with [`marker_line`].
pub fn pr_comment(report: &Clean<Report>, marker: &str, run_url: Option<&str>) -> String {
    let mut parts = vec![Part::text(format!(
        "{}\n{}",
        marker_line(marker),
        verdict_line(report)
    ))];
    parts.push(Part::text(format!("{}\n\n", drift_line(report))));
    parts.extend(errors(report, false));
    let clean = report.findings.iter().all(|f| f.status == Status::Pass);
    let (open, close) = if clean && !report.findings.is_empty() {
        (
            format!(
                "<details><summary>Show the {} {}</summary>\n\n",
                report.findings.len(),
                plural(report.findings.len(), "check", "checks")
            ),
            "</details>\n\n",
        )
    } else {
        (String::new(), "")
    };
    let run = run_url.map(url);
    let where_ = match &run {
        Some(u) => format!("the [job summary]({u})"),
        None => "the job summary of this run".to_string(),
    };
    parts.push(checks(report, &open, close, move |n| {
        format!("\n_{n} more {} not shown; see {where_}._\n", rows(n))
    }));
    parts.extend(list("Warnings", &report.warnings));
    if let Some(u) = run {
        parts.push(Part::text(format!("[View the run]({u})\n")));
    }
    fit(parts, COMMENT_BUDGET)
}

fn verdict_line(report: &Report) -> String {
    let mut line = format!(
        "### {} lambda-promote {}",
        outcome_icon(report.result),
        escape(report.command.as_str())
    );
    if !report.environment.is_empty() {
        line.push_str(&format!(" · {}", cell(&report.environment, CELL)));
    }
    line.push_str(&format!(" · **{}**\n\n", report.result.as_str()));
    line
}

fn verdict(report: &Report) -> String {
    let mut text = verdict_line(report);
    if !report.findings.is_empty() {
        text.push_str(&counts(report));
        text.push_str(".\n\n");
    }
    if let Some(moves) = report.rollback_moves().filter(|_| report.rolled_back) {
        text.push_str(&format!("{moves}.\n\n"));
    } else if report.rolled_back {
        text.push_str("The alias was restored to the version it served before this run.\n\n");
    }
    text
}

fn counts(report: &Report) -> String {
    check_counts(
        report.count(Status::Pass),
        report.count(Status::Error),
        report.count(Status::Warning),
        report.count(Status::Skipped),
    )
}

fn drift_line(report: &Report) -> String {
    let total = report.findings.len();
    let pass = report.count(Status::Pass);
    let warning = report.count(Status::Warning);
    let skipped = report.count(Status::Skipped);
    let mut extra = Vec::new();
    if warning > 0 {
        extra.push(format!(
            "{warning} {}",
            plural(warning, "warning", "warnings")
        ));
    }
    if skipped > 0 {
        extra.push(format!("{skipped} skipped"));
    }
    let extra = if extra.is_empty() {
        String::new()
    } else {
        format!(" ({})", extra.join(", "))
    };
    if report.drift() {
        let failing = report.count(Status::Error);
        format!(
            "**Drift:** {failing} of {total} {} {}{extra}.",
            plural(total, "check", "checks"),
            plural(failing, "fails", "fail"),
        )
    } else if total == 0 && report.error.is_some() {
        "**The validation did not complete.**".to_string()
    } else if total == 0 {
        "**No drift:** no contract checks ran.".to_string()
    } else if extra.is_empty() {
        format!(
            "**No drift: {pass} {} {}.**",
            plural(pass, "check", "checks"),
            plural(pass, "passes", "pass"),
        )
    } else {
        format!(
            "**No drift: {pass} {} {}**{extra}.",
            plural(pass, "check", "checks"),
            plural(pass, "passes", "pass"),
        )
    }
}

/// The checks table, failing rows first.
fn checks(
    report: &Report,
    open: &str,
    close: &str,
    more: impl Fn(usize) -> String + 'static,
) -> Part {
    if report.findings.is_empty() {
        return Part::text("_No contract checks ran._\n\n");
    }
    let mut findings: Vec<&Finding> = report.findings.iter().collect();
    findings.sort_by_key(|f| status_rank(f.status));
    Part {
        head: format!(
            "{open}| Environment | Check | Resource | Expected | Live | Status | Detail |\n\
             |---|---|---|---|---|---|---|\n"
        ),
        rows: findings.into_iter().map(check_row).collect(),
        more: Box::new(more),
        tail: format!("\n{close}"),
    }
}

fn check_row(f: &Finding) -> String {
    let status = if f.status == Status::Pass {
        status_icon(f.status).to_string()
    } else {
        format!("{} {}", status_icon(f.status), cell(f.code.as_str(), CELL))
    };
    format!(
        "| {} | {} | {} | {} | {} | {} | {} |\n",
        cell(&f.environment, CELL),
        cell(&f.check, CELL),
        cell(&f.resource, CELL),
        cell(&f.expected.to_string(), CELL),
        cell(&f.live.to_string(), CELL),
        status,
        cell(&f.message, LINE),
    )
}

/// `report.error`; without one, each function's error when the promotion is shown. The run's
/// error already tells the functions' failure (a canary's, a rollback's refusals), and each
/// function's section shows its own: one more line of the same would say it twice.
fn errors(report: &Report, with_functions: bool) -> Option<Part> {
    let mut items: Vec<String> = report.error.iter().cloned().collect();
    let with_functions = with_functions && items.is_empty();
    if let Some(p) = report.promotion.as_ref().filter(|_| with_functions) {
        items.extend(
            p.functions
                .iter()
                .filter_map(|f| f.error.as_ref().map(|e| format!("{}: {e}", f.function))),
        );
    }
    list("Errors", &items)
}

fn list(title: &str, items: &[String]) -> Option<Part> {
    if items.is_empty() {
        return None;
    }
    Some(Part {
        head: format!("#### {title}\n\n"),
        rows: items
            .iter()
            .map(|i| format!("- {}\n", cell(i, LINE)))
            .collect(),
        more: Box::new(|n| format!("- _{n} more not shown._\n")),
        tail: "\n".to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::samples;

    const RUN: &str = "https://github.com/acme/app/actions/runs/42";

    #[test]
    fn summary_snapshots() {
        insta::assert_snapshot!(
            "summary_clean",
            summary(&Clean::trusted(samples::clean_validate()))
        );
        insta::assert_snapshot!("summary_drift", summary(&Clean::trusted(samples::drift())));
        insta::assert_snapshot!(
            "summary_promotion",
            summary(&Clean::trusted(samples::promotion()))
        );
        insta::assert_snapshot!(
            "summary_rolled_back",
            summary(&Clean::trusted(samples::rolled_back()))
        );
    }

    #[test]
    fn pr_comment_snapshots() {
        let marker = "lambda-promote:validate";
        insta::assert_snapshot!(
            "pr_comment_clean",
            pr_comment(
                &Clean::trusted(samples::clean_validate()),
                marker,
                Some(RUN)
            )
        );
        insta::assert_snapshot!(
            "pr_comment_drift",
            pr_comment(&Clean::trusted(samples::drift()), marker, Some(RUN))
        );
        insta::assert_snapshot!(
            "pr_comment_promotion",
            pr_comment(&Clean::trusted(samples::promotion()), marker, None)
        );
        insta::assert_snapshot!(
            "pr_comment_rolled_back",
            pr_comment(&Clean::trusted(samples::rolled_back()), marker, Some(RUN))
        );
    }

    #[test]
    fn pr_comment_starts_with_the_marker_and_says_no_drift() {
        let c = pr_comment(&Clean::trusted(samples::clean_validate()), "lp:dev", None);
        assert!(c.starts_with("<!-- lp:dev -->\n"));
        assert!(c.contains("**No drift: 4 checks pass.**"));
        assert!(!c.contains("Promotion"));
    }

    #[test]
    fn nothing_from_aws_or_the_user_is_left_unescaped() {
        let md = summary(&Clean::trusted(samples::drift()));
        assert!(!md.contains("<script>"));
        assert!(!md.contains("`tick`"));
        assert!(md.contains("name&#124;with&lt;script&gt;"));
        // One table row per finding: a newline in a value did not split one.
        let rows = md.lines().filter(|l| l.starts_with("| dev |")).count();
        assert_eq!(rows, 6);
        for line in md.lines().filter(|l| l.starts_with("| dev |")) {
            assert_eq!(line.matches(" | ").count(), 6, "{line}");
        }
    }

    #[test]
    fn secrets_appear_only_redacted() {
        let md = summary(&Clean::trusted(samples::drift()));
        assert!(md.contains("E2…ZL"));
        assert!(md.contains("(hidden)"));
    }

    #[test]
    fn limits_hold_for_twenty_thousand_findings() {
        let report = samples::huge(20_000);
        let md = summary(&Clean::trusted(report.clone()));
        assert!(md.len() <= 1024 * 1024, "summary is {} bytes", md.len());
        assert!(md.contains("more rows not shown._"));
        assert!(
            md.contains("more not shown._"),
            "the warnings list is shortened too"
        );
        assert!(md.contains("| dev | function-env |"));

        let c = pr_comment(&Clean::trusted(report), "lp", Some(RUN));
        assert!(
            c.chars().count() <= 65_536,
            "comment is {} chars",
            c.chars().count()
        );
        assert!(c.starts_with("<!-- lp -->"));
        let shown = c.lines().filter(|l| l.starts_with("| dev |")).count();
        assert!(shown > 0);
        assert!(c.contains(&format!(
            "_{} more rows not shown; see the [job summary]({RUN})._",
            20_000 - shown
        )));
        // Failing rows come first, so a shortened table shows what to fix.
        assert!(
            c.lines()
                .filter(|l| l.starts_with("| dev |"))
                .all(|l| l.contains("❌"))
        );
    }
}
