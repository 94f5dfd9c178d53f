//! What the restores after a failure did (the coordinator runs them, `coordinator.rs`),
//! and, for an alias that could not be put back, where it is and the exact command that
//! fixes it.

use crate::aws::Read;
use crate::aws::types::AliasInfo;
use crate::report::model::LeftMoved;

/// Reading back an alias whose restore failed: short, the run is ending.
const READ_BACK_BUDGET: std::time::Duration = std::time::Duration::from_secs(2);

/// One alias a task may have moved.
/// (Recorded by the coordinator, `coordinator.rs`.)
#[derive(Clone, Debug)]
pub struct Entry {
    /// The (account, region) part whose handle restores it.
    pub part: usize,
    pub function: String,
    pub alias: String,
    /// The alias before the run; `None` when this run creates it.
    pub before: Option<AliasInfo>,
    /// The description this run writes on the alias: how its own writes are recognised.
    pub ours: String,
    /// A write of this run was answered: the alias has moved.
    pub landed: bool,
    /// A write whose answer never came (lost, cut, retries exhausted): it may have
    /// landed, or may still land.
    pub uncertain: bool,
    /// Another writer changed the alias under this run: it is theirs, not restored.
    pub theirs: bool,
}

#[derive(Debug, Default)]
pub struct Restored {
    /// The restores ran (an abort, a failure or a signal): the run did not succeed.
    pub ran: bool,
    /// Functions whose alias had moved and is back as it was.
    pub functions: Vec<String>,
    /// Aliases that could not be put back, and why.
    pub errors: Vec<String>,
    /// Where each alias that could not be put back is left, and the fix.
    pub left: Vec<LeftMoved>,
    /// Aliases another writer changed, left as they are.
    pub warnings: Vec<String>,
}

/// What a restore that failed left behind, read back from Lambda.
pub async fn left_moved(read: &Read, e: &Entry) -> LeftMoved {
    let now = tokio::time::timeout(READ_BACK_BUDGET, read.get_alias(&e.function, &e.alias)).await;
    let (version, routing) = match now {
        Ok(Ok(a)) => (
            Some(a.version),
            a.routing.into_iter().filter(|(_, w)| *w > 0.0).collect(),
        ),
        _ => (None, Default::default()),
    };
    LeftMoved {
        function: e.function.clone(),
        alias: e.alias.clone(),
        version,
        routing,
        fix: fix_command(e, read.region()),
    }
}

/// The AWS CLI command that puts the alias back as it was before the run
/// (<https://awscli.amazonaws.com/v2/documentation/api/latest/reference/lambda/update-alias.html>):
/// the previous version with no routing, or deleting an alias this run created.
pub fn fix_command(e: &Entry, region: &str) -> String {
    match &e.before {
        Some(b) => format!(
            "aws lambda update-alias --region {region} --function-name {} --name {} \
             --function-version {} --routing-config '{{\"AdditionalVersionWeights\":{{}}}}'",
            e.function, e.alias, b.version
        ),
        None => format!(
            "aws lambda delete-alias --region {region} --function-name {} --name {}",
            e.function, e.alias
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(before: Option<&str>) -> Entry {
        Entry {
            part: 0,
            function: "worker".into(),
            alias: "live".into(),
            before: before.map(|v| AliasInfo {
                name: "live".into(),
                version: v.into(),
                routing: Default::default(),
                description: String::new(),
                revision_id: None,
            }),
            ours: String::new(),
            landed: true,
            uncertain: false,
            theirs: false,
        }
    }

    #[test]
    fn the_fix_puts_back_the_previous_version_without_routing() {
        assert_eq!(
            fix_command(&entry(Some("3")), "eu-west-1"),
            "aws lambda update-alias --region eu-west-1 --function-name worker --name live \
             --function-version 3 --routing-config '{\"AdditionalVersionWeights\":{}}'"
        );
        assert_eq!(
            fix_command(&entry(None), "eu-west-1"),
            "aws lambda delete-alias --region eu-west-1 --function-name worker --name live"
        );
    }
}
