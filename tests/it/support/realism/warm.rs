//! Provisioned concurrency and SnapStart, which moto does not implement.
//!
//! - Provisioned concurrency: `PutProvisionedConcurrencyConfig` answers 202 with `Status`
//!   `IN_PROGRESS`; `GetProvisionedConcurrencyConfig` reports `IN_PROGRESS` until the
//!   environments are allocated, then `READY`; a qualifier without a configuration answers
//!   404 `ProvisionedConcurrencyConfigNotFoundException`; `ListProvisionedConcurrencyConfigs`
//!   lists a function's configurations, each with its alias's or version's ARN —
//!   <https://docs.aws.amazon.com/lambda/latest/api/API_ListProvisionedConcurrencyConfigs.html>,
//!   <https://docs.aws.amazon.com/lambda/latest/api/API_PutProvisionedConcurrencyConfig.html>,
//!   <https://docs.aws.amazon.com/lambda/latest/api/API_GetProvisionedConcurrencyConfig.html>,
//!   <https://docs.aws.amazon.com/lambda/latest/dg/provisioned-concurrency.html>; an
//!   allocation that cannot be made ends `FAILED` with a `StatusReason`
//!   (<https://docs.aws.amazon.com/lambda/latest/api/API_GetProvisionedConcurrencyConfig.html>).
//! - SnapStart: a version published with SnapStart on is `State: Pending` while Lambda
//!   makes its snapshot, then `Active` —
//!   <https://docs.aws.amazon.com/lambda/latest/dg/snapstart-activate.html#snapstart-function-states>,
//!   or `Failed` when the snapshot cannot be made;
//!   invoking it before it is `Active` answers `SnapStartNotReadyException` (HTTP 409),
//!   "Lambda is initializing your function" —
//!   <https://docs.aws.amazon.com/lambda/latest/dg/snapstart-troubleshooting.html>,
//!   <https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html> ("Errors").

use super::{Answer, Target};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// One provisioned concurrency configuration.
#[derive(Clone, Debug)]
pub struct Config {
    pub requested: i64,
    /// When it becomes `READY` (`None`: it already is).
    pub ready_at: Option<Instant>,
    pub put_at: Instant,
    /// Ends `FAILED` (with a `StatusReason`) instead of `READY`.
    pub fails: bool,
}

/// The model's provisioned concurrency and SnapStart state.
#[derive(Debug, Default)]
pub struct Warm {
    /// `(function, qualifier)` → configuration.
    pub configs: BTreeMap<(String, String), Config>,
    /// How long a put takes to become `READY`.
    pub allocation: Duration,
    /// Functions with SnapStart on, and how long a new version stays `Pending`.
    pub snapstart: BTreeMap<String, Duration>,
    /// `(function, version)` → when it becomes `Active`.
    pub pending: BTreeMap<(String, String), Instant>,
    /// Functions whose next SnapStart versions end `Failed` instead of `Active`.
    pub snapshot_fails: std::collections::BTreeSet<String>,
    /// Provisioned concurrency put from now on ends `FAILED` instead of `READY`.
    pub allocation_fails: bool,
}

fn not_found(function: &str, qualifier: &str) -> Answer {
    Answer::error(
        404,
        "ProvisionedConcurrencyConfigNotFoundException",
        format!(
            "No Provisioned Concurrency Config found for this function: {function}:{qualifier}"
        ),
    )
}

impl Warm {
    /// Answers a provisioned concurrency request itself (moto has no such API).
    pub fn answer(&mut self, op: &str, t: &Target, req: &Value, now: Instant) -> Option<Answer> {
        if op == "ListProvisionedConcurrencyConfigs" {
            return Some(self.list(&t.function, now));
        }
        let q = t.qualifier.clone()?;
        let key = (t.function.clone(), q.clone());
        match op {
            "PutProvisionedConcurrencyConfig" => {
                let requested = req
                    .get("ProvisionedConcurrentExecutions")
                    .and_then(Value::as_i64)
                    .unwrap_or(0);
                let config = Config {
                    requested,
                    ready_at: Some(now + self.allocation),
                    put_at: now,
                    fails: self.allocation_fails,
                };
                self.configs.insert(key, config.clone());
                Some(Answer::Json(202, body(&config, now)))
            }
            "GetProvisionedConcurrencyConfig" => match self.configs.get(&key) {
                Some(c) => Some(Answer::Json(200, body(c, now))),
                None => Some(not_found(&t.function, &q)),
            },
            "DeleteProvisionedConcurrencyConfig" => match self.configs.remove(&key) {
                Some(_) => Some(Answer::NoContent),
                None => Some(not_found(&t.function, &q)),
            },
            _ => None,
        }
    }

