//! The terminal front: `lambda-promote <command> [options]`, with the same
//! options as the action inputs. Without a command the binary is the action.

use std::ffi::OsString;

use clap::{Args, Parser, Subcommand};

use crate::inputs::RawArgs;

#[derive(Debug, Parser)]
#[command(
    name = "lambda-promote",
    version,
    about = "Validate a Lambda infrastructure contract and promote one container image by digest",
    long_about = "Validate a Lambda infrastructure contract and promote one container image by digest.\n\n\
                  Run without a command inside a GitHub Actions job, it reads its inputs from INPUT_* variables."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Sub>,
}

#[derive(Debug, Subcommand)]
enum Sub {
    /// Run the contract checks of the selected environments (never writes).
    Validate(Opts),
    /// Validate, then show the promotion plan for one environment (never writes).
    Plan(Opts),
    /// Validate the target environment, then promote the image.
    Promote(Opts),
    /// Point the alias back to --to-version or the recorded previous version.
    Rollback(Opts),
    /// Print the least-privilege IAM policy JSON for the contract, role by role.
    IamPolicy(IamOpts),
    /// Show what each environment's aliases serve now, and the way back (never writes).
    Status(Opts),
    /// Write a first contract from the account's functions, aliases, log groups,
    /// distributions and the workflows' secrets (reads only; asks nothing).
    Init(InitArgs),
}

/// `init`'s options: it reads no contract, so it shares none of the others.
#[derive(Clone, Debug, Default, PartialEq, Eq, Args)]
pub struct InitArgs {
    /// Write the contract to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<std::path::PathBuf>,
    /// Overwrite FILE when it exists.
    #[arg(long, requires = "out")]
    pub force: bool,
}

/// What the command line asks for.
#[derive(Debug, PartialEq)]
pub enum Parsed {
    /// No command: the binary runs as the action.
    Action,
    /// A command over a contract, with its options as inputs (boxed: it is large).
    Command(Box<RawArgs>),
    /// `init`, which has no contract yet.
    Init(InitArgs),
}

#[derive(Debug, Args)]
struct IamOpts {
    #[command(flatten)]
    opts: Opts,
    /// Let every pull-request job of the repository assume the deploy roles
    /// (docs/security.md, "Security"); by default only the read-only validate role trusts them.
    #[arg(long)]
    pull_request_trust: bool,
}

#[derive(Debug, Args)]
struct Opts {
    /// Contract file [default: .github/lambda-promote.yml]
    #[arg(long, value_name = "FILE")]
    contract: Option<String>,
    /// Environment to act on; for validate, a comma-separated list (default: all).
    #[arg(long, value_name = "ENV")]
    environment: Option<String>,
    /// ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO:TAG or …/REPO@sha256:DIGEST
    #[arg(long, value_name = "IMAGE")]
    image: Option<String>,
    /// Rollback target version (default: the previous version recorded on the alias).
    #[arg(long, value_name = "VERSION")]
    to_version: Option<String>,
    /// Plan only: promote and rollback make no writes.
    #[arg(long)]
    dry_run: bool,
    /// Bound on the whole run's waiting, e.g. 15m, 90s, 1h30m [default: 15m]
    #[arg(long, value_name = "DURATION")]
    timeout: Option<String>,
    /// Output format [default: text]
    #[arg(long, value_name = "FORMAT", value_parser = ["text", "json"])]
    output: Option<String>,
    /// promote/rollback: act on one ENVIRONMENT/ACCOUNT/REGION shard (plan's `matrix`).
    #[arg(long, value_name = "SHARD")]
    shard: Option<String>,
    /// promote: go on when the image a rollback would return to is gone from ECR.
    #[arg(long)]
    allow_no_rollback: bool,
}

