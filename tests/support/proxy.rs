//! A fault-injecting HTTP/1.1 proxy between the binary (`AWS_ENDPOINT_URL`) and moto: it
//! forwards every request, and by rule answers throttling or 5xx errors on a seeded share of
//! requests, holds `LastUpdateStatus` at `InProgress`, adds `X-Amz-Function-Error`, and logs
//! every request per AWS operation. moto cannot show any of these faults by itself.
//!
//! A plain forwarder on tokio TCP (no HTTP crate): one upstream connection per request with
//! `Connection: close`, keep-alive towards the client as the SDK expects.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

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
        }
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

/// Which requests a rule applies to; every field set must match.
#[derive(Clone, Debug, Default)]
pub struct Match {
    pub method: Option<String>,
    pub path_contains: Option<String>,
    pub op: Option<String>,
}

impl Match {
    pub fn any() -> Match {
        Match::default()
    }

    pub fn op(op: &str) -> Match {
        Match {
            op: Some(op.to_owned()),
            ..Match::default()
        }
    }

    pub fn path(mut self, fragment: &str) -> Match {
        self.path_contains = Some(fragment.to_owned());
        self
    }

    pub fn method(mut self, method: &str) -> Match {
        self.method = Some(method.to_owned());
        self
    }

    pub fn matches(&self, req: &RequestInfo) -> bool {
        self.method
            .as_ref()
            .is_none_or(|m| m.eq_ignore_ascii_case(&req.method))
            && self
                .path_contains
                .as_ref()
                .is_none_or(|p| req.path.contains(p.as_str()))
            && self.op.as_ref().is_none_or(|o| *o == req.op)
    }
}

/// An error answered instead of forwarding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// The protocol's throttling error: Lambda 429 `TooManyRequestsException`, Logs/ECR 400
    /// `ThrottlingException`, CloudFront/STS 400 `Throttling`.
    Throttle,
    /// The protocol's 5xx: Lambda 500 `ServiceException`, JSON 1.1 503
    /// `ServiceUnavailableException`, XML 500 `InternalFailure`.
    ServerError,
    Status {
        status: u16,
        code: String,
        message: String,
    },
}

impl Fault {
    pub fn status(status: u16, code: &str, message: &str) -> Fault {
        Fault::Status {
            status,
            code: code.to_owned(),
            message: message.to_owned(),
        }
    }

    /// `(status, code, message)` as this protocol spells it.
    pub fn resolve(&self, protocol: Protocol) -> (u16, String, String) {
        let injected = "injected by the test proxy".to_owned();
        match (self, protocol) {
            (Fault::Throttle, Protocol::RestJson) => {
                (429, "TooManyRequestsException".into(), injected)
            }
            (Fault::Throttle, Protocol::Json11) => (400, "ThrottlingException".into(), injected),
            (Fault::Throttle, Protocol::Xml) => (400, "Throttling".into(), injected),
            (Fault::ServerError, Protocol::RestJson) => (500, "ServiceException".into(), injected),
            (Fault::ServerError, Protocol::Json11) => {
                (503, "ServiceUnavailableException".into(), injected)
            }
            (Fault::ServerError, Protocol::Xml) => (500, "InternalFailure".into(), injected),
            (
                Fault::Status {
                    status,
                    code,
                    message,
                },
                _,
            ) => (*status, code.clone(), message.clone()),
        }
    }
}

/// What a rule does to a matching request.
#[derive(Clone, Debug)]
pub enum Action {
    /// Answer this error instead of forwarding.
    Fail(Fault),
    /// One of these errors, picked by the seeded RNG.
    FailOneOf(Vec<Fault>),
    /// Report `LastUpdateStatus: InProgress` for `hold` from the first matching request,
    /// then moto's own status (`failed: None`) or `Failed` with this reason.
    Hold {
        hold: Duration,
        failed: Option<String>,
    },
    /// Add a header to the forwarded response (`X-Amz-Function-Error: Unhandled`).
    AddHeader(String, String),
}

#[derive(Clone, Debug)]
pub struct Rule {
    pub when: Match,
    pub action: Action,
    /// Share of the matching requests it acts on (seeded RNG); 1.0 is every one.
    pub share: f64,
    /// Matching requests let through untouched before it acts.
    pub skip: u32,
    /// Acts at most this many times.
    pub times: Option<u32>,
    /// Inactive until a request of this operation has been forwarded.
    pub after: Option<String>,
}

