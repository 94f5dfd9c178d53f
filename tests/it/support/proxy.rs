//! A fault-injecting HTTP/1.1 proxy between the binary (`AWS_ENDPOINT_URL`) and moto: it
//! forwards every request, and by rule answers throttling or 5xx errors on a seeded share of
//! requests, holds `LastUpdateStatus` at `InProgress`, adds `X-Amz-Function-Error`, and logs
//! every request per AWS operation. moto cannot show any of these faults by itself.
//!
//! A plain forwarder on tokio TCP (no HTTP crate): one upstream connection per request with
//! `Connection: close`, keep-alive towards the client as the SDK expects.

//!
//! The parts: `proxy_request` (operation and protocol of a request, answers in its
//! protocol), `proxy_rules` (fault rules, pure), `proxy_http` (framing), and `realism` (the
//! stateful model of what AWS does and moto does not, off unless a test turns it on).

use super::proxy_forward::{forward_to_moto, list_aliases, rewritten};
use super::proxy_http::{Message, read_body, read_head, write_message};
use super::proxy_request::{RequestInfo, error_response, rewrite_update_status, update_status_of};
use super::proxy_rules::{Decision, Rule, Rules};
use super::proxy_tags::{self, Tags};
use super::realism::{Answer as ModelAnswer, Lost, Realism};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// One request as the proxy handled it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub at: Instant,
    /// When the answer was written back.
    pub done: Instant,
    pub path: String,
    pub op: String,
    /// What the request says of itself: service, query, `X-Amz-Target` (see `aws_call.rs`).
    pub request: RequestInfo,
    pub status: u16,
    /// True when the proxy answered instead of moto.
    pub injected: bool,
    /// True when moto got the request and answered 2xx: a write that took effect, even
    /// when its answer was then lost.
    pub landed: bool,
    /// The request body (lossy text).
    pub body: String,
    /// `LastUpdateStatus` in the answer, if it had one.
    pub update_status: Option<String>,
}

