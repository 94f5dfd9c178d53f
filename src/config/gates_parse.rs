//! The canary's gates (`gates.rs`) as parsed from a `canary:` or `linear:` block
//! (README, "Canary verdicts").

use super::access::{Fields, Sink, fields, integer, list, string};
use super::gates::{Gates, MetricGates, OnInconclusive};
use super::yaml::{Node, Yaml};
use crate::diag::Code;

/// Keys a `canary:` or `linear:` block takes besides its own.
pub const GATE_KEYS: &[&str] = &["alarms", "block-on-firing", "metrics"];

/// Reads the gate keys of a `canary:`/`linear:` block (already checked for unknown keys).
pub fn gates(sink: &mut Sink, f: &Fields<'_>) -> Option<Gates> {
    let alarms = match f.get("alarms") {
        None => Some(Vec::new()),
        Some(y) => alarm_names(sink, y, &f.child("alarms")),
    };
    let block_on_firing = match f.get("block-on-firing") {
        None => Some(false),
        Some(y) => boolean(sink, y, &f.child("block-on-firing")),
    };
    let metrics = match f.get("metrics") {
        None => Some(Some(MetricGates::default())),
        Some(y) => metric_gates(sink, y, &f.child("metrics")),
    };
    Some(Gates {
        alarms: alarms?,
        block_on_firing: block_on_firing?,
        metrics: metrics?,
    })
}

fn alarm_names(sink: &mut Sink, y: &Yaml, path: &str) -> Option<Vec<String>> {
    let items = list(sink, y, path)?;
    let mut out = Vec::new();
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        match string(sink, item, &format!("{path}[{i}]")) {
            // DescribeAlarms takes at most 100 names, each 1–255 characters.
            Some(s) if s.len() > 255 => {
                sink.error(
                    item.at,
                    Code::BadValue,
                    format!("`{path}[{i}]` is longer than 255 characters, which no alarm name is"),
                );
                ok = false;
            }
            Some(s) => out.push(s),
            None => ok = false,
        }
    }
    if out.len() > 100 {
        sink.error(
            y.at,
            Code::OutOfRange,
            format!("`{path}` names {} alarms; at most 100", out.len()),
        );
        ok = false;
    }
    ok.then_some(out)
}

fn boolean(sink: &mut Sink, y: &Yaml, path: &str) -> Option<bool> {
    match &y.node {
        Node::Bool(b) => Some(*b),
        _ => {
            sink.wrong_type(y, path, "`true` or `false`");
            None
        }
    }
}

/// `metrics: off`, or a map of thresholds.
fn metric_gates(sink: &mut Sink, y: &Yaml, path: &str) -> Option<Option<MetricGates>> {
    match &y.node {
        Node::Str(s) if s == "off" => return Some(None),
        Node::Bool(false) => return Some(None),
        Node::Map(_) => {}
        _ => {
            sink.wrong_type(y, path, "a map of thresholds, or `off`");
            return None;
        }
    }
    const KEYS: &[&str] = &[
        "max-error-rate",
        "max-error-rate-increase",
        "max-latency-increase",
        "max-throttles",
        "min-invocations",
        "on-inconclusive",
    ];
    let f = fields(sink, y, path, KEYS)?;
    let d = MetricGates::default();
    let pct = |sink: &mut Sink, key: &str, max: f64| match f.get(key) {
        None => Some(None),
        Some(v) => percent(sink, v, &f.child(key), max).map(Some),
    };
    let max_error_rate = pct(sink, "max-error-rate", 100.0);
    let increase = pct(sink, "max-error-rate-increase", 100.0);
    let latency = pct(sink, "max-latency-increase", 10_000.0);
    let max_throttles = match f.get("max-throttles") {
        None => Some(None),
        Some(v) => count(sink, v, &f.child("max-throttles")).map(Some),
    };
    let min_invocations = match f.get("min-invocations") {
        None => Some(d.min_invocations),
        Some(v) => count(sink, v, &f.child("min-invocations")),
    };
    let on_inconclusive = match f.get("on-inconclusive") {
        None => Some(d.on_inconclusive),
        Some(v) => on_inconclusive(sink, v, &f.child("on-inconclusive")),
    };
    Some(Some(MetricGates {
        max_error_rate: max_error_rate?,
        max_error_rate_increase: increase?.unwrap_or(d.max_error_rate_increase),
        max_latency_increase: latency?,
        max_throttles: max_throttles?,
        min_invocations: min_invocations?,
        on_inconclusive: on_inconclusive?,
    }))
}

