//! Version numbers as Lambda keeps them: "Lambda doesn't reuse version numbers" after a
//! delete, and a version an alias uses (also as a routing weight) cannot be deleted
//! (`ResourceConflictException`) —
//! <https://docs.aws.amazon.com/lambda/latest/dg/configuration-versions.html>,
//! <https://docs.aws.amazon.com/lambda/latest/api/API_DeleteFunction.html>.
//!
//! moto numbers a new version `len(versions)+1`, so a deleted number comes back. The model
//! therefore never forwards a version delete: it hides the version (reads of it answer
//! `ResourceNotFoundException`, listings leave it out) and moto's numbering keeps counting.

use super::{Answer, Function, Target};
use serde_json::Value;
use std::collections::BTreeSet;

fn not_found(what: &str) -> Answer {
    Answer::error(
        404,
        "ResourceNotFoundException",
        format!("Function not found: {what}"),
    )
}

/// A read or invoke of a deleted version.
pub fn check_read(deleted: &BTreeSet<String>, t: &Target) -> Option<Answer> {
    let q = t.qualifier.as_ref()?;
    deleted
        .contains(q)
        .then(|| not_found(&format!("{}:{q}", t.function)))
}

/// An alias pointed (or weighted) at a deleted version.
pub fn check_alias_target(deleted: &BTreeSet<String>, req: &Value) -> Option<Answer> {
    let mut wanted: Vec<String> = req
        .get("FunctionVersion")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .into_iter()
        .collect();
    if let Some(w) = req
        .pointer("/RoutingConfig/AdditionalVersionWeights")
        .and_then(Value::as_object)
    {
        wanted.extend(w.keys().cloned());
    }
    wanted
        .iter()
        .find(|v| deleted.contains(*v))
        .map(|v| not_found(&format!("version {v}")))
}

/// `DeleteFunction` of a version: refused while an alias uses it, else hidden.
pub fn delete(f: &mut Function, t: &Target, aliases: Option<&Value>) -> Option<Answer> {
    let q = t.qualifier.as_ref()?;
    if f.deleted.contains(q) {
        return Some(not_found(&format!("{}:{q}", t.function)));
    }
    let used = aliases
        .and_then(|a| a.get("Aliases"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|a| {
            a.get("FunctionVersion").and_then(Value::as_str) == Some(q.as_str())
                || a.pointer("/RoutingConfig/AdditionalVersionWeights")
                    .and_then(Value::as_object)
                    .is_some_and(|w| w.contains_key(q))
        });
    if used {
        return Some(Answer::error(
            409,
            "ResourceConflictException",
            format!("Unable to delete version {q}: an alias refers to it"),
        ));
    }
    f.deleted.insert(q.clone());
    Some(Answer::NoContent)
}

/// `ListVersionsByFunction` without the deleted versions.
pub fn hide_deleted(v: &mut Value, deleted: &BTreeSet<String>) {
    if let Some(items) = v.get_mut("Versions").and_then(Value::as_array_mut) {
        items.retain(|i| {
            i.get("Version")
                .and_then(Value::as_str)
                .is_none_or(|n| !deleted.contains(n))
        });
    }
}
