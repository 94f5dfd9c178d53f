//! `promote`: validate the target environment, then promote the image
//! through it, recording a GitHub Deployment alongside.

use crate::github::sync::Deployment;
use crate::promote::environment;
use crate::report::model::{Outcome, Report};
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
    super::plan::require_image(run, env)?;
    let raw = super::clients(run).await?;
    // Every call of the promotion ends soon after a signal; the restores that
    // follow a signal use `raw` (each is bounded on its own).
    let clients = raw.cancellable(&run.cancel);
    let mut report = Report::new("promote", env.name.clone(), run.contract_label());
    let deployment = Deployment::start(run, env, Command::Promote, false);
    let info = &run.runner.info;
    let end = environment::promote(run, &clients, &raw, env, false, info, &mut report).await?;
    super::finish(run, end, Some(deployment), report).await
}
