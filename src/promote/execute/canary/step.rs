//! One canary step, watched: the new version's error logs and the gates (alarms, metrics)
//! on every poll, then once more after the logs' ingestion margin and the metrics' lag, so
//! the last reads cover the whole step. A failing gate or error count ends the step at once;
//! reads that keep failing end it closed; an inconclusive step extends, then follows
//! `on-inconclusive`.

use tokio::time::Instant;

use crate::aws::AwsError;
use crate::config::gates::OnInconclusive;
use crate::promote::canary::logs::StepLog;
use crate::promote::canary::verdict::Verdict;
use crate::promote::canary::window::{
    MAX_LOG_FAILURES, PROGRESS_EVERY, now_ms, poll_every, step_wait,
};
use crate::promote::execute::canary::gates::{GateWatch, MAX_EXTENSIONS};
use crate::promote::execute::canary::watch::Watch;
use crate::promote::execute::failure::CanaryError;
use crate::report::model::{CanaryRecord, CanaryVerdict, StepMetrics};

/// Events counted for "events examined" per step, at most.
const EXAMINE_CAP: u64 = 100_000;

type StepResult = Result<CanaryRecord, (CanaryRecord, CanaryError)>;

struct Step<'s, 'w> {
    w: &'s Watch<'w>,
    percent: u8,
    record: CanaryRecord,
    started: Instant,
    end: Instant,
    last_read: Instant,
    log_failures: u32,
    /// The last failed reads' errors, for the fail-closed message.
    log_error: Option<AwsError>,
    gate_failures: u32,
    gate_error: Option<AwsError>,
    extensions: u32,
}

/// Watches one step; `Err` when it fails, the reads fail closed, the deadline passes or the
/// job is cancelled.
pub async fn watch(
    w: &Watch<'_>,
    mut log: StepLog<'_>,
    gates: &mut GateWatch<'_>,
    percent: u8,
) -> StepResult {
    let started = Instant::now();
    let end = started + w.canary.interval;
    let lag = step_wait(w.canary.interval, w.canary.gates.metrics.is_some());
    let mut s = Step {
        w,
        percent,
        record: CanaryRecord::new(percent),
        started,
        end,
        last_read: end + lag,
        log_failures: 0,
        log_error: None,
        gate_failures: 0,
        gate_error: None,
        extensions: 0,
    };
    let mut last_progress = Instant::now();
    loop {
        if let Err(why) = s.sleep().await {
            return Err(s.ended(CanaryVerdict::Aborted, why));
        }
        if let Some(e) = s.read_logs(&mut log).await {
            return Err(s.ended_with_examined(CanaryVerdict::Failed, e, &log).await);
        }
        if let Some(e) = s.read_gates(gates).await {
            return Err(s.ended(CanaryVerdict::Failed, e));
        }
        if let Some(e) = s.closed() {
            return Err(s.ended(CanaryVerdict::Aborted, e));
        }
        if last_progress.elapsed() >= PROGRESS_EVERY {
            last_progress = Instant::now();
            s.progress();
        }
        let settled = s.log_failures == 0 && s.gate_failures == 0;
        if settled && Instant::now() >= s.last_read && s.conclude(gates).map_err(|e| s.fail(e))? {
            break;
        }
    }
    s.record.events_examined = log.examined(EXAMINE_CAP).await;
    s.record.duration_ms = s.started.elapsed().as_millis() as u64;
    Ok(s.record)
}

impl Step<'_, '_> {
    /// Sleeps until the next poll (or the last read, whichever is first while reads
    /// succeed); `Err` with the reason when the deadline or a signal comes first.
    async fn sleep(&self) -> Result<(), CanaryError> {
        let poll = Instant::now() + poll_every(self.w.canary.interval);
        let failing = self.log_failures > 0 || self.gate_failures > 0;
        let wake = if failing {
            poll
        } else {
            poll.min(self.last_read)
        };
        let percent = self.percent;
        let cancelled = |signal| CanaryError::Cancelled { signal, percent };
        if wake > self.w.deadline {
            tokio::select! {
                _ = tokio::time::sleep_until(self.w.deadline) => {}
                sig = self.w.cancel.cancelled() => return Err(cancelled(sig)),
            }
            return Err(CanaryError::Timeout { percent });
        }
        tokio::select! {
            _ = tokio::time::sleep_until(wake) => Ok(()),
            sig = self.w.cancel.cancelled() => Err(cancelled(sig)),
        }
    }