impl Rule {
    pub fn new(when: Match, action: Action) -> Rule {
        Rule {
            when,
            action,
            share: 1.0,
            skip: 0,
            times: None,
            after: None,
        }
    }

    pub fn share(mut self, share: f64) -> Rule {
        self.share = share;
        self
    }

    pub fn skip(mut self, n: u32) -> Rule {
        self.skip = n;
        self
    }

    pub fn times(mut self, n: u32) -> Rule {
        self.times = Some(n);
        self
    }

    pub fn after(mut self, op: &str) -> Rule {
        self.after = Some(op.to_owned());
        self
    }
}

/// One request as the proxy handled it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub at: Instant,
    /// When the answer was written back.
    pub done: Instant,
    pub method: String,
    pub path: String,
    pub op: String,
    pub status: u16,
    /// True when the proxy answered instead of moto.
    pub injected: bool,
    /// The request body (lossy text).
    pub body: String,
    /// `LastUpdateStatus` in the answer, if it had one.
    pub update_status: Option<String>,
}

/// Small seeded RNG (SplitMix64): reproducible fault patterns without a crate.
#[derive(Clone, Debug)]
pub struct SplitMix(u64);

impl SplitMix {
    pub fn new(seed: u64) -> SplitMix {
        SplitMix(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[derive(Debug, Default)]
struct RuleState {
    seen: u32,
    fired: u32,
    started: Option<Instant>,
}

/// What to do with one request, decided before forwarding.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Decision {
    pub fail: Option<(u16, String, String)>,
    /// `Some((status, reason))`: rewrite `LastUpdateStatus` in the answer.
    pub update_status: Option<(String, Option<String>)>,
    pub headers: Vec<(String, String)>,
}

/// The rules and their counters: the pure part of the proxy.
#[derive(Debug)]
pub struct Rules {
    rules: Vec<(Rule, RuleState)>,
    rng: SplitMix,
    ops_seen: BTreeSet<String>,
}

impl Rules {
    pub fn new(seed: u64) -> Rules {
        Rules {
            rules: Vec::new(),
            rng: SplitMix::new(seed),
            ops_seen: BTreeSet::new(),
        }
    }

    pub fn add(&mut self, rule: Rule) {
        self.rules.push((rule, RuleState::default()));
    }

    pub fn clear(&mut self) {
        self.rules.clear();
    }

    /// Decides for one request at `now`; the first failing rule wins, others may still
    /// rewrite the answer.
    pub fn decide(&mut self, req: &RequestInfo, now: Instant) -> Decision {
        let mut d = Decision::default();
        for (rule, state) in &mut self.rules {
            if !rule.when.matches(req)
                || rule
                    .after
                    .as_ref()
                    .is_some_and(|a| !self.ops_seen.contains(a))
            {
                continue;
            }
            state.seen += 1;
            if state.seen <= rule.skip || rule.times.is_some_and(|t| state.fired >= t) {
                continue;
            }
            if rule.share < 1.0 && self.rng.unit() >= rule.share {
                continue;
            }
            match &rule.action {
                Action::Fail(f) if d.fail.is_none() => {
                    state.fired += 1;
                    d.fail = Some(f.resolve(req.protocol));
                }
                Action::FailOneOf(faults) if d.fail.is_none() && !faults.is_empty() => {
                    state.fired += 1;
                    let pick = (self.rng.next_u64() % faults.len() as u64) as usize;
                    d.fail = Some(faults[pick].resolve(req.protocol));
                }
                Action::Hold { hold, failed } => {
                    state.fired += 1;
                    let started = *state.started.get_or_insert(now);
                    if now < started + *hold {
                        d.update_status = Some(("InProgress".into(), None));
                    } else if let Some(reason) = failed {
                        d.update_status = Some(("Failed".into(), Some(reason.clone())));
                    }
                }
                Action::AddHeader(k, v) => {
                    state.fired += 1;
                    d.headers.push((k.clone(), v.clone()));
                }
                _ => {}
            }
        }
        if d.fail.is_none() {
            self.ops_seen.insert(req.op.clone());
        }
        d
    }
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

fn update_status_of(body: &str) -> Option<String> {
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

struct Shared {
    rules: Mutex<Rules>,
    log: Mutex<Vec<Seen>>,
    upstream: u16,
    /// AWS's request quotas, when enforced (`quota.rs`).
    quotas: Mutex<Option<Arc<super::quota::Quotas>>>,
}

/// The running proxy; stops on drop.
pub struct Proxy {
    port: u16,
    shared: Arc<Shared>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Proxy {
    /// Starts a proxy in front of `127.0.0.1:upstream` with the RNG seeded by `seed`.
    pub fn start(upstream: u16, seed: u64) -> Proxy {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("proxy runtime");
        let listener = runtime
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .expect("bind proxy");
        let port = listener.local_addr().expect("proxy addr").port();
        let shared = Arc::new(Shared {
            rules: Mutex::new(Rules::new(seed)),
            log: Mutex::new(Vec::new()),
            upstream,
            quotas: Mutex::new(None),
        });
        let accept_shared = Arc::clone(&shared);
        runtime.spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let shared = Arc::clone(&accept_shared);
                tokio::spawn(async move {
                    let _ = serve(stream, &shared).await;
                });
            }
        });
        Proxy {
            port,
            shared,
            runtime: Some(runtime),
        }
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Enforces AWS's request quotas from now on: requests past them are throttled.
    pub fn enforce(&self, quotas: Arc<super::quota::Quotas>) {
        *self.shared.quotas.lock().expect("quotas") = Some(quotas);
    }

    pub fn add(&self, rule: Rule) {
        self.shared.rules.lock().expect("rules").add(rule);
    }

    /// Removes every rule (the log is kept).
    pub fn clear_rules(&self) {
        self.shared.rules.lock().expect("rules").clear();
    }

    pub fn log(&self) -> Vec<Seen> {
        self.shared.log.lock().expect("log").clone()
    }

    pub fn clear_log(&self) {
        self.shared.log.lock().expect("log").clear();
    }

    /// Requests per operation so far.
    pub fn counts(&self) -> BTreeMap<String, usize> {
        let mut counts = BTreeMap::new();
        for s in self.shared.log.lock().expect("log").iter() {
            *counts.entry(s.op.clone()).or_default() += 1;
        }
        counts
    }

    pub fn count(&self, op: &str) -> usize {
        self.counts().get(op).copied().unwrap_or(0)
    }

    /// Waits until `op` has been requested `n` times; false on timeout.
    pub fn wait_for(&self, op: &str, n: usize, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if self.count(op) >= n {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

struct Message {
    head: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Message {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Reads a request or response head; `None` at a clean end of stream.
async fn read_head<R: AsyncBufReadExt + Unpin>(
    reader: &mut R,
) -> std::io::Result<Option<(String, Vec<(String, String)>)>> {
    let mut line = String::new();
    if reader.read_line(&mut line).await? == 0 {
        return Ok(None);
    }
    let head = line.trim_end().to_owned();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).await? == 0 || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_owned(), v.trim().to_owned()));
        }
    }
    Ok(Some((head, headers)))
}

/// Reads a body framed by `Content-Length` or chunked encoding (`to_eof` for a response
/// without either).
async fn read_body<R: AsyncBufReadExt + Unpin>(
    reader: &mut R,
    headers: &[(String, String)],
    to_eof: bool,
) -> std::io::Result<Vec<u8>> {
    let find = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let mut body = Vec::new();
    if find("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).await?;
            let n = usize::from_str_radix(size.trim().split(';').next().unwrap_or("0"), 16)
                .unwrap_or(0);
            if n == 0 {
                // Trailers end with an empty line.
                loop {
                    let mut t = String::new();
                    if reader.read_line(&mut t).await? == 0 || t.trim().is_empty() {
                        break;
                    }
                }
                return Ok(body);
            }
            let mut chunk = vec![0; n + 2];
            reader.read_exact(&mut chunk).await?;
            chunk.truncate(n);
            body.extend_from_slice(&chunk);
        }
    } else if let Some(n) = find("content-length").and_then(|v| v.parse::<usize>().ok()) {
        body.resize(n, 0);
        reader.read_exact(&mut body).await?;
    } else if to_eof {
        reader.read_to_end(&mut body).await?;
    }
    Ok(body)
}

async fn write_message(
    stream: &mut (impl AsyncWriteExt + Unpin),
    head: &str,
    headers: &[(String, String)],
    body: &[u8],
    close: bool,
) -> std::io::Result<()> {
    let mut out = format!("{head}\r\n");
    for (k, v) in headers {
        let skip = ["content-length", "transfer-encoding", "connection"]
            .iter()
            .any(|h| k.eq_ignore_ascii_case(h));
        if !skip {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
    }
    out.push_str(&format!("Content-Length: {}\r\n", body.len()));
    if close {
        out.push_str("Connection: close\r\n");
    }
    out.push_str("\r\n");
    stream.write_all(out.as_bytes()).await?;
    stream.write_all(body).await?;
    stream.flush().await
}

/// Serves one client connection, request after request (keep-alive).
async fn serve(stream: TcpStream, shared: &Shared) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    loop {
        let Some((head, headers)) = read_head(&mut reader).await? else {
            return Ok(());
        };
        let mut parts = head.split_whitespace();
        let method = parts.next().unwrap_or_default().to_owned();
        let target = parts.next().unwrap_or_default().to_owned();
        let request = Message {
            head,
            body: Vec::new(),
            headers,
        };
        if request
            .header("expect")
            .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"))
        {
            write.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").await?;
        }
        let body = read_body(&mut reader, &request.headers, false).await?;
        let request = Message { body, ..request };
        let close = request
            .header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        let at = Instant::now();
        let body_text = String::from_utf8_lossy(&request.body).into_owned();
        let info = RequestInfo::new(&method, &target, request.header("x-amz-target"), &body_text);
        let decision = shared.rules.lock().expect("rules").decide(&info, at);
        let quotas = shared.quotas.lock().expect("quotas").clone();
        let over_quota = quotas.and_then(|q| q.over(&info, at, decision.fail.is_none()));

        let (status, head, mut headers, mut body, injected) = match &decision.fail {
            None if let Some(answer) = over_quota => answer,
            Some((status, code, message)) => {
                let (headers, body) = error_response(info.protocol, code, message);
                (
                    *status,
                    format!("HTTP/1.1 {status} Injected"),
                    headers,
                    body,
                    true,
                )
            }
            None => {
                let answer = forward(&request, shared.upstream).await?;
                let status = answer
                    .head
                    .split_whitespace()
                    .nth(1)
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(502);
                (status, answer.head, answer.headers, answer.body, false)
            }
        };
        if let Some((new_status, reason)) = &decision.update_status {
            let text = String::from_utf8_lossy(&body).into_owned();
            if let Some(rewritten) = rewrite_update_status(&text, new_status, reason.as_deref()) {
                body = rewritten.into_bytes();
            }
        }
        headers.extend(decision.headers.iter().cloned());
        write_message(&mut write, &head, &headers, &body, close).await?;
        let seen = Seen {
            at,
            done: Instant::now(),
            method,
            path: info.path.clone(),
            op: info.op.clone(),
            status,
            injected,
            body: body_text,
            update_status: update_status_of(&String::from_utf8_lossy(&body)),
        };
        shared.log.lock().expect("log").push(seen);
        if close {
            return Ok(());
        }
    }
}

/// Sends one request to moto on a fresh connection and reads the whole answer.
async fn forward(request: &Message, upstream: u16) -> std::io::Result<Message> {
    let stream = TcpStream::connect(("127.0.0.1", upstream)).await?;
    let (read, mut write) = stream.into_split();
    let mut headers: Vec<(String, String)> = request
        .headers
        .iter()
        .filter(|(k, _)| !k.eq_ignore_ascii_case("expect"))
        .cloned()
        .collect();
    headers.retain(|(k, _)| !k.eq_ignore_ascii_case("connection"));
    write_message(&mut write, &request.head, &headers, &request.body, true).await?;
    let mut reader = BufReader::new(read);
    let (head, headers) = read_head(&mut reader).await?.ok_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "moto closed early")
    })?;
    let body = read_body(&mut reader, &headers, true).await?;
    Ok(Message {
        head,
        headers,
        body,
    })
}
