//! Published versions with what identifies who published them: number, description and
//! code hash (for recognising this run's own version after a lost answer).

use super::clients::Clients;
use super::error::AwsError;
use super::lambda_write::Published;
use super::operations as ops;

impl Clients {
    /// Every published version (never `$LATEST`) with its description, all pages.
    pub async fn described_versions(&self, function: &str) -> Result<Vec<Published>, AwsError> {
        let mut out = Vec::new();
        let mut pages = self
            .lambda
            .list_versions_by_function()
            .function_name(function)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page =
                page.map_err(|e| AwsError::classify(ops::LIST_VERSIONS_BY_FUNCTION, function, &e))?;
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
}
