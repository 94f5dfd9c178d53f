//! The steps every command shares once environments span accounts and
//! regions: the run's fleet of clients, the shards an environment command
//! acts on (`open`), each opened with its clients, the environments the `environment`
//! input names, and the skip of a fork's pull request that cannot get an OIDC token
//! (docs/accounts.md, "Many accounts and regions"). `validation.rs` holds `validate`'s
//! pass per group of shards.

use std::collections::BTreeMap;

use crate::aws::fleet_clients::{Fleet, FleetSetup};
use crate::aws::{Clients, Read};
use crate::config::model::{Contract, Environment};
use crate::error::UsageError;
use crate::open_shard::OpenShard;
use crate::report::model::{Outcome, Report};
use crate::run::{End, Run};
use crate::settings::Command;
use crate::settings::Settings;
use crate::shard::{self, Shard};

/// The run's clients, one set per (account, region), with the job's OIDC
/// token exchanged once per role.
pub(crate) fn fleet(run: &Run) -> Fleet<'_> {
    let mut role_environments: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for env in &run.contract.environments {
        if let Some(role) = run.contract.role_of(&env.name) {
            role_environments
                .entry(role)
                .or_default()
                .push(env.name.clone());
        }
    }
    Fleet::new(FleetSetup {
        oidc: run.runner.oidc.clone(),
        repository: &run.runner.info.repository,
        run_id: &run.runner.info.run_id,
        role_environments,
        pacer: Box::new(move || super::pacer(run)),
        secret: {
            let emitter = run.emitter.clone();
            std::sync::Arc::new(move |v: &str| emitter.add_secret(v))
        },
    })
}

/// What an environment command works on: the run's clients, the shards of its
/// environment and the SDK's region for the functions the contract places nowhere.
pub(crate) struct Opened<'r> {
    pub fleet: Fleet<'r>,
    pub shards: Vec<Shard>,
    pub region: Option<String>,
}

/// The shards `command` acts on in `env`, each with its own clients; `None` when
/// a fork's pull request was skipped (its report emitted).
pub(crate) async fn open<'r>(
    run: &'r Run,
    env: &Environment,
    command: Command,
) -> anyhow::Result<Option<Opened<'r>>> {
    let fleet = fleet(run);
    if let Some(_skipped) = fork_skip(run, &fleet, command, &env.name, &[env])? {
        return Ok(None);
    }
    let region = default_region(run).await;
    let shards = of(run, &fleet, env, command, region.as_deref()).await?;
    Ok(Some(Opened {
        fleet,
        shards,
        region,
    }))
}

/// The region for functions the contract places nowhere: the SDK's
/// (`AWS_REGION`, the profile). `None` is fine while every shard has its own.
pub(crate) async fn default_region(run: &Run) -> Option<String> {
    crate::run::region(&run.contract).await.ok()
}

/// The shards of `env`, all of them or the one the `shard` input names.
/// `plan` and `shard` name every shard's account: one the contract leaves
/// open is the account the shard's credentials act in.
pub(crate) async fn of(
    run: &Run,
    fleet: &Fleet<'_>,
    env: &Environment,
    command: Command,
    default_region: Option<&str>,
) -> Result<Vec<Shard>, anyhow::Error> {
    let mut all = shard::shards(&run.contract, env, default_region.unwrap_or(""));
    if let Some(s) = all.iter().find(|s| s.region.is_empty()) {
        anyhow::bail!(
            "no AWS region for function {} of `{}`: set `region:` in the contract or AWS_REGION",
            s.functions[0].name,
            env.name
        );
    }
    let one = run.settings.shard.as_ref();
    if one.is_some()
        && !matches!(
            command,
            Command::Promote | Command::Rollback | Command::Plan
        )
    {
        return Err(UsageError::input(
            "shard",
            "only `promote`, `rollback` and `plan` act on one shard",
        )
        .into());
    }
    if one.is_some() || command == Command::Plan {
        for s in all.iter_mut().filter(|s| s.account.is_none()) {
            s.account = Some(
                Read::new(clients(run, fleet, s).await?)
                    .account_id()
                    .await?,
            );
        }
    }
    match one {
        Some(id) => Ok(vec![shard::select(all, id)?]),
        None => Ok(all),
    }
}

