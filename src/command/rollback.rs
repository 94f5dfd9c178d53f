//! `rollback`: point the environment's aliases back to `to-version` or to the version
//! recorded as previous, shard by shard (`promote/rollback.rs`) into one report and one
//! GitHub Deployment. With `dry-run`, only the plan.

use crate::aws::Read;
use crate::ops;
use crate::ops::github_sync::{self as sync, Deployment};
use crate::promote::rollback;
use crate::report::model::{Outcome, Report};
use crate::run::{End, Run};
use crate::settings::Command;

/// Every shard with its own clients; one that fails does not stop the others (a rollback
/// puts back what it can), and one report and one Deployment tell about them all.
pub async fn rollback(run: &Run) -> anyhow::Result<End> {
    let Some(env) = ops::selected_environment(run, Command::Rollback)? else {
        return Ok(End::Done(Outcome::Skipped));
    };
    let Some(opened) = ops::shards::open(run, env, Command::Rollback).await? else {
        return Ok(End::Done(Outcome::Skipped));
    };
    let (fleet, shards) = (&opened.fleet, &opened.shards[..]);
    let dry_run = run.settings.dry_run;
    let mut report = ops::report_for(run, env, shards, Command::Rollback);
    let url = match (&env.url, sync::deploys(run, dry_run)) {
        (Some(url), true) => Some(url.clone()),
        (None, true) if env.invalidate.is_some() => {
            let read = Read::new(ops::shards::clients(run, fleet, &shards[0]).await?);
            sync::environment_url(run, env, &read, dry_run).await
        }
        _ => None,
    };
    let deployment = Deployment::start(run, env, Command::Rollback, dry_run, url);
    for (i, s) in shards.iter().enumerate() {
        let shown = run.settings.shown(Command::Rollback);
        let mut part = Report::new(shown, env.name.clone(), run.contract_label());
        let (clients, open) = match ops::shards::opened(run, fleet, s).await {
            Ok(o) => o,
            Err(e) => return Err(ops::abandon(run, Some(deployment), e).await),
        };
        rollback::shard(run, &open, clients, &mut part).await;
        if i == 0 {
            report.result = part.result;
            report.rolled_back = part.rolled_back;
        }
        crate::report::merge::merge(&mut report, part);
    }
    ops::finish(run, End::Done(report.result), Some(deployment), report).await
}
