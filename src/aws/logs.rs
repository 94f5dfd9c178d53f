//! CloudWatch Logs reads for the canary: the new version's log streams and
//! the events in them that match the error pattern.

use super::error::AwsError;
use super::handles::Read;
use super::operations as ops;

/// CloudWatch Logs accepts at most 100 stream names per `FilterLogEvents`.
const MAX_STREAM_NAMES: usize = 100;

/// Matching events found in a window.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Matches {
    pub count: u64,
    /// The first few messages, for the summary.
    pub first: Vec<String>,
}

impl Read {
    /// Stream names starting with `prefix` (`YYYY/MM/DD/[VERSION]`), all pages.
    pub async fn log_streams(&self, group: &str, prefix: &str) -> Result<Vec<String>, AwsError> {
        let mut out = Vec::new();
        let req = self
            .c()
            .logs
            .describe_log_streams()
            .log_group_name(group)
            .log_stream_name_prefix(prefix);
        let pages = self
            .c()
            .pages(ops::DESCRIBE_LOG_STREAMS, group, || {
                req.clone().into_paginator().send()
            })
            .await?;
        for page in pages {
            out.extend(
                page.log_streams()
                    .iter()
                    .filter_map(|s| s.log_stream_name())
                    .map(str::to_string),
            );
        }
        Ok(out)
    }

    /// Events since `start_ms` in `streams` matching `pattern` (all events when
    /// `pattern` is empty), counted up to `cap`.
    pub async fn count_events(
        &self,
        group: &str,
        streams: &[String],
        pattern: &str,
        start_ms: i64,
        cap: u64,
        keep: usize,
    ) -> Result<Matches, AwsError> {
        let mut m = Matches::default();
        for chunk in streams.chunks(MAX_STREAM_NAMES) {
            let mut req = self
                .c()
                .logs
                .filter_log_events()
                .log_group_name(group)
                .set_log_stream_names(Some(chunk.to_vec()))
                .start_time(start_ms);
            if !pattern.is_empty() {
                req = req.filter_pattern(pattern);
            }
            // No page is read past the one that reaches `cap`.
            let seen = m.count;
            let pages = self
                .c()
                .pages_until(
                    ops::FILTER_LOG_EVENTS,
                    group,
                    || req.clone().into_paginator().send(),
                    |pages| {
                        let n: usize = pages.iter().map(|p| p.events().len()).sum();
                        seen + n as u64 >= cap
                    },
                )
                .await?;
            for page in pages {
                for e in page.events() {
                    m.count += 1;
                    if m.first.len() < keep {
                        m.first
                            .push(e.message().unwrap_or_default().trim().to_string());
                    }
                }
                if m.count >= cap {
                    return Ok(m);
                }
            }
        }
        Ok(m)
    }
}

/// One log event as the canary classifies it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEvent {
    pub id: String,
    pub timestamp: i64,
    pub message: String,
}

impl Read {
    /// Every event since `start_ms` in `streams` (no filter pattern), up to `cap` events.
    pub async fn events(
        &self,
        group: &str,
        streams: &[String],
        start_ms: i64,
        cap: usize,
    ) -> Result<Vec<LogEvent>, AwsError> {
        let mut out = Vec::new();
        for chunk in streams.chunks(MAX_STREAM_NAMES) {
            let req = self
                .c()
                .logs
                .filter_log_events()
                .log_group_name(group)
                .set_log_stream_names(Some(chunk.to_vec()))
                .start_time(start_ms);
            // Paced and throttling retried like every call: a 429 on a canary's read is
            // waited out, never taken for an unreadable log.
            let seen = out.len();
            let pages = self
                .c()
                .pages_until(
                    ops::FILTER_LOG_EVENTS,
                    group,
                    || req.clone().into_paginator().send(),
                    |pages| seen + pages.iter().map(|p| p.events().len()).sum::<usize>() >= cap,
                )
                .await?;
            for page in pages {
                out.extend(page.events().iter().map(|e| LogEvent {
                    id: e.event_id().unwrap_or_default().to_string(),
                    timestamp: e.timestamp().unwrap_or_default(),
                    message: e.message().unwrap_or_default().trim().to_string(),
                }));
            }
            if out.len() >= cap {
                return Ok(out);
            }
        }
        Ok(out)
    }
}
