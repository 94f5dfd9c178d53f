//! Event source mappings on an alias. Lambda keeps the alias in the mapping (its
//! `FunctionArn` is the alias's ARN), so the mapping follows the alias to each new version
//! without being updated — <https://docs.aws.amazon.com/lambda/latest/dg/using-aliases.html>.
//! moto resolves the alias when the mapping is made and records the version it pointed to, so
//! a mapping on `worker:live` lists as one on `worker:1`: the model puts the alias back into
//! the `FunctionArn` of the mappings a test made on one (`Realism::mapping_on_alias`).

use serde_json::Value;
use std::collections::BTreeMap;

/// Rewrites a `ListEventSourceMappings` answer: each mapping in `on_alias` (UUID → alias)
/// names its alias's ARN instead of the version's.
pub fn keep_aliases(answer: &mut Value, on_alias: &BTreeMap<String, String>) {
    let Some(list) = answer
        .get_mut("EventSourceMappings")
        .and_then(Value::as_array_mut)
    else {
        return;
    };
    for m in list {
        let Some(alias) = m
            .get("UUID")
            .and_then(Value::as_str)
            .and_then(|u| on_alias.get(u))
        else {
            continue;
        };
        let Some(arn) = m.get("FunctionArn").and_then(Value::as_str) else {
            continue;
        };
        // `arn:…:function:NAME:VERSION` → `arn:…:function:NAME:ALIAS`.
        let Some((function, rest)) = arn.split_once(":function:") else {
            continue;
        };
        let name = rest.split(':').next().unwrap_or_default();
        m["FunctionArn"] = Value::from(format!("{function}:function:{name}:{alias}"));
    }
}
