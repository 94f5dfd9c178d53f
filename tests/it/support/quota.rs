//! AWS's API request quotas, enforced by the test proxy (`Proxy::enforce`): one token
//! bucket per pool, as AWS counts them per account and region, so every binary talking
//! through one proxy spends the same quotas, like two runs in one account.
//!
//! AWS throttles with token buckets: the bucket holds a second's worth of requests (the
//! quota), each request takes a token, and tokens come back at the quota's rate, so an idle
//! pool takes a burst of a second's worth at once and a busy one the rate
//! (<https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html#throttling-how>,
//! <https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html>).
//! Each bucket here starts full, as an account's does after a quiet while.
//!
//! Lambda (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html#api-requests):
//! `GetFunction` 100 per second, `GetPolicy` 15, every other control-plane API 15 per second
//! together; invocations are not rate-quota'd this way. Past a quota Lambda answers HTTP 429
//! `TooManyRequestsException` with `retryAfterSeconds`, which its model binds to the
//! `Retry-After` header (https://docs.aws.amazon.com/lambda/latest/api/API_GetFunction.html,
//! "Errors"), and a JSON body with `Type`, `message` and `Reason: CallerRateLimitExceeded`.
//! CloudWatch Logs counts each API on its own: `FilterLogEvents`, `DescribeLogStreams` and
//! `DescribeLogGroups` 5 per second each, per account and region
//! (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch_limits_cwl.html,
//! https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeLogStreams.html:
//! "a limit of five transactions per second"), and answers 400 `ThrottlingException`
//! "Rate exceeded" past one (https://repost.aws/knowledge-center/cloudwatch-logs-throttling).

use super::proxy_request::{Protocol, RequestInfo};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// A pool AWS counts requests in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuotaPool {
    LambdaControlPlane,
    LambdaGetFunction,
    /// `GetPolicy` is counted apart from the other control-plane APIs (the Lambda quotas
    /// page above: "excludes invocation, GetFunction, and GetPolicy requests").
    LambdaGetPolicy,
    /// One pool per Logs API: a burst of `FilterLogEvents` leaves `DescribeLogStreams` alone.
    LogsFilterLogEvents,
    LogsDescribeLogStreams,
    LogsDescribeLogGroups,
}

fn pool_of(req: &RequestInfo) -> Option<QuotaPool> {
    match (req.protocol, req.op.as_str()) {
        (Protocol::RestJson, "Invoke") => None,
        (Protocol::RestJson, "GetFunction") => Some(QuotaPool::LambdaGetFunction),
        (Protocol::RestJson, "GetPolicy") => Some(QuotaPool::LambdaGetPolicy),
        (Protocol::RestJson, _) => Some(QuotaPool::LambdaControlPlane),
        (Protocol::Json11, "FilterLogEvents") => Some(QuotaPool::LogsFilterLogEvents),
        (Protocol::Json11, "DescribeLogStreams") => Some(QuotaPool::LogsDescribeLogStreams),
        (Protocol::Json11, "DescribeLogGroups") => Some(QuotaPool::LogsDescribeLogGroups),
        _ => None,
    }
}

#[derive(Debug)]
struct Bucket {
    pool: QuotaPool,
    per_second: f64,
    /// The bucket's size: the burst an idle pool takes at once (a second's worth).
    burst: f64,
    /// Tokens left; refilled continuously up to `burst`.
    tokens: f64,
    last: Option<Instant>,
}

impl Bucket {
    /// Takes a token at `now`, or says how many seconds until one is there.
    fn take(&mut self, now: Instant) -> Result<(), f64> {
        let elapsed = self
            .last
            .map_or(0.0, |l| now.duration_since(l).as_secs_f64());
        self.tokens = (self.tokens + elapsed * self.per_second).min(self.burst);
        self.last = Some(now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            Err((1.0 - self.tokens) / self.per_second)
        }
    }
}

/// The quotas one proxy enforces, and how many requests they refused.
#[derive(Debug)]
pub struct Quotas {
    buckets: Mutex<Vec<Bucket>>,
    refused: AtomicUsize,
}

/// An answer in place of forwarding: status, headers, body.
pub type Answer = (u16, Vec<(String, String)>, Vec<u8>);

/// The same as the proxy writes it: status, status line, headers, body, injected.
pub type ProxyAnswer = (u16, String, Vec<(String, String)>, Vec<u8>, bool);

