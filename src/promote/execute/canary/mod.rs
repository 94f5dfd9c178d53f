//! The canary strategy: route each step's share of the alias to the new
//! version, watch the step (`step.rs`: error logs, alarms, metrics), and
//! stop at once when one fails. Fails closed when they cannot be read. The
//! caller restores the alias from `Moved`.

pub mod gates;
pub mod step;
pub mod watch;

use std::collections::BTreeMap;

use super::failure::CanaryError;
use super::shift::{self, AliasTarget, Moved, ShiftFailure};
use crate::aws::types::AliasInfo;
use crate::promote::canary::logs::StepLog;
use crate::promote::canary::window::now_ms;
use crate::promote::execute::canary::gates::GateWatch;
use crate::promote::execute::canary::watch::Watch;
use crate::report::model::CanaryRecord;

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
        return shift::all_at_once(&target(&w), w.new_version, moved)
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
    let mut gates = gate_watch(&w, before);
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
        gates.begin_step(step_start_ms);
        match crate::promote::execute::canary::step::watch(&w, log, &mut gates, percent).await {
            Ok(r) => records.push(r),
            Err((r, e)) => {
                records.push(r);
                return Err(fail(records, e, true));
            }
        }
    }
    shift::all_at_once(&target(&w), w.new_version, moved)
        .await
        .map(|_| records.clone())
        .map_err(|e| fail(records, e.into(), true))
}

/// The canary's gates, kept across its steps, against the version the alias served.
fn gate_watch<'w>(w: &Watch<'w>, before: &'w AliasInfo) -> GateWatch<'w> {
    GateWatch {
        read: w.write.read(),
        gates: &w.canary.gates,
        function: w.function,
        alias: w.alias,
        new_version: w.new_version,
        old_version: &before.version,
        already_firing: w.firing_before.clone(),
        start_ms: now_ms(),
        last: None,
    }
}

/// The alias as the canary writes it.
fn target<'w>(w: &Watch<'w>) -> AliasTarget<'w> {
    AliasTarget {
        write: w.write,
        coord: w.coord,
        part: w.part,
        function: w.function,
        alias: w.alias,
        before: w.before,
        description: w.description,
    }
}

/// Routes `percent` of the alias to the new version (the version it served keeps the rest).
async fn route(
    w: &Watch<'_>,
    before: &AliasInfo,
    percent: u8,
    moved: &mut Option<Moved>,
) -> Result<(), crate::aws::AwsError> {
    let weights = BTreeMap::from([(w.new_version.to_string(), f64::from(percent) / 100.0)]);
    shift::write(&target(w), &before.version, &weights, moved).await?;
    Ok(())
}
