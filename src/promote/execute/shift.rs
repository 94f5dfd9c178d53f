//! Moving an alias to the new version: the replaceable step of a promotion.
//! `all-at-once` points it at once; a canary strategy routes shares first.
//! Every write is told to the restore coordinator before it is made (`coordinator.rs`),
//! which owns the way back; `Moved` keeps the revision id that guards the next write.

use std::collections::BTreeMap;

use super::coordinator::{Coordinator, Written};
use super::failure::CanaryError;
use crate::aws::types::AliasInfo;
use crate::aws::{AwsError, ErrorKind, Write};
use crate::report::model::CanaryRecord;

/// An alias this run has written, and what it was before.
#[derive(Clone, Debug)]
pub struct Moved {
    pub function: String,
    pub alias: String,
    /// The alias before the run; `None` when this run created it.
    pub before: Option<AliasInfo>,
    /// The revision id of our last write, to guard the restore.
    pub revision_id: Option<String>,
}

/// The result of a shift that did not finish: the canary's records so far and why.
#[derive(Debug)]
pub struct ShiftFailure {
    pub canary: Vec<CanaryRecord>,
    pub error: CanaryError,
    /// True when the canary saw errors or timed out (the alias must be restored).
    pub rollback: bool,
}

/// One alias as this run writes it: where, what it was, what this run writes on it, and
/// the coordinator that hears of each write before it is made.
pub struct AliasTarget<'a> {
    pub write: &'a Write,
    pub coord: &'a Coordinator,
    /// The (account, region) part the write handle belongs to.
    pub part: usize,
    pub function: &'a str,
    pub alias: &'a str,
    /// The alias before the run; `None` when this run creates it.
    pub before: Option<&'a AliasInfo>,
    /// This run's alias description (it records the previous version).
    pub description: &'a str,
}

/// Points the alias wholly at `version`, clearing any routing, recording the
/// previous version in its description.
pub async fn all_at_once(
    t: &AliasTarget<'_>,
    version: &str,
    moved: &mut Option<Moved>,
) -> Result<AliasInfo, AwsError> {
    write(t, version, &BTreeMap::new(), moved).await
}

/// One alias write: recorded with the coordinator first (refused once the environment
/// is aborted), guarded by our last write's revision id (or the one read before the
/// run), then its outcome told to the coordinator and noted in `moved`.
pub async fn write(
    t: &AliasTarget<'_>,
    version: &str,
    weights: &BTreeMap<String, f64>,
    moved: &mut Option<Moved>,
) -> Result<AliasInfo, AwsError> {
    t.coord
        .intend(t.part, t.function, t.alias, t.before, t.description)?;
    let guard = moved
        .as_ref()
        .and_then(|m| m.revision_id.clone())
        .or_else(|| t.before.and_then(|b| b.revision_id.clone()));
    let result = if t.before.is_none() && moved.is_none() {
        t.write
            .create_alias(t.function, t.alias, version, t.description)
            .await
    } else {
        super::readback::update_alias(
            t.write,
            t.function,
            t.alias,
            version,
            weights,
            t.description,
            guard.as_deref(),
        )
        .await
    };
    let how = match &result {
        Ok(_) => Written::Landed,
        // After a signal or an abort, a 412 may answer the SDK's retry of our own write
        // that landed while its attempt was being cut: the fence's read tells.
        Err(e) if e.kind == ErrorKind::Precondition && t.coord.cancel().signal().is_none() => {
            Written::Theirs
        }
        Err(_) => Written::Unknown,
    };
    t.coord.written(t.function, t.alias, how);
    let after = result?;
    record(moved, t.function, t.alias, t.before, &after);
    Ok(after)
}

/// Notes an alias write in `moved`, keeping the state from before the first write.
pub fn record(
    moved: &mut Option<Moved>,
    function: &str,
    alias: &str,
    before: Option<&AliasInfo>,
    after: &AliasInfo,
) {
    // Test builds only: a bug right after an alias write (the panic guard's test).
    crate::fault::point("after-alias-write");
    match moved {
        Some(m) => m.revision_id = after.revision_id.clone(),
        None => {
            *moved = Some(Moved {
                function: function.to_string(),
                alias: alias.to_string(),
                before: before.cloned(),
                revision_id: after.revision_id.clone(),
            })
        }
    }
}
