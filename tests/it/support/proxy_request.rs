//! What the proxy reads from a request (its AWS operation and protocol) and how it spells
//! an answer of its own in that protocol.

use serde_json::Value;

/// The AWS protocol of a request, which decides how an injected error is spelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// Lambda: REST-JSON under `/2015-03-31/`, error code in `X-Amzn-ErrorType`.
    RestJson,
    /// Logs, ECR: `X-Amz-Target` with JSON 1.1, error code in `__type`.
    Json11,
    /// CloudFront (REST-XML) and STS (query): an XML `ErrorResponse`.
    Xml,
}

/// What the proxy knows about a request when it decides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestInfo {
    pub method: String,
    /// Without the query string.
    pub path: String,
    /// `GetFunctionConfiguration`, `FilterLogEvents`, `GetCallerIdentity`, …
    pub op: String,
    pub protocol: Protocol,
    /// The signing service of the SigV4 credential scope (`lambda`, `logs`, `monitoring`…),
    /// empty when unsigned.
    pub service: String,
    /// The query string, without `?`.
    pub query: String,
    /// `X-Amz-Target`, when the protocol names its operation there.
    pub amz_target: Option<String>,
    /// The access key of the SigV4 credential, empty when unsigned: whose rights apply.
    pub access_key: String,
    /// The region of the SigV4 credential scope, empty when unsigned.
    pub region: String,
    /// The `app/ID` of the SDK's User-Agent (`AWS_SDK_UA_APP_ID`): which run of the binary
    /// made the request (`run.rs` gives each run its own).
    pub app: Option<String>,
}

impl RequestInfo {
    pub fn new(method: &str, target: &str, amz_target: Option<&str>, body: &str) -> RequestInfo {
        let path = target.split('?').next().unwrap_or_default().to_owned();
        let (op, protocol) = match amz_target {
            Some(t) => (
                t.rsplit('.').next().unwrap_or(t).to_owned(),
                Protocol::Json11,
            ),
            None if path.starts_with("/2015-03-31/") => {
                (lambda_operation(method, &path), Protocol::RestJson)
            }
            None if path.starts_with("/2019-09-30/") => {
                (provisioned_operation(method, target), Protocol::RestJson)
            }
            // Function URLs: a Lambda control-plane API of its own version
            // (https://docs.aws.amazon.com/lambda/latest/api/API_GetFunctionUrlConfig.html).
            None if path.starts_with("/2021-10-31/") => {
                (url_operation(method, &path), Protocol::RestJson)
            }
            None => (
                query_action(body).unwrap_or_else(|| rest_xml_operation(method, &path)),
                Protocol::Xml,
            ),
        };
        RequestInfo {
            method: method.to_owned(),
            path,
            op,
            protocol,
            service: String::new(),
            query: target
                .split_once('?')
                .map(|(_, q)| q.to_owned())
                .unwrap_or_default(),
            amz_target: amz_target.map(str::to_owned),
            access_key: String::new(),
            region: String::new(),
            app: None,
        }
    }

    /// With the access key, region and service of `authorization`'s credential scope
    /// (`Credential=AKID/20261203/us-east-1/lambda/aws4_request`,
    /// <https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html>).
    pub fn signed_by(mut self, authorization: Option<&str>) -> RequestInfo {
        let scope: Vec<&str> = authorization
            .and_then(|a| a.split("Credential=").nth(1))
            .map(|c| c.split(['/', ',']).take(4).collect())
            .unwrap_or_default();
        let part = |i: usize| scope.get(i).copied().unwrap_or_default().to_owned();
        self.access_key = part(0);
        self.region = part(2);
        self.service = part(3);
        self
    }

    /// With the `app/ID` token of the SDK's User-Agent
    /// (<https://docs.aws.amazon.com/sdkref/latest/guide/feature-appid.html>).
    pub fn tagged_by(mut self, user_agent: Option<&str>) -> RequestInfo {
        self.app = user_agent
            .into_iter()
            .flat_map(str::split_whitespace)
            .find_map(|t| t.strip_prefix("app/"))
            .map(str::to_owned);
        self
    }
}

/// Lambda's operation from its REST path (API version 2015-03-31).
pub fn lambda_operation(method: &str, path: &str) -> String {
    let rest: Vec<&str> = path
        .trim_start_matches("/2015-03-31/functions")
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let op = match (method, rest.as_slice()) {
        ("GET", []) => "ListFunctions",
        ("GET", [_]) => "GetFunction",
        ("DELETE", [_]) => "DeleteFunction",
        ("GET", [_, "configuration"]) => "GetFunctionConfiguration",
        ("PUT", [_, "configuration"]) => "UpdateFunctionConfiguration",
        ("PUT", [_, "code"]) => "UpdateFunctionCode",
        ("POST", [_, "versions"]) => "PublishVersion",
        ("GET", [_, "versions"]) => "ListVersionsByFunction",
        ("POST", [_, "invocations"]) => "Invoke",
        ("GET", [_, "aliases"]) => "ListAliases",
        ("POST", [_, "aliases"]) => "CreateAlias",
        ("GET", [_, "aliases", _]) => "GetAlias",
        ("PUT", [_, "aliases", _]) => "UpdateAlias",
        ("DELETE", [_, "aliases", _]) => "DeleteAlias",
        ("GET", [_, "policy"]) => "GetPolicy",
        // `/2015-03-31/event-source-mappings/?FunctionName=…` is not under `functions`.
        ("GET", [_, "event-source-mappings"]) => "ListEventSourceMappings",
        _ => "Lambda",
    };
    op.to_owned()
}