    /// Counts the new version's error events; `Some` when they exceed `max-errors`.
    async fn read_logs(&mut self, log: &mut StepLog<'_>) -> Option<CanaryError> {
        if let Err(e) = log.read().await {
            self.log_failures += 1;
            self.log_error = Some(e);
            return None;
        }
        self.log_failures = 0;
        self.record.errors = log.errors;
        // Whole lines: the report cuts them after scrubbing (`scrub::ERROR_LINE_CHARS`).
        self.record.first_errors = log.first.clone();
        (log.errors > u64::from(self.w.canary.max_errors)).then(|| CanaryError::TooManyErrors {
            version: self.w.new_version.to_string(),
            errors: log.errors,
            percent: self.percent,
            max: self.w.canary.max_errors,
        })
    }

    /// Reads the alarms and metrics; `Some` when a gate fails the step.
    async fn read_gates(&mut self, gates: &mut GateWatch<'_>) -> Option<CanaryError> {
        match gates.poll(now_ms()).await {
            Ok(failed) => {
                self.gate_failures = 0;
                self.record.metrics = gates.last.as_ref().map(StepMetrics::from_pair);
                failed.map(|why| {
                    self.record.reason = Some(why.clone());
                    self.gate(why)
                })
            }
            Err(e) => {
                self.gate_failures += 1;
                self.gate_error = Some(e);
                None
            }
        }
    }

    fn gate(&self, reason: String) -> CanaryError {
        CanaryError::Gate {
            version: self.w.new_version.to_string(),
            percent: self.percent,
            reason,
        }
    }

    /// `Some` once the logs or the gates could not be read `MAX_LOG_FAILURES` times in a row.
    fn closed(&mut self) -> Option<CanaryError> {
        let version = self.w.new_version.to_string();
        if self.log_failures >= MAX_LOG_FAILURES {
            return Some(CanaryError::LogsUnreadable {
                version,
                failures: self.log_failures,
                source: self.log_error.take()?,
            });
        }
        if self.gate_failures >= MAX_LOG_FAILURES {
            let source = self.gate_error.take()?;
            self.record.reason = Some(source.to_string());
            return Some(CanaryError::GatesUnreadable {
                version,
                failures: self.gate_failures,
                source,
            });
        }
        None
    }

    /// The step's verdict after its last reads: `Ok(true)` when it is over, `Ok(false)` when
    /// an inconclusive step was extended, `Err` when it fails.
    fn conclude(&mut self, gates: &GateWatch<'_>) -> Result<bool, CanaryError> {
        match gates.verdict() {
            Verdict::Pass => Ok(true),
            Verdict::Fail(why) => {
                self.record.reason = Some(why.clone());
                Err(self.gate(why))
            }
            Verdict::Inconclusive(why) if self.extensions < MAX_EXTENSIONS => {
                self.extensions += 1;
                self.end += self.w.canary.interval;
                self.last_read += self.w.canary.interval;
                (self.w.log)(&format!(
                    "canary {}: {why}; extending the {}% step by {}s ({} of {MAX_EXTENSIONS})",
                    self.w.function,
                    self.percent,
                    self.w.canary.interval.as_secs(),
                    self.extensions
                ));
                Ok(false)
            }
            Verdict::Inconclusive(why) => {
                self.record.verdict = CanaryVerdict::Inconclusive;
                self.record.reason = Some(why.clone());
                let rollback = self
                    .w
                    .canary
                    .gates
                    .metrics
                    .as_ref()
                    .is_some_and(|m| m.on_inconclusive == OnInconclusive::Rollback);
                if rollback {
                    return Err(CanaryError::Inconclusive {
                        percent: self.percent,
                        reason: why,
                    });
                }
                Ok(true)
            }
        }
    }

    fn fail(&mut self, e: CanaryError) -> (CanaryRecord, CanaryError) {
        if self.record.verdict != CanaryVerdict::Inconclusive {
            self.record.verdict = CanaryVerdict::Failed;
        }
        self.record.duration_ms = self.started.elapsed().as_millis() as u64;
        (self.record.clone(), e)
    }

    fn ended(&mut self, verdict: CanaryVerdict, e: CanaryError) -> (CanaryRecord, CanaryError) {
        self.record.verdict = verdict;
        self.record.duration_ms = self.started.elapsed().as_millis() as u64;
        (self.record.clone(), e)
    }

    async fn ended_with_examined(
        &mut self,
        verdict: CanaryVerdict,
        e: CanaryError,
        log: &StepLog<'_>,
    ) -> (CanaryRecord, CanaryError) {
        self.record.events_examined = log.examined(EXAMINE_CAP).await;
        self.ended(verdict, e)
    }

    fn progress(&self) {
        let left = self.end.saturating_duration_since(Instant::now());
        (self.w.log)(&format!(
            "canary {}: {}% step, {}s left, {} error(s) so far",
            self.w.function,
            self.percent,
            left.as_secs(),
            self.record.errors
        ));
    }
}
