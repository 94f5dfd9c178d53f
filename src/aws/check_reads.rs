//! Reads from STS, CloudWatch Logs and CloudFront used by the contract checks.

use super::error::AwsError;
use super::handles::Read;
use super::operations as ops;
use super::types::Distribution;

impl Read {
    /// `GetCallerIdentity`: the account the credentials act in.
    pub async fn account_id(&self) -> Result<String, AwsError> {
        let req = self.c().sts.get_caller_identity();
        let out = self
            .c()
            .call(ops::GET_CALLER_IDENTITY, "caller identity", || {
                req.clone().send()
            })
            .await?;
        Ok(out.account().unwrap_or_default().to_string())
    }

    /// Whether a log group of exactly this name exists (`DescribeLogGroups` by prefix, paginated).
    pub async fn log_group_exists(&self, name: &str) -> Result<bool, AwsError> {
        let req = self
            .c()
            .logs
            .describe_log_groups()
            .log_group_name_prefix(name);
        let pages = self
            .c()
            .pages(ops::DESCRIBE_LOG_GROUPS, name, || {
                req.clone().into_paginator().send()
            })
            .await?;
        for page in pages {
            if page
                .log_groups()
                .iter()
                .any(|g| g.log_group_name() == Some(name))
            {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Every CloudFront distribution (`ListDistributions`, all pages).
    pub async fn distributions(&self) -> Result<Vec<Distribution>, AwsError> {
        let mut out = Vec::new();
        let req = self.c().cloudfront.list_distributions();
        let pages = self
            .c()
            .pages(ops::LIST_DISTRIBUTIONS, "distributions", || {
                req.clone().into_paginator().send()
            })
            .await?;
        for page in pages {
            let Some(list) = page.distribution_list() else {
                continue;
            };
            for d in list.items() {
                out.push(Distribution {
                    id: d.id().to_string(),
                    comment: d.comment().to_string(),
                    aliases: d.aliases().map(|a| a.items().to_vec()).unwrap_or_default(),
                    enabled: d.enabled(),
                });
            }
        }
        Ok(out)
    }
}
