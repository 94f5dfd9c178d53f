//! Recognising this run's own write when its answer was lost. A write that AWS applied but
//! whose answer never arrived (a 5xx, a reset) is retried by the SDK with the same, now
//! stale, revision id and refused with `PreconditionFailedException`. Before calling that a
//! conflict with another run, read the resource back: if it holds exactly what this run
//! wrote (same version, routing and description), the write was ours and it succeeded.

use std::collections::BTreeMap;

use crate::aws::types::AliasInfo;
use crate::aws::types::Published;
use crate::aws::{AwsError, ErrorKind, Write};

/// `UpdateAlias`, recognising a lost answer to our own write.
pub async fn update_alias(
    write: &Write,
    function: &str,
    alias: &str,
    version: &str,
    weights: &BTreeMap<String, f64>,
    description: &str,
    guard: Option<&str>,
) -> Result<AliasInfo, AwsError> {
    let refused = match write
        .update_alias(function, alias, version, weights, Some(description), guard)
        .await
    {
        Err(e) if e.kind == ErrorKind::Precondition => e,
        other => return other,
    };
    match write.read().get_alias(function, alias).await {
        Ok(now) if is_our_alias(&now, version, weights, description) => Ok(now),
        _ => Err(refused),
    }
}

/// The alias holds what this run wrote.
pub fn is_our_alias(
    now: &AliasInfo,
    version: &str,
    weights: &BTreeMap<String, f64>,
    description: &str,
) -> bool {
    let live: BTreeMap<&String, f64> = now
        .routing
        .iter()
        .filter(|(_, w)| **w > 0.0)
        .map(|(k, w)| (k, *w))
        .collect();
    let ours: BTreeMap<&String, f64> = weights
        .iter()
        .filter(|(_, w)| **w > 0.0)
        .map(|(k, w)| (k, *w))
        .collect();
    now.version == version
        && now.description == description
        && live.len() == ours.len()
        && live
            .iter()
            .zip(&ours)
            .all(|((k1, w1), (k2, w2))| k1 == k2 && (w1 - w2).abs() < 1e-9)
}

/// `PublishVersion`, recognising a lost answer: the version this run published carries
/// this run's description (repository, commit, run id, digest) and the code hash.
pub async fn publish(
    write: &Write,
    function: &str,
    code_sha256: &str,
    revision: Option<&str>,
    description: &str,
) -> Result<Published, AwsError> {
    let refused = match write
        .publish_version(function, code_sha256, revision, description)
        .await
    {
        Err(e) if e.kind == ErrorKind::Precondition => e,
        other => return other,
    };
    match write.read().described_versions(function).await {
        Ok(versions) => versions
            .into_iter()
            .filter(|v| v.description == description && v.code_sha256 == code_sha256)
            .max_by_key(|v| v.version.parse::<u64>().unwrap_or(0))
            .ok_or(refused),
        Err(_) => Err(refused),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alias(version: &str, weights: &[(&str, f64)], description: &str) -> AliasInfo {
        AliasInfo {
            name: "live".into(),
            version: version.into(),
            routing: weights.iter().map(|(k, w)| (k.to_string(), *w)).collect(),
            description: description.into(),
            revision_id: None,
        }
    }

    #[test]
    fn our_write_is_version_routing_and_description() {
        let w = BTreeMap::from([("2".to_string(), 0.1)]);
        assert!(is_our_alias(&alias("1", &[("2", 0.1)], "d"), "1", &w, "d"));
        assert!(!is_our_alias(&alias("1", &[("2", 0.5)], "d"), "1", &w, "d"));
        assert!(!is_our_alias(
            &alias("1", &[("2", 0.1)], "other"),
            "1",
            &w,
            "d"
        ));
        assert!(!is_our_alias(&alias("3", &[("2", 0.1)], "d"), "1", &w, "d"));
        // An empty routing map and a zero weight are the same "no routing".
        assert!(is_our_alias(
            &alias("2", &[("3", 0.0)], "d"),
            "2",
            &BTreeMap::new(),
            "d"
        ));
    }
}
