//! `plan` and `promote` of one environment as one, however many (account,
//! region) shards it spans: every shard with its own clients, all validated
//! before the first write, promoted side by side and restored together on any
//! failure, with one report and one Deployment (docs/accounts.md, "Many accounts and
//! regions"). With the `shard` input, the one shard it names.

use super::github_sync::{self as sync, Deployment};
use super::shards::Opened;
use crate::aws::fleet_clients::Fleet;
use crate::aws::{Clients, Read};
use crate::config::model::{Environment, FunctionTarget};
use crate::promote::environment::{self, Prepared};
use crate::promote::image::Resolved;
use crate::promote::part::Part;
use crate::promote::{execute, outcome};
use crate::report::model::{Outcome, Report};
use crate::run::{End, Run};
use crate::settings::Command;
use crate::shard::{self, Shard};

/// Plans (`dry_run`: `plan`, or `promote` with `dry-run`) or promotes `env`
/// across the shards `opened` holds.
pub(super) async fn run(
    run: &Run,
    opened: &Opened<'_>,
    env: &Environment,
    dry_run: bool,
) -> anyhow::Result<End> {
    let (fleet, shards) = (&opened.fleet, &opened.shards[..]);
    let region = opened.region.as_deref();
    let shown = if dry_run {
        Command::Plan
    } else {
        Command::Promote
    };
    let mut report = Report::new(shown, env.name.clone(), run.contract_label());
    if run.settings.shard.is_some() || shards.len() > 1 {
        let ids: Vec<String> = shards.iter().map(Shard::id).collect();
        report.notices.push(format!("shards {}", ids.join(", ")));
    }
    if let Some(n) = crate::promote::canary::time::notice(env, run.settings.timeout) {
        report.notices.push(n);
    }
    let (clients, parts) = parts(run, fleet, shards).await?;
    let resolved = match source(run, fleet, shards, &parts, env, region).await {
        Ok(r) => r,
        Err(e) => {
            report.result = Outcome::Failed;
            report.error = Some(format!("{e:#}"));
            return super::finish(run, End::Done(Outcome::Failed), None, report).await;
        }
    };
    let deployment = if dry_run {
        None
    } else {
        let url = sync::environment_url(run, env, &parts[0].read, false).await;
        Some(Deployment::start(run, env, Command::Promote, false, url))
    };
    match promote(run, clients, &parts, resolved, dry_run, &mut report).await {
        Ok(end) => super::finish(run, end, deployment, report).await,
        Err(e) => Err(super::abandon(run, deployment, e).await),
    }
}

/// The read side over every part, then, unless only planning, execute (handed each
/// part's clients, from which it alone builds the write handles) and the pure fold.
async fn promote(
    run: &Run,
    clients: Vec<Clients>,
    parts: &[Part],
    resolved: Option<Resolved>,
    dry_run: bool,
    report: &mut Report,
) -> anyhow::Result<End> {
    let ready = match environment::prepare(run, parts, resolved, report).await? {
        Prepared::Done(outcome) => return Ok(End::Done(outcome)),
        Prepared::Ready(ready) if dry_run => {
            report
                .notices
                .extend(crate::promote::plan::after_words(parts[0].env()));
            return Ok(End::Done(environment::planned(ready, parts, report)));
        }
        Prepared::Ready(ready) => ready,
    };
    // Execute builds the write handles from each part's clients: nothing else can.
    let input = execute::Input {
        run,
        parts,
        env: parts[0].env(),
        run_info: &run.runner.info,
        image: &ready.image,
        observed: &ready.observed,
    };
    let executed = execute::environment(input, clients, &ready.plans).await;
    let region_of = |t: &FunctionTarget| environment::region_of(parts, t);
    Ok(outcome::conclude(
        &ready.plans,
        executed,
        run.cancel.signal(),
        &region_of,
        ready.promotion,
        report,
    ))
}

/// Every shard's raw clients (for the write handles, which only execute makes)
/// and its part: the cancellable read handle and the contract as it sees it.
async fn parts(
    run: &Run,
    fleet: &Fleet<'_>,
    shards: &[Shard],
) -> anyhow::Result<(Vec<Clients>, Vec<Part>)> {
    let (mut clients, mut parts) = (Vec::new(), Vec::new());
    for s in shards {
        let raw = super::shards::clients(run, fleet, s).await?;
        parts.push(Part {
            read: Read::new(raw.clone()).cancellable(&run.cancel),
            contract: shard::narrow(&run.contract, s),
            environment: s.environment.clone(),
        });
        clients.push(raw);
    }
    Ok((clients, parts))
}

/// A `from:` image read with the source's clients, and shown pullable by
/// every shard's functions when it lives in another account's registry.
async fn source(
    run: &Run,
    fleet: &Fleet<'_>,
    shards: &[Shard],
    parts: &[Part],
    env: &Environment,
    region: Option<&str>,
) -> anyhow::Result<Option<Resolved>> {
    let Some(image) = super::cross_account::source_image(run, fleet, env, region).await? else {
        return Ok(None);
    };
    for (s, part) in shards.iter().zip(parts) {
        super::cross_account::pull_check(run, fleet, s, &part.read, &image, region).await?;
    }
    Ok(Some(image))
}
