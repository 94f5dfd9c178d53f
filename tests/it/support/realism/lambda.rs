//! Lambda's revision ids and update status, which moto lacks (no `RevisionId` on functions,
//! a constant one on aliases, every update `Successful` at once).
//!
//! - Revision ids: "The RevisionId provided does not match the latest RevisionId for the
//!   Lambda function or alias" is `PreconditionFailedException`, HTTP 412 —
//!   <https://docs.aws.amazon.com/lambda/latest/api/API_UpdateAlias.html>,
//!   <https://docs.aws.amazon.com/lambda/latest/api/API_PublishVersion.html>,
//!   <https://docs.aws.amazon.com/lambda/latest/api/API_UpdateFunctionCode.html>.
//!   Every change of `$LATEST` gets a new id (the update, its end, a publish), every alias
//!   update a new alias id.
//! - `PublishVersion` with `CodeSha256`: "Only publish a version if the hash value matches
//!   the value that's specified" —
//!   <https://docs.aws.amazon.com/lambda/latest/api/API_PublishVersion.html>; a mismatch is
//!   400 `InvalidParameterValueException` "CodeSHA256 (…) is different from current
//!   CodeSHA256 in $LATEST (…)", as measured against the service
//!   (<https://github.com/floci-io/floci/issues/2822>).
//! - Update status: `InProgress` while an update runs (writes meanwhile answer
//!   `ResourceConflictException`, 409), then `Successful`, or `Failed` with
//!   `LastUpdateStatusReasonCode`, which "remains set until the next update" —
//!   <https://docs.aws.amazon.com/lambda/latest/dg/functions-states.html>.

use super::{Answer, Function, Target};
use serde_json::Value;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// The last update of a function.
#[derive(Clone, Debug, Default)]
pub enum Update {
    #[default]
    Successful,
    Running {
        since: Instant,
        fails: Option<(String, String)>,
    },
    Failed {
        code: String,
        reason: String,
    },
}

fn revision_id(function: &str, n: u64) -> String {
    format!("{function}-rev-{n:04}-0000-0000-000000000000")
}

fn alias_revision_id(function: &str, alias: &str, n: u64) -> String {
    format!("{function}-{alias}-rev-{n:04}")
}

fn precondition() -> Answer {
    Answer::error(
        412,
        "PreconditionFailedException",
        "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id",
    )
}

/// Ends a running update whose time is up, with a new revision id.
fn settle(f: &mut Function, takes: Duration, now: Instant) {
    if let Update::Running { since, fails } = &f.update
        && now >= *since + takes
    {
        f.update = match fails.clone() {
            Some((code, reason)) => Update::Failed { code, reason },
            None => Update::Successful,
        };
        f.revision += 1;
    }
}

/// `UpdateFunctionCode`, `PublishVersion`, `UpdateFunctionConfiguration` of `$LATEST`.
pub fn check_function_write(
    f: &mut Function,
    t: &Target,
    req: &Value,
    takes: Duration,
    now: Instant,
) -> Option<Answer> {
    settle(f, takes, now);
    if matches!(f.update, Update::Running { .. }) {
        return Some(Answer::error(
            409,
            "ResourceConflictException",
            format!(
                "The operation cannot be performed at this time. An update is in progress for resource: arn:aws:lambda:us-east-1:123456789012:function:{}",
                t.function
            ),
        ));
    }
    if let Some(mismatch) = code_guard(f, req) {
        return Some(mismatch);
    }
    let given = req.get("RevisionId").and_then(Value::as_str)?;
    (given != revision_id(&t.function, f.revision)).then(precondition)
}

/// `PublishVersion`'s `CodeSha256` against `$LATEST`'s (when the model has seen it).
fn code_guard(f: &Function, req: &Value) -> Option<Answer> {
    let given = req.get("CodeSha256").and_then(Value::as_str)?;
    let latest = f.code_sha256.as_deref()?;
    (given != latest).then(|| {
        Answer::error(
            400,
            "InvalidParameterValueException",
            format!(
                "CodeSHA256 ({given}) is different from current CodeSHA256 in $LATEST ({latest}). Please try again with the CodeSHA256 in $LATEST."
            ),
        )
    })
}

/// `UpdateAlias` with a `RevisionId` other than the alias's latest.
pub fn check_alias_write(
    aliases: &BTreeMap<(String, String), u64>,
    t: &Target,
    req: &Value,
) -> Option<Answer> {
    let alias = t.alias.as_ref()?;
    let given = req.get("RevisionId").and_then(Value::as_str)?;
    let n = aliases
        .get(&(t.function.clone(), alias.clone()))
        .copied()
        .unwrap_or(0);
    (given != alias_revision_id(&t.function, alias, n)).then(precondition)
}

pub fn start_update(f: &mut Function, now: Instant) {
    f.update = Update::Running {
        since: now,
        fails: f.next_failure.take(),
    };
    f.revision += 1;
}

/// Sets `LastUpdateStatus`, its reason and the revision id on a `$LATEST` configuration.
pub fn set_status(
    f: &mut Function,
    conf: &mut Value,
    function: &str,
    takes: Duration,
    now: Instant,
) {
    settle(f, takes, now);
    let Some(obj) = conf.as_object_mut() else {
        return;
    };
    obj.remove("LastUpdateStatusReason");
    obj.remove("LastUpdateStatusReasonCode");
    let status = match &f.update {
        Update::Successful => "Successful",
        Update::Running { .. } => "InProgress",
        Update::Failed { code, reason } => {
            obj.insert(
                "LastUpdateStatusReason".into(),
                Value::from(reason.as_str()),
            );
            obj.insert(
                "LastUpdateStatusReasonCode".into(),
                Value::from(code.as_str()),
            );
            "Failed"
        }
    };
    obj.insert("LastUpdateStatus".into(), Value::from(status));
    obj.insert(
        "RevisionId".into(),
        Value::from(revision_id(function, f.revision)),
    );
}

/// Alias answers carry the model's revision id; a successful `UpdateAlias` makes a new one.
pub fn set_alias_revisions(
    aliases: &mut BTreeMap<(String, String), u64>,
    info: &super::RequestInfo,
    t: &Target,
    v: &mut Value,
) {
    if info.op == "ListAliases" {
        if let Some(items) = v.get_mut("Aliases").and_then(Value::as_array_mut) {
            for a in items {
                let name = a.get("Name").and_then(Value::as_str).unwrap_or_default();
                let n = aliases
                    .get(&(t.function.clone(), name.to_owned()))
                    .copied()
                    .unwrap_or(0);
                let id = alias_revision_id(&t.function, name, n);
                a["RevisionId"] = Value::from(id);
            }
        }
        return;
    }
    let name = match (&t.alias, v.get("Name").and_then(Value::as_str)) {
        (_, Some(n)) => n.to_owned(),
        (Some(a), None) => a.clone(),
        (None, None) => return,
    };
    let n = aliases
        .entry((t.function.clone(), name.clone()))
        .or_insert(0);
    if info.op == "UpdateAlias" {
        *n += 1;
    }
    if let Some(obj) = v.as_object_mut() {
        obj.insert(
            "RevisionId".into(),
            Value::from(alias_revision_id(&t.function, &name, *n)),
        );
    }
}
