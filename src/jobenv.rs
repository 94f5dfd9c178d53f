//! The job env vars the contract names, captured once as secrets. Unset and
//! empty are the same thing here, as on a fork's pull request.

use std::collections::BTreeMap;

use crate::secret::Secret;

#[derive(Clone, Debug, Default)]
pub struct JobEnv {
    values: BTreeMap<String, Secret>,
}

impl JobEnv {
    /// Reads each named variable through `lookup` (the process env in production).
    pub fn capture<'a>(
        names: impl IntoIterator<Item = &'a str>,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Self {
        let values = names
            .into_iter()
            .filter_map(|n| {
                let v = lookup(n)?;
                let v = v.trim();
                (!v.is_empty()).then(|| (n.to_string(), Secret::new(v)))
            })
            .collect();
        Self { values }
    }

    /// The value, if set and not empty.
    pub fn get(&self, name: &str) -> Option<&Secret> {
        self.values.get(name)
    }

    /// Every captured value, for `::add-mask::` and leak checks.
    pub fn secrets(&self) -> impl Iterator<Item = &Secret> {
        self.values.values()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_unset_are_both_absent() {
        let env = JobEnv::capture(["A", "B", "C"], |n| match n {
            "A" => Some("value".into()),
            "B" => Some("  ".into()),
            _ => None,
        });
        assert_eq!(env.get("A").map(Secret::expose), Some("value"));
        assert!(env.get("B").is_none());
        assert!(env.get("C").is_none());
    }
}
