//! The pre-flight part of the snapshot (docs/codes.md, "Finding codes"): for each function an
//! environment deploys to, what invokes it without going through its alias, the provisioned
//! concurrency on the alias (weighted strategies only), and the way back: the image of the
//! version the alias serves now (where a failed promotion returns to) and the lifecycle
//! policy of its repository. Each function's alias is read here too: the reads that need no
//! alias start with it, the way back and the version's permissions as soon as it is answered.

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

/// Which pre-flight reads one target gets (`observe::needs` decides them from the strategy
/// and the environment's `assume:`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Reads {
    /// `GetFunctionUrlConfig` of `$LATEST`.
    pub url: bool,
    /// The alias's own provisioned concurrency (from the listing when there is one).
    pub alias_provisioned: bool,
    /// Every provisioned concurrency configuration of the function, in one listing.
    pub listed_provisioned: bool,
}

/// What the pre-flight reads of one environment's functions found.
#[derive(Clone, Debug, Default)]
pub struct Preflight {
    /// Event source mappings, the URL on `$LATEST`, and service invoke permissions.
    pub triggers: BTreeMap<Key, Lookup<Vec<Trigger>>>,
    /// The alias's own provisioned concurrency (`Missing`: none), where [`Reads`] asked.
    pub alias_provisioned: BTreeMap<Key, Lookup<Provisioned>>,
    /// Every provisioned concurrency configuration of the function by qualifier, where
    /// [`Reads`] asked.
    pub listed_provisioned: BTreeMap<Key, Lookup<BTreeMap<String, Provisioned>>>,
    /// The version the alias serves and its image.
    pub way_back: BTreeMap<Key, WayBack>,
}

/// A version a rollback would return to, and whether its image can still start.
#[derive(Clone, Debug)]
pub struct WayBack {
    pub version: String,
    /// The image URI the version was published with; `None` if it could not be read.
    pub image_uri: Option<String>,
    /// The digest Lambda resolved the version's image to. A published version's code is
    /// immutable (<https://docs.aws.amazon.com/lambda/latest/dg/configuration-versions.html>),
    /// so the plan takes it from here instead of reading the same version again.
    pub digest: Option<String>,
    /// `Missing`: the image is gone from ECR.
    pub image: Lookup<ImageFacts>,
    /// The repository's lifecycle policy text (`Missing`: none).
    pub lifecycle: Lookup<String>,
}

/// What one target's reads found: its alias (when this read it), the triggers read for it
/// alone, the alias's provisioned concurrency and the way back.
struct One {
    key: Key,
    alias: Option<Lookup<AliasInfo>>,
    own: Result<Vec<Trigger>, AwsError>,
    provisioned: Option<Lookup<Provisioned>>,
    listed: Option<Lookup<BTreeMap<String, Provisioned>>>,
    way_back: Option<WayBack>,
}

/// Reads the pre-flight facts of `targets` (`(function, alias) → its reads`), and the
/// aliases of those targets that `aliases` names (`answered` is called as each is answered),
/// returned beside them. The reads that need no alias (the account's event source mappings,
/// one listing shared by every function; each function's URL and unqualified `GetPolicy`)
/// start with the `GetAlias` reads, so their pools run side by side; the reads of the version
/// an alias serves follow that alias as soon as it is answered.
pub async fn observe(
    read: &Read,
    targets: &BTreeMap<Key, Reads>,
    aliases: &BTreeSet<Key>,
    answered: &(dyn Fn() + Sync),
) -> (Preflight, BTreeMap<Key, Lookup<AliasInfo>>) {
    let per_function = stream::iter(
        targets
            .iter()
            .map(|(key, reads)| one(read, key, *reads, aliases.contains(key), answered)),
    )
    .buffer_unordered(CONCURRENCY)
    .collect::<Vec<_>>();
    let (mappings, all) = futures::join!(read.event_source_mappings(), per_function);
    let mut out = Preflight::default();
    let mut read_aliases = BTreeMap::new();
    for one in all {
        let key = one.key;
        out.triggers
            .insert(key.clone(), triggers(&key.0, &mappings, one.own));
        if let Some(p) = one.provisioned {
            out.alias_provisioned.insert(key.clone(), p);
        }
        if let Some(l) = one.listed {
            out.listed_provisioned.insert(key.clone(), l);
        }
        if let Some(w) = one.way_back {
            out.way_back.insert(key.clone(), w);
        }
        if let Some(a) = one.alias {
            read_aliases.insert(key, a);
        }
    }
    (out, read_aliases)
}

