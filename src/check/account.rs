//! The `account` check: the credentials act in the contract's account.

use super::{Context, Sink};
use crate::aws::types::Lookup;
use crate::config::model::Spot;
use crate::finding::{Code, Finding, Shown};

pub(super) fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(Spot { value: want, at }) = &ctx.contract.account else {
        return;
    };
    let mut sink = Sink::new(out, "*", "account", Some(*at));
    match &ctx.observed.account {
        Some(Lookup::Found(live)) if live == want => sink.pass(
            want.clone(),
            Shown::Plain(want.clone()),
            Shown::Plain(live.clone()),
        ),
        Some(Lookup::Found(live)) => sink.push(
            want.clone(),
            Code::AccountMismatch,
            Shown::Plain(want.clone()),
            Shown::Plain(live.clone()),
            format!("the credentials act in account {live}, the contract allows only {want}"),
        ),
        Some(Lookup::Failed(e)) => sink.failed_lookup(want.clone(), e),
        Some(Lookup::Missing) | None => sink.push(
            want.clone(),
            Code::AwsError,
            Shown::Plain(want.clone()),
            Shown::None,
            "the caller identity could not be read",
        ),
    }
}
