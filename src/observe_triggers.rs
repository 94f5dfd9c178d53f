//! The reads behind `traffic-bypasses-alias` (docs/codes.md, "Finding codes"): what invokes a
//! function without going through its alias — the account's event source mappings (one listing
//! for every function), the URL on `$LATEST` and the service permissions on the function and on
//! the version its alias serves. The pre-flight makes them before any write
//! (`observe_preflight.rs`); an all-at-once promotion, where the finding is only a warning, makes
//! them beside its writes ([`after`]), so they take no turn of the shared control-plane quota
//! before the first write.

use std::collections::{BTreeMap, BTreeSet};

use futures::stream::{self, StreamExt};

use crate::aws::types::Lookup;
use crate::aws::{AwsError, Read, Trigger};

/// How many of these reads may be in flight at once (the pacer spaces them).
const CONCURRENCY: usize = 16;

/// A function and alias, as the snapshot keys them.
pub type Key = (String, String);

/// One function whose triggers [`after`] reads: the version its alias serves (`None`: no
/// alias was found) and whether its URL is read (not where `assume:` says there is none).
pub struct Target {
    pub key: Key,
    pub version: Option<String>,
    pub url: bool,
}

/// The triggers of every target: one listing of the account's mappings, the URLs and the
/// policies, each a stream of its own. The URLs share the control-plane pool with the writes
/// this runs beside, the policies have a pool of their own: tied together per function, a
/// URL waiting its turn behind the writes held back its function's policies, and the
/// policies were then read after the last write.
pub async fn after(read: &Read, targets: &[Target]) -> BTreeMap<Key, Lookup<Vec<Trigger>>> {
    let urls = stream::iter(
        targets
            .iter()
            .filter(|t| t.url)
            .map(|t| async move { (t.key.clone(), read.latest_url(&t.key.0).await) }),
    )
    .buffer_unordered(CONCURRENCY)
    .collect::<BTreeMap<_, _>>();
    let policies = stream::iter(targets.iter().map(|t| async move {
        let function = t.key.0.as_str();
        let (unqualified, on_version) = futures::join!(
            read.invoke_permissions(function, None),
            version_permissions(read, function, t.version.as_deref())
        );
        (t.key.clone(), (unqualified, on_version))
    }))
    .buffer_unordered(CONCURRENCY)
    .collect::<Vec<_>>();
    let (mappings, mut urls, policies) =
        futures::join!(read.event_source_mappings(), urls, policies);
    policies
        .into_iter()
        .map(|(key, (unqualified, on_version))| {
            let url = urls.remove(&key).unwrap_or(Ok(None));
            let own = own_triggers(url, unqualified, on_version);
            let found = triggers(&key.0, &mappings, own);
            (key, found)
        })
        .collect()
}

/// Everything that invokes `function` as Lambda records it: its mappings (picked from the
/// account's), then `own` — its URL on `$LATEST` and the service permissions on it and on the
/// version the alias serves. Either read failing fails the lookup, the listing's error first.
pub(crate) fn triggers(
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
pub(crate) async fn version_permissions(
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
pub(crate) fn own_triggers(
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