/// One target's reads: its alias (when `read_alias`), its URL (unless `reads` skips it) and
/// unqualified `GetPolicy` at the same time, then what the alias's version decides (the
/// version's `GetPolicy`, the provisioned concurrency `reads` asks for, the way back) once the
/// alias is answered.
async fn one(
    read: &Read,
    key: &Key,
    reads: Reads,
    read_alias: bool,
    answered: &(dyn Fn() + Sync),
) -> One {
    let function = key.0.as_str();
    let after_alias = async {
        let alias = if read_alias {
            let got = Lookup::from_result(read.get_alias(function, &key.1).await);
            answered();
            Some(got)
        } else {
            None
        };
        let found = match &alias {
            Some(Lookup::Found(a)) => Some(a),
            _ => None,
        };
        let version = found.map(|a| a.version.as_str());
        let on_alias = async {
            match (reads.alias_provisioned && !reads.listed_provisioned, found) {
                (true, Some(_)) => Some(provisioned(read, function, &key.1).await),
                _ => None,
            }
        };
        let way_back = async {
            match version {
                Some(v) => Some(way_back(read, function, v).await),
                None => None,
            }
        };
        let (on_version, p, w) = futures::join!(
            version_permissions(read, function, version),
            on_alias,
            way_back
        );
        (alias, on_version, p, w)
    };
    let url = async {
        match reads.url {
            true => read.latest_url(function).await,
            false => Ok(None),
        }
    };
    let listed = async {
        match reads.listed_provisioned {
            true => Some(Lookup::from_result(read.provisioned_all(function).await)),
            false => None,
        }
    };
    // The alias first, so its request takes the earliest slot of the shared pool.
    let ((alias, on_version, provisioned, way_back), url, unqualified, listed) = futures::join!(
        after_alias,
        url,
        read.invoke_permissions(function, None),
        listed
    );
    // A listing answers the alias's own configuration too.
    let provisioned = match (&listed, &alias) {
        (Some(l), Some(Lookup::Found(_))) if reads.alias_provisioned => Some(qualifier(l, &key.1)),
        _ => provisioned,
    };
    One {
        key: key.clone(),
        alias,
        own: own_triggers(url, unqualified, on_version),
        provisioned,
        listed,
        way_back,
    }
}

/// Everything that invokes `function` as Lambda records it: its mappings (picked from the
/// account's), then `own` — its URL on `$LATEST` and the service permissions on it and on the
/// version the alias serves. Either read failing fails the lookup, the listing's error first.
fn triggers(
    function: &str,
    mappings: &Result<Vec<Trigger>, AwsError>,
    own: Result<Vec<Trigger>, AwsError>,
) -> Lookup<Vec<Trigger>> {
    let collect = || -> Result<Vec<Trigger>, AwsError> {
        let mut all = mappings_of(mappings.as_ref().map_err(Clone::clone)?, function);
        all.extend(own?);
        let mut seen = BTreeSet::new();
        all.retain(|t| seen.insert(format!("{t:?}")));
        Ok(all)
    };
    Lookup::from_result(collect())
}

/// The service permissions on `version`, the one the alias serves (none without an alias).
async fn version_permissions(
    read: &Read,
    function: &str,
    version: Option<&str>,
) -> Result<Vec<Trigger>, AwsError> {
    match version {
        Some(v) => read.invoke_permissions(function, Some(v)).await,
        None => Ok(Vec::new()),
    }
}

/// The triggers read for a function alone: its URL on `$LATEST` and the service permissions
/// on it and on the version the alias serves; the first failed read, in that order, fails it.
fn own_triggers(
    url: Result<Option<Trigger>, AwsError>,
    unqualified: Result<Vec<Trigger>, AwsError>,
    on_version: Result<Vec<Trigger>, AwsError>,
) -> Result<Vec<Trigger>, AwsError> {
    let mut all: Vec<Trigger> = url?.into_iter().collect();
    all.extend(unqualified?);
    all.extend(on_version?);
    Ok(all)
}

