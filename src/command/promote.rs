//! `promote`: validate the target environment, then promote the image
//! through it, recording a GitHub Deployment alongside. The read side
//! (`promote/environment.rs`) gets the read handle; only execute
//! (`promote/execute/`) gets the write handles.

use crate::aws::{Read, Write};
use crate::github::sync::Deployment;
use crate::promote::environment::{self, Prepared};
use crate::promote::{execute, outcome};
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
    let clients = super::clients(run).await?;
    // Every call of the promotion ends soon after a signal; the restores that
    // follow a signal use `restore` (each is bounded on its own).
    let read = Read::new(clients.clone()).cancellable(&run.cancel);
    let mut report = Report::new("promote", env.name.clone(), run.contract_label());
    let deployment = Deployment::start(run, env, Command::Promote, false);
    let ready = match environment::prepare(run, &read, env, &mut report).await? {
        Prepared::Done(outcome) => {
            return super::finish(run, End::Done(outcome), Some(deployment), report).await;
        }
        Prepared::Ready(ready) => ready,
    };
    let restore = Write::new(clients);
    let write = restore.cancellable(&run.cancel);
    let info = &run.runner.info;
    let ctx = execute::Context {
        run,
        write: &write,
        restore: &restore,
        env,
        run_info: info,
        image: &ready.image,
        observed: &ready.observed,
    };
    let executed = execute::environment(&ctx, &ready.plans).await;
    let end = outcome::conclude(
        &ready.plans,
        executed,
        run.cancel.signal(),
        read.region(),
        ready.promotion,
        &mut report,
    );
    super::finish(run, end, Some(deployment), report).await
}
