//! `rollback`: point the environment's aliases back to `to-version` or to
//! the version recorded as previous, shard by shard into one report
//! (`rollback_shard.rs`), recording a GitHub Deployment alongside. With
//! `dry-run`, only the plan.

use crate::report::model::Outcome;
use crate::run::{End, Run};
use crate::settings::Command;

pub async fn run(run: &Run) -> anyhow::Result<End> {
    let Some(env) = super::environment(run, Command::Rollback)? else {
        return Ok(End::Done(Outcome::Skipped));
    };
    let Some(opened) = super::shards::open(run, env, Command::Rollback).await? else {
        return Ok(End::Done(Outcome::Skipped));
    };
    super::rollback_shard::all(run, &opened, env, run.settings.dry_run).await
}
