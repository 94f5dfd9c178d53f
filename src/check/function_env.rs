//! The `function-env` check: a function's runtime environment has the keys,
//! and the values that must equal a job env var (a secret) do. Lambda values
//! are never shown.

use std::collections::BTreeMap;

use super::{Context, Sink};
use crate::aws::types::{FunctionInfo, Lookup};
use crate::finding::{Code, Shown};

pub(super) fn check(
    ctx: &Context<'_>,
    function: &str,
    keys: &[String],
    equals_env: &BTreeMap<String, String>,
    sink: &mut Sink<'_>,
) {
    let expected = || Shown::Plain(format!("keys {}", keys.join(", ")));
    let info = match ctx.observed.functions.get(function) {
        Some(Lookup::Found(info)) => info,
        Some(Lookup::Failed(e)) => return sink.failed_lookup(function, e),
        Some(Lookup::Missing) | None => {
            return sink.absent(
                function,
                Code::FunctionNotFound,
                expected(),
                format!("function {function} does not exist"),
            );
        }
    };
    let missing = missing_keys(function, keys, info, sink);
    let differ = differing_values(ctx, function, equals_env, info, sink);
    if !missing && !differ {
        sink.pass(function, expected(), Shown::Plain("all present".into()));
    }
}

/// Reports the keys the function's environment lacks; whether there were any.
fn missing_keys(function: &str, keys: &[String], info: &FunctionInfo, sink: &mut Sink<'_>) -> bool {
    let missing: Vec<&str> = keys
        .iter()
        .filter(|k| !info.env.contains_key(k.as_str()))
        .map(String::as_str)
        .collect();
    if missing.is_empty() {
        return false;
    }
    sink.push(
        function,
        Code::FunctionEnvMissing,
        Shown::Plain(missing.join(", ")),
        Shown::Plain(format!("{} keys set", info.env.len())),
        format!("{function} lacks the runtime key(s) {}", missing.join(", ")),
    );
    true
}

/// Reports each value that differs from its job env var, or whose job env
/// var is unset; whether there was any.
fn differing_values(
    ctx: &Context<'_>,
    function: &str,
    equals_env: &BTreeMap<String, String>,
    info: &FunctionInfo,
    sink: &mut Sink<'_>,
) -> bool {
    let mut failed = false;
    for (key, var) in equals_env {
        let resource = format!("{function} {key}");
        let Some(live) = info.env.get(key) else {
            continue; // already reported as missing
        };
        match ctx.job.get(var) {
            None => {
                failed = true;
                sink.secret_unset(resource, var, ctx.fork);
            }
            Some(want) if want.expose() != live.expose() => {
                failed = true;
                sink.push(
                    resource,
                    Code::FunctionEnvMismatch,
                    Shown::Redacted(want.redacted()),
                    Shown::Hidden,
                    format!("{key} of {function} differs from `{var}`"),
                );
            }
            Some(_) => {}
        }
    }
    failed
}
