//! `plan`, `promote` and `rollback`: choose the environment, check the inputs
//! it needs before any AWS call, run the command, record the GitHub
//! Deployment, and emit the report.

pub mod canary;
pub mod canary_window;
pub mod environment;
pub mod execute;
pub mod image;
pub mod outcome;
pub mod plan;
pub mod progress;
pub mod provenance;
pub mod prune;
pub mod restore;
pub mod rollback;
pub mod shift;
pub mod steps;
pub mod target;
pub mod wait;

use crate::app::{End, Run, contract_label};
use crate::aws::Clients;
use crate::config::model::ImageSource;
use crate::error::UsageError;
use crate::report::model::{Outcome, Report};
use crate::settings::Command;

use provenance::RunInfo;
use target::Target;

pub async fn command(run: &Run, command: Command) -> anyhow::Result<End> {
    let git_ref = std::env::var("GITHUB_REF").ok();
    let env = match target::choose(&run.settings, &run.contract, git_ref.as_deref())? {
        Target::Environment(env) => env,
        Target::Skipped(reason) => {
            let mut report = Report::new(
                command.as_str(),
                String::new(),
                contract_label(&run.settings.contract),
            );
            report.result = Outcome::Skipped;
            run.emitter.notice(&reason);
            report.notices.push(reason);
            run.emitter.report(&report)?;
            return Ok(End::Done(Outcome::Skipped));
        }
    };
    // dry-run turns promote and rollback into plan: nothing is written.
    let dry_run = run.settings.dry_run || command == Command::Plan;
    if command != Command::Rollback
        && env.image == ImageSource::Input
        && run.settings.image.is_none()
    {
        return Err(UsageError::input(
            "image",
            format!(
                "environment `{}` takes its image from the `image` input, which is empty",
                env.name
            ),
        )
        .into());
    }
    let clients = Clients::load(run.contract.region.as_deref(), crate::app::pacer(run)).await?;
    let run_info = RunInfo::from_env(|k| std::env::var(k).ok());
    let shown_command = if dry_run { "plan" } else { command.as_str() };
    let mut report = Report::new(
        shown_command,
        env.name.clone(),
        contract_label(&run.settings.contract),
    );
    let deployment = crate::github_sync::Deployment::start(run, env, command, dry_run);
    let end = if command == Command::Rollback {
        rollback::environment(run, &clients, env, dry_run, &run_info, &mut report).await
    } else {
        environment::promote(run, &clients, env, dry_run, &run_info, &mut report).await?
    };
    if let Some(w) = deployment.finish(&report).await {
        run.emitter.warning(&w);
        report.warnings.push(w);
    }
    run.emitter.report(&report)?;
    Ok(end)
}
