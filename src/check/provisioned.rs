//! `provisioned-concurrency-on-alias`: Lambda refuses routing weights on an alias with
//! provisioned concurrency of its own ("Alias with weights can not be used with Provisioned
//! Concurrency"), so a canary or linear strategy on it would fail after the code update.
//! Refused before any write, with the fix: provisioned concurrency on the version, which a
//! weighted alias can use —
//! <https://docs.aws.amazon.com/lambda/latest/dg/provisioned-concurrency.html>,
//! <https://docs.aws.amazon.com/lambda/latest/dg/configuring-alias-routing.html>.

use super::{Context, Sink};
use crate::aws::types::Lookup;
use crate::config::model::{Environment, Strategy};
use crate::finding::{Code, Finding, Shown};

/// The check of every function of a weighted environment (only those are read for it; the
/// listing that checks `assume: { provisioned-concurrency: none }` is `assume.rs`'s).
pub(super) fn check(ctx: &Context<'_>, env: &Environment, out: &mut Vec<Finding>) {
    if !matches!(env.strategy, Strategy::Canary(_)) {
        return;
    }
    for f in &env.functions {
        let key = (f.name.clone(), f.alias.clone());
        let Some(found) = ctx.observed.preflight.alias_provisioned.get(&key) else {
            continue;
        };
        let mut sink = Sink::new(out, &env.name, "provisioned-concurrency", Some(f.at));
        let resource = format!("{}:{}", f.name, f.alias);
        match found {
            Lookup::Found(p) => sink.push(
                resource,
                Code::ProvisionedConcurrencyOnAlias,
                Shown::Plain("no provisioned concurrency on the alias".into()),
                Shown::Plain(format!("{} on alias {}", p.requested, f.alias)),
                format!(
                    "alias {alias} of {name} has provisioned concurrency ({n}) and Lambda refuses \
                     routing weights on such an alias, so the canary cannot start; move it to the \
                     version (`aws lambda delete-provisioned-concurrency-config --function-name \
                     {name} --qualifier {alias}`, then `put-provisioned-concurrency-config \
                     --qualifier VERSION`: the canary gives each new version as much), or use \
                     `strategy: all-at-once`",
                    alias = f.alias,
                    name = f.name,
                    n = p.requested
                ),
            ),
            Lookup::Missing => {}
            Lookup::Failed(e) => super::preflight_read_failed(&mut sink, resource, e),
        }
    }
}
