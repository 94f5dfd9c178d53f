//! Rules that span environments: `from` must name an environment and must
//! not loop, and no two environments may share a branch or tag glob (a tag
//! glob may be shared by one environment with `prerelease: true` and one without).

use super::access::Sink;
use super::model::Spot;
use crate::diag::Code;

/// Where an environment's cross-referenced values were written. Kept for every
/// declared environment, even one whose other keys had errors, so that a
/// `from` naming it is not also reported as unknown.
#[derive(Clone, Debug)]
pub struct Places {
    pub name: String,
    pub from: Option<Spot<String>>,
    pub branch: Option<Spot<String>>,
    pub tag: Option<Spot<String>>,
    /// `when.prerelease`: a tag glob with it and one without never select the same tag.
    pub prerelease: bool,
}

pub fn across_environments(sink: &mut Sink, places: &[Places]) {
    unknown_from(sink, places);
    from_cycles(sink, places);
    duplicate_triggers(sink, places, "branch", |p| p.branch.as_ref(), |_| false);
    duplicate_triggers(sink, places, "tag", |p| p.tag.as_ref(), |p| p.prerelease);
}

fn unknown_from(sink: &mut Sink, places: &[Places]) {
    for p in places {
        let Some(from) = &p.from else { continue };
        if !places.iter().any(|q| q.name == from.value) {
            let known: Vec<&str> = places.iter().map(|q| q.name.as_str()).collect();
            sink.error(
                from.at,
                Code::UnknownEnvironment,
                format!(
                    "`environments.{}.image.from` names `{}`, which is not an environment; known: {}",
                    p.name,
                    from.value,
                    known.join(", ")
                ),
            );
        }
    }
}

/// Every environment on a `from` loop gets its own diagnostic at its `from`.
fn from_cycles(sink: &mut Sink, places: &[Places]) {
    let next = |name: &str| -> Option<&Places> {
        let from = places.iter().find(|p| p.name == name)?.from.as_ref()?;
        places.iter().find(|p| p.name == from.value)
    };
    for start in places {
        let Some(from) = &start.from else { continue };
        let mut chain = vec![start.name.as_str()];
        let mut current = next(&start.name);
        // A chain longer than the number of environments has looped already.
        while let Some(p) = current {
            if p.name == start.name {
                chain.push(p.name.as_str());
                sink.error(
                    from.at,
                    Code::FromCycle,
                    format!(
                        "`environments.{}.image.from` is part of a cycle: {}",
                        start.name,
                        chain.join(" → ")
                    ),
                );
                break;
            }
            if chain.len() > places.len() {
                break;
            }
            chain.push(p.name.as_str());
            current = next(&p.name);
        }
    }
}

fn duplicate_triggers(
    sink: &mut Sink,
    places: &[Places],
    kind: &str,
    glob: impl Fn(&Places) -> Option<&Spot<String>>,
    lane: impl Fn(&Places) -> bool,
) {
    for p in places {
        let Some(mine) = glob(p) else { continue };
        let others: Vec<String> = places
            .iter()
            .filter(|q| q.name != p.name && lane(q) == lane(p))
            .filter_map(|q| {
                glob(q)
                    .filter(|g| g.value == mine.value)
                    .map(|g| format!("`{}` (line {})", q.name, g.at.line))
            })
            .collect();
        if !others.is_empty() {
            sink.error(
                mine.at,
                Code::DuplicateTrigger,
                format!(
                    "environment `{}` has the same {kind} glob `{}` as {}; a ref must select one environment",
                    p.name,
                    mine.value,
                    others.join(", ")
                ),
            );
        }
    }
}
