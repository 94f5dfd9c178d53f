//! The step outputs of SPEC §4, derived from the report. What is unknown is
//! an empty string, so a workflow can always test the output.

use crate::report::json;
use crate::report::model::Report;

pub fn outputs(report: &Report) -> Vec<(&'static str, String)> {
    let promotion = report.promotion.as_ref();
    let first = promotion.and_then(|p| p.functions.first());
    let text = |v: Option<&String>| v.cloned().unwrap_or_default();
    vec![
        ("result", report.result.as_str().to_string()),
        ("environment", report.environment.clone()),
        ("image-uri", text(promotion.map(|p| &p.image_uri))),
        ("image-digest", text(promotion.map(|p| &p.image_digest))),
        ("version", text(first.and_then(|f| f.version.as_ref()))),
        (
            "previous-version",
            text(first.and_then(|f| f.previous_version.as_ref())),
        ),
        ("drift", report.drift().to_string()),
        ("rolled-back", report.rolled_back.to_string()),
        ("report", json::render(report)),
    ]
}
