//! The contract checks: pure functions over a snapshot of live AWS state that
//! push findings, each with a stable code. No AWS, no I/O.

use crate::aws::types::{Distribution, Lookup};
use crate::aws::{AwsError, ErrorKind};
use crate::config::model::{Check, Contract, DistributionSelector, Environment, Pos, Spot};
use crate::finding::{Finding, Shown, Status};
use crate::jobenv::JobEnv;
use crate::observe::Observed;
use crate::secret::{Secret, redact};

/// What the checks need besides the contract and the snapshot.
pub struct Context<'a> {
    pub contract: &'a Contract,
    pub job: &'a JobEnv,
    /// A pull request from a fork: its secrets are empty by design.
    pub fork: bool,
    pub observed: &'a Observed,
}

/// Runs every check of the given environments, in contract order.
pub fn run(ctx: &Context<'_>, envs: &[&Environment]) -> Vec<Finding> {
    let mut out = Vec::new();
    account(ctx, &mut out);
    for env in envs {
        functions(ctx, env, &mut out);
        for check in &env.checks {
            one(ctx, env, check, &mut out);
        }
    }
    out
}

/// Builds findings for one environment and check.
struct Sink<'a> {
    out: &'a mut Vec<Finding>,
    env: &'a str,
    check: &'static str,
    at: Option<Pos>,
}

impl Sink<'_> {
    fn push(
        &mut self,
        resource: impl Into<String>,
        code: &str,
        status: Status,
        expected: Shown,
        live: Shown,
        message: impl Into<String>,
    ) {
        self.out.push(Finding {
            environment: self.env.to_string(),
            check: self.check.to_string(),
            resource: resource.into(),
            code: code.to_string(),
            status,
            expected,
            live,
            message: message.into(),
            at: self.at,
        });
    }

    fn pass(&mut self, resource: impl Into<String>, expected: Shown, live: Shown) {
        self.push(resource, "ok", Status::Pass, expected, live, "matches");
    }

    fn failed_lookup(&mut self, resource: impl Into<String>, err: &AwsError) {
        let code = match err.kind {
            ErrorKind::AccessDenied => "aws-access-denied",
            _ => "aws-error",
        };
        self.push(
            resource,
            code,
            Status::Error,
            Shown::None,
            Shown::None,
            err.to_string(),
        );
    }

    /// A secret the check needs is unset: skipped on a fork, drift otherwise.
    fn secret_unset(&mut self, resource: impl Into<String>, var: &str, fork: bool) {
        if fork {
            self.push(
                resource,
                "secret-unset",
                Status::Skipped,
                Shown::Plain(format!("${var}")),
                Shown::None,
                format!("skipped: `{var}` is empty on a pull request from a fork"),
            );
        } else {
            self.push(
                resource,
                "secret-unset",
                Status::Error,
                Shown::Plain(format!("${var}")),
                Shown::None,
                format!("the job env var `{var}` is unset or empty"),
            );
        }
    }
}

fn account(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(Spot { value: want, at }) = &ctx.contract.account else {
        return;
    };
    let mut sink = Sink {
        out,
        env: "*",
        check: "account",
        at: Some(*at),
    };
    match &ctx.observed.account {
        Some(Lookup::Found(live)) if live == want => sink.pass(
            want.clone(),
            Shown::Plain(want.clone()),
            Shown::Plain(live.clone()),
        ),
        Some(Lookup::Found(live)) => sink.push(
            want.clone(),
            "account-mismatch",
            Status::Error,
            Shown::Plain(want.clone()),
            Shown::Plain(live.clone()),
            format!("the credentials act in account {live}, the contract allows only {want}"),
        ),
        Some(Lookup::Failed(e)) => sink.failed_lookup(want.clone(), e),
        Some(Lookup::Missing) | None => sink.push(
            want.clone(),
            "aws-error",
            Status::Error,
            Shown::Plain(want.clone()),
            Shown::None,
            "the caller identity could not be read",
        ),
    }
}

