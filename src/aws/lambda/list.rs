//! The account's Lambda functions (`ListFunctions`, every page), for `init`.

use crate::aws::error::AwsError;
use crate::aws::handles::Read;
use crate::aws::operations as ops;

/// One function as `ListFunctions` shows it: what `init` needs, no values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListedFunction {
    pub name: String,
    /// `Image` or `Zip`: only image functions can be promoted.
    pub image: bool,
    /// `LoggingConfig.LogGroup`, else Lambda's default `/aws/lambda/NAME`
    /// (<https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-advanced.html>).
    pub log_group: String,
}

impl Read {
    /// Every function of the region, all pages, sorted by name.
    pub async fn list_functions(&self) -> Result<Vec<ListedFunction>, AwsError> {
        let req = self.c().lambda.list_functions();
        let pages = self
            .c()
            .pages(ops::LIST_FUNCTIONS, "functions", || {
                req.clone().into_paginator().send()
            })
            .await?;
        let mut out: Vec<ListedFunction> = pages
            .iter()
            .flat_map(|page| page.functions())
            .filter_map(|f| {
                let name = f.function_name()?.to_string();
                let log_group = f
                    .logging_config()
                    .and_then(|l| l.log_group())
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("/aws/lambda/{name}"));
                Some(ListedFunction {
                    image: f.package_type().is_some_and(|p| p.as_str() == "Image"),
                    name,
                    log_group,
                })
            })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }
}
