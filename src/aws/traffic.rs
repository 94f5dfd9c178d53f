//! Lambda reads of what invokes a function: its event source mappings, its function URL on
//! `$LATEST`, and the invoke permissions of its resource policy (docs/codes.md, "Finding codes",
//! `traffic-bypasses-alias`).
//!
//! A function URL lives on `$LATEST` or on an alias, never on a version, so asking for the
//! unqualified one finds every URL that bypasses the alias —
//! <https://docs.aws.amazon.com/lambda/latest/api/API_GetFunctionUrlConfig.html>.

use serde_json::Value;

use super::error::AwsError;
use super::handles::Read;
use super::operations as ops;

/// Something that invokes a function, as Lambda records it. `target` is the ARN it invokes
/// (qualified with a version or alias, or not).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// An event source mapping: the source (queue, stream, …) and the mapping's UUID.
    Mapping {
        source: String,
        uuid: String,
        target: String,
    },
    /// A function URL.
    Url { url: String, target: String },
    /// A resource-policy statement letting a service principal invoke `target`.
    Permission {
        sid: String,
        principal: String,
        target: String,
    },
}

impl Trigger {
    pub fn target(&self) -> &str {
        match self {
            Trigger::Mapping { target, .. }
            | Trigger::Url { target, .. }
            | Trigger::Permission { target, .. } => target,
        }
    }
}

/// The most mappings a `ListEventSourceMappings` request may ask for (valid range 1 to
/// 10,000; Lambda still answers at most 100 a page, so a page per 100 mappings) —
/// <https://docs.aws.amazon.com/lambda/latest/api/API_ListEventSourceMappings.html>
/// ("MaxItems").
const MAPPINGS_PER_PAGE: i32 = 10_000;

impl Read {
    /// `ListEventSourceMappings` of the whole account and region (no `FunctionName`), every
    /// page. One listing serves every function of a pre-flight (`observe_preflight.rs` picks
    /// each one's): asking per function spent a request of the shared control-plane quota on each.
    pub async fn event_source_mappings(&self) -> Result<Vec<Trigger>, AwsError> {
        let mut out = Vec::new();
        let mut marker: Option<String> = None;
        loop {
            let req = self
                .c()
                .lambda
                .list_event_source_mappings()
                .max_items(MAPPINGS_PER_PAGE)
                .set_marker(marker.clone());
            // Each page paced and retried on its own: a throttled page does not restart
            // a listing that may be long.
            let page = self
                .c()
                .call(
                    ops::LIST_EVENT_SOURCE_MAPPINGS,
                    "event source mappings",
                    || req.clone().send(),
                )
                .await?;
            for m in page.event_source_mappings() {
                out.push(Trigger::Mapping {
                    source: m.event_source_arn().unwrap_or_default().to_string(),
                    uuid: m.uuid().unwrap_or_default().to_string(),
                    target: m.function_arn().unwrap_or_default().to_string(),
                });
            }
            marker = page.next_marker().map(str::to_string);
            if marker.is_none() {
                return Ok(out);
            }
        }
    }

    /// `GetFunctionUrlConfig` of the unqualified function: its URL on `$LATEST`, if any.
    pub async fn latest_url(&self, function: &str) -> Result<Option<Trigger>, AwsError> {
        let req = self
            .c()
            .lambda
            .get_function_url_config()
            .function_name(function);
        match self
            .c()
            .call(ops::GET_FUNCTION_URL_CONFIG, function, || {
                req.clone().send()
            })
            .await
        {
            Ok(out) => Ok(Some(Trigger::Url {
                url: out.function_url().to_string(),
                target: out.function_arn().to_string(),
            })),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `GetPolicy` of `function` (or `function:qualifier`): the statements that let a
    /// service principal invoke it. No policy at all is no statement.
    pub async fn invoke_permissions(
        &self,
        function: &str,
        qualifier: Option<&str>,
    ) -> Result<Vec<Trigger>, AwsError> {
        let req = self
            .c()
            .lambda
            .get_policy()
            .function_name(function)
            .set_qualifier(qualifier.map(str::to_string));
        let resource = match qualifier {
            Some(q) => format!("{function}:{q}"),
            None => function.to_string(),
        };
        match self
            .c()
            .call(ops::GET_POLICY, &resource, || req.clone().send())
            .await
        {
            Ok(out) => Ok(service_invokers(out.policy().unwrap_or_default())),
            Err(e) if e.is_not_found() => Ok(Vec::new()),
            Err(e) => Err(e),
        }
    }
}

/// The `Allow` statements of a resource policy that let a service principal
/// (`apigateway.amazonaws.com`, `events.amazonaws.com`, …) invoke the function.
pub fn service_invokers(policy: &str) -> Vec<Trigger> {
    let Ok(doc) = serde_json::from_str::<Value>(policy) else {
        return Vec::new();
    };
    let statements = match doc.get("Statement") {
        Some(Value::Array(list)) => list.clone(),
        Some(one @ Value::Object(_)) => vec![one.clone()],
        _ => Vec::new(),
    };
    let mut out = Vec::new();
    for s in &statements {
        if s.get("Effect").and_then(Value::as_str) != Some("Allow") || !invokes(s) {
            continue;
        }
        let Some(target) = strings(s.get("Resource")).into_iter().next() else {
            continue;
        };
        let principal = s.get("Principal").and_then(|p| p.get("Service"));
        for service in strings(principal) {
            out.push(Trigger::Permission {
                sid: s
                    .get("Sid")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                principal: service,
                target: target.clone(),
            });
        }
    }
    out
}

fn invokes(statement: &Value) -> bool {
    strings(statement.get("Action"))
        .iter()
        .any(|a| a == "lambda:InvokeFunction" || a == "lambda:*" || a == "*")
}

/// A policy field that is one string or a list of them.
fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_service_principals_allowed_to_invoke_are_kept() {
        let policy = r#"{"Statement":[
          {"Sid":"api","Effect":"Allow","Action":"lambda:InvokeFunction",
           "Principal":{"Service":"apigateway.amazonaws.com"},"Resource":"arn:aws:lambda:us-east-1:1:function:f"},
          {"Sid":"acct","Effect":"Allow","Action":"lambda:InvokeFunction",
           "Principal":{"AWS":"arn:aws:iam::2:root"},"Resource":"arn:aws:lambda:us-east-1:1:function:f"},
          {"Sid":"deny","Effect":"Deny","Action":"lambda:InvokeFunction",
           "Principal":{"Service":"sns.amazonaws.com"},"Resource":"arn:aws:lambda:us-east-1:1:function:f"},
          {"Sid":"get","Effect":"Allow","Action":"lambda:GetFunction",
           "Principal":{"Service":"events.amazonaws.com"},"Resource":"arn:aws:lambda:us-east-1:1:function:f"}]}"#;
        assert_eq!(
            service_invokers(policy),
            vec![Trigger::Permission {
                sid: "api".into(),
                principal: "apigateway.amazonaws.com".into(),
                target: "arn:aws:lambda:us-east-1:1:function:f".into(),
            }]
        );
        assert!(service_invokers("not json").is_empty());
    }
}
