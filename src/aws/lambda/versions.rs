//! Listings of a function's versions and aliases: for pruning, and with what identifies
//! who published each version (number, description and code hash) for recognising this
//! run's own version after a lost answer.

use crate::aws::error::AwsError;
use crate::aws::handles::Read;
use crate::aws::lambda::read::alias_info;
use crate::aws::operations as ops;
use crate::aws::types::{AliasInfo, Published};

impl Read {
    /// Every published version (never `$LATEST`) with its description, all pages.
    pub async fn described_versions(&self, function: &str) -> Result<Vec<Published>, AwsError> {
        let mut out = Vec::new();
        let req = self
            .c()
            .lambda
            .list_versions_by_function()
            .function_name(function);
        let pages = self
            .c()
            .pages(ops::LIST_VERSIONS_BY_FUNCTION, function, || {
                req.clone().into_paginator().send()
            })
            .await?;
        for page in pages {
            out.extend(
                page.versions()
                    .iter()
                    .filter(|v| v.version() != Some("$LATEST"))
                    .map(|v| Published {
                        version: v.version().unwrap_or_default().to_string(),
                        code_sha256: v.code_sha256().unwrap_or_default().to_string(),
                        description: v.description().unwrap_or_default().to_string(),
                        last_modified: v.last_modified().map(str::to_string),
                        state: v.state().map(|s| s.as_str().to_string()),
                    }),
            );
        }
        Ok(out)
    }

    /// Published version numbers of a function (never `$LATEST`), all pages.
    pub async fn list_versions(&self, function: &str) -> Result<Vec<String>, AwsError> {
        let mut out = Vec::new();
        let req = self
            .c()
            .lambda
            .list_versions_by_function()
            .function_name(function);
        let pages = self
            .c()
            .pages(ops::LIST_VERSIONS_BY_FUNCTION, function, || {
                req.clone().into_paginator().send()
            })
            .await?;
        for page in pages {
            out.extend(
                page.versions()
                    .iter()
                    .filter_map(|v| v.version())
                    .filter(|v| *v != "$LATEST")
                    .map(str::to_string),
            );
        }
        Ok(out)
    }

    /// Every alias of a function, all pages.
    pub async fn list_aliases(&self, function: &str) -> Result<Vec<AliasInfo>, AwsError> {
        let mut out = Vec::new();
        let req = self.c().lambda.list_aliases().function_name(function);
        let pages = self
            .c()
            .pages(ops::LIST_ALIASES, function, || {
                req.clone().into_paginator().send()
            })
            .await?;
        for page in pages {
            for a in page.aliases() {
                out.push(alias_info(
                    a.name().unwrap_or_default(),
                    a.function_version(),
                    a.routing_config(),
                    a.description(),
                    a.revision_id(),
                ));
            }
        }
        Ok(out)
    }
}
