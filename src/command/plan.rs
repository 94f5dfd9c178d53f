//! `plan` (and `promote` with `dry-run`): validate the target
//! environment and show what promotion would do, without writing.

use crate::config::model::{Environment, ImageSource};
use crate::error::UsageError;
use crate::promote::canary::time;
use crate::report::matrix;
use crate::report::model::Outcome;
use crate::run::{End, Run};
use crate::settings::Command;

/// `command` is the one the user asked for: the `skipped` report names it.
pub async fn run(run: &Run, command: Command) -> anyhow::Result<End> {
    let Some(env) = super::environment(run, command)? else {
        return Ok(End::Done(Outcome::Skipped));
    };
    before_any_call(run, env)?;
    let Some(opened) = super::shards::open(run, env, command).await? else {
        return Ok(End::Done(Outcome::Skipped));
    };
    let entries = matrix::entries(&opened.shards);
    run.emitter.output("matrix", &matrix::render(&entries))?;
    super::promote_parts::run(run, &opened, env, true).await
}

/// What `plan` and `promote` refuse before any AWS call: a missing image, and
/// a `timeout` shorter than the canary.
pub(super) fn before_any_call(run: &Run, env: &Environment) -> Result<(), UsageError> {
    require_image(run, env)?;
    time::refuse_short_timeout(env, run.settings.timeout)
}

/// An environment that takes its image from the `image` input needs one,
/// before any AWS call; one that takes it `from:` another ignores the input,
/// and says so.
fn require_image(run: &Run, env: &Environment) -> Result<(), UsageError> {
    match (&env.image, &run.settings.image) {
        (ImageSource::Input, None) => Err(UsageError::input(
            "image",
            format!(
                "environment `{}` takes its image from the `image` input, which is empty",
                env.name
            ),
        )),
        (ImageSource::From(from), Some(_)) => {
            run.emitter.run_warning(&format!(
                "input `image` is ignored: environment `{}` promotes the image `{from}` serves (`image: {{ from: {from} }}`); remove the input, or set `image: input` in the contract",
                env.name
            ));
            Ok(())
        }
        _ => Ok(()),
    }
}
