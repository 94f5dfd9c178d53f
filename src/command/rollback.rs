//! `rollback`: point the environment's aliases back to `to-version` or to
//! the version recorded as previous, recording a GitHub Deployment alongside.

use crate::config::model::Environment;
use crate::github::sync::Deployment;
use crate::promote::rollback;
use crate::report::model::{Outcome, Report};
use crate::run::{End, Run};
use crate::settings::Command;

pub async fn run(run: &Run) -> anyhow::Result<End> {
    let dry_run = run.settings.dry_run;
    let Some(env) = super::environment(run, Command::Rollback)? else {
        return Ok(End::Done(Outcome::Skipped));
    };
    run_on(run, env, dry_run).await
}

/// Rolls `env` back; with `dry_run`, only shows the plan.
async fn run_on(run: &Run, env: &Environment, dry_run: bool) -> anyhow::Result<End> {
    let raw = super::clients(run).await?;
    let shown = if dry_run { "plan" } else { "rollback" };
    let mut report = Report::new(shown, env.name.clone(), run.contract_label());
    let deployment = Deployment::start(run, env, Command::Rollback, dry_run);
    let info = &run.runner.info;
    let end = rollback::environment(run, &raw, env, dry_run, info, &mut report).await;
    super::finish(run, end, Some(deployment), report).await
}
