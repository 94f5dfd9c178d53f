//! Dispatch only: assemble the [`Run`] (inputs, settings, contract, the
//! runner's environment, masking) and hand it to the command that was asked
//! for. Each command's flow lives in `command/`, over the shared steps of `ops/`.

use std::ffi::OsString;

use crate::auto::{self, Auto};
use crate::cancel::Cancel;
use crate::command;
use crate::error::UsageError;
use crate::github::event::{self, Event};
use crate::jobenv::JobEnv;
use crate::ops::contract_comment;
use crate::report::emit::Emitter;
use crate::report::model::{Outcome, Report};
use crate::report::scrub::{Scrubber, Shared};
use crate::run::{End, Run, RunnerEnv};
use crate::settings::{self, Command};
use crate::{cli, config, input_names, inputs};

/// Parses the arguments (CLI mode) or the `INPUT_*` env (action mode) and runs.
/// Errors that reach `main` are printed once there, through `scrubber`, which
/// knows every secret from the moment it is read.
pub async fn run(argv: Vec<OsString>, cancel: Cancel, scrubber: Shared) -> anyhow::Result<End> {
    let mut spelling = Vec::new();
    let (raw, action_mode) = match cli::parse(argv)? {
        cli::Parsed::Command(raw) => (*raw, false),
        // `init` has no contract to load, nor a run to assemble.
        cli::Parsed::Init(args) => return command::init::init(&args, &cancel).await,
        cli::Parsed::Action => {
            let (vars, warnings) = input_names::spell(utf8_env()?)?;
            spelling = warnings;
            (inputs::from_env(vars)?, true)
        }
    };
    let runner = RunnerEnv::capture();
    let settings = settings::resolve(raw, action_mode, runner.workspace.as_deref())?;
    let emitter = Emitter::new(&settings, &runner.files, scrubber);
    for w in &spelling {
        emitter.run_warning(w);
    }
    if let Some(token) = &settings.github_token {
        emitter.mask(token.expose());
        emitter.set_scrubber(Scrubber::new([token.expose()], None));
    }
    let contract = match config::load(&settings.contract, &settings.contract_file) {
        Ok(c) => c,
        Err(e) => {
            emitter.contract_error(&e);
            if let UsageError::Contract(diags) = &e {
                contract_comment::post(&settings, &runner, &emitter, diags).await;
            }
            return Err(e.into());
        }
    };
    // Mask every secret before anything else is printed.
    let job = JobEnv::capture(contract.secret_env_names(), |n| std::env::var(n).ok());
    for s in job.secrets() {
        emitter.mask(s.expose());
    }
    let token = settings.github_token.as_ref().map(|t| t.expose());
    let aws = aws_env_secrets();
    emitter.set_scrubber(Scrubber::new(
        job.secrets()
            .map(|s| s.expose())
            .chain(token)
            .chain(aws.iter().map(String::as_str)),
        Some(&contract),
    ));
    // A CloudFront id is compared ignoring case, so it is hidden in any case.
    for s in contract.folded_secret_env_names() {
        if let Some(v) = job.get(s) {
            emitter.add_folded_secret(v.expose());
        }
    }
    for s in &aws {
        emitter.mask(s);
    }
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

/// The action's environment, as text. Action mode is for the runner only:
/// elsewhere a bare `lambda-promote` would print `::add-mask::` commands (the
/// secrets in clear) to a terminal or a log, so it is a usage error.
/// A variable that is not UTF-8 is an error when it is an input, else ignored
/// (`std::env::vars` would panic on it).
fn utf8_env() -> Result<Vec<(String, String)>, UsageError> {
    if std::env::var_os("GITHUB_ACTIONS").is_none_or(|v| v != "true") {
        return Err(UsageError::input(
            "command",
            "no command given: run `lambda-promote --help` (without arguments it runs as a GitHub Action, only where GITHUB_ACTIONS=true)",
        ));
    }
    let mut vars = Vec::new();
    for (k, v) in std::env::vars_os() {
        match (k.into_string(), v.into_string()) {
            (Ok(k), Ok(v)) => vars.push((k, v)),
            (Ok(k), Err(_)) if k.starts_with("INPUT_") => {
                return Err(UsageError::input(
                    &k["INPUT_".len()..].to_ascii_lowercase(),
                    "is not valid UTF-8",
                ));
            }
            _ => {}
        }
    }
    Ok(vars)
}

/// The AWS secret key and session token of the environment: the SDK signs
/// with them, and AWS quotes the token back in some errors
/// (`SignatureDoesNotMatch` quotes the canonical request).
fn aws_env_secrets() -> Vec<String> {
    [
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN",
    ]
    .iter()
    .filter_map(|n| std::env::var(n).ok())
    .filter(|v| !v.trim().is_empty())
    .collect()
}

async fn dispatch(mut run: Run) -> anyhow::Result<End> {
    let command = match run.settings.command {
        Command::Auto => {
            let named = !run.settings.environments.is_empty();
            let git_ref = run.runner.git_ref();
            match auto::decide(&run.event, &run.contract, git_ref, named)? {
                Auto::Run(command) => command,
                Auto::Skip { command, reason } => return skipped(&run, command, reason),
            }
        }
        c => c,
    };
    run.settings = run.settings.resolved(command);
    match command {
        Command::Validate => command::validate::validate(&run).await,
        Command::Plan => command::plan::plan(&run, Command::Plan).await,
        // A dry run of promote is its plan: nothing is written.
        Command::Promote if run.settings.dry_run => {
            command::plan::plan(&run, Command::Promote).await
        }
        Command::Promote => command::promote::promote(&run).await,
        Command::Rollback => command::rollback::rollback(&run).await,
        Command::IamPolicy => command::iam_policy::iam_policy(&run).await,
        Command::Status => command::status::status(&run).await,
        Command::Auto => {
            Err(UsageError::Selection(format!("`{}` cannot run here", command.as_str())).into())
        }
    }
}

/// An event `auto` leaves alone: a `skipped` report saying why, exit 0.
fn skipped(run: &Run, command: Command, reason: String) -> anyhow::Result<End> {
    let mut report = Report::new(command, String::new(), run.contract_label());
    report.result = Outcome::Skipped;
    run.emitter.notice(&reason);
    report.notices.push(reason);
    run.emitter.report(&report)?;
    Ok(End::Done(Outcome::Skipped))
}
