//! The realism layer of the test proxy: a stateful model of what AWS does and moto does not,
//! applied to requests on their way to moto and to moto's answers on their way back. Off
//! unless a test turns it on (`Proxy::model`), so the plain fault tests keep moto's manners.
//!
//! Each behaviour names the AWS documentation page it follows:
//! - revision ids on functions and aliases, `PreconditionFailedException` (412) on a stale
//!   one, and `PublishVersion`'s `CodeSha256` guard (`lambda.rs`);
//! - `LastUpdateStatus` `InProgress` for a set time after `UpdateFunctionCode`, then
//!   `Successful`, or `Failed` with a reason code that stays until the next update succeeds;
//!   writes during an update answer `ResourceConflictException` (`lambda.rs`);
//! - version numbers never reused after a delete, and no delete of a version an alias uses
//!   (`versions.rs`);
//! - `LoggingConfig` (group and format) on every function configuration, late ingestion of
//!   log events, and stream names dated by the execution environment's start (`logs.rs`);
//! - lost responses: the write reaches moto, the client gets a 5xx or a reset (`lost.rs`);
//! - provisioned concurrency (`IN_PROGRESS`, then `READY`, listed per function; weights
//!   refused on an alias that has its own) and SnapStart versions (`Pending`, then
//!   `Active`), which moto lacks (`warm.rs`);
//! - event source mappings made on an alias keep the alias's ARN, where moto records the
//!   version it pointed to (`mappings.rs`);
//! - percentile statistics of `GetMetricData`, which moto does not compute (`metrics.rs`;
//!   applied by the proxy with or without the model, as moto answers them with a 500).
//!
//! Hanging and slow calls (`hang.rs`), quota throttling (`quota.rs`) and a second writer
//! (`Realism` sees every write that goes through the proxy, whoever sends it) are the
//! proxy's other layers.

mod lambda;
mod logs;
mod lost;
mod mappings;
mod metrics;
mod versions;
mod warm;

pub use logs::{LogFormat, lambda_stream};
pub use lost::Lost;
pub use metrics::without_percentiles;

use super::proxy_request::RequestInfo;
use serde_json::Value;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// What the model answers instead of forwarding: `(status, error code, message)`, or an
/// empty success (`204`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    Error(u16, String, String),
    NoContent,
    /// A JSON body of the model's own (an API moto lacks).
    Json(u16, Value),
}

impl Answer {
    fn error(status: u16, code: &str, message: impl Into<String>) -> Answer {
        Answer::Error(status, code.to_owned(), message.into())
    }
}

/// One function as the model knows it.
#[derive(Debug, Default)]
struct Function {
    /// Bumped on every change of `$LATEST` (code update, its end, a publish).
    revision: u64,
    update: lambda::Update,
    /// Versions deleted through the proxy (moto keeps them, so its numbering never repeats).
    deleted: std::collections::BTreeSet<String>,
    logging: Option<(String, LogFormat)>,
    /// The next update of this function fails with `(reason code, reason)`.
    next_failure: Option<(String, String)>,
    /// `LastModified` answered by `PublishVersion`.
    published_at: Option<i64>,
    /// `$LATEST`'s `CodeSha256` as last answered by moto (`None` until read).
    code_sha256: Option<String>,
}

/// The model. Build with [`Realism::new`], adjust, hand to `Proxy::model`.
#[derive(Debug)]
pub struct Realism {
    /// How long `LastUpdateStatus` stays `InProgress` after `UpdateFunctionCode`.
    pub update_takes: Duration,
    /// Events become visible to `FilterLogEvents` this long after they were written.
    pub ingestion_delay: Duration,
    functions: BTreeMap<String, Function>,
    /// Alias revision counters.
    aliases: BTreeMap<(String, String), u64>,
    lost: Vec<lost::LostRule>,
    warm: warm::Warm,
    /// Event source mappings made on an alias: UUID → alias.
    mappings_on_alias: BTreeMap<String, String>,
}

impl Default for Realism {
    fn default() -> Self {
        Self::new()
    }
}

impl Realism {
    /// Updates take 1.5 s, events are ingested 1 s late.
    pub fn new() -> Realism {
        Realism {
            update_takes: Duration::from_millis(1500),
            ingestion_delay: Duration::from_secs(1),
            functions: BTreeMap::new(),
            aliases: BTreeMap::new(),
            lost: Vec::new(),
            warm: warm::Warm {
                allocation: Duration::from_millis(1500),
                ..Default::default()
            },
            mappings_on_alias: BTreeMap::new(),
        }
    }

    fn function(&mut self, name: &str) -> &mut Function {
        self.functions.entry(name.to_owned()).or_default()
    }

    /// The function's last update failed before the test (a deleted image, say): the status
    /// stays `Failed` until an update succeeds.
    pub fn failed_before(&mut self, function: &str, code: &str, reason: &str) {
        self.function(function).update = lambda::Update::Failed {
            code: code.to_owned(),
            reason: reason.to_owned(),
        };
    }

