//! `promote`: the environment the ref names, refused before any AWS call when the image
//! or the `timeout` cannot serve it, then promoted (`ops/promote.rs`). `app.rs` sends a
//! dry run to `plan`.

use crate::ops;
use crate::report::model::Outcome;
use crate::run::{End, Run};
use crate::settings::Command;

/// `promote` without `dry-run`.
pub async fn promote(run: &Run) -> anyhow::Result<End> {
    let Some(env) = ops::selected_environment(run, Command::Promote)? else {
        return Ok(End::Done(Outcome::Skipped));
    };
    ops::promote::before_any_call(run, env)?;
    ops::promote::environment(run, env).await
}
