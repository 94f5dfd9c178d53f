//! The pre-flight part of the snapshot (docs/codes.md, "Finding codes"): for each function an
//! environment deploys to, what invokes it without going through its alias, the provisioned
//! concurrency on the alias (weighted strategies only), and the way back: the image of the
//! version the alias serves now (where a failed promotion returns to) and the lifecycle
//! policy of its repository. Read after the aliases, since the way back depends on them.

use std::collections::{BTreeMap, BTreeSet};

use futures::stream::{self, StreamExt};

use crate::aws::ImageFacts;
use crate::aws::Provisioned;
use crate::aws::Trigger;
use crate::aws::types::{AliasInfo, Lookup};
use crate::aws::{AwsError, Read};
use crate::settings::{ImageReference, parse_image};

/// How many pre-flight reads may be in flight at once (the pacer spaces them).
const CONCURRENCY: usize = 16;

/// A function and alias, as the snapshot keys them.
pub type Key = (String, String);

/// What the pre-flight reads of one environment's functions found.
#[derive(Clone, Debug, Default)]
pub struct Preflight {
    /// Event source mappings, the URL on `$LATEST`, and service invoke permissions.
    pub triggers: BTreeMap<Key, Lookup<Vec<Trigger>>>,
    /// The alias's own provisioned concurrency (`Missing`: none), weighted strategies only.
    pub alias_provisioned: BTreeMap<Key, Lookup<Provisioned>>,
    /// The version the alias serves and its image.
    pub way_back: BTreeMap<Key, WayBack>,
}

/// A version a rollback would return to, and whether its image can still start.
#[derive(Clone, Debug)]
pub struct WayBack {
    pub version: String,
    /// The image URI the version was published with; `None` if it could not be read.
    pub image_uri: Option<String>,
    /// `Missing`: the image is gone from ECR.
    pub image: Lookup<ImageFacts>,
    /// The repository's lifecycle policy text (`Missing`: none).
    pub lifecycle: Lookup<String>,
}

/// Reads the pre-flight facts of `targets` (`(function, alias) → weighted strategy`).
pub async fn observe(
    read: &Read,
    targets: &BTreeMap<Key, bool>,
    aliases: &BTreeMap<Key, Lookup<AliasInfo>>,
) -> Preflight {
    let all = stream::iter(targets.iter().map(|(key, weighted)| async move {
        let alias = match aliases.get(key) {
            Some(Lookup::Found(a)) => Some(a),
            _ => None,
        };
        let provisioned = async {
            match (weighted, alias) {
                (true, Some(_)) => Some(provisioned(read, key).await),
                _ => None,
            }
        };
        let way_back = async {
            match alias {
                Some(a) => Some(way_back(read, &key.0, &a.version).await),
                None => None,
            }
        };
        let version = alias.map(|a| a.version.as_str());
        let (t, p, w) = futures::join!(triggers(read, &key.0, version), provisioned, way_back);
        (key.clone(), t, p, w)
    }))
    .buffer_unordered(CONCURRENCY)
    .collect::<Vec<_>>()
    .await;
    let mut out = Preflight::default();
    for (key, t, p, w) in all {
        out.triggers.insert(key.clone(), t);
        if let Some(p) = p {
            out.alias_provisioned.insert(key.clone(), p);
        }
        if let Some(w) = w {
            out.way_back.insert(key, w);
        }
    }
    out
}

/// Everything that invokes `function` as Lambda records it: its mappings, its URL on
/// `$LATEST`, and the service permissions on it and on the version the alias serves.
pub async fn triggers(read: &Read, function: &str, version: Option<&str>) -> Lookup<Vec<Trigger>> {
    let on_version = async {
        match version {
            Some(v) => read.invoke_permissions(function, Some(v)).await,
            None => Ok(Vec::new()),
        }
    };
    let (m, u, p, pv) = futures::join!(
        read.event_source_mappings(function),
        read.latest_url(function),
        read.invoke_permissions(function, None),
        on_version
    );
    let collect = || -> Result<Vec<Trigger>, AwsError> {
        let mut all = m?;
        all.extend(u?);
        all.extend(p?);
        all.extend(pv?);
        let mut seen = BTreeSet::new();
        all.retain(|t| seen.insert(format!("{t:?}")));
        Ok(all)
    };
    Lookup::from_result(collect())
}

async fn provisioned(read: &Read, key: &Key) -> Lookup<Provisioned> {
    match read.provisioned(&key.0, &key.1).await {
        Ok(Some(p)) => Lookup::Found(p),
        Ok(None) => Lookup::Missing,
        Err(e) => Lookup::Failed(e),
    }
}

/// The version's image, whether ECR still has it, and its repository's lifecycle policy.
pub async fn way_back(read: &Read, function: &str, version: &str) -> WayBack {
    let mut back = WayBack {
        version: version.to_string(),
        image_uri: None,
        image: Lookup::Missing,
        lifecycle: Lookup::Missing,
    };
    let info = match read.get_function(function, Some(version)).await {
        Ok(info) => info,
        Err(e) => {
            back.image = Lookup::Failed(e);
            return back;
        }
    };
    back.image_uri = info.image_uri.clone();
    let (Some(uri), Some(digest)) = (info.image_uri, info.image_digest) else {
        // Not an image version (or no digest recorded): nothing in ECR to look for.
        back.image_uri = None;
        return back;
    };
    let Ok(image) = parse_image(&uri) else {
        back.image_uri = None;
        return back;
    };
    let digest = match &image.reference {
        ImageReference::Digest(d) => d.clone(),
        ImageReference::Tag(_) => digest,
    };
    let (facts, lifecycle) = futures::join!(
        read.image_facts(&image.account, &image.repository, &digest),
        read.lifecycle_policy(&image.account, &image.repository)
    );
    // Only ECR's "no such image" says it is gone: a repository this account cannot see
    // (another account's registry) leaves it unknown, a warning rather than a refusal.
    back.image = match facts {
        Err(e) if e.is_not_found() && e.code != "ImageNotFoundException" => Lookup::Failed(e),
        r => Lookup::from_result(r),
    };
    back.lifecycle = Lookup::from_result(lifecycle);
    back
}