/// The implicit checks of every function an environment deploys to.
fn functions(ctx: &Context<'_>, env: &Environment, out: &mut Vec<Finding>) {
    for f in &env.functions {
        let mut sink = Sink {
            out,
            env: &env.name,
            check: "function",
            at: Some(f.at),
        };
        let resource = format!("{}:{}", f.name, f.alias);
        let expected = Shown::Plain(format!("image function, alias {}", f.alias));
        match ctx.observed.functions.get(&f.name) {
            Some(Lookup::Found(info)) if !info.is_image() => {
                sink.push(
                    resource,
                    "not-an-image-function",
                    Status::Error,
                    expected,
                    Shown::Plain(format!("package type {}", info.package_type)),
                    format!(
                        "{} is a {} function; lambda-promote deploys container images",
                        f.name, info.package_type
                    ),
                );
                continue;
            }
            Some(Lookup::Found(_)) => {}
            Some(Lookup::Failed(e)) => {
                sink.failed_lookup(resource, e);
                continue;
            }
            Some(Lookup::Missing) | None => {
                sink.push(
                    resource,
                    "function-not-found",
                    Status::Error,
                    expected,
                    Shown::Plain("absent".into()),
                    format!("function {} does not exist", f.name),
                );
                continue;
            }
        }
        match ctx.observed.aliases.get(&(f.name.clone(), f.alias.clone())) {
            Some(Lookup::Found(alias)) => {
                let live = if alias.is_split() {
                    format!("alias {} → {} (split)", f.alias, alias.version)
                } else {
                    format!("alias {} → {}", f.alias, alias.version)
                };
                sink.pass(resource, expected, Shown::Plain(live));
            }
            Some(Lookup::Failed(e)) => sink.failed_lookup(resource, e),
            // The first promotion creates the alias, so its absence alone does not block.
            Some(Lookup::Missing) | None => sink.push(
                resource,
                "alias-not-found",
                Status::Warning,
                expected,
                Shown::Plain("no alias".into()),
                format!(
                    "alias {} of {} does not exist yet; promote will create it",
                    f.alias, f.name
                ),
            ),
        }
    }
}

fn one(ctx: &Context<'_>, env: &Environment, check: &Spot<Check>, out: &mut Vec<Finding>) {
    match &check.value {
        Check::Cloudfront { by, id_env } => {
            let mut sink = Sink {
                out,
                env: &env.name,
                check: "cloudfront",
                at: Some(check.at),
            };
            cloudfront(ctx, by, id_env.as_deref(), &mut sink);
        }
        Check::FunctionEnv {
            function,
            keys,
            equals_env,
        } => {
            let mut sink = Sink {
                out,
                env: &env.name,
                check: "function-env",
                at: Some(check.at),
            };
            let info = match ctx.observed.functions.get(function) {
                Some(Lookup::Found(info)) => info,
                Some(Lookup::Failed(e)) => return sink.failed_lookup(function.clone(), e),
                Some(Lookup::Missing) | None => {
                    return sink.push(
                        function.clone(),
                        "function-not-found",
                        Status::Error,
                        Shown::Plain(format!("keys {}", keys.join(", "))),
                        Shown::Plain("absent".into()),
                        format!("function {function} does not exist"),
                    );
                }
            };
            let missing: Vec<&str> = keys
                .iter()
                .filter(|k| !info.env.contains_key(k.as_str()))
                .map(String::as_str)
                .collect();
            let mut failed = false;
            if !missing.is_empty() {
                failed = true;
                sink.push(
                    function.clone(),
                    "function-env-missing",
                    Status::Error,
                    Shown::Plain(missing.join(", ")),
                    Shown::Plain(format!("{} keys set", info.env.len())),
                    format!("{function} lacks the runtime key(s) {}", missing.join(", ")),
                );
            }
            for (key, var) in equals_env {
                let resource = format!("{function} {key}");
                let Some(live) = info.env.get(key) else {
                    continue; // already reported as missing
                };
                match ctx.job.get(var) {
                    None => {
                        failed = true;
                        sink.secret_unset(resource, var, ctx.fork);
                    }
                    Some(want) if want.expose() != live.expose() => {
                        failed = true;
                        sink.push(
                            resource,
                            "function-env-mismatch",
                            Status::Error,
                            Shown::Redacted(want.redacted()),
                            Shown::Hidden,
                            format!("{key} of {function} differs from `{var}`"),
                        );
                    }
                    Some(_) => {}
                }
            }
            if !failed {
                sink.pass(
                    function.clone(),
                    Shown::Plain(format!("keys {}", keys.join(", "))),
                    Shown::Plain("all present".into()),
                );
            }
        }
        Check::LogGroup { name } => {
            let mut sink = Sink {
                out,
                env: &env.name,
                check: "log-group",
                at: Some(check.at),
            };
            match ctx.observed.log_groups.get(name) {
                Some(Lookup::Found(())) => sink.pass(
                    name.clone(),
                    Shown::Plain("exists".into()),
                    Shown::Plain("exists".into()),
                ),
                Some(Lookup::Failed(e)) => sink.failed_lookup(name.clone(), e),
                Some(Lookup::Missing) | None => sink.push(
                    name.clone(),
                    "log-group-not-found",
                    Status::Error,
                    Shown::Plain("exists".into()),
                    Shown::Plain("absent".into()),
                    format!("log group {name} does not exist"),
                ),
            }
        }
        Check::Function { name_env } => {
            let mut sink = Sink {
                out,
                env: &env.name,
                check: "function",
                at: Some(check.at),
            };
            let resource = format!("${name_env}");
            let Some(name) = ctx.job.get(name_env) else {
                return sink.secret_unset(resource, name_env, ctx.fork);
            };
            match ctx.observed.functions.get(name.expose()) {
                Some(Lookup::Found(_)) => sink.pass(
                    resource,
                    Shown::Redacted(name.redacted()),
                    Shown::Plain("exists".into()),
                ),
                Some(Lookup::Failed(e)) => sink.failed_lookup(resource, e),
                Some(Lookup::Missing) | None => sink.push(
                    resource,
                    "function-not-found",
                    Status::Error,
                    Shown::Redacted(name.redacted()),
                    Shown::Plain("absent".into()),
                    format!("`{name_env}` names a function that does not exist"),
                ),
            }
        }
    }
}