/// `2%`, `0.5%` or a bare number of percent, from 0 to `max`; as a fraction.
fn percent(sink: &mut Sink, y: &Yaml, path: &str, max: f64) -> Option<f64> {
    let n = match &y.node {
        Node::Int(i) => Some(*i as f64),
        Node::Float(x) => Some(*x),
        Node::Str(s) => s
            .trim()
            .strip_suffix('%')
            .and_then(|n| n.trim().parse::<f64>().ok()),
        _ => None,
    };
    match n {
        Some(n) if n.is_finite() && (0.0..=max).contains(&n) => Some(n / 100.0),
        Some(n) => {
            sink.error(
                y.at,
                Code::OutOfRange,
                format!("`{path}` is {n}%; it must be from 0% to {max}%"),
            );
            None
        }
        None => {
            sink.wrong_type(y, path, "a percentage such as `2%`");
            None
        }
    }
}

fn count(sink: &mut Sink, y: &Yaml, path: &str) -> Option<u64> {
    let n = integer(sink, y, path)?;
    let ok = u64::try_from(n).ok();
    if ok.is_none() {
        sink.error(
            y.at,
            Code::OutOfRange,
            format!("`{path}` must be 0 or more, found {n}"),
        );
    }
    ok
}

fn on_inconclusive(sink: &mut Sink, y: &Yaml, path: &str) -> Option<OnInconclusive> {
    match &y.node {
        Node::Str(s) if s == "promote" => Some(OnInconclusive::Promote),
        Node::Str(s) if s == "rollback" => Some(OnInconclusive::Rollback),
        Node::Str(s) => {
            sink.error(
                y.at,
                Code::BadValue,
                format!("`{path}` must be `promote` or `rollback`, found `{s}`"),
            );
            None
        }
        _ => {
            sink.wrong_type(y, path, "`promote` or `rollback`");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::config::gates::OnInconclusive;
    use crate::config::model::Strategy;

    fn canary(block: &str) -> Result<super::Gates, String> {
        let text = format!(
            "version: 1\nenvironments:\n  prod:\n    when: {{ branch: main }}\n    image: input\n    \
             functions: [{{ name: f }}]\n    strategy:\n      canary:\n        steps: [10]\n{block}"
        );
        match crate::config::parse("c.yml", &text) {
            Ok(c) => match &c.environments[0].strategy {
                Strategy::Canary(c) => Ok(c.gates.clone()),
                other => Err(format!("{other:?}")),
            },
            Err(d) => Err(format!("{d:?}")),
        }
    }

    #[test]
    fn defaults_keep_todays_contracts_working() {
        let g = canary("").expect("parses");
        assert!(g.alarms.is_empty());
        assert!(!g.block_on_firing);
        let m = g.metrics.expect("metrics are on by default");
        assert_eq!(m.max_error_rate_increase, 0.01);
        assert_eq!(m.min_invocations, 0);
        assert_eq!(m.on_inconclusive, OnInconclusive::Promote);
        assert_eq!(m.max_error_rate, None);
    }

    #[test]
    fn every_key_reads() {
        let g = canary(
            "        alarms: [a, b]\n        block-on-firing: true\n        metrics:\n          \
             max-error-rate: 2%\n          max-error-rate-increase: 0.5%\n          \
             max-latency-increase: 25%\n          max-throttles: 0\n          \
             min-invocations: 50\n          on-inconclusive: rollback\n",
        )
        .expect("parses");
        assert_eq!(g.alarms, vec!["a", "b"]);
        assert!(g.block_on_firing);
        let m = g.metrics.expect("metrics");
        assert_eq!(m.max_error_rate, Some(0.02));
        assert_eq!(m.max_error_rate_increase, 0.005);
        assert_eq!(m.max_latency_increase, Some(0.25));
        assert_eq!(m.max_throttles, Some(0));
        assert_eq!(m.min_invocations, 50);
        assert_eq!(m.on_inconclusive, OnInconclusive::Rollback);
        assert_eq!(canary("        metrics: off\n").expect("off").metrics, None);
    }

    #[test]
    fn bad_values_name_their_place() {
        let e = canary(
            "        metrics:\n          max-error-rate: 200%\n          on-inconclusive: maybe\n",
        )
        .expect_err("bad");
        assert!(e.contains("max-error-rate"), "{e}");
        assert!(e.contains("on-inconclusive"), "{e}");
        let e = canary("        metrics:\n          max-error-rate: lots\n").expect_err("bad");
        assert!(e.contains("percentage"), "{e}");
        let e = canary("        block-on-firing: yes please\n").expect_err("bad");
        assert!(e.contains("block-on-firing"), "{e}");
    }
}
