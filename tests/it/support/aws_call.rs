//! The IAM action and resource ARN of one request the proxy saw, read from the request
//! itself (never from the operation name the proxy's rules use): the service from the
//! SigV4 credential scope, the operation from Lambda's and CloudFront's REST paths, from
//! `X-Amz-Target` (Logs, ECR) or from `Action=` (STS, CloudWatch's query protocol), and
//! the resource where the request names one. Actions and resource types:
//! <https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html>.

use super::proxy_request::lambda_operation;
use super::proxy_tags::{decode, form_value as query_value};
use super::{RequestInfo, Seen};

/// One AWS action as IAM authorizes it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Call {
    /// `lambda:UpdateAlias`.
    pub action: String,
    /// `None` when the action takes no resource (`*` only: `sts:GetCallerIdentity`,
    /// `cloudwatch:GetMetricData`, list calls).
    pub resource: Option<String>,
}

/// Where the calls were made: the ARN's region and account.
pub struct Place<'a> {
    pub region: &'a str,
    pub account: &'a str,
}

impl Place<'_> {
    fn arn(&self, service: &str, rest: &str) -> String {
        format!("arn:aws:{service}:{}:{}:{rest}", self.region, self.account)
    }
}

/// The calls of a request the proxy logged.
pub fn seen_calls(seen: &Seen, at: &Place) -> Vec<Call> {
    calls(&seen.request, &seen.body, at)
}

/// What IAM authorizes for one request: one call, or one per resource when the request
/// names several (`DescribeAlarms` with `AlarmNames`).
pub fn calls(req: &RequestInfo, body: &str, at: &Place) -> Vec<Call> {
    if req.service == "monitoring" {
        return monitoring(body, at);
    }
    let (action, resource) = match req.service.as_str() {
        "lambda" => lambda(&req.method, &req.path, &req.query, at),
        "logs" => json_call("logs", req.amz_target.as_deref(), body, |b| {
            let group = b["logGroupName"]
                .as_str()
                .or(b["logGroupIdentifier"].as_str())?;
            Some(at.arn("logs", &format!("log-group:{group}:*")))
        }),
        "ecr" => json_call("ecr", req.amz_target.as_deref(), body, |b| {
            let repo = b["repositoryName"].as_str()?;
            let registry = b["registryId"].as_str().unwrap_or(at.account);
            Some(format!(
                "arn:aws:ecr:{}:{registry}:repository/{repo}",
                at.region
            ))
        }),
        "cloudfront" => cloudfront(&req.method, &req.path, at),
        // `AssumeRoleWithWebIdentity` is the one unsigned call: the web identity token
        // is its credential (<https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html>).
        "sts" | "" => (
            format!("sts:{}", query_value(body, "Action").unwrap_or_default()),
            None,
        ),
        other => (format!("{other}:?{} {}", req.method, req.path), None),
    };
    vec![Call { action, resource }]
}

/// Lambda's REST routes; a qualifier (`?Qualifier=`, an alias in the path) qualifies the
/// function ARN, as IAM sees it.
fn lambda(method: &str, path: &str, query: &str, at: &Place) -> (String, Option<String>) {
    let parts: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let op = match parts.as_slice() {
        ["2015-03-31", ..] => lambda_operation(method, path),
        ["2019-09-30", "functions", _, "provisioned-concurrency"]
            if method == "GET" && query.split('&').any(|kv| kv == "List=ALL") =>
        {
            "ListProvisionedConcurrencyConfigs".into()
        }
        ["2019-09-30", "functions", _, "provisioned-concurrency"] => format!(
            "{}ProvisionedConcurrencyConfig",
            match method {
                "PUT" => "Put",
                "DELETE" => "Delete",
                _ => "Get",
            }
        ),
        ["2021-10-31", "functions", _, "url"] if method == "GET" => "GetFunctionUrlConfig".into(),
        _ => format!("?{method} {path}"),
    };
    let op = if op == "Invoke" {
        "InvokeFunction".into()
    } else {
        op
    };
    let Some(name) = parts.get(2).map(|n| decode(n)) else {
        return (format!("lambda:{op}"), None);
    };
    // A name may come as a full ARN, possibly qualified.
    let name = name.rsplit(":function:").next().unwrap_or(&name).to_owned();
    let qualifier = match parts.as_slice() {
        [_, _, _, "aliases", alias] => Some(decode(alias)),
        _ if matches!(
            op.as_str(),
            "PublishVersion" | "ListVersionsByFunction" | "ListProvisionedConcurrencyConfigs"
        ) =>
        {
            None
        }
        _ => query_value(query, "Qualifier"),
    };
    let function = match qualifier {
        Some(q) if !name.contains(':') => format!("function:{name}:{q}"),
        _ => format!("function:{name}"),
    };
    (format!("lambda:{op}"), Some(at.arn("lambda", &function)))
}

/// A JSON 1.1 call: the operation after the dot of `X-Amz-Target`, the resource from the body.
fn json_call(
    service: &str,
    target: Option<&str>,
    body: &str,
    resource: impl Fn(&serde_json::Value) -> Option<String>,
) -> (String, Option<String>) {
    let op = target.and_then(|t| t.rsplit('.').next()).unwrap_or("?");
    let body: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    (format!("{service}:{op}"), resource(&body))
}

