//! `plan` (and `promote` with `dry-run`): the environment the ref names, refused as
//! `promote` would refuse it, then planned without a write (`ops/plan.rs`).

use crate::ops;
use crate::report::model::Outcome;
use crate::run::{End, Run};
use crate::settings::Command;

/// `command` is the one the user asked for: a `skipped` report names it.
pub async fn plan(run: &Run, command: Command) -> anyhow::Result<End> {
    let Some(env) = ops::selected_environment(run, command)? else {
        return Ok(End::Done(Outcome::Skipped));
    };
    ops::promote::before_any_call(run, env)?;
    ops::plan::environment(run, env, command).await
}
