//! The step outputs (README, "Outputs"), derived from the report. What is unknown is
//! an empty string, so a workflow can always test the output.

use crate::report::json;
use crate::report::model::Report;
use crate::report::scrub::Clean;

pub fn outputs(report: &Clean<Report>) -> Vec<(&'static str, String)> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::samples;

    fn get(outputs: &[(&'static str, String)], name: &str) -> String {
        outputs
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("no output {name}"))
    }

    #[test]
    fn every_spec_output_in_order() {
        let names: Vec<&str> = outputs(&Clean::trusted(samples::clean_validate()))
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(
            names,
            [
                "result",
                "environment",
                "image-uri",
                "image-digest",
                "version",
                "previous-version",
                "drift",
                "rolled-back",
                "report"
            ]
        );
    }

    #[test]
    fn validation_leaves_promotion_outputs_empty() {
        let o = outputs(&Clean::trusted(samples::drift()));
        assert_eq!(get(&o, "result"), "drift");
        assert_eq!(get(&o, "environment"), "dev");
        assert_eq!(get(&o, "image-uri"), "");
        assert_eq!(get(&o, "version"), "");
        assert_eq!(get(&o, "drift"), "true");
        assert_eq!(get(&o, "rolled-back"), "false");
    }

    #[test]
    fn promotion_outputs_come_from_the_first_function() {
        let o = outputs(&Clean::trusted(samples::promotion()));
        assert_eq!(get(&o, "result"), "success");
        assert_eq!(
            get(&o, "image-uri"),
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:0f3c9a"
        );
        assert_eq!(get(&o, "image-digest"), "sha256:0f3c9a");
        assert_eq!(get(&o, "version"), "13");
        assert_eq!(get(&o, "previous-version"), "12");
        assert_eq!(get(&o, "drift"), "false");

        let o = outputs(&Clean::trusted(samples::rolled_back()));
        assert_eq!(get(&o, "result"), "rolled-back");
        assert_eq!(get(&o, "rolled-back"), "true");
        assert_eq!(get(&o, "version"), "12");
    }

    #[test]
    fn report_output_is_the_one_line_json() {
        let r = samples::drift();
        let json = get(&outputs(&Clean::trusted(r.clone())), "report");
        assert_eq!(json, json::render(&Clean::trusted(r)));
        assert!(!json.contains('\n'));
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["findings"][1]["expected"]["kind"], "redacted");
        assert_eq!(v["findings"][1]["expected"]["value"], "E2…ZL");
    }
}
