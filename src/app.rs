//! Dispatch only: assemble the [`Run`] (inputs, settings, contract, the
//! runner's environment, masking) and hand it to the command that was asked
//! for. Each command's flow lives in `command/`.

use std::ffi::OsString;

use crate::cancel::Cancel;
use crate::command;
use crate::error::UsageError;
use crate::github::event::{self, Event};
use crate::jobenv::JobEnv;
use crate::report::emit::Emitter;
use crate::run::{End, Run, RunnerEnv};
use crate::scrub::{Scrubber, Shared};
use crate::settings::{self, Command};
use crate::{cli, config, inputs, select};

/// Parses the arguments (CLI mode) or the `INPUT_*` env (action mode) and runs.
/// Errors that reach `main` are printed once there, through `scrubber`, which
/// knows every secret from the moment it is read.
pub async fn run(argv: Vec<OsString>, cancel: Cancel, scrubber: Shared) -> anyhow::Result<End> {
    let (raw, action_mode) = match cli::parse(argv)? {
        Some(raw) => (raw, false),
        None => (inputs::from_env(std::env::vars())?, true),
    };
    let runner = RunnerEnv::capture();
    let settings = settings::resolve(raw, action_mode, runner.workspace.as_deref())?;
    let emitter = Emitter::new(&settings, &runner.files, scrubber);
    if let Some(token) = &settings.github_token {
        emitter.mask(token.expose());
        emitter.set_scrubber(Scrubber::new([token.expose()], None));
    }
    let contract = match config::load(&settings.contract, &settings.contract_file) {
        Ok(c) => c,
        Err(e) => {
            emitter.contract_error(&e);
            return Err(e.into());
        }
    };
    // Mask every secret before anything else is printed.
    let job = JobEnv::capture(contract.secret_env_names(), |n| std::env::var(n).ok());
    for s in job.secrets() {
        emitter.mask(s.expose());
    }
    let token = settings.github_token.as_ref().map(|t| t.expose());
    emitter.set_scrubber(Scrubber::new(
        job.secrets().map(|s| s.expose()).chain(token),
        Some(&contract),
    ));
    // iam-policy is CLI only and reads no event.
    let event = if action_mode && settings.command != Command::IamPolicy {
        event::load(&runner.event_name, runner.event_path.as_deref())?
    } else {
        Event::default()
    };
    let run = Run {
        settings,
        contract,
        job,
        event,
        emitter: std::sync::Arc::new(emitter),
        cancel,
        runner,
    };
    dispatch(run).await
}

async fn dispatch(run: Run) -> anyhow::Result<End> {
    let command = match run.settings.command {
        Command::Auto => select::decide_command(Command::Auto, &run.event.name)?,
        c => c,
    };
    match command {
        Command::Validate => command::validate::run(&run).await,
        Command::Plan => command::plan::run(&run, Command::Plan).await,
        Command::Promote => command::promote::run(&run).await,
        Command::Rollback => command::rollback::run(&run).await,
        Command::IamPolicy => command::iam_policy::run(&run).await,
        Command::Status => command::status::run(&run).await,
        Command::Auto => {
            Err(UsageError::Selection(format!("`{}` cannot run here", command.as_str())).into())
        }
    }
}
