//! `plan` (and `promote` with `dry-run`): validate the target
//! environment and show what promotion would do, without writing: it
//! holds only the read handle.

use crate::aws::Read;
use crate::config::model::{Environment, ImageSource};
use crate::error::UsageError;
use crate::promote::environment::{self, Prepared};
use crate::report::model::{Outcome, Report};
use crate::run::{End, Run};
use crate::settings::Command;

/// `command` is the one the user asked for: the `skipped` report names it.
pub async fn run(run: &Run, command: Command) -> anyhow::Result<End> {
    let Some(env) = super::environment(run, command)? else {
        return Ok(End::Done(Outcome::Skipped));
    };
    require_image(run, env)?;
    let read = Read::new(super::clients(run).await?).cancellable(&run.cancel);
    let mut report = Report::new("plan", env.name.clone(), run.contract_label());
    let outcome = match environment::prepare(run, &read, env, &mut report).await? {
        Prepared::Done(outcome) => outcome,
        Prepared::Ready(ready) => environment::planned(ready, read.region(), &mut report),
    };
    super::finish(run, End::Done(outcome), None, report).await
}

/// An environment that takes its image from the `image` input needs one,
/// before any AWS call.
pub(super) fn require_image(run: &Run, env: &Environment) -> Result<(), UsageError> {
    if env.image == ImageSource::Input && run.settings.image.is_none() {
        return Err(UsageError::input(
            "image",
            format!(
                "environment `{}` takes its image from the `image` input, which is empty",
                env.name
            ),
        ));
    }
    Ok(())
}
