//! The `function` checks: every function an environment deploys to is an
//! image function (and its alias exists), and a `function` check's job env var
//! names a function that exists.

use super::{Context, Sink};
use crate::aws::types::Lookup;
use crate::config::model::{Environment, FunctionTarget};
use crate::finding::{Code, Finding, Shown};

/// The implicit checks of every function an environment deploys to.
pub(super) fn targets(ctx: &Context<'_>, env: &Environment, out: &mut Vec<Finding>) {
    for f in &env.functions {
        let mut sink = Sink::new(out, &env.name, "function", Some(f.at));
        let resource = format!("{}:{}", f.name, f.alias);
        let expected = Shown::Plain(format!("image function, alias {}", f.alias));
        if is_image_function(ctx, f, &resource, &expected, &mut sink) {
            alias(ctx, f, resource, expected, &mut sink);
        }
    }
}

/// Whether the function exists as an image function; reports it if not.
fn is_image_function(
    ctx: &Context<'_>,
    f: &FunctionTarget,
    resource: &str,
    expected: &Shown,
    sink: &mut Sink<'_>,
) -> bool {
    match ctx.observed.functions.get(&f.name) {
        Some(Lookup::Found(info)) if !info.is_image() => sink.push(
            resource,
            Code::NotAnImageFunction,
            expected.clone(),
            Shown::Plain(format!("package type {}", info.package_type)),
            format!(
                "{} is a {} function; lambda-promote deploys container images",
                f.name, info.package_type
            ),
        ),
        Some(Lookup::Found(_)) => return true,
        Some(Lookup::Failed(e)) => sink.failed_lookup(resource, e),
        Some(Lookup::Missing) | None => sink.absent(
            resource,
            Code::FunctionNotFound,
            expected.clone(),
            format!("function {} does not exist", f.name),
        ),
    }
    false
}

fn alias(
    ctx: &Context<'_>,
    f: &FunctionTarget,
    resource: String,
    expected: Shown,
    sink: &mut Sink<'_>,
) {
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
            Code::AliasNotFound,
            expected,
            Shown::Plain("no alias".into()),
            format!(
                "alias {} of {} does not exist yet; promote will create it",
                f.alias, f.name
            ),
        ),
    }
}

/// A `function` check: the job env var `name_env` names an existing function.
pub(super) fn named(ctx: &Context<'_>, name_env: &str, sink: &mut Sink<'_>) {
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
        Some(Lookup::Missing) | None => sink.absent(
            resource,
            Code::FunctionNotFound,
            Shown::Redacted(name.redacted()),
            format!("`{name_env}` names a function that does not exist"),
        ),
    }
}
