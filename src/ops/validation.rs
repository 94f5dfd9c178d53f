//! `validate`'s pass over every environment it covers: their shards grouped by the clients
//! and account they share, each group opened with one read handle and checked in one pass
//! (a pull request checks dev, staging and production at once).

use super::shards::{clients, default_region, of};
use crate::aws::Read;
use crate::aws::fleet_clients::Fleet;
use crate::check::Stage;
use crate::config::model::Environment;
use crate::finding::Finding;
use crate::open_shard::{self, OpenShard};
use crate::run::Run;
use crate::settings::Command;
use crate::shard::Shard;

/// Groups shards that share clients and account (`validate` of many
/// environments makes one pass per group, as before for one account).
pub(crate) fn group(shards: Vec<Shard>) -> Vec<Vec<Shard>> {
    let mut groups: Vec<Vec<Shard>> = Vec::new();
    for s in shards {
        let key = |x: &Shard| (x.role.clone(), x.account.clone(), x.region.clone());
        match groups.iter_mut().find(|g| key(&g[0]) == key(&s)) {
            Some(g) => g.push(s),
            None => groups.push(vec![s]),
        }
    }
    groups
}

/// Every environment in one pass per (role, account, region), each with its
/// own clients: a pull request checks dev, staging and production at once.
pub(crate) async fn validate_all(
    run: &Run,
    fleet: &Fleet<'_>,
    envs: &[&Environment],
    fork: bool,
) -> anyhow::Result<Vec<Finding>> {
    let region = default_region(run).await;
    let mut shards = Vec::new();
    for env in envs {
        let all = of(run, fleet, env, Command::Validate, region.as_deref()).await?;
        shards.extend(all);
    }
    let mut findings = Vec::new();
    for group in group(shards) {
        let read = Read::new(clients(run, fleet, &group[0]).await?);
        let opened: Vec<OpenShard> = group
            .into_iter()
            .map(|s| OpenShard::new(s, read.clone(), &run.contract))
            .collect();
        let contract = open_shard::joined(&opened);
        let envs: Vec<&Environment> = contract.environments.iter().collect();
        let (found, _) = crate::live_checks::findings(
            &read,
            &contract,
            &envs,
            &run.job,
            fork,
            Stage::Validate,
            &run.emitter,
        )
        .await;
        findings.extend(found);
    }
    Ok(findings)
}
