//! The `cloudfront` check: exactly one distribution matches the selector
//! (`comment` or `alias`), it is enabled, and its Id equals the `id-env`
//! secret. A live Id compared with a secret is shown redacted.

use super::{Context, Sink};
use crate::aws::types::{Distribution, Lookup};
use crate::config::model::DistributionSelector;
use crate::finding::{Code, Shown};
use crate::secret::{Secret, redact};

pub(super) fn check(
    ctx: &Context<'_>,
    by: &DistributionSelector,
    id_env: Option<&str>,
    sink: &mut Sink<'_>,
) {
    let resource = match by {
        DistributionSelector::Comment(c) => format!("comment {c}"),
        DistributionSelector::Alias(a) => format!("alias {a}"),
    };
    let all = match &ctx.observed.distributions {
        Some(Lookup::Found(all)) => all.as_slice(),
        Some(Lookup::Failed(e)) => return sink.failed_lookup(resource, e),
        Some(Lookup::Missing) | None => &[],
    };
    // The live Id is shown redacted whenever it is compared with a secret:
    // when they match it *is* the secret.
    let show_id = |id: &str| match id_env {
        Some(_) => Shown::Redacted(redact(id)),
        None => Shown::Plain(id.to_string()),
    };
    let Some(d) = the_one(all, by, &resource, show_id, sink) else {
        return;
    };
    let disabled = disabled(d, by, &resource, sink);
    let differs = id_env.is_some_and(|var| id_differs(ctx, d, by, var, &resource, sink));
    if !disabled && !differs {
        let expected = match id_env {
            Some(var) => Shown::Plain(format!("Id = ${var}")),
            None => Shown::Plain("one distribution".into()),
        };
        sink.pass(resource, expected, show_id(&d.id));
    }
}

/// The one distribution the selector matches; reports none or many.
fn the_one<'d>(
    all: &'d [Distribution],
    by: &DistributionSelector,
    resource: &str,
    show_id: impl Fn(&str) -> Shown,
    sink: &mut Sink<'_>,
) -> Option<&'d Distribution> {
    let found: Vec<&Distribution> = all.iter().filter(|d| matches(d, by)).collect();
    let one = Shown::Plain("one distribution".into());
    match found.as_slice() {
        [] => sink.push(
            resource,
            Code::CloudfrontNotFound,
            one,
            Shown::Plain("none".into()),
            format!("no CloudFront distribution has {}", describe(by)),
        ),
        [d] => return Some(*d),
        many => {
            let ids: Vec<String> = many.iter().map(|d| show_id(&d.id).to_string()).collect();
            sink.push(
                resource,
                Code::CloudfrontAmbiguous,
                one,
                Shown::Plain(ids.join(", ")),
                format!(
                    "{} CloudFront distributions have {}",
                    many.len(),
                    describe(by)
                ),
            );
        }
    }
    None
}

fn matches(d: &Distribution, by: &DistributionSelector) -> bool {
    match by {
        DistributionSelector::Comment(c) => d.comment == *c,
        DistributionSelector::Alias(a) => d.aliases.iter().any(|x| x.eq_ignore_ascii_case(a)),
    }
}

/// Reports a disabled distribution (a warning); whether it is disabled.
fn disabled(
    d: &Distribution,
    by: &DistributionSelector,
    resource: &str,
    sink: &mut Sink<'_>,
) -> bool {
    if !d.enabled {
        sink.push(
            resource,
            Code::CloudfrontDisabled,
            Shown::Plain("enabled".into()),
            Shown::Plain("disabled".into()),
            format!("the distribution with {} is disabled", describe(by)),
        );
    }
    !d.enabled
}

/// Reports an Id that differs from the job env var `var`, or an unset `var`;
/// whether either happened.
fn id_differs(
    ctx: &Context<'_>,
    d: &Distribution,
    by: &DistributionSelector,
    var: &str,
    resource: &str,
    sink: &mut Sink<'_>,
) -> bool {
    match ctx.job.get(var) {
        None => sink.secret_unset(resource, var, ctx.fork),
        Some(want) if !want.expose().eq_ignore_ascii_case(&d.id) => sink.push(
            resource,
            Code::CloudfrontIdMismatch,
            Shown::Redacted(want.redacted()),
            Shown::Redacted(Secret::new(d.id.clone()).redacted()),
            format!(
                "`{var}` does not hold the Id of the distribution with {}",
                describe(by)
            ),
        ),
        Some(_) => return false,
    }
    true
}

fn describe(by: &DistributionSelector) -> String {
    match by {
        DistributionSelector::Comment(c) => format!("comment `{c}`"),
        DistributionSelector::Alias(a) => format!("alias `{a}`"),
    }
}
