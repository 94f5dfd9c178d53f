//! Which versions to delete after a promotion: the oldest beyond
//! `keep-versions`, never `$LATEST`, never one an alias uses (also as a
//! routing weight), and never one an alias records as its previous version
//! (`rollback`'s target). Pure.

use std::collections::BTreeSet;

use crate::aws::types::AliasInfo;

/// Versions to delete, oldest first. `keep` counts the newest published
/// versions kept; versions in use by an alias, or recorded by one as the
/// version to roll back to, are kept on top of that.
pub fn to_delete(versions: &[String], aliases: &[AliasInfo], keep: u32) -> Vec<String> {
    let previous: Vec<String> = aliases
        .iter()
        .filter_map(|a| crate::provenance::previous_version(&a.description))
        .collect();
    let in_use: BTreeSet<&str> = aliases
        .iter()
        .flat_map(|a| {
            std::iter::once(a.version.as_str()).chain(a.routing.keys().map(String::as_str))
        })
        .chain(previous.iter().map(String::as_str))
        .collect();
    let mut numbered: Vec<(u64, &String)> = versions
        .iter()
        .filter_map(|v| v.parse::<u64>().ok().map(|n| (n, v)))
        .collect();
    numbered.sort_unstable();
    numbered.dedup();
    let excess = numbered.len().saturating_sub(keep as usize);
    numbered
        .into_iter()
        .take(excess)
        .map(|(_, v)| v)
        .filter(|v| !in_use.contains(v.as_str()))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alias(version: &str, weights: &[(&str, f64)]) -> AliasInfo {
        AliasInfo {
            name: "a".into(),
            version: version.into(),
            routing: weights.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
            description: String::new(),
            revision_id: None,
        }
    }

    fn vs(n: u64) -> Vec<String> {
        (1..=n).map(|i| i.to_string()).collect()
    }

    #[test]
    fn keeps_the_newest() {
        assert_eq!(
            to_delete(&vs(5), &[alias("5", &[])], 2),
            vec!["1", "2", "3"]
        );
    }

    #[test]
    fn never_deletes_aliased_versions_or_routing_targets() {
        let aliases = [alias("5", &[("2", 0.1)]), alias("1", &[])];
        assert_eq!(to_delete(&vs(5), &aliases, 2), vec!["3"]);
    }

    #[test]
    fn never_deletes_the_rollback_target() {
        let mut live = alias("5", &[]);
        live.description = "lambda-promote previous=4 run=42".into();
        assert_eq!(to_delete(&vs(5), &[live], 1), vec!["1", "2", "3"]);
    }

    #[test]
    fn ignores_latest_and_orders_numerically() {
        let versions = vec!["$LATEST".into(), "10".into(), "9".into(), "11".into()];
        assert_eq!(to_delete(&versions, &[], 2), vec!["9"]);
    }

    #[test]
    fn nothing_when_under_the_limit() {
        assert!(to_delete(&vs(3), &[], 10).is_empty());
    }
}
