//! The reads `init` makes, all through the run's paced [`Read`] handle: the
//! account, every function with its aliases and whether its log group exists,
//! and the CloudFront distributions. Nothing here writes.

use super::{Found, FoundFunction};
use crate::aws::Read;

/// What runs in the account and region of `read`; `workflow_names` come from the caller.
pub async fn discover(read: &Read, workflow_names: Vec<String>) -> anyhow::Result<Found> {
    let account = read.account_id().await?;
    let mut functions = Vec::new();
    for f in read.list_functions().await? {
        if !f.image {
            // Listed by name only: a zip function cannot be promoted.
            functions.push(FoundFunction {
                name: f.name,
                log_group: f.log_group,
                ..FoundFunction::default()
            });
            continue;
        }
        let mut aliases: Vec<String> = read
            .list_aliases(&f.name)
            .await?
            .into_iter()
            .map(|a| a.name)
            .collect();
        aliases.sort();
        let log_group_exists = read.log_group_exists(&f.log_group).await?;
        functions.push(FoundFunction {
            name: f.name,
            image: f.image,
            aliases,
            log_group: f.log_group,
            log_group_exists,
        });
    }
    let mut distributions = read.distributions().await?;
    distributions.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(Found {
        region: read.region().to_string(),
        account,
        functions,
        distributions,
        workflow_names,
    })
}
