//! `environments.E.when`: the branch and tag globs that select an environment,
//! and whether its tag glob takes semver pre-release tags (`prerelease: true`).

use super::access::{Sink, fields, string};
use super::model::{Spot, Trigger};
use super::yaml::{Node, Yaml};
use crate::config::across::Places;
use crate::diag::Code;

const KEYS: &[&str] = &["branch", "tag", "prerelease"];

/// Reads `when:` and records where its globs were written in `place`, for the
/// rules across environments (two environments may share a tag glob when one
/// takes pre-releases and the other does not).
pub fn trigger(sink: &mut Sink, y: &Yaml, path: &str, place: &mut Places) -> Option<Trigger> {
    let f = fields(sink, y, path, KEYS)?;
    let branch = f
        .get("branch")
        .map(|b| (b, string(sink, b, &f.child("branch"))));
    let tag = f.get("tag").map(|t| (t, string(sink, t, &f.child("tag"))));
    if branch.is_none() && tag.is_none() {
        sink.error(
            y.at,
            Code::MissingKey,
            format!("`{path}` needs `branch`, `tag` or both"),
        );
        return None;
    }
    let prerelease = match f.get("prerelease") {
        None => Some(false),
        Some(p) => prerelease(sink, p, &f.child("prerelease"), tag.is_some()),
    };
    place.prerelease = prerelease.unwrap_or(false);
    if let Some((b, Some(glob))) = &branch {
        place.branch = Some(Spot {
            value: glob.clone(),
            at: b.at,
        });
    }
    if let Some((t, Some(glob))) = &tag {
        place.tag = Some(Spot {
            value: glob.clone(),
            at: t.at,
        });
    }
    let branch = match branch {
        Some((_, v)) => Some(v?),
        None => None,
    };
    let tag = match tag {
        Some((_, v)) => Some(v?),
        None => None,
    };
    Some(Trigger {
        branch,
        tag,
        prerelease: prerelease?,
    })
}

/// `prerelease:` must be a boolean, and says something only about a tag glob.
fn prerelease(sink: &mut Sink, y: &Yaml, path: &str, has_tag: bool) -> Option<bool> {
    let Node::Bool(value) = y.node else {
        sink.wrong_type(y, path, "a boolean (true or false)");
        return None;
    };
    if !has_tag {
        sink.error(
            y.at,
            Code::PrereleaseWithoutTag,
            format!(
                "`{path}` applies to a tag glob; add `tag:` (e.g. `tag: \"v*.*.*\"`) or remove it"
            ),
        );
        return None;
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use crate::config::model::{Pos, Trigger};
    use crate::config::parse;
    use crate::diag::Code;

    fn when(line: &str) -> Result<Trigger, Vec<(Code, Pos)>> {
        let text = format!(
            "version: 1\nenvironments:\n  a:\n    when: {line}\n    image: input\n    functions: [{{ name: f }}]\n"
        );
        match parse("c.yml", &text) {
            Ok(c) => Ok(c.environments[0].when.clone()),
            Err(d) => Err(d.into_iter().map(|d| (d.code, d.at)).collect()),
        }
    }

    #[test]
    fn prerelease_defaults_to_false_and_reads_a_boolean() {
        assert!(!when("{ tag: 'v*.*.*' }").unwrap().prerelease);
        assert!(
            !when("{ tag: 'v*.*.*', prerelease: false }")
                .unwrap()
                .prerelease
        );
        let t = when("{ tag: 'v*.*.*', prerelease: true }").unwrap();
        assert_eq!(t.tag.as_deref(), Some("v*.*.*"));
        assert!(t.prerelease);
    }

    #[test]
    fn prerelease_errors_have_positions() {
        let at = |line, col| Pos { line, col };
        assert_eq!(
            when("{ tag: 'v*.*.*', prerelease: yes }").unwrap_err(),
            [(Code::WrongType, at(4, 40))]
        );
        assert_eq!(
            when("{ branch: main, prerelease: true }").unwrap_err(),
            [(Code::PrereleaseWithoutTag, at(4, 39))]
        );
        assert_eq!(
            when("{ tag: 'v*', prereleases: true }").unwrap_err(),
            [(Code::UnknownKey, at(4, 24))]
        );
    }

    #[test]
    fn a_release_and_a_prerelease_environment_may_share_a_tag_glob() {
        let text = "version: 1
environments:
  candidate:
    when: { tag: 'v*.*.*', prerelease: true }
    image: input
    functions: [{ name: f }]
  production:
    when: { tag: 'v*.*.*' }
    image: input
    functions: [{ name: f }]
  again:
    when: { tag: 'v*.*.*', prerelease: true }
    image: input
    functions: [{ name: f }]
";
        let d = parse("c.yml", text).unwrap_err();
        let got: Vec<(&str, u32)> = d.iter().map(|d| (d.code.as_str(), d.at.line)).collect();
        // candidate and again collide; production (no prerelease) collides with neither.
        assert_eq!(got, [("duplicate-trigger", 4), ("duplicate-trigger", 12)]);
        assert!(
            d[0].message.contains("`again` (line 12)"),
            "{}",
            d[0].message
        );
    }
}
