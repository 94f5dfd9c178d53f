//! A pure choice made before any AWS call: which environment a git ref
//! selects (what `command: auto` means for the event is `auto.rs`).

use crate::config::model::{Contract, Environment};
use crate::error::UsageError;
use crate::glob;

/// The environment whose `when:` matches `git_ref` (`refs/heads/B` against
/// `branch`, `refs/tags/T` against `tag`); `None` when none does, or for any
/// other kind of ref. An environment without `when:` is never chosen here.
///
/// Semver rule: a tag glob is *semver-shaped* when it starts with `v` and
/// contains a `.` (`v*.*.*`, `v1.*.*`). A tag that such a glob matches must be
/// `v` + a valid semantic version (`v1.2.3`, `v1.2.3-rc.1`), so `v1.2.3.4` is
/// refused. A pre-release tag (`v1.2.3-rc.1`) is selected only by an
/// environment whose `when` says `prerelease: true`, which selects only
/// pre-releases (README, "Release candidates"). And a tag that looks like a version (`v` and a digit) but matches
/// no environment while a semver-shaped glob exists (`v1.2`) is refused too,
/// rather than silently skipped: it is almost surely a mistyped release tag.
pub fn environment_for_ref<'c>(
    contract: &'c Contract,
    git_ref: &str,
) -> Result<Option<&'c Environment>, UsageError> {
    let (kind, name) = if let Some(branch) = git_ref.strip_prefix("refs/heads/") {
        (RefKind::Branch, branch)
    } else if let Some(tag) = git_ref.strip_prefix("refs/tags/") {
        (RefKind::Tag, tag)
    } else {
        return Ok(None);
    };
    let glob_of = |env: &'c Environment| match kind {
        RefKind::Branch => env.when.branch.as_deref(),
        RefKind::Tag => env.when.tag.as_deref(),
    };
    // A pre-release tag goes only to an environment that asked for one
    // (`prerelease: true`), and such an environment takes nothing else.
    let prerelease = kind == RefKind::Tag && is_prerelease_tag(name);
    let matching: Vec<&Environment> = contract
        .environments
        .iter()
        .filter(|env| glob_of(env).is_some_and(|g| glob::matches(g, name)))
        .filter(|env| kind == RefKind::Branch || env.when.prerelease == prerelease)
        .collect();

    if kind == RefKind::Tag {
        for env in &matching {
            if glob_of(env).is_some_and(semver_shaped) && !is_semver_tag(name) {
                return Err(UsageError::Selection(format!(
                    "tag `{name}` matches environment `{}` (tag glob `{}`), but is not `v` followed by a semantic version such as v1.2.3",
                    env.name,
                    glob_of(env).unwrap_or_default()
                )));
            }
        }
        if matching.is_empty() && looks_like_version(name) && !is_semver_tag(name) {
            let semver_envs: Vec<String> = contract
                .environments
                .iter()
                .filter(|env| glob_of(env).is_some_and(semver_shaped))
                .map(|env| format!("`{}`", env.name))
                .collect();
            if !semver_envs.is_empty() {
                return Err(UsageError::Selection(format!(
                    "tag `{name}` looks like a release but is not `v` followed by a semantic version (vMAJOR.MINOR.PATCH); environment {} expects one",
                    semver_envs.join(", ")
                )));
            }
        }
    }

    match matching.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one)),
        many => {
            let file = contract.path.display();
            let names: Vec<String> = many
                .iter()
                .map(|env| format!("`{}` ({file}:{}:{})", env.name, env.at.line, env.at.col))
                .collect();
            Err(UsageError::Selection(format!(
                "`{git_ref}` matches more than one environment: {}; make their `when:` globs disjoint or choose one with the `environment` input",
                names.join(", ")
            )))
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum RefKind {
    Branch,
    Tag,
}

fn semver_shaped(glob: &str) -> bool {
    glob.starts_with('v') && glob.contains('.')
}

fn looks_like_version(tag: &str) -> bool {
    tag.strip_prefix('v')
        .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
}

/// `v` + a semantic version with a pre-release part: `v1.0.0-rc.1`, not
/// `v1.0.0` nor `v1.0.0+build.5` (build metadata is no pre-release).
pub(crate) fn is_prerelease_tag(tag: &str) -> bool {
    tag.strip_prefix('v')
        .and_then(|v| semver::Version::parse(v).ok())
        .is_some_and(|v| !v.pre.is_empty())
}

fn is_semver_tag(tag: &str) -> bool {
    tag.strip_prefix('v')
        .is_some_and(|v| semver::Version::parse(v).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse;

    const CONTRACT: &str = r#"version: 1
environments:
  dev:
    when: { branch: "feature/**" }
    image: input
    functions: [{ name: f }]
  staging:
    when: { branch: main, tag: "rc-*" }
    image: input
    functions: [{ name: f }]
  production:
    when: { tag: "v*.*.*" }
    image: input
    functions: [{ name: f }]
  legacy:
    when: { tag: "old*" }
    image: input
    functions: [{ name: f }]
  manual:
    image: input
    functions: [{ name: f }]
"#;

    fn select(git_ref: &str) -> Result<Option<String>, String> {
        let c = parse("c.yml", CONTRACT).unwrap();
        environment_for_ref(&c, git_ref)
            .map(|e| e.map(|e| e.name.clone()))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn refs_select_environments() {
        let cases: &[(&str, Option<&str>)] = &[
            ("refs/heads/main", Some("staging")),
            ("refs/heads/feature/a/b", Some("dev")),
            ("refs/heads/feature", None),
            ("refs/heads/other", None),
            ("refs/tags/rc-1", Some("staging")),
            ("refs/tags/v1.2.3", Some("production")),
            ("refs/tags/v1.2.3+build.5", Some("production")),
            // a pre-release: no environment here says `prerelease: true`
            ("refs/tags/v1.2.3-rc.1+build.5", None),
            ("refs/tags/v1.0.0-rc.1", None),
            ("refs/tags/old-v1", Some("legacy")),
            ("refs/tags/main", None),
            ("refs/tags/release", None),
            ("refs/pull/4/merge", None),
            ("main", None),
            ("", None),
        ];
        for &(git_ref, want) in cases {
            assert_eq!(select(git_ref), Ok(want.map(str::to_string)), "{git_ref}");
        }
    }

    #[test]
    fn tags_for_a_semver_glob_must_be_semver() {
        for tag in ["v1.2.3.4", "v01.2.3", "v1.2.x", "v1.2", "v2"] {
            let err = select(&format!("refs/tags/{tag}")).unwrap_err();
            assert!(err.contains(&format!("`{tag}`")), "{err}");
            assert!(err.contains("production"), "{err}");
        }
    }

    #[test]
    fn only_a_prerelease_environment_takes_a_prerelease_tag() {
        let c = parse(
            "c.yml",
            "version: 1\nenvironments:\n  candidate:\n    when: { tag: 'v*.*.*', prerelease: true }\n    image: input\n    functions: [{ name: f }]\n  production:\n    when: { tag: 'v*.*.*' }\n    image: input\n    functions: [{ name: f }]\n",
        )
        .unwrap();
        let env = |r: &str| environment_for_ref(&c, r).unwrap().map(|e| e.name.clone());
        for (tag, want) in [
            ("v1.0.0-rc.1", "candidate"),
            ("v2.3.4-beta", "candidate"),
            ("v1.0.0-0.3.7+sha.5", "candidate"),
            ("v1.0.0", "production"),
            ("v1.0.0+sha.5", "production"),
        ] {
            assert_eq!(
                env(&format!("refs/tags/{tag}")).as_deref(),
                Some(want),
                "{tag}"
            );
        }
        // Still semver: a malformed pre-release is refused, not skipped.
        let err = environment_for_ref(&c, "refs/tags/v1.0.0-rc..1").unwrap_err();
        assert!(err.to_string().contains("`v1.0.0-rc..1`"), "{err}");
    }

    #[test]
    fn version_like_tags_without_a_semver_glob_are_just_unmatched() {
        let c = parse(
            "c.yml",
            "version: 1\nenvironments:\n  a:\n    when: { tag: 'release-*' }\n    image: input\n    functions: [{ name: f }]\n",
        )
        .unwrap();
        assert!(environment_for_ref(&c, "refs/tags/v1.2").unwrap().is_none());
    }

    #[test]
    fn two_matching_environments_are_named_with_positions() {
        let c = parse(
            "c.yml",
            "version: 1\nenvironments:\n  a:\n    when: { branch: 'release/*' }\n    image: input\n    functions: [{ name: f }]\n  b:\n    when: { branch: 'release/**' }\n    image: input\n    functions: [{ name: f }]\n",
        )
        .unwrap();
        let err = environment_for_ref(&c, "refs/heads/release/1").unwrap_err();
        let UsageError::Selection(message) = err else {
            panic!("not a selection error")
        };
        assert!(message.contains("`a` (c.yml:3:3)"), "{message}");
        assert!(message.contains("`b` (c.yml:7:3)"), "{message}");
        // release/1/x matches only b
        assert_eq!(
            environment_for_ref(&c, "refs/heads/release/1/x")
                .unwrap()
                .map(|e| e.name.as_str()),
            Some("b")
        );
    }
}
