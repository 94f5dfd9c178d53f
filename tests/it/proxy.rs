//! The fault-injecting proxy itself: which requests a rule matches, the seeded share, the
//! `LastUpdateStatus` hold, error spelling per protocol, and forwarding to moto.
//!
//! Bare moto by design: this is the proxy's own test, below the realism model.

use crate::support::{
    Action, Fault, Match, Moto, Protocol, Proxy, RequestInfo, Rule, Rules, lambda_operation,
    rewrite_update_status,
};
use serde_json::json;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

fn lambda(method: &str, path: &str) -> RequestInfo {
    RequestInfo::new(method, path, None, "")
}

#[test]
fn names_lambda_operations_from_rest_paths() {
    let cases = [
        (
            "GET",
            "/2015-03-31/functions/w/configuration",
            "GetFunctionConfiguration",
        ),
        ("PUT", "/2015-03-31/functions/w/code", "UpdateFunctionCode"),
        ("POST", "/2015-03-31/functions/w/versions", "PublishVersion"),
        (
            "GET",
            "/2015-03-31/functions/w/versions",
            "ListVersionsByFunction",
        ),
        ("POST", "/2015-03-31/functions/w/invocations", "Invoke"),
        ("GET", "/2015-03-31/functions/w/aliases/live", "GetAlias"),
        ("PUT", "/2015-03-31/functions/w/aliases/live", "UpdateAlias"),
        (
            "DELETE",
            "/2015-03-31/functions/w/aliases/live",
            "DeleteAlias",
        ),
        ("POST", "/2015-03-31/functions/w/aliases", "CreateAlias"),
        ("GET", "/2015-03-31/functions/w", "GetFunction"),
        ("GET", "/2015-03-31/functions/", "ListFunctions"),
    ];
    for (method, path, op) in cases {
        assert_eq!(lambda_operation(method, path), op, "{method} {path}");
    }
    let q = lambda("GET", "/2015-03-31/functions/w?Qualifier=3");
    assert_eq!(
        (q.op.as_str(), q.path.as_str()),
        ("GetFunction", "/2015-03-31/functions/w")
    );
    assert_eq!(q.protocol, Protocol::RestJson);
}

#[test]
fn names_json_query_and_xml_operations() {
    let logs = RequestInfo::new("POST", "/", Some("Logs_20140328.FilterLogEvents"), "{}");
    assert_eq!(
        (logs.op.as_str(), logs.protocol),
        ("FilterLogEvents", Protocol::Json11)
    );
    let sts = RequestInfo::new(
        "POST",
        "/",
        None,
        "Action=GetCallerIdentity&Version=2011-06-15",
    );
    assert_eq!(
        (sts.op.as_str(), sts.protocol),
        ("GetCallerIdentity", Protocol::Xml)
    );
    let cf = RequestInfo::new(
        "POST",
        "/2020-05-31/distribution/E1/invalidation",
        None,
        "<x/>",
    );
    assert_eq!(cf.op, "CreateInvalidation");
}

#[test]
fn a_rule_matches_on_every_field_it_sets() {
    let update = lambda("PUT", "/2015-03-31/functions/w/aliases/live");
    let get = lambda("GET", "/2015-03-31/functions/w/aliases/live");
    let other = lambda("PUT", "/2015-03-31/functions/other/aliases/live");
    let m = Match::op("UpdateAlias").path("/functions/w/");
    assert!(m.matches(&update));
    assert!(!m.matches(&get));
    assert!(!m.matches(&other));
    assert!(Match::any().method("get").matches(&get));
    assert!(!Match::any().method("GET").matches(&update));
    assert!(Match::any().path("aliases/live").matches(&other));
}

#[test]
fn skip_times_and_after_gate_a_rule() {
    let mut rules = Rules::new(1);
    rules.add(
        Rule::new(
            Match::op("UpdateAlias"),
            Action::Fail(Fault::status(412, "PreconditionFailedException", "x")),
        )
        .skip(1)
        .times(1),
    );
    rules.add(
        Rule::new(
            Match::op("GetFunctionConfiguration"),
            Action::Fail(Fault::Throttle),
        )
        .after("UpdateFunctionCode"),
    );
    let alias = lambda("PUT", "/2015-03-31/functions/w/aliases/live");
    let conf = lambda("GET", "/2015-03-31/functions/w/configuration");
    let code = lambda("PUT", "/2015-03-31/functions/w/code");
    let now = Instant::now();
    assert_eq!(rules.decide(&alias, now).fail, None, "first one skipped");
    assert_eq!(rules.decide(&alias, now).fail.map(|f| f.0), Some(412));
    assert_eq!(rules.decide(&alias, now).fail, None, "acts once only");
    assert_eq!(
        rules.decide(&conf, now).fail,
        None,
        "not before UpdateFunctionCode"
    );
    assert_eq!(rules.decide(&code, now).fail, None);
    assert_eq!(
        rules.decide(&conf, now).fail,
        Some((
            429,
            "TooManyRequestsException".into(),
            "injected by the test proxy".into()
        ))
    );
}

