//! Moving an alias to the new version: the replaceable step of a promotion.
//! `all-at-once` points it at once; a canary strategy routes shares first.
//! Every write is recorded in `Moved` so a rollback knows what to restore.

use std::collections::BTreeMap;

use super::failure::CanaryError;
use crate::aws::types::AliasInfo;
use crate::aws::{AwsError, Write};
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

/// Points the alias wholly at `version`, clearing any routing, recording the
/// previous version in its description.
pub async fn all_at_once(
    write: &Write,
    function: &str,
    alias: &str,
    before: Option<&AliasInfo>,
    version: &str,
    description: &str,
    moved: &mut Option<Moved>,
) -> Result<AliasInfo, AwsError> {
    let after = match before {
        Some(b) => {
            let guard = moved
                .as_ref()
                .and_then(|m| m.revision_id.clone())
                .or_else(|| b.revision_id.clone());
            super::readback::update_alias(
                write,
                function,
                alias,
                version,
                &BTreeMap::new(),
                description,
                guard.as_deref(),
            )
            .await?
        }
        None => {
            write
                .create_alias(function, alias, version, description)
                .await?
        }
    };
    record(moved, function, alias, before, &after);
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

/// Puts an alias back as it was before the run: the previous version with no
/// routing, or deleted if this run created it. Guarded by our own last revision
/// id, so another run's later change is not overwritten.
pub async fn restore(write: &Write, m: &Moved) -> Result<(), AwsError> {
    match &m.before {
        Some(b) => super::readback::update_alias(
            write,
            &m.function,
            &m.alias,
            &b.version,
            &BTreeMap::new(),
            &b.description,
            m.revision_id.as_deref(),
        )
        .await
        .map(|_| ()),
        None => write.delete_alias(&m.function, &m.alias).await,
    }
}
