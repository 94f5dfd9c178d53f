//! The contract checks: pure functions over a snapshot of live AWS state that
//! push findings, each with a stable [`Code`]. No AWS, no I/O. One file per
//! check kind; this one holds the entry and the sink they push into.

mod account;
mod assume;
mod cloudfront;
mod function;
mod function_env;
mod lifecycle;
mod log_group;
mod provisioned;
mod traffic;
mod way_back;

use crate::aws::{AwsError, ErrorKind};
use crate::config::model::{Check, Contract, Environment, Pos, Spot};
use crate::finding::{Code, Finding, Shown, Status};
use crate::jobenv::JobEnv;
use crate::observe::Observed;

/// What the checks need besides the contract and the snapshot.
pub struct Context<'a> {
    pub contract: &'a Contract,
    pub job: &'a JobEnv,
    /// A pull request from a fork: its secrets are empty by design.
    pub fork: bool,
    pub observed: &'a Observed,
    /// Which command the checks run for: a missing way back stops only a promotion.
    pub stage: Stage,
}

/// What the findings decide: `validate` and `plan` only report, `promote` stops on errors.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Stage {
    #[default]
    Validate,
    /// `allow_no_rollback`: the input of that name lets a promotion go on without a way back.
    Promote { allow_no_rollback: bool },
}

/// Runs every check of the given environments, in contract order.
pub fn all(ctx: &Context<'_>, envs: &[&Environment]) -> Vec<Finding> {
    let mut out = Vec::new();
    account::check(ctx, &mut out);
    for env in envs {
        function::targets(ctx, env, &mut out);
        traffic::check(ctx, env, &mut out);
        provisioned::check(ctx, env, &mut out);
        assume::check(ctx, env, &mut out);
        way_back::check(ctx, env, &mut out);
        for check in &env.checks {
            one(ctx, env, check, &mut out);
        }
    }
    out
}

/// Only the traffic check of `env`: a promotion that read the triggers beside its writes
/// (`promote/traffic_after.rs`) runs it on what it read.
pub fn traffic(ctx: &Context<'_>, env: &Environment) -> Vec<Finding> {
    let mut out = Vec::new();
    traffic::check(ctx, env, &mut out);
    out
}

/// Runs one check written in the contract.
fn one(ctx: &Context<'_>, env: &Environment, check: &Spot<Check>, out: &mut Vec<Finding>) {
    let kind = match &check.value {
        Check::Cloudfront { .. } => "cloudfront",
        Check::FunctionEnv { .. } => "function-env",
        Check::LogGroup { .. } => "log-group",
        Check::Function { .. } => "function",
    };
    let mut sink = Sink::new(out, &env.name, kind, Some(check.at));
    match &check.value {
        Check::Cloudfront { by, id_env } => {
            cloudfront::check(ctx, by, id_env.as_deref(), &mut sink);
        }
        Check::FunctionEnv {
            function,
            keys,
            equals_env,
        } => function_env::check(ctx, function, keys, equals_env, &mut sink),
        Check::LogGroup { name } => log_group::check(ctx, name, &mut sink),
        Check::Function { name_env } => function::named(ctx, name_env, &mut sink),
    }
}

/// A pre-flight read that failed: a warning, not drift, so a role without the newer read
/// actions keeps working (`iam-policy` prints them).
fn preflight_read_failed(sink: &mut Sink<'_>, resource: String, err: &AwsError) {
    let code = match err.kind {
        ErrorKind::AccessDenied => Code::AwsAccessDenied,
        // No credentials or no network: the run's one `error` line says it (`unreachable.rs`).
        ErrorKind::Network => Code::AwsUnreachable,
        _ => Code::AwsError,
    };
    let message = format!("pre-flight check not run: {err}");
    sink.record(
        resource,
        code,
        Status::Warning,
        Shown::None,
        Shown::None,
        message,
    );
}

/// Builds findings for one environment and check.
struct Sink<'a> {
    out: &'a mut Vec<Finding>,
    env: &'a str,
    check: &'static str,
    at: Option<Pos>,
}

impl<'a> Sink<'a> {
    fn new(out: &'a mut Vec<Finding>, env: &'a str, check: &'static str, at: Option<Pos>) -> Self {
        Sink {
            out,
            env,
            check,
            at,
        }
    }

    /// A finding with the status its code has.
    fn push(
        &mut self,
        resource: impl Into<String>,
        code: Code,
        expected: Shown,
        live: Shown,
        message: impl Into<String>,
    ) {
        self.record(resource, code, code.status(), expected, live, message);
    }

    fn record(
        &mut self,
        resource: impl Into<String>,
        code: Code,
        status: Status,
        expected: Shown,
        live: Shown,
        message: impl Into<String>,
    ) {
        self.out.push(Finding {
            environment: self.env.to_string(),
            check: self.check.to_string(),
            resource: resource.into(),
            code,
            status,
            expected,
            live,
            message: message.into(),
            at: self.at,
        });
    }

    fn pass(&mut self, resource: impl Into<String>, expected: Shown, live: Shown) {
        self.push(resource, Code::Ok, expected, live, "matches");
    }

    fn failed_lookup(&mut self, resource: impl Into<String>, err: &AwsError) {
        let code = match err.kind {
            ErrorKind::AccessDenied => Code::AwsAccessDenied,
            ErrorKind::Network => Code::AwsUnreachable,
            _ => Code::AwsError,
        };
        self.push(resource, code, Shown::None, Shown::None, err.to_string());
    }

    /// A secret the check needs is unset: skipped on a fork, drift otherwise.
    fn secret_unset(&mut self, resource: impl Into<String>, var: &str, fork: bool) {
        let expected = Shown::Plain(format!("${var}"));
        if fork {
            self.record(
                resource,
                Code::SecretUnset,
                Status::Skipped,
                expected,
                Shown::None,
                format!("skipped: `{var}` is empty on a pull request from a fork"),
            );
        } else {
            self.push(
                resource,
                Code::SecretUnset,
                expected,
                Shown::None,
                format!("the job env var `{var}` is unset or empty"),
            );
        }
    }

    /// A lookup that found nothing: `code` at error, the live side "absent".
    fn absent(
        &mut self,
        resource: impl Into<String>,
        code: Code,
        expected: Shown,
        message: impl Into<String>,
    ) {
        self.push(
            resource,
            code,
            expected,
            Shown::Plain("absent".into()),
            message,
        );
    }
}

#[cfg(test)]
mod tests;