/// Lambda's function URL operations (API version 2021-10-31).
fn url_operation(method: &str, path: &str) -> String {
    let rest: Vec<&str> = path
        .trim_start_matches("/2021-10-31/functions")
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let op = match (method, rest.as_slice()) {
        ("GET", [_, "url"]) => "GetFunctionUrlConfig",
        ("GET", [_, "urls"]) => "ListFunctionUrlConfigs",
        _ => "Lambda",
    };
    op.to_owned()
}

/// Lambda's provisioned concurrency operations (API version 2019-09-30), from the path
/// and its query (`?List=ALL` lists, `?Qualifier=` names one).
fn provisioned_operation(method: &str, target: &str) -> String {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let listing = query.split('&').any(|kv| kv == "List=ALL");
    let op = match (method, path.ends_with("/provisioned-concurrency")) {
        ("GET", true) if listing => "ListProvisionedConcurrencyConfigs",
        ("PUT", true) => "PutProvisionedConcurrencyConfig",
        ("GET", true) => "GetProvisionedConcurrencyConfig",
        ("DELETE", true) => "DeleteProvisionedConcurrencyConfig",
        _ => "Lambda",
    };
    op.to_owned()
}

/// CloudFront's operation from its REST path (API version 2020-05-31).
fn rest_xml_operation(method: &str, path: &str) -> String {
    let rest: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).skip(1).collect();
    let op = match (method, rest.as_slice()) {
        ("GET", ["distribution"]) => "ListDistributions",
        ("GET", ["distribution", _]) => "GetDistribution",
        ("GET", ["distribution", _, "config"]) => "GetDistributionConfig",
        ("POST", ["distribution", _, "invalidation"]) => "CreateInvalidation",
        _ => "Unknown",
    };
    op.to_owned()
}

/// `Action=…` of a query-protocol body (STS).
fn query_action(body: &str) -> Option<String> {
    body.split('&')
        .find_map(|kv| kv.strip_prefix("Action="))
        .map(str::to_owned)
}

/// Sets `LastUpdateStatus` (top level, or under `Configuration` for `GetFunction`) in a
/// JSON body; `None` when the body has no such field.
pub fn rewrite_update_status(body: &str, status: &str, reason: Option<&str>) -> Option<String> {
    let mut v: Value = serde_json::from_str(body).ok()?;
    let target = if v.get("LastUpdateStatus").is_some() {
        &mut v
    } else {
        v.get_mut("Configuration")
            .filter(|c| c.get("LastUpdateStatus").is_some())?
    };
    let obj = target.as_object_mut()?;
    obj.insert("LastUpdateStatus".into(), Value::from(status));
    match reason {
        Some(r) => {
            obj.insert("LastUpdateStatusReason".into(), Value::from(r));
            obj.insert(
                "LastUpdateStatusReasonCode".into(),
                Value::from("ImageAccessDenied"),
            );
        }
        None => {
            obj.remove("LastUpdateStatusReason");
            obj.remove("LastUpdateStatusReasonCode");
        }
    }
    Some(v.to_string())
}

pub fn update_status_of(body: &str) -> Option<String> {
    let v: Value = serde_json::from_str(body).ok()?;
    v.get("LastUpdateStatus")
        .or_else(|| v.get("Configuration")?.get("LastUpdateStatus"))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// An error answer as the request's protocol spells it.
pub fn error_response(
    protocol: Protocol,
    code: &str,
    message: &str,
) -> (Vec<(String, String)>, Vec<u8>) {
    match protocol {
        Protocol::RestJson => (
            vec![
                ("Content-Type".into(), "application/json".into()),
                ("X-Amzn-ErrorType".into(), code.into()),
            ],
            serde_json::json!({"Type": "User", "message": message})
                .to_string()
                .into_bytes(),
        ),
        Protocol::Json11 => (
            vec![("Content-Type".into(), "application/x-amz-json-1.1".into())],
            serde_json::json!({"__type": code, "message": message})
                .to_string()
                .into_bytes(),
        ),
        Protocol::Xml => (
            vec![("Content-Type".into(), "text/xml".into())],
            format!(
                "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>\
                 <Message>{message}</Message></Error><RequestId>proxy</RequestId></ErrorResponse>"
            )
            .into_bytes(),
        ),
    }
}
