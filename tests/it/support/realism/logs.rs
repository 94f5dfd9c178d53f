//! Where and when a function's logs appear, which moto does not model:
//!
//! - `LoggingConfig` on every configuration: "By default, Lambda functions send logs to a
//!   default log group named /aws/lambda/<function name>", `LogFormat` `Text` or `JSON` —
//!   <https://docs.aws.amazon.com/lambda/latest/api/API_LoggingConfig.html>.
//! - Late ingestion: events reach `FilterLogEvents` some time after they were written
//!   ("ingestionTime" follows "timestamp") —
//!   <https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilteredLogEvent.html>.
//! - Stream names `YYYY/MM/DD/[VERSION]GUID`, dated by the day the execution environment
//!   started, one stream for the environment's lifetime —
//!   <https://docs.aws.amazon.com/lambda/latest/operatorguide/log-structure.html>.

use serde_json::{Value, json};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

impl LogFormat {
    fn as_str(self) -> &'static str {
        match self {
            LogFormat::Text => "Text",
            LogFormat::Json => "JSON",
        }
    }
}

/// Adds `LoggingConfig` to a function configuration.
pub fn set_logging(conf: &mut Value, function: &str, logging: Option<&(String, LogFormat)>) {
    let (group, format) = match logging {
        Some((g, f)) => (g.clone(), *f),
        None => (format!("/aws/lambda/{function}"), LogFormat::Text),
    };
    if let Some(obj) = conf.as_object_mut() {
        let mut lc = json!({"LogGroup": group, "LogFormat": format.as_str()});
        if format == LogFormat::Json {
            lc["ApplicationLogLevel"] = json!("INFO");
            lc["SystemLogLevel"] = json!("INFO");
        }
        obj.insert("LoggingConfig".into(), lc);
    }
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

/// Drops from a `FilterLogEvents` answer the events not ingested yet.
pub fn hide_late_events(v: &mut Value, delay: Duration) {
    let visible_before = now_ms() - delay.as_millis() as i64;
    if let Some(events) = v.get_mut("events").and_then(Value::as_array_mut) {
        events.retain(|e| {
            e.get("ingestionTime")
                .and_then(Value::as_i64)
                .is_none_or(|t| t <= visible_before)
        });
    }
}

/// The name of the stream an execution environment of `version` that started at
/// `started_ms` writes to (`id` stands in for its GUID).
pub fn lambda_stream(version: &str, started_ms: i64, id: &str) -> String {
    let days = started_ms.div_euclid(86_400_000);
    let (y, m, d) = lambda_promote::promote::canary::window::civil_from_days(days);
    format!("{y:04}/{m:02}/{d:02}/[{version}]{id:0>32}")
}

/// Lambda's spelling of a time: `2026-12-01T21:13:45.123+0000`.
pub fn lambda_time(ms: i64) -> String {
    let (days, rest) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
    let (y, m, d) = lambda_promote::promote::canary::window::civil_from_days(days);
    let (h, mi, s, milli) = (
        rest / 3_600_000,
        rest / 60_000 % 60,
        rest / 1_000 % 60,
        rest % 1_000,
    );
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{milli:03}+0000")
}