struct Shared {
    rules: Mutex<Rules>,
    realism: Mutex<Option<Realism>>,
    log: Mutex<Vec<Seen>>,
    upstream: u16,
    /// AWS's request quotas, when enforced (`quota.rs`).
    quotas: Mutex<Option<Arc<super::quota::Quotas>>>,
    /// Requests held by a `Hang` or `Delay` rule so far.
    held: std::sync::atomic::AtomicUsize,
    /// Each run's own requests, which `clear_log` leaves alone (`proxy_tags.rs`).
    tags: Arc<Tags>,
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
            realism: Mutex::new(None),
            log: Mutex::new(Vec::new()),
            upstream,
            quotas: Mutex::new(None),
            held: Default::default(),
            tags: Arc::default(),
        });
        proxy_tags::register(port, &shared.tags);
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

    /// Turns on the model of what AWS does and moto does not (`realism`).
    pub fn model(&self, realism: Realism) {
        *self.shared.realism.lock().expect("realism") = Some(realism);
    }

    /// Reads or adjusts the model; panics when none is on.
    pub fn with_model<T>(&self, f: impl FnOnce(&mut Realism) -> T) -> T {
        f(self
            .shared
            .realism
            .lock()
            .expect("realism")
            .as_mut()
            .expect("no realism model on this proxy"))
    }

    pub fn log(&self) -> Vec<Seen> {
        self.shared.log.lock().expect("log").clone()
    }

    pub fn clear_log(&self) {
        self.shared.log.lock().expect("log").clear();
    }

    /// Requests a `Hang` or `Delay` rule has held so far (counted when they arrive).
    pub fn held(&self) -> usize {
        self.shared.held.load(std::sync::atomic::Ordering::SeqCst)
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

    /// Waits until `n` requests of `op` have arrived (answered or not); false on timeout.
    pub fn wait_arrived(&self, op: &str, n: usize, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if self.shared.rules.lock().expect("rules").arrived(op) >= n {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
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
        proxy_tags::unregister(self.port);
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
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
        let info = RequestInfo::new(&method, &target, request.header("x-amz-target"), &body_text)
            .signed_by(request.header("authorization"))
            .tagged_by(request.header("user-agent"));
        shared.tags.arrived(&info, &body_text);
        let answer = respond(shared, &request, &info, &target, at).await?;
        shared.tags.answered(&info, &body_text, &answer.body);
        let seen = Seen {
            at,
            done: Instant::now(),
            path: info.path.clone(),
            op: info.op.clone(),
            request: info.clone(),
            status: answer.status,
            injected: answer.injected,
            landed: answer.landed,
            body: body_text,
            update_status: update_status_of(&String::from_utf8_lossy(&answer.body)),
        };
        if answer.reset {
            // A lost answer: the write was applied, the client sees the connection drop.
            shared.log.lock().expect("log").push(seen);
            return Ok(());
        }
        let wrote = write_message(
            &mut write,
            &answer.head,
            &answer.headers,
            &answer.body,
            close,
        )
        .await;
        let seen = Seen {
            done: Instant::now(),
            ..seen
        };
        // Logged even when the client is gone: a delayed write lands all the same.
        shared.log.lock().expect("log").push(seen);
        wrote?;
        if close {
            return Ok(());
        }
    }
}

/// The answer to one request.
struct Answered {
    status: u16,
    head: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// True when the proxy answered (or lost moto's answer) instead of moto.
    injected: bool,
    /// Close the connection instead of answering.
    reset: bool,
    /// moto applied the request (2xx), whatever the client is told.
    landed: bool,
}

impl Answered {
    fn error(info: &RequestInfo, status: u16, code: &str, message: &str) -> Answered {
        let (headers, body) = error_response(info.protocol, code, message);
        Answered::own(status, format!("HTTP/1.1 {status} Injected"), headers, body)
    }

    /// The proxy's own answer: moto never saw the request.
    fn own(status: u16, head: String, headers: Vec<(String, String)>, body: Vec<u8>) -> Answered {
        Answered {
            status,
            head,
            headers,
            body,
            injected: true,
            reset: false,
            landed: false,
        }
    }
}

/// Rules first (an injected fault), then the realism model, then moto.
async fn respond(
    shared: &Shared,
    request: &Message,
    info: &RequestInfo,
    target: &str,
    at: Instant,
) -> std::io::Result<Answered> {
    let decision = shared.rules.lock().expect("rules").decide(info, at);
    if decision.hang || decision.delay.is_some() {
        shared
            .held
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
    if decision.hang {
        let body = String::from_utf8_lossy(&request.body).into_owned();
        super::hang::forever(&shared.log, info, at, body).await?;
    }
    if let Some(by) = decision.delay {
        tokio::time::sleep(by).await;
    }
    let quotas = shared.quotas.lock().expect("quotas").clone();
    let over_quota = quotas.and_then(|q| q.over(info, at, decision.fail.is_none()));
    if let Some((status, code, message)) = &decision.fail {
        // Added headers go on injected answers too (a function error is a 200 with
        // `X-Amz-Function-Error`).
        let mut answer = Answered::error(info, *status, code, message);
        answer.headers.extend(decision.headers.iter().cloned());
        return Ok(answer);
    }
    if let Some((status, head, headers, body, _)) = over_quota {
        return Ok(Answered::own(status, head, headers, body));
    }
    let modelled = shared.realism.lock().expect("realism").is_some();
    let aliases = match Realism::needs_aliases(info, target).filter(|_| modelled) {
        Some(f) => Some(list_aliases(shared.upstream, &f, request).await?),
        None => None,
    };
    let body_text = String::from_utf8_lossy(&request.body).into_owned();
    let pre = shared
        .realism
        .lock()
        .expect("realism")
        .as_mut()
        .and_then(|r| r.before(info, target, &body_text, aliases.as_ref(), at));
    match pre {
        Some(ModelAnswer::Error(status, code, message)) => {
            return Ok(Answered::error(info, status, &code, &message));
        }
        Some(ModelAnswer::Json(status, body)) => {
            let headers = vec![("Content-Type".into(), "application/json".into())];
            let head = format!("HTTP/1.1 {status} Modelled");
            return Ok(Answered::own(
                status,
                head,
                headers,
                body.to_string().into_bytes(),
            ));
        }
        Some(ModelAnswer::NoContent) => {
            let head = "HTTP/1.1 204 No Content".into();
            return Ok(Answered::own(204, head, Vec::new(), Vec::new()));
        }
        None => {}
    }
    forwarded(shared, request, info, target, &decision).await
}

/// moto's answer, then what the realism model and the rules do to it on the way back.
async fn forwarded(
    shared: &Shared,
    request: &Message,
    info: &RequestInfo,
    target: &str,
    decision: &Decision,
) -> std::io::Result<Answered> {
    let request = rewritten(request, &decision.request);
    let answer = forward_to_moto(&request, info, shared.upstream).await?;
    let status = answer
        .head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(502);
    let (head, mut headers, mut body) = (answer.head, answer.headers, answer.body);
    let lost = match shared.realism.lock().expect("realism").as_mut() {
        Some(r) => r.after(info, target, status, &mut body, Instant::now()),
        None => None,
    };
    if let Some((new_status, reason)) = &decision.update_status {
        let text = String::from_utf8_lossy(&body).into_owned();
        if let Some(rewritten) = rewrite_update_status(&text, new_status, reason.as_deref()) {
            body = rewritten.into_bytes();
        }
    }
    if let Some(replaced) = &decision.body {
        body = replaced.clone().into_bytes();
    }
    headers.extend(decision.headers.iter().cloned());
    let landed = (200..300).contains(&status);
    Ok(match lost {
        Some(Lost::ServerError) => Answered {
            landed,
            ..Answered::error(info, 500, "ServiceException", "lost answer")
        },
        Some(Lost::Reset) => Answered {
            reset: true,
            landed,
            ..Answered::error(info, 0, "Reset", "connection reset")
        },
        None => Answered {
            status,
            head,
            headers,
            body,
            injected: false,
            reset: false,
            landed,
        },
    })
}