#[test]
fn a_share_is_seeded_and_close_to_its_rate() {
    let count = |seed| {
        let mut rules = Rules::new(seed);
        rules.add(
            Rule::new(
                Match::any(),
                Action::FailOneOf(vec![Fault::Throttle, Fault::ServerError]),
            )
            .share(0.2),
        );
        let req = lambda("GET", "/2015-03-31/functions/w");
        (0..2000)
            .map(|_| rules.decide(&req, Instant::now()).fail.map(|f| f.0))
            .collect::<Vec<_>>()
    };
    let a = count(7);
    assert_eq!(a, count(7), "same seed, same faults");
    let failed = a.iter().filter(|f| f.is_some()).count();
    assert!((320..=480).contains(&failed), "{failed} of 2000");
    assert!(a.contains(&Some(429)) && a.contains(&Some(500)));
}

#[test]
fn hold_reports_in_progress_then_the_outcome() {
    let mut rules = Rules::new(1);
    rules.add(Rule::new(
        Match::op("GetFunctionConfiguration"),
        Action::Hold {
            hold: Duration::from_secs(3),
            failed: Some("image gone".into()),
        },
    ));
    let conf = lambda("GET", "/2015-03-31/functions/w/configuration");
    let t0 = Instant::now();
    let status = |rules: &mut Rules, at| rules.decide(&conf, at).update_status.map(|s| s.0);
    assert_eq!(status(&mut rules, t0).as_deref(), Some("InProgress"));
    assert_eq!(
        status(&mut rules, t0 + Duration::from_millis(2900)).as_deref(),
        Some("InProgress")
    );
    assert_eq!(
        status(&mut rules, t0 + Duration::from_secs(3)).as_deref(),
        Some("Failed")
    );

    let body = json!({"FunctionName": "w", "LastUpdateStatus": "Successful"}).to_string();
    let out = rewrite_update_status(&body, "Failed", Some("image gone")).expect("rewritten");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["LastUpdateStatus"], "Failed");
    assert_eq!(v["LastUpdateStatusReason"], "image gone");
    let nested = json!({"Configuration": {"LastUpdateStatus": "Successful"}}).to_string();
    let out = rewrite_update_status(&nested, "InProgress", None).expect("nested");
    assert!(out.contains("\"InProgress\""), "{out}");
    assert_eq!(
        rewrite_update_status("{\"Aliases\": []}", "InProgress", None),
        None
    );
}

#[test]
fn errors_are_spelled_per_protocol() {
    let (headers, body) =
        crate::support::error_response(Protocol::RestJson, "TooManyRequestsException", "m");
    assert!(headers.contains(&("X-Amzn-ErrorType".into(), "TooManyRequestsException".into())));
    assert!(String::from_utf8_lossy(&body).contains("\"message\""));
    let (_, body) = crate::support::error_response(Protocol::Json11, "ThrottlingException", "m");
    assert!(String::from_utf8_lossy(&body).contains("\"__type\":\"ThrottlingException\""));
    let (_, body) = crate::support::error_response(Protocol::Xml, "Throttling", "m");
    assert!(String::from_utf8_lossy(&body).contains("<Code>Throttling</Code>"));
}

fn raw(port: u16, request: &str) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect proxy");
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    s.write_all(request.as_bytes()).expect("write");
    let mut out = String::new();
    s.read_to_string(&mut out).expect("read");
    out
}

#[test]
fn forwards_to_moto_counts_and_injects() {
    let moto = Moto::start();
    let proxy = Proxy::start(moto.port(), 3);
    let port: u16 = proxy
        .endpoint()
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("port");
    // moto picks the service from the credential scope of the signature.
    let list = "GET /2015-03-31/functions/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\
                Authorization: AWS4-HMAC-SHA256 Credential=testing/20250101/us-east-1/lambda/aws4_request, \
                SignedHeaders=host, Signature=00\r\n\r\n";
    let answer = raw(port, list);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"Functions\""), "{answer}");

    proxy.add(Rule::new(Match::op("ListFunctions"), Action::Fail(Fault::Throttle)).times(1));
    let answer = raw(port, list);
    assert!(answer.starts_with("HTTP/1.1 429"), "{answer}");
    assert!(
        answer.contains("X-Amzn-ErrorType: TooManyRequestsException"),
        "{answer}"
    );
    assert!(raw(port, list).starts_with("HTTP/1.1 200"));

    assert_eq!(proxy.count("ListFunctions"), 3);
    let log = proxy.log();
    assert_eq!(log.iter().filter(|s| s.injected).count(), 1);
    assert!(log.iter().all(|s| s.path == "/2015-03-31/functions/"));
}
