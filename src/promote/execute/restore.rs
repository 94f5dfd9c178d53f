//! Putting back every alias a failed promotion moved, so an environment never
//! serves two images. Each restore is bounded: the runner kills the container
//! 10 s after SIGINT, and the README promises 5 s. An alias that cannot be put
//! back is read again and reported with the exact command that fixes it.

use std::time::Duration;

use super::job::{Outcome, Status};
use super::shift::{self, Moved};
use crate::aws::{Read, Write};
use crate::report::model::LeftMoved;

const RESTORE_BUDGET: Duration = Duration::from_secs(5);
/// Reading back an alias whose restore failed: short, the run is ending.
const READ_BACK_BUDGET: Duration = Duration::from_secs(2);

#[derive(Debug, Default)]
pub struct Restored {
    /// Functions whose alias is back as it was.
    pub functions: Vec<String>,
    /// Aliases that could not be put back, and why.
    pub errors: Vec<String>,
    /// Where each alias that could not be put back is left, and the fix.
    pub left: Vec<LeftMoved>,
}

/// Restores the aliases moved in `outcomes`, concurrently, each with the
/// handle `write_of` gives for it (its part's, in its account and region).
pub async fn all<'w>(write_of: impl Fn(&Moved) -> &'w Write, outcomes: &[Outcome]) -> Restored {
    // An alias another run changed under us is theirs: restoring it would
    // overwrite their work (the emulator accepts any revision id, and a guard
    // alone is not enough where one is missing).
    let moved: Vec<_> = outcomes
        .iter()
        .filter(|o| !matches!(o.status, Status::Conflict(_)))
        .filter_map(|o| o.moved.as_ref())
        .collect();
    let results = futures::future::join_all(moved.iter().map(|m| {
        let write = write_of(m);
        async move {
            let r = tokio::time::timeout(RESTORE_BUDGET, shift::restore(write, m)).await;
            (m, write, r)
        }
    }))
    .await;
    let mut restored = Restored::default();
    for (m, write, r) in results {
        let why = match r {
            Ok(Ok(())) => {
                restored.functions.push(m.function.clone());
                continue;
            }
            Ok(Err(e)) => format!("could not restore alias {} of {}: {e}", m.alias, m.function),
            Err(_) => format!("restoring alias {} of {} timed out", m.alias, m.function),
        };
        restored.errors.push(why);
        restored.left.push(left_moved(write.read(), m).await);
    }
    restored
}

/// What a restore that failed left behind, read back from Lambda.
async fn left_moved(read: &Read, m: &Moved) -> LeftMoved {
    let now = tokio::time::timeout(READ_BACK_BUDGET, read.get_alias(&m.function, &m.alias)).await;
    let (version, routing) = match now {
        Ok(Ok(a)) => (Some(a.version), a.routing),
        _ => (None, Default::default()),
    };
    LeftMoved {
        function: m.function.clone(),
        alias: m.alias.clone(),
        version,
        routing,
        fix: fix_command(m, read.region()),
    }
}

/// The AWS CLI command that puts the alias back as it was before the run
/// (<https://awscli.amazonaws.com/v2/documentation/api/latest/reference/lambda/update-alias.html>):
/// the previous version with no routing, or deleting an alias this run created.
pub fn fix_command(m: &Moved, region: &str) -> String {
    match &m.before {
        Some(b) => format!(
            "aws lambda update-alias --region {region} --function-name {} --name {} \
             --function-version {} --routing-config '{{\"AdditionalVersionWeights\":{{}}}}'",
            m.function, m.alias, b.version
        ),
        None => format!(
            "aws lambda delete-alias --region {region} --function-name {} --name {}",
            m.function, m.alias
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::types::AliasInfo;

    fn moved(before: Option<&str>) -> Moved {
        Moved {
            function: "worker".into(),
            alias: "live".into(),
            before: before.map(|v| AliasInfo {
                name: "live".into(),
                version: v.into(),
                routing: Default::default(),
                description: String::new(),
                revision_id: None,
            }),
            revision_id: None,
        }
    }

    #[test]
    fn the_fix_puts_back_the_previous_version_without_routing() {
        assert_eq!(
            fix_command(&moved(Some("3")), "eu-west-1"),
            "aws lambda update-alias --region eu-west-1 --function-name worker --name live \
             --function-version 3 --routing-config '{\"AdditionalVersionWeights\":{}}'"
        );
        assert_eq!(
            fix_command(&moved(None), "eu-west-1"),
            "aws lambda delete-alias --region eu-west-1 --function-name worker --name live"
        );
    }
}
