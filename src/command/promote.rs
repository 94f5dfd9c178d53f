//! `promote`: validate the target environment, then promote the image
//! through all its (account, region) shards as one (`promote_parts.rs`),
//! recording a GitHub Deployment alongside. With `dry-run`, `plan`.

use crate::report::model::Outcome;
use crate::run::{End, Run};
use crate::settings::Command;

pub async fn run(run: &Run) -> anyhow::Result<End> {
    // dry-run turns promote into plan: nothing is written.
    if run.settings.dry_run {
        return super::plan::run(run, Command::Promote).await;
    }
    let Some(env) = super::environment(run, Command::Promote)? else {
        return Ok(End::Done(Outcome::Skipped));
    };
    super::plan::before_any_call(run, env)?;
    let Some(opened) = super::shards::open(run, env, Command::Promote).await? else {
        return Ok(End::Done(Outcome::Skipped));
    };
    super::promote_parts::run(run, &opened, env, false).await
}
