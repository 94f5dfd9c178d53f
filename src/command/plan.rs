//! `plan` (and `promote` with `dry-run`): the environment the ref names, refused as
//! `promote` would refuse it, its shards opened and listed in the `matrix` output, then
//! validated and planned without a write (`ops/deploy.rs`).

use crate::ops::{self, deploy};
use crate::report::matrix;
use crate::report::model::Outcome;
use crate::run::{End, Run};
use crate::settings::Command;

/// `command` is the one the user asked for: a `skipped` report names it.
pub async fn plan(run: &Run, command: Command) -> anyhow::Result<End> {
    let Some(env) = ops::selected_environment(run, command)? else {
        return Ok(End::Done(Outcome::Skipped));
    };
    deploy::before_any_call(run, env)?;
    let Some(opened) = ops::shards::open(run, env, command).await? else {
        return Ok(End::Done(Outcome::Skipped));
    };
    let entries = matrix::entries(&opened.shards);
    run.emitter.output("matrix", &matrix::render(&entries))?;
    deploy::environment(run, &opened, env).await
}