/// The mappings that invoke `function` (a name, or an unqualified function ARN, as the
/// contract writes it) on itself or on any of its versions and aliases. A mapping's
/// `FunctionArn` is `arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME`, qualified with
/// `:VERSION` or `:ALIAS` or not; its name must equal the function's exactly (`worker` is
/// not `worker-2`), and so must the rest of the ARN when the contract gives one.
fn mappings_of(mappings: &[Trigger], function: &str) -> Vec<Trigger> {
    mappings
        .iter()
        .filter(|m| targets_function(m.target(), function))
        .cloned()
        .collect()
}

fn targets_function(target: &str, function: &str) -> bool {
    let Some((arn_prefix, rest)) = target.split_once(":function:") else {
        return false;
    };
    let name = rest.split(':').next().unwrap_or_default();
    match function.split_once(":function:") {
        Some((prefix, own)) => prefix == arn_prefix && own == name,
        None => function == name,
    }
}

/// One qualifier's configuration in a listing (`Missing`: it has none).
fn qualifier(listed: &Lookup<BTreeMap<String, Provisioned>>, q: &str) -> Lookup<Provisioned> {
    match listed {
        Lookup::Found(all) => all.get(q).cloned().map_or(Lookup::Missing, Lookup::Found),
        Lookup::Missing => Lookup::Missing,
        Lookup::Failed(e) => Lookup::Failed(e.clone()),
    }
}

async fn provisioned(read: &Read, function: &str, qualifier: &str) -> Lookup<Provisioned> {
    match read.provisioned(function, qualifier).await {
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
        digest: None,
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
    back.digest = info.image_digest.clone();
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

#[cfg(test)]
mod tests {
    use super::*;

    fn mapping(target: &str) -> Trigger {
        Trigger::Mapping {
            source: "arn:aws:sqs:us-east-1:1:q".into(),
            uuid: target.into(),
            target: target.into(),
        }
    }

    #[test]
    fn a_function_gets_the_mappings_on_itself_its_versions_and_aliases_only() {
        let arn = "arn:aws:lambda:us-east-1:123456789012:function";
        let all: Vec<Trigger> = [
            format!("{arn}:worker"),
            format!("{arn}:worker:7"),
            format!("{arn}:worker:live"),
            format!("{arn}:worker-2"),
            format!("{arn}:worker-2:live"),
            format!("{arn}:other:worker"),
            String::new(),
        ]
        .iter()
        .map(|t| mapping(t))
        .collect();
        let targets = |function: &str| -> Vec<String> {
            mappings_of(&all, function)
                .iter()
                .map(|m| m.target().to_string())
                .collect()
        };
        let ours = vec![
            format!("{arn}:worker"),
            format!("{arn}:worker:7"),
            format!("{arn}:worker:live"),
        ];
        assert_eq!(targets("worker"), ours);
        assert_eq!(targets(&format!("{arn}:worker")), ours);
        assert_eq!(targets("work"), Vec::<String>::new());
        // A contract ARN names its account too.
        let elsewhere = mapping("arn:aws:lambda:us-east-1:210987654321:function:worker");
        assert!(mappings_of(&[elsewhere], &format!("{arn}:worker")).is_empty());
        assert_eq!(targets("other"), vec![format!("{arn}:other:worker")]);
    }

    fn denied(action: &'static str, resource: &str) -> AwsError {
        AwsError {
            kind: crate::aws::ErrorKind::AccessDenied,
            action,
            resource: resource.into(),
            code: "AccessDeniedException".into(),
            message: "no".into(),
        }
    }

    #[test]
    fn a_failed_listing_fails_every_functions_triggers_and_its_own_reads_only_its_own() {
        let listing = denied("lambda:ListEventSourceMappings", "event source mappings");
        for function in ["worker", "api"] {
            match triggers(function, &Err(listing.clone()), Ok(Vec::new())) {
                Lookup::Failed(e) => assert_eq!(e, listing),
                other => panic!("{function}: {other:?}"),
            }
        }
        let url = denied("lambda:GetFunctionUrlConfig", "api");
        let listed = Ok(vec![mapping("arn:aws:lambda:us-east-1:1:function:worker")]);
        assert!(
            matches!(triggers("api", &listed, Err(url.clone())), Lookup::Failed(e) if e == url)
        );
        match triggers("worker", &listed, Ok(Vec::new())) {
            Lookup::Found(found) => assert_eq!(found.len(), 1),
            other => panic!("{other:?}"),
        }
    }
}
