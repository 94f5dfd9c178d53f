//! `plan`, `promote` and `rollback` of one environment, shard by shard: each
//! (account, region) with its own clients, its own report and its own
//! all-or-nothing. Without the `shard` input the shards run one after
//! another and stop at the first that does not succeed; `plan` also writes
//! the `matrix` output (README, "Fan-out through the matrix").

use crate::aws::Read;
use crate::aws::fleet_clients::Fleet;
use crate::aws::types::Lookup;
use crate::config::model::Environment;
use crate::github::sync::Deployment;
use crate::report::matrix::{self, Entry};
use crate::report::model::{Outcome, Report};
use crate::run::{End, Run};
use crate::settings::Command;
use crate::shard::Shard;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Act {
    Plan,
    Promote,
    Rollback { dry_run: bool },
}

/// Runs `act` on every selected shard of `env`.
pub(super) async fn run(
    run: &Run,
    env: &Environment,
    command: Command,
    act: Act,
) -> anyhow::Result<End> {
    let fleet = super::shards::fleet(run);
    if let Some(end) = super::shards::fork_skip(run, &fleet, command, &env.name, &[env])? {
        return Ok(end);
    }
    let region = super::shards::default_region(run).await;
    let shards = super::shards::of(run, &fleet, env, command, region.as_deref()).await?;
    if act == Act::Plan {
        run.emitter
            .output("matrix", &matrix::render(&entries(&shards)))?;
    }
    let mut end = End::Done(Outcome::Success);
    for (i, s) in shards.iter().enumerate() {
        let named = shards.len() > 1 || run.settings.shard.is_some();
        end = one(run, &fleet, s, (i == 0, named), act, region.as_deref()).await?;
        let fine = matches!(
            end,
            End::Done(Outcome::Success | Outcome::NoOp | Outcome::Planned | Outcome::Skipped)
        );
        if !fine {
            break;
        }
    }
    Ok(end)
}

fn entries(shards: &[Shard]) -> Vec<Entry> {
    shards
        .iter()
        .map(|s| Entry {
            shard: s.id(),
            environment: s.environment.clone(),
            account: s.account.clone().unwrap_or_default(),
            region: s.region.clone(),
        })
        .collect()
}

async fn one(
    full: &Run,
    fleet: &Fleet<'_>,
    shard: &Shard,
    (first, named): (bool, bool),
    act: Act,
    region: Option<&str>,
) -> anyhow::Result<End> {
    let run = &super::shards::narrowed(full, shard, first);
    let env = super::shards::environment(run, shard);
    let raw = super::shards::clients(full, fleet, shard).await?;
    let shown = match act {
        Act::Plan | Act::Rollback { dry_run: true } => "plan",
        Act::Promote => "promote",
        Act::Rollback { .. } => "rollback",
    };
    let mut report = Report::new(shown, env.name.clone(), run.contract_label());
    if named {
        report.notices.push(format!("shard {}", shard.id()));
    }
    // Every read ends soon after a signal, as every write of execute does.
    let read = Read::new(raw.clone()).cancellable(&run.cancel);
    if let Act::Rollback { dry_run } = act {
        let env = &this_run_only(run, &read, env).await;
        if env.functions.is_empty() {
            return nothing_to_undo(run, shard, report).await;
        }
        let deployment = Deployment::start(run, env, Command::Rollback, dry_run);
        let outcome =
            super::rollback_shard::environment(run, raw, &read, env, dry_run, &mut report).await;
        return super::finish(run, End::Done(outcome), Some(deployment), report).await;
    }
    let resolved = match source(full, fleet, shard, &read, env, region).await {
        Ok(r) => r,
        Err(e) => {
            report.result = Outcome::Failed;
            report.error = Some(format!("{e:#}"));
            return super::finish(run, End::Done(Outcome::Failed), None, report).await;
        }
    };
    let dry_run = act == Act::Plan;
    let deployment = (!dry_run).then(|| Deployment::start(run, env, Command::Promote, false));
    let end =
        super::promote_shard::environment(run, raw, &read, env, resolved, dry_run, &mut report)
            .await?;
    super::finish(run, end, deployment, report).await
}

/// A `from:` image read with the source's clients, and shown pullable by
/// this shard's functions when it lives in another account's registry.
async fn source(
    full: &Run,
    fleet: &Fleet<'_>,
    shard: &Shard,
    read: &Read,
    env: &Environment,
    region: Option<&str>,
) -> anyhow::Result<Option<crate::promote::image::Resolved>> {
    let Some(image) = super::cross_account::source_image(full, fleet, env, region).await? else {
        return Ok(None);
    };
    super::cross_account::pull_check(full, fleet, shard, read, &image, region).await?;
    Ok(Some(image))
}

/// With the `shard` input inside a workflow run (the rollback-all job), only
/// the aliases this run moved go back; one it never reached, or that its own
/// promotion already restored, is left as it is.
async fn this_run_only(run: &Run, read: &Read, env: &Environment) -> Environment {
    let run_id = &run.runner.info.run_id;
    let mut env = env.clone();
    if run.settings.shard.is_none() || run_id.is_empty() || run.settings.to_version.is_some() {
        return env;
    }
    let mine = format!("run={run_id}");
    let mut kept = Vec::new();
    for f in env.functions.drain(..) {
        let moved = match Lookup::from_result(read.get_alias(&f.name, &f.alias).await) {
            Lookup::Found(a) => a.description.split_whitespace().any(|w| w == mine),
            // Unknown: let rollback's own reads report it.
            Lookup::Missing | Lookup::Failed(_) => true,
        };
        if moved {
            kept.push(f);
        }
    }
    env.functions = kept;
    env
}

async fn nothing_to_undo(run: &Run, shard: &Shard, mut report: Report) -> anyhow::Result<End> {
    let notice = format!(
        "no alias of shard {} was moved by run {}: nothing to roll back",
        shard.id(),
        run.runner.info.run_id
    );
    run.emitter.notice(&notice);
    report.notices.push(notice);
    report.result = Outcome::NoOp;
    run.emitter.report(&report)?;
    Ok(End::Done(Outcome::NoOp))
}
