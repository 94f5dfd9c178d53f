//! `plan`, `promote` and `rollback`: choose the environment, check the inputs
//! it needs before any AWS call, run the command, record the GitHub
//! Deployment, and emit the report.

pub mod canary;
pub mod canary_logs;
pub mod canary_match;
pub mod canary_window;
pub mod conclude;
pub mod environment;
pub mod execute;
pub mod guard;
pub mod housekeeping;
pub mod image;
pub mod move_alias;
pub mod outcome;
pub mod plan;
pub mod progress;
pub mod provenance;
pub mod prune;
pub mod readback;
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
    let raw = Clients::load(run.contract.region.as_deref(), crate::app::pacer(run)).await?;
    // Every call of the promotion ends soon after a signal; the restores that
    // follow a signal use `raw` (each is bounded on its own).
    let clients = raw.cancellable(&run.cancel);
    let run_info = RunInfo::from_env(|k| std::env::var(k).ok());
    let shown_command = if dry_run { "plan" } else { command.as_str() };
    let mut report = Report::new(
        shown_command,
        env.name.clone(),
        contract_label(&run.settings.contract),
    );
    let deployment = crate::github_sync::Deployment::start(run, env, command, dry_run);
    let end = if command == Command::Rollback {
        rollback::environment(run, &raw, env, dry_run, &run_info, &mut report).await
    } else {
        environment::promote(run, &clients, &raw, env, dry_run, &run_info, &mut report).await?
    };
    let end = cancelled_early(run, end, &mut report);
    // The Deployment status is a channel the runner does not mask either.
    if let Some(w) = deployment
        .finish(
            &run.emitter.scrubbed(&report),
            run.cancel.signal().is_some(),
        )
        .await
    {
        run.emitter.warning(&w);
        report.warnings.push(w);
    }
    run.emitter.report(&report)?;
    Ok(end)
}

/// A signal that cut a read short before any write (a check or the image
/// lookup failing because its call was cancelled) ends the run as cancelled,
/// not as drift or failure.
fn cancelled_early(run: &Run, end: End, report: &mut Report) -> End {
    let (End::Done(result), Some(sig)) = (&end, run.cancel.signal()) else {
        return end;
    };
    if matches!(result, Outcome::Success | Outcome::NoOp | Outcome::Planned) {
        return end;
    }
    report.result = if report.rolled_back {
        Outcome::RolledBack
    } else {
        Outcome::Failed
    };
    let name = if sig == 2 { "SIGINT" } else { "SIGTERM" };
    report.error = Some(match report.error.take() {
        Some(e) if e.starts_with("cancelled by") => e,
        Some(e) => format!("cancelled by {name}; {e}"),
        None => format!("cancelled by {name}"),
    });
    End::Cancelled(crate::error::Cancelled(sig))
}
