//! The plan of one environment (`plan`, and `promote` with `dry-run`): validate it and
//! show what promotion would do, without writing.

use crate::config::model::Environment;
use crate::report::matrix;
use crate::report::model::Outcome;
use crate::run::{End, Run};
use crate::settings::Command;

/// `command` is the one the user asked for: a `skipped` report names it.
pub(crate) async fn environment(
    run: &Run,
    env: &Environment,
    command: Command,
) -> anyhow::Result<End> {
    let Some(opened) = super::shards::open(run, env, command).await? else {
        return Ok(End::Done(Outcome::Skipped));
    };
    let entries = matrix::entries(&opened.shards);
    run.emitter.output("matrix", &matrix::render(&entries))?;
    super::promote::promoted(run, &opened, env).await
}