/// Parses the command line (with the program name first). [`Parsed::Action`] when no
/// command was given at all: the binary then runs as the action. `--help` and
/// `--version` come back as a `clap::Error` of kind `DisplayHelp` /
/// `DisplayVersion`, which `exit()` prints to stdout with status 0.
pub fn parse(argv: impl IntoIterator<Item = OsString>) -> Result<Parsed, clap::Error> {
    let cli = Cli::try_parse_from(argv)?;
    let Some(sub) = cli.command else {
        return Ok(Parsed::Action);
    };
    let (command, opts, pull_request_trust) = match sub {
        Sub::Validate(o) => ("validate", o, false),
        Sub::Plan(o) => ("plan", o, false),
        Sub::Promote(o) => ("promote", o, false),
        Sub::Rollback(o) => ("rollback", o, false),
        Sub::IamPolicy(o) => ("iam-policy", o.opts, o.pull_request_trust),
        Sub::Status(o) => ("status", o, false),
        Sub::Init(init) => return Ok(Parsed::Init(init)),
    };
    Ok(Parsed::Command(Box::new(RawArgs {
        command: Some(command.to_string()),
        contract: opts.contract,
        environment: opts.environment,
        image: opts.image,
        to_version: opts.to_version,
        dry_run: opts.dry_run.then(|| "true".to_string()),
        timeout: opts.timeout,
        github_token: None,
        pr_comment: None,
        github_deployment: None,
        output: opts.output,
        shard: opts.shard,
        pull_request_trust,
        allow_no_rollback: opts.allow_no_rollback.then(|| "true".to_string()),
    })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::error::ErrorKind;

    /// The inputs of a contract command; `None` for the action and `init`.
    fn run(args: &[&str]) -> Result<Option<RawArgs>, clap::Error> {
        parse_any(args).map(|p| match p {
            Parsed::Command(raw) => Some(*raw),
            _ => None,
        })
    }

    fn parse_any(args: &[&str]) -> Result<Parsed, clap::Error> {
        parse(
            std::iter::once("lambda-promote")
                .chain(args.iter().copied())
                .map(OsString::from),
        )
    }

    #[test]
    fn init_has_its_own_options() {
        assert_eq!(
            parse_any(&["init", "--out", "c.yml", "--force"]).unwrap(),
            Parsed::Init(InitArgs {
                out: Some("c.yml".into()),
                force: true
            })
        );
        assert_eq!(
            parse_any(&["init"]).unwrap(),
            Parsed::Init(InitArgs::default())
        );
        assert!(parse_any(&["init", "--force"]).is_err());
        assert!(parse_any(&["init", "--contract", "c.yml"]).is_err());
    }

    #[test]
    fn no_command_means_action_mode() {
        assert_eq!(parse_any(&[]).unwrap(), Parsed::Action);
    }

    #[test]
    fn every_option_lands_in_raw_args() {
        let raw = run(&[
            "promote",
            "--contract",
            "c.yml",
            "--environment",
            "prod",
            "--image",
            "1.dkr.ecr.r.amazonaws.com/a:b",
            "--to-version",
            "4",
            "--dry-run",
            "--timeout",
            "20m",
            "--output",
            "json",
        ])
        .unwrap()
        .unwrap();
        assert_eq!(
            raw,
            RawArgs {
                command: Some("promote".into()),
                contract: Some("c.yml".into()),
                environment: Some("prod".into()),
                image: Some("1.dkr.ecr.r.amazonaws.com/a:b".into()),
                to_version: Some("4".into()),
                dry_run: Some("true".into()),
                timeout: Some("20m".into()),
                output: Some("json".into()),
                ..RawArgs::default()
            }
        );
    }

    #[test]
    fn each_command_by_name() {
        for name in ["validate", "plan", "promote", "rollback", "iam-policy"] {
            let raw = run(&[name]).unwrap().unwrap();
            assert_eq!(raw.command.as_deref(), Some(name));
            assert_eq!(raw.dry_run, None);
        }
    }

    #[test]
    fn help_and_version_are_not_failures() {
        assert_eq!(run(&["--help"]).unwrap_err().kind(), ErrorKind::DisplayHelp);
        assert_eq!(
            run(&["--version"]).unwrap_err().kind(),
            ErrorKind::DisplayVersion
        );
        assert_eq!(
            run(&["plan", "--help"]).unwrap_err().kind(),
            ErrorKind::DisplayHelp
        );
    }

    #[test]
    fn bad_usage_is_an_error() {
        assert_eq!(
            run(&["deploy"]).unwrap_err().kind(),
            ErrorKind::InvalidSubcommand
        );
        assert_eq!(
            run(&["plan", "--output", "yaml"]).unwrap_err().kind(),
            ErrorKind::InvalidValue
        );
        assert_eq!(
            run(&["plan", "--bogus"]).unwrap_err().kind(),
            ErrorKind::UnknownArgument
        );
        assert!(run(&["--contract", "c.yml"]).is_err());
    }

    #[test]
    fn clap_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
