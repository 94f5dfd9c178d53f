//! The canary strategy: route each step's share of the alias to the new
//! version, count the new version's error events while the step lasts, and
//! stop at once when they exceed `max-errors`. Fails closed when the logs
//! cannot be read. The caller restores the alias from `Moved`.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use tokio::time::Instant;

use super::canary_window::{MAX_LOG_FAILURES, PROGRESS_EVERY, poll_every, stream_prefixes};
use super::shift::{self, Moved, ShiftFailure};
use crate::aws::Clients;
use crate::aws::logs::Matches;
use crate::aws::types::AliasInfo;
use crate::cancel::Cancel;
use crate::config::model::Canary;
use crate::report::model::CanaryRecord;

/// Error lines kept per step for the summary.
const KEEP_LINES: usize = 5;
/// Events counted for "events examined" per step, at most.
const EXAMINE_CAP: u64 = 100_000;

pub struct Watch<'a> {
    pub clients: &'a Clients,
    pub function: &'a str,
    pub alias: &'a str,
    pub before: Option<&'a AliasInfo>,
    pub new_version: &'a str,
    pub description: &'a str,
    pub canary: &'a Canary,
    pub deadline: Instant,
    pub cancel: &'a Cancel,
    /// Progress lines for the run log.
    pub log: &'a (dyn Fn(&str) + Sync),
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

pub async fn shift(
    w: Watch<'_>,
    moved: &mut Option<Moved>,
) -> Result<Vec<CanaryRecord>, ShiftFailure> {
    let mut records = Vec::new();
    let fail = |records: Vec<CanaryRecord>, error: anyhow::Error, rollback: bool| ShiftFailure {
        canary: records,
        error,
        rollback,
    };
    // With no version serving traffic yet there is nothing to split against.
    let Some(before) = w.before else {
        return shift::all_at_once(
            w.clients,
            w.function,
            w.alias,
            None,
            w.new_version,
            w.description,
            moved,
        )
        .await
        .map(|_| records)
        .map_err(|e| fail(Vec::new(), e.into(), false));
    };
    let group = format!("/aws/lambda/{}", w.function);
    for &percent in &w.canary.steps {
        let guard = moved
            .as_ref()
            .and_then(|m| m.revision_id.clone())
            .or_else(|| before.revision_id.clone());
        let weights = BTreeMap::from([(w.new_version.to_string(), f64::from(percent) / 100.0)]);
        // The window opens before the write: the new version may log an error as soon as
        // the routing takes effect, before the answer reaches us.
        let step_start_ms = now_ms();
        let after = w
            .clients
            .update_alias(
                w.function,
                w.alias,
                &before.version,
                &weights,
                Some(w.description),
                guard.as_deref(),
            )
            .await
            .map_err(|e| fail(records.clone(), e.into(), moved.is_some()))?;
        shift::record(moved, w.function, w.alias, Some(before), &after);
        (w.log)(&format!(
            "canary {}: {percent}% of {} on version {} for {}s",
            w.function,
            w.alias,
            w.new_version,
            w.canary.interval.as_secs()
        ));
        let record = watch_step(&w, &group, percent, step_start_ms).await;
        let (record, error) = match record {
            Ok(r) => (r, None),
            Err((r, e)) => (r, Some(e)),
        };
        records.push(record);
        if let Some(e) = error {
            return Err(fail(records, e, true));
        }
    }
    shift::all_at_once(
        w.clients,
        w.function,
        w.alias,
        Some(before),
        w.new_version,
        w.description,
        moved,
    )
    .await
    .map(|_| records.clone())
    .map_err(|e| fail(records, e.into(), true))
}

