//! The canary part of a function's summary: the Mermaid chart (`chart.rs`) when the steps
//! read metrics, the table of numbers under it, and the first error lines of each step.

use crate::aws::types::VersionStats;
use crate::report::escape::{CELL, LINE, cell};
use crate::report::fit::Part;
use crate::report::format::{duration, rows, verdict_icon};
use crate::report::model::{CanaryRecord, FunctionRun};

pub fn parts(f: &FunctionRun) -> Vec<Part> {
    let mut parts = Vec::new();
    if f.canary.is_empty() {
        return parts;
    }
    let new_version = f
        .version
        .as_deref()
        .filter(|v| Some(*v) != f.previous_version.as_deref());
    if let Some(chart) = crate::report::chart::mermaid(&f.canary, new_version) {
        parts.push(Part::text(chart));
    }
    parts.push(Part {
        head:
            "**Canary**\n\n| Share | Duration | Events examined | Errors | Invocations (new / old) \
               | Error rate (new / old) | p99 (new / old) | Verdict |\n\
               |---|---|---|---|---|---|---|---|\n"
                .to_string(),
        rows: f.canary.iter().map(row).collect(),
        more: Box::new(|n| format!("\n_{n} more {} not shown._\n", rows(n))),
        tail: "\n".to_string(),
    });
    for c in f.canary.iter().filter(|c| !c.first_errors.is_empty()) {
        parts.push(Part {
            head: format!("First errors of the new version at {} %:\n\n", c.percent),
            rows: c
                .first_errors
                .iter()
                .map(|e| format!("- {}\n", cell(e, LINE)))
                .collect(),
            more: Box::new(|n| format!("- _{n} more not shown._\n")),
            tail: "\n".to_string(),
        });
    }
    parts
}

fn row(c: &CanaryRecord) -> String {
    let (invocations, rates, p99) = match &c.metrics {
        Some(m) => (
            format!("{} / {}", m.new.invocations, m.old.invocations),
            format!("{} / {}", pct_or_dash(&m.new), pct_or_dash(&m.old)),
            format!("{} / {}", ms(m.new.p99_ms), ms(m.old.p99_ms)),
        ),
        None => ("—".into(), "—".into(), "—".into()),
    };
    let verdict = match &c.reason {
        Some(r) => format!("{} — {}", c.verdict, r),
        None => c.verdict.to_string(),
    };
    format!(
        "| {} % | {} | {} | {} | {invocations} | {rates} | {p99} | {} {} |\n",
        c.percent,
        duration(c.duration_ms),
        c.events_examined,
        c.errors,
        verdict_icon(c.verdict),
        cell(&verdict, CELL)
    )
}

/// `2.5%`, or `—` without invocations.
fn pct_or_dash(s: &VersionStats) -> String {
    if s.invocations <= 0.0 {
        return "—".to_string();
    }
    let p = s.error_rate() * 100.0;
    let text = format!("{p:.1}");
    format!("{}%", text.trim_end_matches(".0"))
}

fn ms(p: Option<f64>) -> String {
    p.map_or("—".to_string(), |p| format!("{p:.0} ms"))
}