    /// `PublishVersion` of `function` answers an existing version published at `ms`: AWS
    /// returns the latest version unchanged when nothing changed since, with its own
    /// `LastModified` —
    /// <https://docs.aws.amazon.com/lambda/latest/api/API_PublishVersion.html>. (moto makes
    /// a new version after any update, so the model rewrites the time.)
    pub fn published_at(&mut self, function: &str, ms: i64) {
        self.function(function).published_at = Some(ms);
    }

    /// The next `UpdateFunctionCode` of `function` ends `Failed` with this reason.
    pub fn fail_next_update(&mut self, function: &str, code: &str, reason: &str) {
        self.function(function).next_failure = Some((code.to_owned(), reason.to_owned()));
    }

    /// `function:qualifier` already has `amount` provisioned concurrency, `READY`.
    pub fn provisioned(&mut self, function: &str, qualifier: &str, amount: i64) {
        let now = Instant::now();
        let config = warm::Config {
            requested: amount,
            ready_at: None,
            put_at: now,
            fails: false,
        };
        self.warm
            .configs
            .insert((function.to_owned(), qualifier.to_owned()), config);
    }

    /// How long a `PutProvisionedConcurrencyConfig` takes to become `READY`.
    pub fn allocation_takes(mut self, d: Duration) -> Realism {
        self.warm.allocation = d;
        self
    }

    /// The provisioned concurrency of `function:qualifier`: `(amount, put at, ready at)`.
    pub fn provisioned_config(
        &self,
        function: &str,
        qualifier: &str,
    ) -> Option<(i64, Instant, Option<Instant>)> {
        self.warm
            .configs
            .get(&(function.to_owned(), qualifier.to_owned()))
            .map(|c| (c.requested, c.put_at, c.ready_at))
    }

    /// New SnapStart versions of `function` end `Failed`; provisioned concurrency put from
    /// now on ends `FAILED`.
    pub fn warm_up_fails(&mut self, function: &str) {
        self.warm.snapshot_fails.insert(function.to_owned());
        self.warm.allocation_fails = true;
    }

    /// SnapStart is on for `function`: a new version stays `Pending` for `takes`.
    pub fn snapstart(&mut self, function: &str, takes: Duration) {
        self.warm.snapstart.insert(function.to_owned(), takes);
    }

    /// The event source mapping `uuid` was made on `alias` (moto lists it on the alias's
    /// version: `mappings.rs`).
    pub fn mapping_on_alias(&mut self, uuid: &str, alias: &str) {
        self.mappings_on_alias
            .insert(uuid.to_owned(), alias.to_owned());
    }

    /// The function logs to `group` in `format` (`LoggingConfig`).
    pub fn log_to(&mut self, function: &str, group: &str, format: LogFormat) {
        self.function(function).logging = Some((group.to_owned(), format));
    }

    /// The next `times` answers to `op` are lost after moto applied the request.
    pub fn lose(&mut self, op: &str, times: u32, how: Lost) {
        self.lose_after(op, 0, times, how);
    }

    /// The `times` answers to `op` after the first `skip` are lost after moto applied them.
    pub fn lose_after(&mut self, op: &str, skip: u32, times: u32, how: Lost) {
        self.lost.push(lost::LostRule {
            op: op.to_owned(),
            times,
            how,
            skip,
        });
    }