/// Watches one step for `interval`; `Err` when errors exceed the limit, the
/// logs cannot be read, the deadline passes or the job is cancelled.
async fn watch_step(
    w: &Watch<'_>,
    group: &str,
    percent: u8,
    start_ms: i64,
) -> Result<CanaryRecord, (CanaryRecord, anyhow::Error)> {
    let started = Instant::now();
    let end = started + w.canary.interval;
    let mut record = CanaryRecord {
        percent,
        duration_ms: 0,
        events_examined: 0,
        errors: 0,
        verdict: "passed".into(),
        first_errors: Vec::new(),
    };
    let mut failures = 0u32;
    let mut last_progress = Instant::now();
    loop {
        let poll = Instant::now() + poll_every(w.canary.interval);
        // A step whose last read failed is not over: it is clean only once a read covering
        // the whole window succeeds, or it fails closed after the bounded retries.
        let wake = if failures > 0 { poll } else { poll.min(end) };
        if wake > w.deadline {
            tokio::select! {
                _ = tokio::time::sleep_until(w.deadline) => {}
                sig = w.cancel.cancelled() => return Err(abort(record, started, format!("cancelled by signal {sig} during the {percent}% step"))),
            }
            return Err(abort(
                record,
                started,
                format!("timed out during the {percent}% canary step"),
            ));
        }
        tokio::select! {
            _ = tokio::time::sleep_until(wake) => {}
            sig = w.cancel.cancelled() => return Err(abort(record, started, format!("cancelled by signal {sig} during the {percent}% step"))),
        }
        match errors_since(w, group, start_ms, &w.canary.error_pattern, KEEP_LINES).await {
            Ok(m) => {
                failures = 0;
                record.errors = m.count;
                record.first_errors = m
                    .first
                    .iter()
                    .map(|l| super::execute::shorten(l, 200))
                    .collect();
                if m.count > u64::from(w.canary.max_errors) {
                    record.events_examined = examined(w, group, start_ms).await;
                    record.verdict = "failed".into();
                    record.duration_ms = started.elapsed().as_millis() as u64;
                    let e = anyhow::anyhow!(
                        "version {} logged {} error event(s) at {percent}% (at most {} allowed)",
                        w.new_version,
                        m.count,
                        w.canary.max_errors
                    );
                    return Err((record, e));
                }
            }
            Err(e) => {
                failures += 1;
                if failures >= MAX_LOG_FAILURES {
                    let e = anyhow::anyhow!(
                        "the logs of version {} could not be read {failures} times in a row ({e}); failing closed",
                        w.new_version,
                    );
                    record.verdict = "aborted".into();
                    record.duration_ms = started.elapsed().as_millis() as u64;
                    return Err((record, e));
                }
            }
        }
        if last_progress.elapsed() >= PROGRESS_EVERY {
            last_progress = Instant::now();
            let left = end.saturating_duration_since(Instant::now());
            (w.log)(&format!(
                "canary {}: {percent}% step, {}s left, {} error(s) so far",
                w.function,
                left.as_secs(),
                record.errors
            ));
        }
        if failures == 0 && Instant::now() >= end {
            break;
        }
    }
    record.events_examined = examined(w, group, start_ms).await;
    record.duration_ms = started.elapsed().as_millis() as u64;
    Ok(record)
}

fn abort(mut record: CanaryRecord, started: Instant, why: String) -> (CanaryRecord, anyhow::Error) {
    record.verdict = "aborted".into();
    record.duration_ms = started.elapsed().as_millis() as u64;
    (record, anyhow::anyhow!(why))
}

/// The new version's events since `start_ms` that match `pattern`.
async fn errors_since(
    w: &Watch<'_>,
    group: &str,
    start_ms: i64,
    pattern: &str,
    keep: usize,
) -> Result<Matches, crate::aws::AwsError> {
    let mut streams = Vec::new();
    for prefix in stream_prefixes(w.new_version, start_ms, now_ms()) {
        streams.extend(w.clients.log_streams(group, &prefix).await?);
    }
    if streams.is_empty() {
        return Ok(Matches::default());
    }
    w.clients
        .count_events(group, &streams, pattern, start_ms, u64::MAX, keep)
        .await
}

/// How many events of the new version the step saw (for the summary only; a
/// failure here does not change the verdict).
async fn examined(w: &Watch<'_>, group: &str, start_ms: i64) -> u64 {
    match errors_since(w, group, start_ms, "", 0).await {
        Ok(m) => m.count.min(EXAMINE_CAP),
        Err(_) => 0,
    }
}
