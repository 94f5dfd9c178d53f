//! What the canary watches with: one function's alias, its new version, the
//! contract's `canary:` block and the job's write handle, deadline and signal.
//! `mod.rs` moves the traffic; `step.rs` watches each step with it.

use std::collections::BTreeSet;

use tokio::time::Instant;

use crate::aws::Write;
use crate::aws::types::AliasInfo;
use crate::cancel::Cancel;
use crate::config::model::Canary;
use crate::promote::execute::coordinator::Coordinator;

pub struct Watch<'a> {
    pub write: &'a Write,
    pub coord: &'a Coordinator,
    pub part: usize,
    pub function: &'a str,
    pub alias: &'a str,
    pub before: Option<&'a AliasInfo>,
    pub new_version: &'a str,
    /// When the new version was published (ms since the epoch).
    pub published_ms: i64,
    pub description: &'a str,
    pub canary: &'a Canary,
    /// Alarms already in `ALARM` before any traffic moved (reported, not blocking).
    pub firing_before: &'a BTreeSet<String>,
    pub deadline: Instant,
    pub cancel: &'a Cancel,
    /// Progress lines for the run log.
    pub log: &'a (dyn Fn(&str) + Sync),
}