    /// Versions of `function` deleted through the proxy.
    pub fn deleted_versions(&self, function: &str) -> Vec<String> {
        self.functions
            .get(function)
            .map(|f| f.deleted.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// The function a `DeleteFunction` of a version needs the aliases of, if any: the proxy
    /// reads them from moto first (AWS refuses to delete an aliased version).
    pub fn needs_aliases(info: &RequestInfo, target: &str) -> Option<String> {
        let t = Target::of(info, target)?;
        (info.op == "DeleteFunction" && t.qualifier.is_some()).then_some(t.function)
    }

    /// Decides before forwarding; `aliases` is moto's `ListAliases` answer when
    /// [`Realism::needs_aliases`] asked for it.
    pub fn before(
        &mut self,
        info: &RequestInfo,
        target: &str,
        body: &str,
        aliases: Option<&Value>,
        now: Instant,
    ) -> Option<Answer> {
        let t = Target::of(info, target)?;
        let req: Value = serde_json::from_str(body).unwrap_or(Value::Null);
        let takes = self.update_takes;
        match info.op.as_str() {
            "UpdateFunctionCode" | "PublishVersion" | "UpdateFunctionConfiguration" => {
                lambda::check_function_write(self.function(&t.function), &t, &req, takes, now)
            }
            "UpdateAlias" | "CreateAlias" => {
                let deleted = self.function(&t.function).deleted.clone();
                versions::check_alias_target(&deleted, &req)
                    .or_else(|| self.warm.check_weights(&t, &req))
                    .or_else(|| lambda::check_alias_write(&self.aliases, &t, &req))
            }
            "GetFunction" | "GetFunctionConfiguration" => {
                versions::check_read(&self.function(&t.function).deleted, &t)
            }
            "Invoke" => versions::check_read(&self.function(&t.function).deleted, &t)
                .or_else(|| self.warm.check_invoke(&t, now)),
            "PutProvisionedConcurrencyConfig"
            | "GetProvisionedConcurrencyConfig"
            | "ListProvisionedConcurrencyConfigs"
            | "DeleteProvisionedConcurrencyConfig" => self.warm.answer(&info.op, &t, &req, now),
            "DeleteFunction" => versions::delete(self.function(&t.function), &t, aliases),
            _ => None,
        }
    }

    /// Rewrites moto's successful answer; `Some` when the answer is to be lost.
    pub fn after(
        &mut self,
        info: &RequestInfo,
        target: &str,
        status: u16,
        body: &mut Vec<u8>,
        now: Instant,
    ) -> Option<Lost> {
        if !(200..300).contains(&status) {
            return None;
        }
        // Only answers the model rewrites are parsed and written again (an `Invoke`
        // payload, for one, must stay byte for byte what moto sent).
        const REWRITTEN: &[&str] = &[
            "FilterLogEvents",
            "GetFunction",
            "GetFunctionConfiguration",
            "UpdateFunctionCode",
            "PublishVersion",
            "ListVersionsByFunction",
            "GetAlias",
            "UpdateAlias",
            "CreateAlias",
            "ListAliases",
            "ListEventSourceMappings",
        ];
        if !REWRITTEN.contains(&info.op.as_str()) {
            return lost::take(&mut self.lost, &info.op);
        }
        let mut v: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        if info.op == "FilterLogEvents" {
            logs::hide_late_events(&mut v, self.ingestion_delay);
        } else if info.op == "ListEventSourceMappings" {
            mappings::keep_aliases(&mut v, &self.mappings_on_alias);
        } else if let Some(t) = Target::of(info, target) {
            self.rewrite_lambda(info, &t, &mut v, now);
        }
        if !v.is_null() {
            *body = v.to_string().into_bytes();
        }
        lost::take(&mut self.lost, &info.op)
    }

    fn rewrite_lambda(&mut self, info: &RequestInfo, t: &Target, v: &mut Value, now: Instant) {
        let takes = self.update_takes;
        let f = self.functions.entry(t.function.clone()).or_default();
        match info.op.as_str() {
            "UpdateFunctionCode" => lambda::start_update(f, now),
            "PublishVersion" => {
                f.revision += 1;
                if let Some(ms) = f.published_at {
                    v["LastModified"] = Value::from(logs::lambda_time(ms));
                }
                self.warm.published(&t.function, v, now);
            }
            _ => {}
        }
        match info.op.as_str() {
            "GetFunction" | "GetFunctionConfiguration" | "UpdateFunctionCode" => {
                let conf = if info.op == "GetFunction" {
                    v.get_mut("Configuration")
                } else {
                    Some(&mut *v)
                };
                if let Some(conf) = conf {
                    if t.qualifier.is_none()
                        && let Some(sha) = conf.get("CodeSha256").and_then(Value::as_str)
                    {
                        f.code_sha256 = Some(sha.to_owned());
                    }
                    self.warm.read(t, conf, now);
                    logs::set_logging(conf, &t.function, f.logging.as_ref());
                    if t.qualifier.is_none() {
                        lambda::set_status(f, conf, &t.function, takes, now);
                    }
                }
            }
            "ListVersionsByFunction" => versions::hide_deleted(v, &f.deleted),
            "GetAlias" | "UpdateAlias" | "CreateAlias" | "ListAliases" => {
                lambda::set_alias_revisions(&mut self.aliases, info, t, v)
            }
            _ => {}
        }
    }
}

/// The function (and qualifier or alias) a Lambda request is about.
#[derive(Clone, Debug)]
pub struct Target {
    pub function: String,
    /// `?Qualifier=` (a version or alias).
    pub qualifier: Option<String>,
    /// The alias of `/aliases/NAME`.
    pub alias: Option<String>,
}

impl Target {
    fn of(info: &RequestInfo, target: &str) -> Option<Target> {
        let rest = info
            .path
            .strip_prefix("/2015-03-31/functions/")
            .or_else(|| info.path.strip_prefix("/2019-09-30/functions/"))?;
        let mut parts = rest.split('/');
        let function = parts.next().filter(|s| !s.is_empty())?.to_owned();
        let alias = match (parts.next(), parts.next()) {
            (Some("aliases"), Some(a)) => Some(a.to_owned()),
            _ => None,
        };
        let qualifier = target
            .split_once('?')
            .and_then(|(_, q)| q.split('&').find_map(|kv| kv.strip_prefix("Qualifier=")))
            .map(str::to_owned);
        Some(Target {
            function,
            qualifier,
            alias,
        })
    }
}
