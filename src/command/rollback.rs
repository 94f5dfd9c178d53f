//! `rollback`: point the environment's aliases back to `to-version` or to
//! the version recorded as previous, shard by shard (`rollback_shard.rs`),
//! recording a GitHub Deployment alongside.

use super::per_shard::Act;
use crate::report::model::Outcome;
use crate::run::{End, Run};
use crate::settings::Command;

pub async fn run(run: &Run) -> anyhow::Result<End> {
    let dry_run = run.settings.dry_run;
    let Some(env) = super::environment(run, Command::Rollback)? else {
        return Ok(End::Done(Outcome::Skipped));
    };
    // With dry-run, only shows the plan.
    super::per_shard::run(run, env, Command::Rollback, Act::Rollback { dry_run }).await
}
