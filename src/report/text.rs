//! The report for a terminal: compact, aligned columns, no markdown. Values
//! from AWS pass through [`terminal`] so they cannot move the cursor or
//! recolour the screen.

use crate::finding::{Finding, Status};
use crate::report::escape::terminal;
use crate::report::format::{
    check_counts, duration, plural, shows_no_duration, status_rank, status_word, step_word,
};
use crate::report::model::{FunctionRun, Promotion, Report};
use crate::report::scrub::Clean;
use crate::report::shorten::shorten;

/// Widest column before a value is shortened; the JSON output has it whole.
const COLUMN: usize = 48;

pub fn render(report: &Clean<Report>) -> String {
    let mut out = format!(
        "lambda-promote {}{}: {}\n",
        clean(report.command.as_str()),
        if report.environment.is_empty() {
            String::new()
        } else {
            format!(" {}", clean(&report.environment))
        },
        report.result.as_str()
    );
    if let Some(moves) = report.rollback_moves().filter(|_| report.rolled_back) {
        out.push_str(&format!("{moves}\n"));
    } else if report.rolled_back {
        out.push_str("the alias was restored to the version it served before this run\n");
    }
    if let Some(e) = &report.error {
        out.push_str(&format!("error: {}\n", terminal(e)));
    }
    if !report.findings.is_empty() {
        out.push('\n');
        out.push_str(&findings(report));
    }
    if let Some(p) = &report.promotion {
        out.push('\n');
        out.push_str(&promotion(p));
    }
    for w in &report.warnings {
        out.push_str(&format!("warning: {}\n", terminal(w)));
    }
    for n in &report.notices {
        out.push_str(&format!("notice: {}\n", terminal(n)));
    }
    out
}

fn clean(s: &str) -> String {
    terminal(&shorten(s, COLUMN))
}

fn findings(report: &Report) -> String {
    let mut sorted: Vec<&Finding> = report.findings.iter().collect();
    sorted.sort_by_key(|f| status_rank(f.status));
    let mut rows = vec![
        [
            "STATUS", "ENV", "CHECK", "RESOURCE", "EXPECTED", "LIVE", "DETAIL",
        ]
        .map(String::from)
        .to_vec(),
    ];
    rows.extend(sorted.into_iter().map(|f| {
        let detail = if f.status == Status::Pass {
            String::new()
        } else {
            terminal(&format!("{}: {}", f.code, f.message))
        };
        vec![
            status_word(f.status).to_string(),
            clean(&f.environment),
            clean(&f.check),
            clean(&f.resource),
            clean(&f.expected.to_string()),
            clean(&f.live.to_string()),
            detail,
        ]
    }));
    let mut out = align(&rows, "");
    out.push_str(&check_counts(
        report.count(Status::Pass),
        report.count(Status::Error),
        report.count(Status::Warning),
        report.count(Status::Skipped),
    ));
    out.push('\n');
    out
}

fn promotion(p: &Promotion) -> String {
    let fields = [
        ("image", p.image_uri.as_str()),
        ("digest", p.image_digest.as_str()),
        ("source", p.source.as_str()),
        ("strategy", &p.strategy.to_string()),
        ("invalidation", p.invalidation_id.as_deref().unwrap_or("")),
    ];
    let rows: Vec<Vec<String>> = fields
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| vec![k.to_string(), terminal(v)])
        .collect();
    let mut out = align(&rows, "");
    for f in &p.functions {
        out.push('\n');
        out.push_str(&function(f));
    }
    out
}

fn function(f: &FunctionRun) -> String {
    let versions = match (&f.previous_version, &f.version) {
        (Some(before), Some(after)) if before != after => {
            format!(": version {} -> {}", clean(before), clean(after))
        }
        (Some(_), Some(v)) => format!(": version {} (unchanged)", clean(v)),
        (None, Some(v)) => format!(": version {}", clean(v)),
        (Some(before), None) => format!(": was version {}", clean(before)),
        (None, None) => String::new(),
    };
    let mut out = format!(
        "{} (alias {}){versions}\n",
        clean(&f.function),
        clean(&f.alias)
    );
    if let Some(e) = &f.error {
        out.push_str(&format!("  error: {}\n", terminal(e)));
    }
    let mut rows: Vec<Vec<String>> = f
        .steps
        .iter()
        .map(|s| {
            let took = if shows_no_duration(s) {
                "-".to_string()
            } else {
                duration(s.duration_ms)
            };
            vec![
                clean(s.step.as_str()),
                step_word(s.status).to_string(),
                took,
                terminal(&s.detail),
            ]
        })
        .collect();
    rows.extend(f.canary.iter().map(|c| {
        vec![
            format!("canary {} %", c.percent),
            clean(c.verdict.as_str()),
            duration(c.duration_ms),
            format!(
                "{} {}, {} {}",
                c.events_examined,
                plural(c.events_examined as usize, "event", "events"),
                c.errors,
                plural(c.errors as usize, "error", "errors")
            ),
        ]
    }));
    out.push_str(&align(&rows, "  "));
    for c in &f.canary {
        for e in &c.first_errors {
            out.push_str(&format!("  error at {} %: {}\n", c.percent, terminal(e)));
        }
    }
    for (label, link) in [
        ("function", &f.links.function),
        ("alias", &f.links.alias),
        ("logs", &f.links.log_group),
    ] {
        if !link.is_empty() {
            out.push_str(&format!("  {label}: {}\n", terminal(link)));
        }
    }
    out
}

/// Pads every column but the last to its widest cell; trailing spaces go.
fn align(rows: &[Vec<String>], indent: &str) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = indent.to_string();
        for (c, value) in row.iter().enumerate() {
            line.push_str(value);
            if c + 1 < row.len() {
                let pad = widths[c] - value.chars().count() + 2;
                line.push_str(&" ".repeat(pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn align_pads_all_but_the_last_column() {
        let rows = vec![
            vec!["a".to_string(), "bb".to_string(), "x".to_string()],
            vec!["ccc".to_string(), "d".to_string(), String::new()],
        ];
        assert_eq!(align(&rows, "  "), "  a    bb  x\n  ccc  d\n");
    }

    #[test]
    fn text_snapshots() {
        use crate::report::samples;
        insta::assert_snapshot!(
            "text_clean",
            render(&Clean::trusted(samples::clean_validate()))
        );
        insta::assert_snapshot!("text_drift", render(&Clean::trusted(samples::drift())));
        insta::assert_snapshot!(
            "text_promotion",
            render(&Clean::trusted(samples::promotion()))
        );
        insta::assert_snapshot!(
            "text_rolled_back",
            render(&Clean::trusted(samples::rolled_back()))
        );
    }

    #[test]
    fn no_control_characters_reach_the_terminal() {
        let mut r = crate::report::samples::drift();
        r.findings[0].resource = "evil\u{1b}[2Jname".into();
        r.error = Some("line one\nline two".into());
        let out = render(&Clean::trusted(r));
        assert!(!out.contains('\u{1b}'));
        assert!(out.contains("error: line one line two\n"));
    }
}
