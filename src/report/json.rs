//! The report as one line of JSON: `--output json` and the `report` output.

use crate::report::model::Report;
use crate::report::scrub::Clean;

pub fn render(report: &Clean<Report>) -> String {
    // The report holds only strings, numbers and enums, so serialising cannot
    // fail; should it ever, the output is still one line of valid JSON.
    serde_json::to_string(&**report).unwrap_or_else(|e| {
        serde_json::json!({ "error": format!("cannot serialise the report: {e}") }).to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_even_with_multi_line_values() {
        let mut r = Report::new(
            crate::settings::Command::Validate,
            "dev".into(),
            "c.yml".into(),
        );
        r.error = Some("first line\nsecond line".into());
        let json = render(&Clean::trusted(r));
        assert!(!json.contains('\n'));
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back["error"], "first line\nsecond line");
        assert_eq!(back["result"], "success");
    }
}
