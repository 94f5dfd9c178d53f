//! Entry point: a thin shell around `app::run` that prints the error chain
//! once and maps the outcome to the exit codes of the README's "Exit codes and results".
//! What it prints (an error, a panic) goes through the run's scrubber first: no secret
//! leaves this way either.

use std::process::ExitCode;

use lambda_promote::app;
use lambda_promote::cancel::Cancel;
use lambda_promote::error::{UsageError, exit};
use lambda_promote::report::scrub::Shared;

fn main() -> ExitCode {
    // As `app::run` decides: no arguments, and on a runner.
    let action_mode = std::env::args_os().len() <= 1
        && std::env::var_os("GITHUB_ACTIONS").is_some_and(|v| v == "true");
    let scrubber = Shared::default();
    // A panic is a bug, but the user still gets one clear line, not a backtrace.
    let hook_scrubber = scrubber.clone();
    std::panic::set_hook(Box::new(move |info| {
        let line = format!("lambda-promote: internal error: {info}; please report this");
        eprintln!("{}", hook_scrubber.text(&line));
    }));
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            return fail(
                action_mode,
                &anyhow::anyhow!("cannot start the runtime: {e}"),
                exit::FAILED,
                &scrubber,
            );
        }
    };
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        runtime.block_on(async {
            let cancel = Cancel::install()?;
            app::run(std::env::args_os().collect(), cancel, scrubber.clone()).await
        })
    }));
    match result {
        Ok(Ok(end)) => ExitCode::from(end.exit_code()),
        Ok(Err(err)) => {
            if let Some(clap_err) = err.downcast_ref::<clap::Error>() {
                // --help and --version print and exit 0; bad arguments exit 2.
                let _ = clap_err.print();
                return ExitCode::from(if clap_err.use_stderr() {
                    exit::USAGE
                } else {
                    exit::OK
                });
            }
            let code = if err.downcast_ref::<UsageError>().is_some() {
                exit::USAGE
            } else {
                exit::FAILED
            };
            fail(action_mode, &err, code, &scrubber)
        }
        Err(_) => ExitCode::from(exit::FAILED),
    }
}

fn fail(action_mode: bool, err: &anyhow::Error, code: u8, scrubber: &Shared) -> ExitCode {
    let msg = scrubber.text(&format!("{err:#}"));
    if action_mode {
        println!(
            "::error::{}",
            lambda_promote::github::commands::escape_data(&msg)
        );
    }
    eprintln!("error: {msg}");
    ExitCode::from(code)
}
