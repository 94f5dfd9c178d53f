//! `assumption-false`: live AWS disagrees with what an environment's `assume:` vouches for
//! (README, "Fleets: what a promotion may take on trust"). A promotion does not read what is
//! assumed, so this is where a wrong assumption is caught: `validate` on the pull request
//! and on a schedule, and `plan`. An error, as drift is: the contract says something untrue.

use super::{Context, Sink};
use crate::aws::types::Lookup;
use crate::aws::{Provisioned, Trigger};
use crate::config::model::{Environment, FunctionTarget, Strategy};
use crate::finding::{Code, Finding, Shown};

/// Every assumption of `env`, function by function, where its facts were read (a promotion
/// reads none of them, so this check says nothing there).
pub(super) fn check(ctx: &Context<'_>, env: &Environment, out: &mut Vec<Finding>) {
    let pre = &ctx.observed.preflight;
    for f in &env.functions {
        let key = (f.name.clone(), f.alias.clone());
        let mut sink = Sink::new(out, &env.name, "assume", Some(f.at));
        if env.assume.no_function_url
            && let Some(Lookup::Found(triggers)) = pre.triggers.get(&key)
        {
            no_url(f, triggers, &mut sink);
        }
        if env.assume.no_provisioned_concurrency
            && let Some(listed) = pre.listed_provisioned.get(&key)
        {
            let served = match ctx.observed.aliases.get(&key) {
                Some(Lookup::Found(a)) => Some(a.version.as_str()),
                _ => None,
            };
            match listed {
                Lookup::Found(all) => {
                    no_provisioned(f, all.get(&f.alias), "alias", &mut sink);
                    let on_version = served.and_then(|v| all.get(v));
                    no_provisioned(f, on_version, "version it serves", &mut sink);
                }
                // A weighted strategy's own check already reports the failed listing.
                Lookup::Failed(e) if !matches!(env.strategy, Strategy::Canary(_)) => {
                    let resource = format!("{}:{}", f.name, f.alias);
                    super::preflight_read_failed(&mut sink, resource, e);
                }
                Lookup::Failed(_) | Lookup::Missing => {}
            }
        }
    }
}

/// A URL on `$LATEST` where `function-url: none` was assumed.
fn no_url(f: &FunctionTarget, triggers: &[Trigger], sink: &mut Sink<'_>) {
    for t in triggers {
        let Trigger::Url { url, .. } = t else {
            continue;
        };
        sink.push(
            f.name.clone(),
            Code::AssumptionFalse,
            Shown::Plain("no function URL (assume: function-url: none)".into()),
            Shown::Plain(format!("a URL on $LATEST: {url}")),
            format!(
                "the contract assumes `function-url: none`, but {} has a function URL on \
                 $LATEST; a promotion takes the assumption on trust and would not see that \
                 this URL's traffic bypasses alias {}: delete the URL (or create it on the \
                 alias), or remove `function-url` from `assume:`",
                f.name, f.alias
            ),
        );
    }
}

/// Provisioned concurrency on the alias or its version where `provisioned-concurrency: none`
/// was assumed.
fn no_provisioned(f: &FunctionTarget, found: Option<&Provisioned>, on: &str, sink: &mut Sink<'_>) {
    let Some(p) = found else {
        return;
    };
    sink.push(
        format!("{}:{}", f.name, f.alias),
        Code::AssumptionFalse,
        Shown::Plain("no provisioned concurrency (assume: provisioned-concurrency: none)".into()),
        Shown::Plain(format!("{} on the {on}", p.requested)),
        format!(
            "the contract assumes `provisioned-concurrency: none`, but the {on} of alias {} \
             of {} has provisioned concurrency ({}); a promotion takes the assumption on \
             trust and would give the new version none: remove the configuration, or \
             `provisioned-concurrency` from `assume:`",
            f.alias, f.name, p.requested
        ),
    );
}
