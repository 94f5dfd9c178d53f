//! A Mermaid picture of a canary for the job summary (GitHub renders Mermaid there): the
//! steps' shares on the x-axis, the error rate and the p99 duration of each version as
//! lines. Only numbers and fixed words go into it, so nothing needs escaping.

use std::fmt::Write;

use crate::report::model::CanaryRecord;

/// The charts of a canary whose steps read metrics; `None` when none did.
pub fn mermaid(canary: &[CanaryRecord], new_version: Option<&str>) -> Option<String> {
    let steps: Vec<&CanaryRecord> = canary.iter().filter(|c| c.metrics.is_some()).collect();
    if steps.is_empty() {
        return None;
    }
    let axis: Vec<String> = steps
        .iter()
        .map(|c| format!("\"{}%\"", c.percent))
        .collect();
    let axis = axis.join(", ");
    let series = |f: &dyn Fn(&CanaryRecord) -> (f64, f64)| -> (String, String) {
        let (new, old): (Vec<String>, Vec<String>) = steps
            .iter()
            .map(|c| f(c))
            .map(|(n, o)| (num(n), num(o)))
            .unzip();
        (new.join(", "), old.join(", "))
    };
    let rates = series(&|c| {
        let m = c
            .metrics
            .as_ref()
            .map(|m| (m.new.error_rate(), m.old.error_rate()));
        let (n, o) = m.unwrap_or_default();
        (n * 100.0, o * 100.0)
    });
    let p99 = series(&|c| {
        let m = c.metrics.as_ref();
        let p = |s: Option<f64>| s.unwrap_or(0.0);
        m.map_or((0.0, 0.0), |m| (p(m.new.p99_ms), p(m.old.p99_ms)))
    });
    let new = new_version.map_or("the new version".to_string(), |v| format!("version {v}"));
    let mut out = String::new();
    chart(&mut out, "Error rate per version (%)", &axis, "%", &rates);
    chart(&mut out, "p99 duration per version (ms)", &axis, "ms", &p99);
    let _ = writeln!(
        out,
        "_Share of the alias on {new} along the x-axis; in each chart the first line is {new}, \
         the second the version it replaces._\n"
    );
    Some(out)
}

fn chart(out: &mut String, title: &str, axis: &str, unit: &str, (new, old): &(String, String)) {
    let _ = write!(
        out,
        "```mermaid\nxychart-beta\n    title \"{title}\"\n    x-axis \"share on the new version\" [{axis}]\n    \
         y-axis \"{unit}\"\n    line [{new}]\n    line [{old}]\n```\n\n"
    );
}

/// A number as Mermaid reads it: at most two decimals, never NaN.
fn num(x: f64) -> String {
    if !x.is_finite() {
        return "0".into();
    }
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::samples;

    #[test]
    fn a_canary_with_metrics_gets_two_charts() {
        let r = samples::promotion();
        let f = &r.promotion.as_ref().expect("promotion").functions[0];
        let m = mermaid(&f.canary, Some("13")).expect("charts");
        insta::assert_snapshot!("canary_chart", m);
        assert_eq!(m.matches("```mermaid").count(), 2);
    }

    #[test]
    fn no_metrics_no_chart() {
        let mut c = crate::report::model::CanaryRecord::new(10);
        c.metrics = None;
        assert_eq!(mermaid(&[c], None), None);
        assert_eq!(num(0.8333), "0.83");
        assert_eq!(num(10.0), "10");
        assert_eq!(num(f64::NAN), "0");
    }
}
