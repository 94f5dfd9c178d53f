//! `strategy:` — `all-at-once` or `{ canary: { steps, interval, max-errors, error-pattern } }`.

use std::time::Duration;

use super::access::{Sink, fields, integer, non_empty_list, string};
use super::diag::Code;
use super::model::{Canary, Strategy};
use super::yaml::{Node, Yaml};

const DEFAULT_INTERVAL: Duration = Duration::from_secs(300);
const DEFAULT_ERROR_PATTERN: &str = "ERROR";

pub fn strategy(sink: &mut Sink, y: &Yaml, path: &str) -> Option<Strategy> {
    match &y.node {
        Node::Str(s) if s == "all-at-once" => Some(Strategy::AllAtOnce),
        Node::Str(s) => {
            sink.error(
                y.at,
                Code::BadValue,
                format!("`{path}` must be `all-at-once` or `{{ canary: … }}`, found `{s}`"),
            );
            None
        }
        Node::Map(_) => {
            let f = fields(sink, y, path, &["canary"])?;
            let c = f.require(sink, "canary")?;
            canary(sink, c, &f.child("canary")).map(Strategy::Canary)
        }
        _ => {
            sink.wrong_type(y, path, "`all-at-once` or `{ canary: … }`");
            None
        }
    }
}

fn canary(sink: &mut Sink, y: &Yaml, path: &str) -> Option<Canary> {
    let f = fields(
        sink,
        y,
        path,
        &["steps", "interval", "max-errors", "error-pattern"],
    )?;
    let steps = f
        .require(sink, "steps")
        .and_then(|s| steps(sink, s, &f.child("steps")));
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
    })
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