/// Every shard's raw clients (for the write handles, which only execute makes) and the
/// shard opened: its cancellable read handle and the contract as it sees it.
pub(crate) async fn parts(
    run: &Run,
    fleet: &Fleet<'_>,
    shards: &[Shard],
) -> anyhow::Result<(Vec<Clients>, Vec<OpenShard>)> {
    let (mut all, mut parts) = (Vec::new(), Vec::new());
    for s in shards {
        let (raw, part) = opened(run, fleet, s).await?;
        parts.push(part);
        all.push(raw);
    }
    Ok((all, parts))
}

/// One shard's raw clients and the shard opened with them.
pub(crate) async fn opened(
    run: &Run,
    fleet: &Fleet<'_>,
    s: &Shard,
) -> anyhow::Result<(Clients, OpenShard)> {
    let raw = clients(run, fleet, s).await?;
    let read = Read::new(raw.clone()).cancellable(&run.cancel);
    Ok((raw, OpenShard::new(s.clone(), read, &run.contract)))
}

/// The role a shard's clients act as: none on a terminal without an OIDC
/// token, where the SDK's own credentials are used (and the account check
/// still holds them to the shard's account).
pub(crate) fn role<'s>(run: &Run, fleet: &Fleet<'_>, shard: &'s Shard) -> Option<&'s str> {
    let role = shard.role.as_deref()?;
    if !run.settings.action_mode && !fleet.has_token_source() {
        return None;
    }
    Some(role)
}

/// The clients of one shard.
pub(crate) async fn clients(
    run: &Run,
    fleet: &Fleet<'_>,
    shard: &Shard,
) -> anyhow::Result<Clients> {
    let role = role(run, fleet, shard);
    Ok(fleet
        .clients(role, &shard.region, &shard.environment)
        .await?)
}

/// The clients with which `reader` (a `from:` environment) reads `shard` of its source: in
/// a reader's session when the source's role is not one `reader` itself assumes.
pub(crate) async fn reader_clients(
    run: &Run,
    fleet: &Fleet<'_>,
    shard: &Shard,
    reader: &Environment,
) -> anyhow::Result<Clients> {
    let role = role(run, fleet, shard);
    let own = shard::shards(&run.contract, reader, &shard.region)
        .into_iter()
        .any(|s| s.role.as_deref() == role);
    Ok(if own {
        fleet
            .clients(role, &shard.region, &shard.environment)
            .await?
    } else {
        fleet
            .reader_clients(role, &shard.region, &reader.name)
            .await?
    })
}

/// A pull request from a fork gets no OIDC token: when a role is needed,
/// the run ends `skipped` with a notice and exit 0 instead of failing.
pub(crate) fn fork_skip(
    run: &Run,
    fleet: &Fleet<'_>,
    command: Command,
    environment: &str,
    envs: &[&Environment],
) -> anyhow::Result<Option<End>> {
    let needs_role = envs.iter().any(|e| run.contract.role_of(&e.name).is_some());
    if !needs_role || fleet.has_token_source() || !run.event.is_fork_pr() {
        return Ok(None);
    }
    let reason = "skipped: a pull request from a fork gets no GitHub OIDC token, so the roles of the contract cannot be assumed; the checks run on pull requests from this repository".to_string();
    let mut report = Report::new(command, environment.to_string(), run.contract_label());
    report.result = Outcome::Skipped;
    run.emitter.notice(&reason);
    report.notices.push(reason);
    run.emitter.report(&report)?;
    Ok(Some(End::Done(Outcome::Skipped)))
}

/// The environments `validate` covers: the `environment` input, or all.
pub(crate) fn environments<'c>(
    settings: &Settings,
    contract: &'c Contract,
) -> Result<Vec<&'c Environment>, UsageError> {
    if settings.environments.is_empty() {
        return Ok(contract.environments.iter().collect());
    }
    settings
        .environments
        .iter()
        .map(|name| {
            contract.environment(name).ok_or_else(|| {
                UsageError::input(
                    "environment",
                    contract.unknown_environment(name, &settings.contract),
                )
            })
        })
        .collect()
}