    /// Every configuration of `function`, one page.
    fn list(&self, function: &str, now: Instant) -> Answer {
        let items: Vec<Value> = self
            .configs
            .iter()
            .filter(|((f, _), _)| f == function)
            .map(|((f, q), c)| {
                let mut item = body(c, now);
                item["FunctionArn"] = Value::from(format!(
                    "arn:aws:lambda:us-east-1:123456789012:function:{f}:{q}"
                ));
                item
            })
            .collect();
        Answer::Json(200, json!({ "ProvisionedConcurrencyConfigs": items }))
    }

    /// Weights on an alias with provisioned concurrency of its own: Lambda refuses them
    /// (SPEC §10 corrects §9) —
    /// <https://docs.aws.amazon.com/lambda/latest/dg/configuring-alias-routing.html>,
    /// <https://docs.aws.amazon.com/lambda/latest/dg/provisioned-concurrency.html>.
    pub fn check_weights(&self, t: &Target, req: &Value) -> Option<Answer> {
        let alias = t
            .alias
            .clone()
            .or_else(|| req.get("Name").and_then(Value::as_str).map(str::to_owned))?;
        let weighted = req
            .pointer("/RoutingConfig/AdditionalVersionWeights")
            .and_then(Value::as_object)
            .is_some_and(|w| !w.is_empty());
        (weighted && self.configs.contains_key(&(t.function.clone(), alias))).then(|| {
            Answer::error(
                400,
                "InvalidParameterValueException",
                "Alias with weights can not be used with Provisioned Concurrency",
            )
        })
    }

    /// Invoking a SnapStart version that is still `Pending`.
    pub fn check_invoke(&self, t: &Target, now: Instant) -> Option<Answer> {
        let q = t.qualifier.clone()?;
        let until = self.pending.get(&(t.function.clone(), q))?;
        (now < *until).then(|| {
            Answer::error(
                409,
                "SnapStartNotReadyException",
                "Lambda is initializing your function. It will be ready to invoke once your function state becomes ACTIVE.",
            )
        })
    }

    /// `PublishVersion` of a SnapStart function: the new version starts `Pending`.
    pub fn published(&mut self, function: &str, v: &mut Value, now: Instant) {
        let Some(takes) = self.snapstart.get(function) else {
            return;
        };
        let Some(version) = v.get("Version").and_then(Value::as_str).map(str::to_owned) else {
            return;
        };
        self.pending
            .insert((function.to_owned(), version), now + *takes);
        set_state(v, "Pending");
    }

    /// The `State` of a version read while it is `Pending`.
    pub fn read(&self, t: &Target, conf: &mut Value, now: Instant) {
        let Some(q) = &t.qualifier else {
            return;
        };
        if let Some(until) = self.pending.get(&(t.function.clone(), q.clone())) {
            let done = if self.snapshot_fails.contains(&t.function) {
                "Failed"
            } else {
                "Active"
            };
            set_state(conf, if now < *until { "Pending" } else { done });
        }
    }
}

fn set_state(conf: &mut Value, state: &str) {
    if let Some(o) = conf.as_object_mut() {
        o.insert("State".into(), Value::from(state));
        match state {
            "Pending" => {
                o.insert("StateReasonCode".into(), Value::from("Creating"));
            }
            "Failed" => {
                o.insert("StateReasonCode".into(), Value::from("InternalError"));
                o.insert(
                    "StateReason".into(),
                    Value::from("SnapStart could not make the snapshot"),
                );
            }
            _ => {
                o.remove("StateReasonCode");
            }
        }
    }
}

fn body(c: &Config, now: Instant) -> Value {
    let ready = c.ready_at.is_none_or(|t| now >= t);
    if ready && c.fails {
        return json!({
            "RequestedProvisionedConcurrentExecutions": c.requested,
            "AvailableProvisionedConcurrentExecutions": 0,
            "AllocatedProvisionedConcurrentExecutions": 0,
            "Status": "FAILED",
            "StatusReason": "Insufficient concurrency available to allocate",
            "LastModified": "2026-01-01T00:00:00+0000",
        });
    }
    json!({
        "RequestedProvisionedConcurrentExecutions": c.requested,
        "AvailableProvisionedConcurrentExecutions": if ready { c.requested } else { 0 },
        "AllocatedProvisionedConcurrentExecutions": if ready { c.requested } else { 0 },
        "Status": if ready { "READY" } else { "IN_PROGRESS" },
        "LastModified": "2026-01-01T00:00:00+0000",
    })
}