fn cloudfront(
    ctx: &Context<'_>,
    by: &DistributionSelector,
    id_env: Option<&str>,
    sink: &mut Sink<'_>,
) {
    let (resource, matching): (String, fn(&Distribution, &str) -> bool) = match by {
        DistributionSelector::Comment(c) => (format!("comment {c}"), |d, c| d.comment == c),
        DistributionSelector::Alias(a) => (format!("alias {a}"), |d, a| {
            d.aliases.iter().any(|x| x.eq_ignore_ascii_case(a))
        }),
    };
    let key = match by {
        DistributionSelector::Comment(k) | DistributionSelector::Alias(k) => k.as_str(),
    };
    let all = match &ctx.observed.distributions {
        Some(Lookup::Found(all)) => all,
        Some(Lookup::Failed(e)) => return sink.failed_lookup(resource, e),
        Some(Lookup::Missing) | None => &Vec::new(),
    };
    let found: Vec<&Distribution> = all.iter().filter(|d| matching(d, key)).collect();
    // The live Id is shown redacted whenever it is compared with a secret:
    // when they match it *is* the secret.
    let show_id = |id: &str| match id_env {
        Some(_) => Shown::Redacted(redact(id)),
        None => Shown::Plain(id.to_string()),
    };
    let d = match found.as_slice() {
        [] => {
            return sink.push(
                resource,
                "cloudfront-not-found",
                Status::Error,
                Shown::Plain("one distribution".into()),
                Shown::Plain("none".into()),
                format!("no CloudFront distribution has {}", describe(by)),
            );
        }
        [d] => *d,
        many => {
            let ids: Vec<String> = many.iter().map(|d| show_id(&d.id).to_string()).collect();
            return sink.push(
                resource,
                "cloudfront-ambiguous",
                Status::Error,
                Shown::Plain("one distribution".into()),
                Shown::Plain(ids.join(", ")),
                format!(
                    "{} CloudFront distributions have {}",
                    many.len(),
                    describe(by)
                ),
            );
        }
    };
    let mut failed = false;
    if !d.enabled {
        failed = true;
        sink.push(
            resource.clone(),
            "cloudfront-disabled",
            Status::Warning,
            Shown::Plain("enabled".into()),
            Shown::Plain("disabled".into()),
            format!("the distribution with {} is disabled", describe(by)),
        );
    }
    if let Some(var) = id_env {
        match ctx.job.get(var) {
            None => {
                failed = true;
                sink.secret_unset(resource.clone(), var, ctx.fork);
            }
            Some(want) if !want.expose().eq_ignore_ascii_case(&d.id) => {
                failed = true;
                sink.push(
                    resource.clone(),
                    "cloudfront-id-mismatch",
                    Status::Error,
                    Shown::Redacted(want.redacted()),
                    Shown::Redacted(Secret::new(d.id.clone()).redacted()),
                    format!(
                        "`{var}` does not hold the Id of the distribution with {}",
                        describe(by)
                    ),
                );
            }
            Some(_) => {}
        }
    }
    if !failed {
        let expected = match id_env {
            Some(var) => Shown::Plain(format!("Id = ${var}")),
            None => Shown::Plain("one distribution".into()),
        };
        sink.pass(resource, expected, show_id(&d.id));
    }
}

fn describe(by: &DistributionSelector) -> String {
    match by {
        DistributionSelector::Comment(c) => format!("comment `{c}`"),
        DistributionSelector::Alias(a) => format!("alias `{a}`"),
    }
}

#[cfg(test)]
mod tests;