/// CloudWatch's query protocol; `DescribeAlarms` names its alarms
/// (`AlarmNames.member.N`), each a resource of its own; without names, `*`.
fn monitoring(body: &str, at: &Place) -> Vec<Call> {
    let action = format!(
        "cloudwatch:{}",
        query_value(body, "Action").unwrap_or_else(|| "?".into())
    );
    let alarms: Vec<Call> = (1..)
        .map_while(|n| query_value(body, &format!("AlarmNames.member.{n}")))
        .map(|name| Call {
            action: action.clone(),
            resource: Some(at.arn("cloudwatch", &format!("alarm:{name}"))),
        })
        .collect();
    if alarms.is_empty() {
        return vec![Call {
            action,
            resource: None,
        }];
    }
    alarms
}

/// CloudFront's REST routes (API version 2020-05-31); its ARNs have no region.
fn cloudfront(method: &str, path: &str, at: &Place) -> (String, Option<String>) {
    let parts: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).skip(1).collect();
    let op = match (method, parts.as_slice()) {
        ("GET", ["distribution"]) => "ListDistributions",
        ("GET", ["distribution", _]) => "GetDistribution",
        ("GET", ["distribution", _, "config"]) => "GetDistributionConfig",
        ("POST", ["distribution", _, "invalidation"]) => "CreateInvalidation",
        ("GET", ["distribution", _, "invalidation", _]) => "GetInvalidation",
        ("GET", ["distribution", _, "invalidation"]) => "ListInvalidations",
        _ => return (format!("cloudfront:?{method} {path}"), None),
    };
    let resource = parts
        .get(1)
        .map(|id| format!("arn:aws:cloudfront::{}:distribution/{id}", at.account));
    (format!("cloudfront:{op}"), resource)
}

#[cfg(test)]
mod tests {
    use super::super::RequestInfo;
    use super::*;
    use std::time::Instant;

    fn seen(service: &str, method: &str, target: &str, amz: Option<&str>, body: &str) -> Seen {
        let auth = format!(
            "AWS4-HMAC-SHA256 Credential=AKID/20261203/us-east-1/{service}/aws4_request, SignedHeaders=host"
        );
        let request = RequestInfo::new(method, target, amz, body).signed_by(Some(&auth));
        Seen {
            at: Instant::now(),
            done: Instant::now(),
            path: request.path.clone(),
            op: request.op.clone(),
            request,
            status: 200,
            injected: false,
            landed: true,
            body: body.to_owned(),
            update_status: None,
        }
    }

    fn of(s: &Seen) -> (String, Option<String>) {
        let at = Place {
            region: "r",
            account: "1",
        };
        let mut c = seen_calls(s, &at);
        assert_eq!(c.len(), 1, "{c:?}");
        let c = c.remove(0);
        (c.action, c.resource)
    }

    #[test]
    fn actions_and_resources_come_from_the_request() {
        let f = "arn:aws:lambda:r:1:function:w";
        let alias = seen(
            "lambda",
            "PUT",
            "/2015-03-31/functions/arn%3Aaws%3Alambda%3Ar%3A1%3Afunction%3Aw/aliases/live",
            None,
            "",
        );
        assert_eq!(
            of(&alias),
            ("lambda:UpdateAlias".into(), Some(format!("{f}:live")))
        );
        let invoke = seen(
            "lambda",
            "POST",
            "/2015-03-31/functions/w/invocations?Qualifier=7",
            None,
            "",
        );
        assert_eq!(
            of(&invoke),
            ("lambda:InvokeFunction".into(), Some(format!("{f}:7")))
        );
        let logs = seen(
            "logs",
            "POST",
            "/",
            Some("Logs_20140328.FilterLogEvents"),
            r#"{"logGroupName":"/g"}"#,
        );
        assert_eq!(
            of(&logs),
            (
                "logs:FilterLogEvents".into(),
                Some("arn:aws:logs:r:1:log-group:/g:*".into())
            )
        );
        let alarms = seen(
            "monitoring",
            "POST",
            "/",
            None,
            "Action=DescribeAlarms&AlarmNames.member.1=a",
        );
        assert_eq!(
            of(&alarms),
            (
                "cloudwatch:DescribeAlarms".into(),
                Some("arn:aws:cloudwatch:r:1:alarm:a".into())
            )
        );
        let cf = seen(
            "cloudfront",
            "POST",
            "/2020-05-31/distribution/E1/invalidation",
            None,
            "",
        );
        assert_eq!(
            of(&cf),
            (
                "cloudfront:CreateInvalidation".into(),
                Some("arn:aws:cloudfront::1:distribution/E1".into())
            )
        );
        let sts = seen(
            "sts",
            "POST",
            "/",
            None,
            "Action=GetCallerIdentity&Version=2011-06-15",
        );
        assert_eq!(of(&sts), ("sts:GetCallerIdentity".into(), None));
    }

    #[test]
    fn describe_alarms_is_one_call_per_alarm_named() {
        let at = Place {
            region: "r",
            account: "1",
        };
        let two = seen(
            "monitoring",
            "POST",
            "/",
            None,
            "Action=DescribeAlarms&AlarmNames.member.1=a&AlarmNames.member.2=b",
        );
        let resources: Vec<Option<String>> = seen_calls(&two, &at)
            .into_iter()
            .map(|c| c.resource)
            .collect();
        assert_eq!(
            resources,
            vec![
                Some("arn:aws:cloudwatch:r:1:alarm:a".to_owned()),
                Some("arn:aws:cloudwatch:r:1:alarm:b".to_owned())
            ]
        );
        let none = seen("monitoring", "POST", "/", None, "Action=DescribeAlarms");
        assert_eq!(seen_calls(&none, &at)[0].resource, None);
    }
}
