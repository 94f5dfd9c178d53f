//! `promote`: the environment the ref names, refused before any AWS call when the image
//! or the `timeout` cannot serve it, its shards opened, then deployed
//! (`ops/deploy.rs`). `app.rs` sends a dry run to `plan`.

use crate::ops::{self, deploy};
use crate::report::model::Outcome;
use crate::run::{End, Run};
use crate::settings::Command;

/// `promote` without `dry-run`.
pub async fn promote(run: &Run) -> anyhow::Result<End> {
    let Some(env) = ops::selected_environment(run, Command::Promote)? else {
        return Ok(End::Done(Outcome::Skipped));
    };
    deploy::before_any_call(run, env)?;
    let Some(opened) = ops::shards::open(run, env, Command::Promote).await? else {
        return Ok(End::Done(Outcome::Skipped));
    };
    deploy::environment(run, &opened, env).await
}
