//! `plan` and `promote` of one environment as one, however many (account,
//! region) shards it spans: every shard with its own clients, all validated
//! before the first write, promoted side by side and restored together on any
//! failure, with one report and one Deployment (README, "Many accounts and
//! regions"). With the `shard` input, the one shard it names.

use crate::aws::fleet_clients::Fleet;
use crate::config::model::Environment;
use crate::github::sync::Deployment;
use crate::promote::environment;
use crate::promote::image::Resolved;
use crate::promote::part::Part;
use crate::report::model::{Outcome, Report};
use crate::run::{End, Run};
use crate::settings::Command;
use crate::shard::{self, Shard};

/// Plans (`dry_run`) or promotes `env` across `shards`.
pub(super) async fn run(
    run: &Run,
    fleet: &Fleet<'_>,
    env: &Environment,
    shards: &[Shard],
    dry_run: bool,
    region: Option<&str>,
) -> anyhow::Result<End> {
    let shown = if dry_run { "plan" } else { "promote" };
    let mut report = Report::new(shown, env.name.clone(), run.contract_label());
    let ids: Vec<String> = shards.iter().map(Shard::id).collect();
    if run.settings.shard.is_some() || shards.len() > 1 {
        report.notices.push(format!("shards {}", ids.join(", ")));
    }
    let parts = parts(run, fleet, shards).await?;
    let resolved = match source(run, fleet, shards, &parts, env, region).await {
        Ok(r) => r,
        Err(e) => {
            report.result = Outcome::Failed;
            report.error = Some(format!("{e:#}"));
            return super::finish(run, End::Done(Outcome::Failed), None, report).await;
        }
    };
    let deployment = (!dry_run).then(|| Deployment::start(run, env, Command::Promote, false));
    let info = &run.runner.info;
    let end = environment::promote(run, &parts, dry_run, info, &mut report, resolved).await?;
    super::finish(run, end, deployment, report).await
}

/// Every shard's clients (the promotion's cancellable ones and the restores'
/// raw ones) and the contract as it sees it.
async fn parts(run: &Run, fleet: &Fleet<'_>, shards: &[Shard]) -> anyhow::Result<Vec<Part>> {
    let mut parts = Vec::new();
    for s in shards {
        let raw = super::shards::clients(run, fleet, s).await?;
        parts.push(Part {
            clients: raw.cancellable(&run.cancel),
            restore: raw,
            contract: shard::narrow(&run.contract, s),
            environment: s.environment.clone(),
        });
    }
    Ok(parts)
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
        super::cross_account::pull_check(run, fleet, s, &part.restore, &image, region).await?;
    }
    Ok(Some(image))
}
