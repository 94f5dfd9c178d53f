//! `rollback`: the environment the ref (or the `environment` input) names, its aliases
//! pointed back to `to-version` or to the version recorded as previous
//! (`ops/rollback.rs`). With `dry-run`, only the plan.

use crate::ops;
use crate::report::model::Outcome;
use crate::run::{End, Run};
use crate::settings::Command;

pub async fn rollback(run: &Run) -> anyhow::Result<End> {
    let Some(env) = ops::selected_environment(run, Command::Rollback)? else {
        return Ok(End::Done(Outcome::Skipped));
    };
    ops::rollback::environment(run, env).await
}
