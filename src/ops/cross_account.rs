//! `from:` across accounts and regions: the source environment's digest is
//! read with the source's own clients, and before any write the target's
//! functions are shown able to pull the image (docs/accounts.md, "Cross-account
//! promotion").

use crate::aws::fleet_clients::Fleet;
use crate::aws::types::Lookup;
use crate::aws::{Clients, Read};
use crate::config::model::{Environment, ImageSource};
use crate::open_shard::OpenShard;
use crate::promote::image::{self, Resolved};
use crate::promote::pull_access;
use crate::run::Run;
use crate::shard::{self, Shard};

/// The image of a `from:` environment, read shard by shard with each
/// shard's clients; `None` for `image: input` (resolved with the target's).
async fn source_image(
    run: &Run,
    fleet: &Fleet<'_>,
    env: &Environment,
    default_region: Option<&str>,
) -> anyhow::Result<Option<Resolved>> {
    let ImageSource::From(source) = &env.image else {
        return Ok(None);
    };
    let src = run
        .contract
        .environment(source)
        .ok_or_else(|| anyhow::anyhow!("environment `{source}` is not in the contract"))?;
    let mut found: Option<Resolved> = None;
    for s in shard::shards(&run.contract, src, default_region.unwrap_or("")) {
        let clients = super::shards::reader_clients(run, fleet, &s, env).await?;
        let narrowed = shard::narrow(&run.contract, &s);
        let read = Read::new(clients);
        let this = image::from_environment(&read, shard::environment(&narrowed, &s)).await?;
        match &found {
            Some(prev) if prev.digest != this.digest => anyhow::bail!(
                "the shards of `{}` serve different images ({} and {}): settle it before promoting",
                src.name,
                prev.digest,
                this.digest
            ),
            Some(_) => {}
            None => found = Some(this),
        }
    }
    Ok(found)
}

/// A `from:` image read with the source's clients, and shown pullable by every shard's
/// functions when it lives in another account's registry; `None` for `image: input`.
pub(crate) async fn source(
    run: &Run,
    fleet: &Fleet<'_>,
    shards: &[Shard],
    parts: &[OpenShard],
    env: &Environment,
    region: Option<&str>,
) -> anyhow::Result<Option<Resolved>> {
    let Some(image) = source_image(run, fleet, env, region).await? else {
        return Ok(None);
    };
    for (s, part) in shards.iter().zip(parts) {
        pull_check(run, fleet, s, &part.read, &image, region).await?;
    }
    Ok(Some(image))
}

/// `ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO` → (account, region, repo).
fn registry_of(repository: &str) -> Option<(&str, &str, &str)> {
    let (host, repo) = repository.split_once('/')?;
    let (account, rest) = host.split_once(".dkr.ecr.")?;
    let region = rest.split_once('.')?.0;
    Some((account, region, repo))
}

/// Refuses, before any write, an image in another account's registry whose
/// repository policy does not let `target`'s functions pull it. `Ok` when the
/// registry is the target's own, or the policy grants the pull.
async fn pull_check(
    run: &Run,
    fleet: &Fleet<'_>,
    target: &Shard,
    read: &Read,
    image: &Resolved,
    default_region: Option<&str>,
) -> anyhow::Result<()> {
    let Some((registry, region, repo)) = registry_of(&image.repository) else {
        return Ok(());
    };
    let account = match &target.account {
        Some(a) => a.clone(),
        None => read.account_id().await?,
    };
    if registry == account {
        return Ok(());
    }
    let reader = Read::new(reader(run, fleet, target, registry, region, default_region).await?);
    let policy = match reader.repository_policy(registry, repo).await {
        Lookup::Found(p) => Some(p),
        Lookup::Missing => None,
        Lookup::Failed(e) => {
            return Err(anyhow::Error::new(e).context(format!(
                "cannot read the repository policy of {repo} in account {registry} to check that \
                 account {account} may pull {}",
                image.uri()
            )));
        }
    };
    let Err(missing) = pull_access::check(policy.as_deref(), &account, &target.region) else {
        return Ok(());
    };
    anyhow::bail!(
        "the functions of `{}` in account {account} cannot pull {}: the repository policy of \
         `{repo}` (account {registry}) does not allow {}; add these statements to that \
         repository's policy (ECR console → Repositories → {repo} → Permissions), then run again: {}",
        target.environment,
        image.uri(),
        missing.grants.join(", "),
        missing.statements
    )
}

/// Clients of an environment acting in the registry's account and region, which may read
/// its repository policy, else the SDK's own credentials. An environment on the target's
/// `from:` chain comes first, and its role is opened in a reader's session unless the
/// target assumes that role itself: the only session the trust `iam-policy` writes lets
/// the target's jobs open (docs/accounts.md, "Cross-account promotion").
async fn reader(
    run: &Run,
    fleet: &Fleet<'_>,
    target: &Shard,
    registry: &str,
    region: &str,
    default_region: Option<&str>,
) -> anyhow::Result<Clients> {
    let contract = &run.contract;
    let target_env = contract.environment(&target.environment);
    let chain = target_env.map(|t| contract.sources(t)).unwrap_or_default();
    let others = contract
        .environments
        .iter()
        .filter(|e| !chain.iter().any(|c| c.name == e.name));
    for env in chain.iter().copied().chain(others) {
        for s in shard::shards(contract, env, default_region.unwrap_or("")) {
            if s.account.as_deref() == Some(registry) && s.region == region {
                return match target_env {
                    Some(t) => super::shards::reader_clients(run, fleet, &s, t).await,
                    None => super::shards::clients(run, fleet, &s).await,
                };
            }
        }
    }
    Ok(fleet.clients(None, region, "registry").await?)
}

#[cfg(test)]
mod tests {
    use super::registry_of;

    #[test]
    fn registry_parts() {
        assert_eq!(
            registry_of("111111111111.dkr.ecr.eu-west-1.amazonaws.com/team/app"),
            Some(("111111111111", "eu-west-1", "team/app"))
        );
        assert_eq!(registry_of("ghcr.io/x/y"), None);
    }
}
