//! Functions into environments by their name's suffix (`-dev`, `-staging`,
//! `-prod`/`-production`). When no function has one, every image function goes
//! into one environment, `main`; when some do, the others stay out, in a
//! commented-out block of the contract (README, "Start from what runs: `init`").

use super::FoundFunction;

/// One environment `init` writes, in promotion order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group<'a> {
    pub name: &'static str,
    /// `when:` as YAML flow text.
    pub when: &'static str,
    pub functions: Vec<&'a FoundFunction>,
}

/// The environments, and the image functions no pattern placed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Grouping<'a> {
    pub groups: Vec<Group<'a>>,
    pub unplaced: Vec<&'a FoundFunction>,
}

/// Environment, its suffixes, and the ref that promotes to it.
const PATTERNS: &[(&str, &[&str], &str)] = &[
    ("dev", &["-dev", "-development"], "{ branch: dev }"),
    ("staging", &["-staging", "-stage"], "{ branch: main }"),
    (
        "production",
        &["-prod", "-production"],
        "{ tag: \"v*.*.*\" }",
    ),
];

/// The environment name a function's suffix selects.
pub fn environment_of(name: &str) -> Option<&'static str> {
    PATTERNS
        .iter()
        .find(|(_, suffixes, _)| suffixes.iter().any(|s| name.ends_with(s)))
        .map(|(env, _, _)| *env)
}

/// Zip functions are left out: they cannot be promoted.
pub fn group(functions: &[FoundFunction]) -> Grouping<'_> {
    let images: Vec<&FoundFunction> = functions.iter().filter(|f| f.image).collect();
    let mut grouping = Grouping::default();
    for (env, _, when) in PATTERNS {
        let members: Vec<&FoundFunction> = images
            .iter()
            .copied()
            .filter(|f| environment_of(&f.name) == Some(env))
            .collect();
        if !members.is_empty() {
            grouping.groups.push(Group {
                name: env,
                when,
                functions: members,
            });
        }
    }
    let unplaced = images
        .iter()
        .copied()
        .filter(|f| environment_of(&f.name).is_none());
    if grouping.groups.is_empty() {
        let functions: Vec<&FoundFunction> = unplaced.collect();
        if !functions.is_empty() {
            grouping.groups.push(Group {
                name: "main",
                when: "{ branch: main }",
                functions,
            });
        }
    } else {
        grouping.unplaced = unplaced.collect();
    }
    grouping
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(name: &str, image: bool) -> FoundFunction {
        FoundFunction {
            name: name.into(),
            image,
            ..Default::default()
        }
    }

    #[test]
    fn suffixes_pick_environments_in_promotion_order() {
        let all = [
            f("api-prod", true),
            f("api-dev", true),
            f("worker-production", true),
            f("cron", true),
            f("old-dev", false),
        ];
        let g = group(&all);
        let names: Vec<(&str, Vec<&str>)> = g
            .groups
            .iter()
            .map(|g| {
                (
                    g.name,
                    g.functions.iter().map(|f| f.name.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(
            names,
            [
                ("dev", vec!["api-dev"]),
                ("production", vec!["api-prod", "worker-production"])
            ]
        );
        assert_eq!(g.unplaced, [&all[3]]);
    }

    #[test]
    fn no_pattern_means_one_environment() {
        let all = [f("a", true), f("b", true)];
        let g = group(&all);
        assert_eq!(g.groups.len(), 1);
        assert_eq!(g.groups[0].name, "main");
        assert!(g.unplaced.is_empty());
    }
}
