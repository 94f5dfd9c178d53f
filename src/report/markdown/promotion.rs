//! The promotion section of the markdown report: the image, then per function its
//! heading, steps, canary shares and console links. Escaped and fitted like the rest
//! of `mod.rs`.

use crate::report::escape::{CELL, LINE, cell, url};
use crate::report::fit::Part;
use crate::report::format::{duration, rows, shows_no_duration, step_icon, step_word};
use crate::report::model::{FunctionRun, Promotion};

pub(super) fn promotion_parts(p: &Promotion) -> Vec<Part> {
    let mut head = String::from("#### Promotion\n\n");
    let mut item = |label: &str, value: &str| {
        if !value.is_empty() {
            head.push_str(&format!("- **{label}:** {}\n", cell(value, LINE)));
        }
    };
    item("Image", &p.image_uri);
    item("Digest", &p.image_digest);
    item("Source", &p.source);
    item("Strategy", &p.strategy.to_string());
    item(
        "CloudFront invalidation",
        p.invalidation_id.as_deref().unwrap_or(""),
    );
    head.push('\n');
    let mut parts = vec![Part::text(head)];
    for f in &p.functions {
        parts.extend(function_parts(f));
    }
    parts
}

fn function_parts(f: &FunctionRun) -> Vec<Part> {
    let mut parts = vec![Part::text(function_head(f))];
    if !f.steps.is_empty() {
        parts.push(steps_part(f));
    }
    if !f.canary.is_empty() {
        parts.extend(crate::report::markdown::canary::parts(f));
    }
    let links: Vec<String> = [
        ("Function", &f.links.function),
        ("Alias", &f.links.alias),
        ("Log group", &f.links.log_group),
    ]
    .into_iter()
    .filter(|(_, u)| !u.is_empty())
    .map(|(label, u)| format!("[{label}]({})", url(u)))
    .collect();
    if !links.is_empty() {
        parts.push(Part::text(format!("{}\n\n", links.join(" · "))));
    }
    parts
}

/// The function's heading: name, alias, the version move, and its error.
fn function_head(f: &FunctionRun) -> String {
    let mut head = format!(
        "##### {} · alias {}",
        cell(&f.function, CELL),
        cell(&f.alias, CELL)
    );
    match (&f.previous_version, &f.version) {
        (Some(before), Some(after)) if before != after => head.push_str(&format!(
            " · version {} → {}",
            cell(before, CELL),
            cell(after, CELL)
        )),
        (Some(_), Some(v)) => head.push_str(&format!(" · version {} (unchanged)", cell(v, CELL))),
        (None, Some(v)) => head.push_str(&format!(" · version {}", cell(v, CELL))),
        (Some(before), None) => head.push_str(&format!(" · was version {}", cell(before, CELL))),
        (None, None) => {}
    }
    head.push_str("\n\n");
    if let Some(e) = &f.error {
        head.push_str(&format!("**Error:** {}\n\n", cell(e, LINE)));
    }
    head
}

/// The table of the function's steps.
fn steps_part(f: &FunctionRun) -> Part {
    Part {
        head: "| Step | Status | Duration | Detail |\n|---|---|---|---|\n".to_string(),
        rows: f
            .steps
            .iter()
            .map(|s| {
                let took = if shows_no_duration(s) {
                    "—".to_string()
                } else {
                    duration(s.duration_ms)
                };
                format!(
                    "| {} | {} {} | {took} | {} |\n",
                    cell(s.step.as_str(), CELL),
                    step_icon(s.status),
                    step_word(s.status),
                    cell(&s.detail, LINE)
                )
            })
            .collect(),
        more: Box::new(|n| format!("\n_{n} more {} not shown._\n", rows(n))),
        tail: "\n".to_string(),
    }
}
