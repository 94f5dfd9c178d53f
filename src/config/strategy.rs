//! `strategy:` — `all-at-once`, `{ canary: { steps, interval, max-errors, error-pattern, … } }`
//! or `{ linear: { step, interval, … } }` (the gates: `config/gates_parse.rs`).

use std::time::Duration;

use super::access::{Sink, fields, integer, non_empty_list, string};
use super::gates_parse::{GATE_KEYS, gates};
use super::model::{Canary, Strategy};
use super::yaml::{Node, Yaml};
use crate::diag::Code;

const DEFAULT_INTERVAL: Duration = Duration::from_secs(300);
const DEFAULT_ERROR_PATTERN: &str = "ERROR";

pub fn strategy(sink: &mut Sink, y: &Yaml, path: &str) -> Option<Strategy> {
    match &y.node {
        Node::Str(s) if s == "all-at-once" => Some(Strategy::AllAtOnce),
        Node::Str(s) => {
            sink.error(
                y.at,
                Code::BadValue,
                format!("`{path}` must be `all-at-once`, `{{ canary: … }}` or `{{ linear: … }}`, found `{s}`"),
            );
            None
        }
        Node::Map(_) => {
            let f = fields(sink, y, path, &["canary", "linear"])?;
            match (f.get("canary"), f.get("linear")) {
                (Some(_), Some(_)) => {
                    sink.error(
                        y.at,
                        Code::ConflictingKeys,
                        format!("`{path}` takes `canary` or `linear`, not both"),
                    );
                    None
                }
                (None, Some(l)) => canary(sink, l, &f.child("linear"), true).map(Strategy::Canary),
                _ => {
                    let c = f.require(sink, "canary")?;
                    canary(sink, c, &f.child("canary"), false).map(Strategy::Canary)
                }
            }
        }
        _ => {
            sink.wrong_type(y, path, "`all-at-once`, `{ canary: … }` or `{ linear: … }`");
            None
        }
    }
}

/// A `canary:` block, or a `linear:` one (`step` instead of `steps`).
fn canary(sink: &mut Sink, y: &Yaml, path: &str, linear: bool) -> Option<Canary> {
    let first = if linear { "step" } else { "steps" };
    let keys: Vec<&str> = [first, "interval", "max-errors", "error-pattern"]
        .into_iter()
        .chain(GATE_KEYS.iter().copied())
        .collect();
    let f = fields(sink, y, path, &keys)?;
    let step = f.require(sink, first);
    let (steps, linear) = if linear {
        let size = step.and_then(|s| linear_step(sink, s, &f.child("step")));
        (size.map(linear_steps), size.map(Some))
    } else {
        (
            step.and_then(|s| steps(sink, s, &f.child("steps"))),
            Some(None),
        )
    };
    let gates = gates(sink, &f);
    let interval = match f.get("interval") {
        None => Some(DEFAULT_INTERVAL),
        Some(v) => interval(sink, v, &f.child("interval")),
    };
    let max_errors = match f.get("max-errors") {
        None => Some(0),
        Some(v) => integer(sink, v, &f.child("max-errors")).and_then(|n| {
            let ok = u32::try_from(n).ok();
            if ok.is_none() {
                sink.error(
                    v.at,
                    Code::OutOfRange,
                    format!("`{}` must be 0 or more, found {n}", f.child("max-errors")),
                );
            }
            ok
        }),
    };
    let error_pattern = match f.get("error-pattern") {
        None => Some(DEFAULT_ERROR_PATTERN.to_string()),
        Some(v) => string(sink, v, &f.child("error-pattern")),
    };
    Some(Canary {
        steps: steps?,
        interval: interval?,
        max_errors: max_errors?,
        error_pattern: error_pattern?,
        linear: linear?,
        gates: gates?,
    })
}

/// `linear: { step }`: a share from 1 to 50, so at least two steps come before 100%.
fn linear_step(sink: &mut Sink, y: &Yaml, path: &str) -> Option<u8> {
    let n = integer(sink, y, path)?;
    match u8::try_from(n) {
        Ok(s) if (1..=50).contains(&s) => Some(s),
        _ => {
            sink.error(
                y.at,
                Code::CanaryStepRange,
                format!("`{path}` is {n}; a linear step is a percentage from 1 to 50"),
            );
            None
        }
    }
}

/// The shares of a linear strategy: `step`, `2 × step`, … below 100 (as SAM's Linear presets).
pub fn linear_steps(step: u8) -> Vec<u8> {
    (1..)
        .map(|i| u32::from(step) * i)
        .take_while(|p| *p < 100)
        .map(|p| p as u8)
        .collect()
}

/// Each step 1–99 (100 is the final, implicit step) and strictly increasing.
fn steps(sink: &mut Sink, y: &Yaml, path: &str) -> Option<Vec<u8>> {
    let items = non_empty_list(sink, y, path)?;
    let mut out = Vec::new();
    let mut ok = true;
    let mut previous: Option<u8> = None;
    for (i, item) in items.iter().enumerate() {
        let item_path = format!("{path}[{i}]");
        let Some(n) = integer(sink, item, &item_path) else {
            ok = false;
            continue;
        };
        let step = match u8::try_from(n) {
            Ok(s) if (1..=99).contains(&s) => s,
            _ => {
                sink.error(
                    item.at,
                    Code::CanaryStepRange,
                    format!(
                        "`{item_path}` is {n}; a canary step is a percentage from 1 to 99 (100 always comes last)"
                    ),
                );
                ok = false;
                continue;
            }
        };
        if let Some(p) = previous
            && step <= p
        {
            sink.error(
                item.at,
                Code::CanaryStepOrder,
                format!("`{item_path}` is {step}, not more than the step before it ({p}); steps must increase"),
            );
            ok = false;
        }
        previous = Some(step);
        out.push(step);
    }
    ok.then_some(out)
}

fn interval(sink: &mut Sink, y: &Yaml, path: &str) -> Option<Duration> {
    let text = match &y.node {
        Node::Str(s) => s.clone(),
        // A bare number has no unit: `duration::parse` says so with the fix.
        Node::Int(n) => n.to_string(),
        _ => {
            sink.wrong_type(y, path, "a duration such as `5m`");
            return None;
        }
    };
    match crate::duration::parse(&text) {
        Ok(d) if d.is_zero() => {
            sink.error(
                y.at,
                Code::BadDuration,
                format!("`{path}` must be more than 0"),
            );
            None
        }
        Ok(d) => Some(d),
        Err(e) => {
            sink.error(y.at, Code::BadDuration, format!("`{path}`: {e}"));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::linear_steps;

    #[test]
    fn linear_steps_stop_below_100() {
        assert_eq!(linear_steps(10), vec![10, 20, 30, 40, 50, 60, 70, 80, 90]);
        assert_eq!(linear_steps(50), vec![50]);
        assert_eq!(linear_steps(30), vec![30, 60, 90]);
        assert_eq!(linear_steps(1).len(), 99);
    }
}
