//! `plan` (and `promote` with `dry-run`): validate the target
//! environment and show what promotion would do, without writing.

use crate::report::matrix;
use crate::report::model::Outcome;
use crate::run::{End, Run};
use crate::settings::Command;

/// `command` is the one the user asked for: the `skipped` report names it.
pub async fn run(run: &Run, command: Command) -> anyhow::Result<End> {
    let Some(env) = super::environment(run, command)? else {
        return Ok(End::Done(Outcome::Skipped));
    };
    super::promote::before_any_call(run, env)?;
    let Some(opened) = super::shards::open(run, env, command).await? else {
        return Ok(End::Done(Outcome::Skipped));
    };
    let entries = matrix::entries(&opened.shards);
    run.emitter.output("matrix", &matrix::render(&entries))?;
    super::promote::environment(run, &opened, env).await
}
