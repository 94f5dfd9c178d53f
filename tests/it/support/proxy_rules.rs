//! The proxy's fault rules and their counters: which requests a rule matches, what it does
//! to them, and the seeded RNG that makes a fault pattern reproducible. Pure: no I/O.

use super::proxy_request::{Protocol, RequestInfo};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

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

    /// Lambda's answer to a write whose revision id another writer made stale
    /// (<https://docs.aws.amazon.com/lambda/latest/api/API_UpdateAlias.html>).
    pub fn revision_conflict() -> Fault {
        Fault::status(
            412,
            "PreconditionFailedException",
            "The Revision Id provided does not match the latest Revision Id.",
        )
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
    /// Accept the request and never answer (see `hang.rs`).
    Hang,
    /// Hold the request this long, then go on with it (a slow call that lands late, after
    /// the client gave up on it; the realism model's checks apply when it goes on).
    Delay(Duration),
    /// Forward the request with `from` replaced by `to` in its body: a stand-in for
    /// what a test controls but the binary must not (a session shorter than AWS's
    /// minimum of 900 s, to see credentials renew within a test).
    RewriteRequest(String, String),
    /// Answer moto's status with this body instead of moto's: what the function itself
    /// said, for a smoke test's answer (moto's image functions answer a fixed text).
    ReplaceBody(String),
}

impl Action {
    /// [`Action::Hold`] for `secs` seconds, then moto's status or `Failed` with `failed`.
    pub fn hold(secs: u64, failed: Option<&str>) -> Action {
        Action::Hold {
            hold: Duration::from_secs(secs),
            failed: failed.map(str::to_owned),
        }
    }

    /// The function's own error on `Invoke`: status 200 with `X-Amz-Function-Error`
    /// (<https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html>).
    pub fn unhandled() -> Action {
        Action::AddHeader("X-Amz-Function-Error".into(), "Unhandled".into())
    }
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
    /// Never answer this request.
    pub hang: bool,
    /// Replacements in the forwarded request's body.
    pub request: Vec<(String, String)>,
    /// Hold the request this long first.
    pub delay: Option<Duration>,
    /// The forwarded answer's body, replaced.
    pub body: Option<String>,
}

/// The rules and their counters: the pure part of the proxy.
#[derive(Debug)]
pub struct Rules {
    rules: Vec<(Rule, RuleState)>,
    rng: SplitMix,
    ops_seen: BTreeSet<String>,
    /// Requests per operation as they arrived (before any delay or answer).
    arrived: std::collections::BTreeMap<String, usize>,
}

impl Rules {
    pub fn new(seed: u64) -> Rules {
        Rules {
            rules: Vec::new(),
            rng: SplitMix::new(seed),
            ops_seen: BTreeSet::new(),
            arrived: std::collections::BTreeMap::new(),
        }
    }

    pub fn add(&mut self, rule: Rule) {
        self.rules.push((rule, RuleState::default()));
    }

    /// Decides for one request at `now`; the first failing rule wins, others may still
    /// rewrite the answer.
    /// Requests of `op` that have arrived so far, answered or not.
    pub fn arrived(&self, op: &str) -> usize {
        self.arrived.get(op).copied().unwrap_or(0)
    }

    pub fn decide(&mut self, req: &RequestInfo, now: Instant) -> Decision {
        *self.arrived.entry(req.op.clone()).or_default() += 1;
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
                Action::RewriteRequest(from, to) => {
                    state.fired += 1;
                    d.request.push((from.clone(), to.clone()));
                }
                Action::ReplaceBody(body) if d.body.is_none() => {
                    state.fired += 1;
                    d.body = Some(body.clone());
                }
                Action::Delay(by) if d.delay.is_none() => {
                    state.fired += 1;
                    d.delay = Some(*by);
                }
                Action::Hang if !d.hang => {
                    state.fired += 1;
                    d.hang = true;
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
