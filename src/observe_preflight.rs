//! The pre-flight part of the snapshot (docs/codes.md, "Finding codes"): for each function an
//! environment deploys to, what invokes it without going through its alias (unless an
//! all-at-once promotion reads that beside its writes: `observe_triggers.rs`), the provisioned
//! concurrency on the alias (weighted strategies only), and the way back: the image of the
//! version the alias serves now (where a failed promotion returns to) and the lifecycle
//! policy of its repository. Each function's alias is read here too: the reads that need no
//! alias start with it, the way back and the version's permissions as soon as it is answered.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;

use futures::stream::{self, StreamExt};

use crate::aws::Provisioned;
use crate::aws::Trigger;
use crate::aws::types::{AliasInfo, Lookup};
use crate::aws::{AwsError, Read};
use crate::observe_triggers::{own_triggers, triggers, version_permissions};
pub use crate::observe_way_back::WayBack;
use crate::observe_way_back::{Ecr, way_back};

/// How many pre-flight reads may be in flight at once (the pacer spaces them).
const CONCURRENCY: usize = 16;

/// A function and alias, as the snapshot keys them.
pub use crate::observe_triggers::Key;

/// Which pre-flight reads one target gets (`observe::needs` decides them from the strategy
/// and the environment's `assume:`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Reads {
    /// What invokes the function (`observe_triggers.rs`); `false`: a promotion reads it
    /// beside its writes instead.
    pub triggers: bool,
    /// `GetFunctionUrlConfig` of `$LATEST`, with the triggers.
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

/// What one target's reads found: its alias (when this read it), the triggers read for it
/// alone, the alias's provisioned concurrency and the way back.
struct One {
    key: Key,
    alias: Option<Lookup<AliasInfo>>,
    /// `None`: the triggers were not read here.
    own: Option<Result<Vec<Trigger>, AwsError>>,
    provisioned: Option<Lookup<Provisioned>>,
    listed: Option<Lookup<BTreeMap<String, Provisioned>>>,
    way_back: Option<WayBack>,
}

/// Reads the pre-flight facts of `targets` (`(function, alias) → its reads`), and the
/// aliases of those targets that `aliases` names (`answered` is called as each is answered),
/// returned beside them. The reads that need no alias (the account's event source mappings,
/// one listing shared by every function; each function's URL and unqualified `GetPolicy`)
/// start with the `GetAlias` reads, so their pools run side by side; the reads of the version
/// an alias serves follow that alias as soon as it is answered; ECR answers one question
/// once however many functions ask it (`observe_way_back.rs`).
pub async fn observe(
    read: &Read,
    targets: &BTreeMap<Key, Reads>,
    aliases: &BTreeSet<Key>,
    answered: &(dyn Fn() + Sync),
) -> (Preflight, BTreeMap<Key, Lookup<AliasInfo>>) {
    let ecr = Ecr::default();
    let per_function = stream::iter(
        targets
            .iter()
            .map(|(key, reads)| one(read, &ecr, key, *reads, aliases.contains(key), answered)),
    )
    .buffer_unordered(CONCURRENCY)
    .collect::<Vec<_>>();
    let any = targets.values().any(|r| r.triggers);
    let mappings = read_if(any, read.event_source_mappings());
    let (mappings, all) = futures::join!(mappings, per_function);
    let mut out = Preflight::default();
    let mut read_aliases = BTreeMap::new();
    for one in all {
        let key = one.key;
        if let Some(own) = one.own {
            out.triggers
                .insert(key.clone(), triggers(&key.0, &mappings, own));
        }
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

/// One target's reads: its alias (when `read_alias`), its URL and unqualified `GetPolicy`
/// (where `reads` asks for the triggers, and the URL) at the same time, then what the alias's
/// version decides (the version's `GetPolicy`, the provisioned concurrency `reads` asks for,
/// the way back) once the alias is answered.
async fn one(
    read: &Read,
    ecr: &Ecr,
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
                Some(v) => Some(way_back(read, ecr, function, v).await),
                None => None,
            }
        };
        let on_version = read_if(reads.triggers, version_permissions(read, function, version));
        let (on_version, p, w) = futures::join!(on_version, on_alias, way_back);
        (alias, on_version, p, w)
    };
    let url = read_if(reads.url && reads.triggers, read.latest_url(function));
    let unqualified = read_if(reads.triggers, read.invoke_permissions(function, None));
    let listed = async {
        match reads.listed_provisioned {
            true => Some(Lookup::from_result(read.provisioned_all(function).await)),
            false => None,
        }
    };
    // The alias first, so its request takes the earliest slot of the shared pool.
    let ((alias, on_version, provisioned, way_back), url, unqualified, listed) =
        futures::join!(after_alias, url, unqualified, listed);
    // A listing answers the alias's own configuration too.
    let provisioned = match (&listed, &alias) {
        (Some(l), Some(Lookup::Found(_))) if reads.alias_provisioned => Some(qualifier(l, &key.1)),
        _ => provisioned,
    };
    One {
        key: key.clone(),
        alias,
        own: reads
            .triggers
            .then(|| own_triggers(url, unqualified, on_version)),
        provisioned,
        listed,
        way_back,
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

/// `read`'s answer where `on`, else nothing read and an empty answer: the reads a target's
/// `Reads` may leave out.
async fn read_if<T: Default>(
    on: bool,
    read: impl Future<Output = Result<T, AwsError>>,
) -> Result<T, AwsError> {
    match on {
        true => read.await,
        false => Ok(T::default()),
    }
}
