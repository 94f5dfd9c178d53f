//! `status` (README, "What runs where"): for each function of an environment, what its
//! alias serves (with the weights of a canary under way), the image, the provenance the
//! promotion wrote on the version, when it was published, the version a `rollback` would
//! return to and whether its image is still in ECR, and the contract's drift. Read-only:
//! the contract checks without the pre-flight reads, then one `GetFunction` per version
//! shown (Lambda's 100-per-second pool) and one `DescribeImages` per distinct image a
//! rollback would return to.

use std::collections::BTreeMap;

use futures::stream::{self, StreamExt};

use crate::aws::types::{AliasInfo, Lookup};
use crate::aws::{Read, VersionFacts};
use crate::check::{self, Context, Stage};
use crate::config::model::{Contract, Environment, FunctionTarget};
use crate::finding::Finding;
use crate::jobenv::JobEnv;
use crate::observe;
use crate::provenance::previous_version;
use crate::report::status::{EnvironmentStatus, FunctionStatus};
use crate::settings::{ImageReference, parse_image};

/// Reads in flight at once; the pacer spaces them to Lambda's quotas.
const CONCURRENCY: usize = 16;

/// The status of `env`'s functions reachable through `read`.
pub async fn environment(
    read: &Read,
    contract: &Contract,
    env: &Environment,
    job: &JobEnv,
) -> EnvironmentStatus {
    let mut needs = observe::needs(contract, &[env], job, false);
    needs.preflight.clear();
    let observed = observe::observe(read, &needs).await;
    let ctx = Context {
        contract,
        job,
        fork: false,
        observed: &observed,
        stage: Stage::Validate,
    };
    let findings: Vec<Finding> = check::all(&ctx, &[env])
        .into_iter()
        .filter(Finding::fails)
        .collect();
    let aliases = &observed.aliases;
    let found: Vec<(FunctionStatus, Option<Image>)> =
        stream::iter(env.functions.iter().map(|t| async move {
            let alias = aliases.get(&(t.name.clone(), t.alias.clone()));
            one(read, t, alias).await
        }))
        .buffered(CONCURRENCY)
        .collect()
        .await;
    let present = images_present(read, found.iter().filter_map(|(_, i)| i.clone())).await;
    let functions = found
        .into_iter()
        .map(|(mut s, image)| {
            s.rollback_image = image.and_then(|i| present.get(&i).copied().flatten());
            s
        })
        .collect();
    attach_drift(env, functions, findings, read.region())
}

/// An image in ECR: registry (account), repository, digest.
type Image = (String, String, String);

/// Whether each distinct image is still in ECR (`None`: unknown): many functions share
/// one image, so each is described once.
async fn images_present(
    read: &Read,
    images: impl Iterator<Item = Image>,
) -> BTreeMap<Image, Option<bool>> {
    let distinct: std::collections::BTreeSet<Image> = images.collect();
    stream::iter(distinct.into_iter().map(|i| async move {
        // Only "no such image" says it is gone (another account's registry may be unseen).
        let present = match read.image_facts(&i.0, &i.1, &i.2).await {
            Ok(_) => Some(true),
            Err(e) if e.code == "ImageNotFoundException" => Some(false),
            Err(_) => None,
        };
        (i, present)
    }))
    .buffer_unordered(CONCURRENCY)
    .collect()
    .await
}

/// Each failing finding goes to the function it names, or to the environment.
fn attach_drift(
    env: &Environment,
    mut functions: Vec<FunctionStatus>,
    findings: Vec<Finding>,
    region: &str,
) -> EnvironmentStatus {
    let mut drift = Vec::new();
    for f in findings {
        let owner = functions.iter_mut().find(|s| {
            f.resource == s.function || f.resource.starts_with(&format!("{}:", s.function))
        });
        match owner {
            Some(s) => s.drift.push(format!("{}: {}", f.code, f.message)),
            None => drift.push(format!("{}: {}", f.code, f.resource)),
        }
    }
    EnvironmentStatus {
        environment: env.name.clone(),
        region: region.to_string(),
        functions,
        drift,
    }
}

async fn one(
    read: &Read,
    t: &FunctionTarget,
    alias: Option<&Lookup<AliasInfo>>,
) -> (FunctionStatus, Option<Image>) {
    let mut s = FunctionStatus {
        function: t.name.clone(),
        alias: t.alias.clone(),
        ..FunctionStatus::default()
    };
    let alias = match alias {
        Some(Lookup::Found(a)) => a,
        Some(Lookup::Failed(e)) => {
            s.error = Some(e.to_string());
            return (s, None);
        }
        Some(Lookup::Missing) | None => return (s, None),
    };
    s.version = Some(alias.version.clone());
    s.weights = alias.routing.clone();
    s.rollback_to = previous_version(&alias.description);
    let back = async {
        match &s.rollback_to {
            Some(v) => rollback_image(read, &t.name, v).await,
            None => None,
        }
    };
    let (live, back) = futures::join!(read.version_facts(&t.name, &alias.version), back);
    match live {
        Ok(facts) => show(&mut s, facts),
        Err(e) => s.error = Some(e.to_string()),
    }
    (s, back)
}

fn show(s: &mut FunctionStatus, facts: VersionFacts) {
    let word = |key: &str| {
        facts
            .description
            .split_whitespace()
            .find_map(|w| w.strip_prefix(key))
            .map(str::to_string)
    };
    s.commit = word("commit=");
    s.run = word("run=");
    s.image_digest = facts.image_digest;
    s.published = facts.published;
}

/// The image of `function:version`, if it is an ECR image.
async fn rollback_image(read: &Read, function: &str, version: &str) -> Option<Image> {
    let facts = read.version_facts(function, version).await.ok()?;
    let image = parse_image(facts.image_uri.as_deref()?).ok()?;
    let digest = match image.reference {
        ImageReference::Digest(d) => d,
        ImageReference::Tag(_) => facts.image_digest?,
    };
    Some((image.account, image.repository, digest))
}
