//! The canary strategy: route each step's share of the alias to the new
//! version, count the new version's error events while the step lasts, and
//! stop at once when they exceed `max-errors`. Fails closed when the logs
//! cannot be read. The caller restores the alias from `Moved`.

use std::collections::BTreeMap;

use tokio::time::Instant;

use super::failure::CanaryError;
use super::shift::{self, Moved, ShiftFailure};
use crate::aws::Write;
use crate::aws::types::AliasInfo;
use crate::cancel::Cancel;
use crate::config::model::Canary;
use crate::promote::canary_logs::StepLog;
use crate::promote::canary_window::{
    MAX_LOG_FAILURES, PROGRESS_EVERY, ingestion_margin, now_ms, poll_every,
};
use crate::report::model::CanaryRecord;
use crate::report::shorten::shorten;

/// Events counted for "events examined" per step, at most.
const EXAMINE_CAP: u64 = 100_000;

pub struct Watch<'a> {
    pub write: &'a Write,
    pub function: &'a str,
    pub alias: &'a str,
    pub before: Option<&'a AliasInfo>,
    pub new_version: &'a str,
    /// When the new version was published (ms since the epoch).
    pub published_ms: i64,
    pub description: &'a str,
    pub canary: &'a Canary,
    pub deadline: Instant,
    pub cancel: &'a Cancel,
    /// Progress lines for the run log.
    pub log: &'a (dyn Fn(&str) + Sync),
}

pub async fn shift(
    w: Watch<'_>,
    moved: &mut Option<Moved>,
) -> Result<Vec<CanaryRecord>, ShiftFailure> {
    let mut records = Vec::new();
    let fail = |records: Vec<CanaryRecord>, error: CanaryError, rollback: bool| ShiftFailure {
        canary: records,
        error,
        rollback,
    };
    // With no version serving traffic yet there is nothing to split against.
    let Some(before) = w.before else {
        return shift::all_at_once(
            w.write,
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
    // The group the new version logs to (`LoggingConfig`), read before any traffic moves:
    // counting errors in the wrong group would pass every step.
    let group = w
        .write
        .read()
        .log_target(w.function, w.new_version)
        .await
        .map_err(|e| fail(Vec::new(), e.into(), false))?
        .group;
    for &percent in &w.canary.steps {
        // The window opens before the write: the new version may log an error as soon as
        // the routing takes effect, before the answer reaches us.
        let step_start_ms = now_ms();
        route(&w, before, percent, moved)
            .await
            .map_err(|e| fail(records.clone(), e.into(), moved.is_some()))?;
        (w.log)(&format!(
            "canary {}: {percent}% of {} on version {} for {}s",
            w.function,
            w.alias,
            w.new_version,
            w.canary.interval.as_secs()
        ));
        let log = StepLog::new(
            w.write.read(),
            &group,
            w.new_version,
            w.published_ms,
            step_start_ms,
            &w.canary.error_pattern,
        );
        match watch_step(&w, log, percent).await {
            Ok(r) => records.push(r),
            Err((r, e)) => {
                records.push(r);
                return Err(fail(records, e, true));
            }
        }
    }
    shift::all_at_once(
        w.write,
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

/// Routes `percent` of the alias to the new version, guarded by our last write's revision.
async fn route(
    w: &Watch<'_>,
    before: &AliasInfo,
    percent: u8,
    moved: &mut Option<Moved>,
) -> Result<(), crate::aws::AwsError> {
    let guard = moved
        .as_ref()
        .and_then(|m| m.revision_id.clone())
        .or_else(|| before.revision_id.clone());
    let weights = BTreeMap::from([(w.new_version.to_string(), f64::from(percent) / 100.0)]);
    let after = super::readback::update_alias(
        w.write,
        w.function,
        w.alias,
        &before.version,
        &weights,
        w.description,
        guard.as_deref(),
    )
    .await?;
    shift::record(moved, w.function, w.alias, Some(before), &after);
    Ok(())
}

/// Watches one step for `interval`, then reads once more after the ingestion margin, so
/// the last read covers the whole step; `Err` when errors exceed the limit, the logs
/// cannot be read, the deadline passes or the job is cancelled.
async fn watch_step(
    w: &Watch<'_>,
    mut log: StepLog<'_>,
    percent: u8,
) -> Result<CanaryRecord, (CanaryRecord, CanaryError)> {
    let started = Instant::now();
    let end = started + w.canary.interval;
    let last_read = end + ingestion_margin(w.canary.interval);
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
        let wake = if failures > 0 {
            poll
        } else {
            poll.min(last_read)
        };
        if let Err(why) = sleep_until(w, wake, percent).await {
            return Err(abort(record, started, why));
        }
        match log.read().await {
            Ok(()) => {
                failures = 0;
                record.errors = log.errors;
                record.first_errors = log.first.iter().map(|l| shorten(l, 200)).collect();
                if log.errors > u64::from(w.canary.max_errors) {
                    record.events_examined = log.examined(EXAMINE_CAP).await;
                    record.verdict = "failed".into();
                    record.duration_ms = started.elapsed().as_millis() as u64;
                    let e = CanaryError::TooManyErrors {
                        version: w.new_version.to_string(),
                        errors: log.errors,
                        percent,
                        max: w.canary.max_errors,
                    };
                    return Err((record, e));
                }
            }
            Err(e) => {
                failures += 1;
                if failures >= MAX_LOG_FAILURES {
                    let e = CanaryError::LogsUnreadable {
                        version: w.new_version.to_string(),
                        failures,
                        source: e,
                    };
                    record.verdict = "aborted".into();
                    record.duration_ms = started.elapsed().as_millis() as u64;
                    return Err((record, e));
                }
            }
        }
        if last_progress.elapsed() >= PROGRESS_EVERY {
            last_progress = Instant::now();
            progress(w, percent, end, record.errors);
        }
        if failures == 0 && Instant::now() >= last_read {
            break;
        }
    }
    record.events_examined = log.examined(EXAMINE_CAP).await;
    record.duration_ms = started.elapsed().as_millis() as u64;
    Ok(record)
}

fn progress(w: &Watch<'_>, percent: u8, end: Instant, errors: u64) {
    let left = end.saturating_duration_since(Instant::now());
    (w.log)(&format!(
        "canary {}: {percent}% step, {}s left, {errors} error(s) so far",
        w.function,
        left.as_secs(),
    ));
}

/// Sleeps until `wake`; `Err` with the reason when the deadline or a signal comes first.
async fn sleep_until(w: &Watch<'_>, wake: Instant, percent: u8) -> Result<(), CanaryError> {
    let cancelled = |signal| CanaryError::Cancelled { signal, percent };
    if wake > w.deadline {
        tokio::select! {
            _ = tokio::time::sleep_until(w.deadline) => {}
            sig = w.cancel.cancelled() => return Err(cancelled(sig)),
        }
        return Err(CanaryError::Timeout { percent });
    }
    tokio::select! {
        _ = tokio::time::sleep_until(wake) => Ok(()),
        sig = w.cancel.cancelled() => Err(cancelled(sig)),
    }
}

fn abort(
    mut record: CanaryRecord,
    started: Instant,
    why: CanaryError,
) -> (CanaryRecord, CanaryError) {
    record.verdict = "aborted".into();
    record.duration_ms = started.elapsed().as_millis() as u64;
    (record, why)
}