impl Quotas {
    /// Lambda's two pools at these rates (to make a small fleet meet them), each Logs API at 5.
    pub fn lambda(control_plane: f64, get_function: f64) -> Quotas {
        let bucket = |pool, per_second| Bucket {
            pool,
            per_second,
            burst: per_second,
            tokens: per_second,
            last: None,
        };
        Quotas {
            buckets: Mutex::new(vec![
                bucket(QuotaPool::LambdaControlPlane, control_plane),
                bucket(QuotaPool::LambdaGetFunction, get_function),
                bucket(QuotaPool::LambdaGetPolicy, 15.0),
                bucket(QuotaPool::LogsFilterLogEvents, 5.0),
                bucket(QuotaPool::LogsDescribeLogStreams, 5.0),
                bucket(QuotaPool::LogsDescribeLogGroups, 5.0),
            ]),
            refused: AtomicUsize::new(0),
        }
    }

    /// Throttled answers given so far.
    pub fn refused(&self) -> usize {
        self.refused.load(Ordering::Relaxed)
    }

    /// `None` to forward the request, or the throttling answer AWS would give.
    pub fn check(&self, req: &RequestInfo, now: Instant) -> Option<Answer> {
        let pool = pool_of(req)?;
        let wait = {
            let mut buckets = self.buckets.lock().expect("quota buckets");
            let bucket = buckets.iter_mut().find(|b| b.pool == pool)?;
            bucket.take(now).err()?
        };
        self.refused.fetch_add(1, Ordering::Relaxed);
        Some(throttled(req.protocol, wait))
    }
}

impl Quotas {
    /// The proxy's hook: for a request no rule failed (`free`), the throttling answer as
    /// a [`ProxyAnswer`], or `None` to forward it.
    pub fn over(&self, req: &RequestInfo, now: Instant, free: bool) -> Option<ProxyAnswer> {
        if !free {
            return None;
        }
        let (status, headers, body) = self.check(req, now)?;
        Some((
            status,
            format!("HTTP/1.1 {status} Throttled"),
            headers,
            body,
            true,
        ))
    }
}

/// The throttling answer of a protocol, `wait` seconds before a token is back.
fn throttled(protocol: Protocol, wait: f64) -> Answer {
    let json = |code: Option<&str>| {
        let mut h = vec![("Content-Type".to_owned(), "application/json".to_owned())];
        if let Some(code) = code {
            h.push(("X-Amzn-ErrorType".to_owned(), code.to_owned()));
        }
        h
    };
    match protocol {
        Protocol::RestJson => {
            let mut headers = json(Some("TooManyRequestsException"));
            // Whole seconds, as Lambda sends them; at least 1.
            let secs = wait.ceil().max(1.0) as u64;
            headers.push(("Retry-After".to_owned(), secs.to_string()));
            let body = serde_json::json!({
                "Reason": "CallerRateLimitExceeded",
                "Type": "User",
                "message": "Rate exceeded",
            });
            (429, headers, body.to_string().into_bytes())
        }
        Protocol::Json11 => {
            let headers = vec![(
                "Content-Type".to_owned(),
                "application/x-amz-json-1.1".to_owned(),
            )];
            let body =
                serde_json::json!({"__type": "ThrottlingException", "message": "Rate exceeded"});
            (400, headers, body.to_string().into_bytes())
        }
        Protocol::Xml => {
            let body = "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>\
                        <Message>Rate exceeded</Message></Error><RequestId>proxy</RequestId></ErrorResponse>";
            let headers = vec![("Content-Type".to_owned(), "text/xml".to_owned())];
            (400, headers, body.as_bytes().to_vec())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn get_alias() -> RequestInfo {
        RequestInfo::new("GET", "/2015-03-31/functions/f/aliases/live", None, "")
    }

    #[test]
    fn an_idle_pool_takes_a_second_of_quota_at_once_then_its_rate() {
        let quotas = Quotas::lambda(15.0, 100.0);
        let t0 = Instant::now();
        for _ in 0..15 {
            assert!(
                quotas.check(&get_alias(), t0).is_none(),
                "the burst was refused"
            );
        }
        let (status, headers, _) = quotas
            .check(&get_alias(), t0)
            .expect("the 16th is throttled");
        assert_eq!(status, 429);
        assert!(headers.iter().any(|(k, v)| k == "Retry-After" && v == "1"));
        // A token comes back every 1/15 s, and no more than a second's worth is banked.
        assert!(
            quotas
                .check(&get_alias(), t0 + Duration::from_millis(67))
                .is_none()
        );
        let later = t0 + Duration::from_secs(60);
        let taken = (0..40)
            .filter(|_| quotas.check(&get_alias(), later).is_none())
            .count();
        assert_eq!(taken, 15);
        assert_eq!(quotas.refused(), 26);
    }
}
