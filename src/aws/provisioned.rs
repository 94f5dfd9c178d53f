//! What makes a version ready for traffic: its provisioned concurrency (read, put, removed)
//! and its `State` (`Pending` while Lambda prepares it, e.g. a SnapStart snapshot).
//!
//! <https://docs.aws.amazon.com/lambda/latest/api/API_ListProvisionedConcurrencyConfigs.html>,
//! <https://docs.aws.amazon.com/lambda/latest/api/API_GetProvisionedConcurrencyConfig.html>,
//! <https://docs.aws.amazon.com/lambda/latest/dg/snapstart-activate.html#snapstart-function-states>.

use std::collections::BTreeMap;

use super::error::AwsError;
use super::handles::{Read, Write};
use super::operations as ops;

/// A provisioned concurrency configuration of one qualifier (alias or version).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Provisioned {
    pub requested: i32,
    /// `IN_PROGRESS`, `READY` or `FAILED`.
    pub status: String,
    pub reason: Option<String>,
}

/// A version's `State` (`Pending`, `Active`, `Failed`, …) and Lambda's reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionState {
    pub state: String,
    pub reason: Option<String>,
}

impl Read {
    /// Every configuration of `function`, by qualifier (alias name or version), in one
    /// read however many qualifiers it has: `ListProvisionedConcurrencyConfigs` spends one
    /// request of the 15/s control-plane pool where a `Get` per qualifier spends one each.
    /// A function without any lists none; an endpoint without the API (a local emulator
    /// answers a bare 404) is taken as none too.
    pub async fn provisioned_all(
        &self,
        function: &str,
    ) -> Result<BTreeMap<String, Provisioned>, AwsError> {
        let req = self
            .c()
            .lambda
            .list_provisioned_concurrency_configs()
            .function_name(function);
        let listed = self
            .c()
            .pages(ops::LIST_PROVISIONED_CONCURRENCY, function, || {
                req.clone().into_paginator().send()
            })
            .await;
        let pages = match listed {
            Ok(pages) => pages,
            Err(e) if e.is_not_found() => return Ok(BTreeMap::new()),
            Err(e) => return Err(e),
        };
        let mut out = BTreeMap::new();
        for item in pages
            .iter()
            .flat_map(|p| p.provisioned_concurrency_configs())
        {
            // `FunctionArn` is the alias's or the version's ARN: its qualifier is last.
            let Some((_, qualifier)) = item.function_arn().and_then(|a| a.rsplit_once(':')) else {
                continue;
            };
            let p = Provisioned {
                requested: item
                    .requested_provisioned_concurrent_executions()
                    .unwrap_or(0),
                status: item.status().map_or("UNKNOWN", |s| s.as_str()).to_string(),
                reason: item.status_reason().map(str::to_string),
            };
            out.insert(qualifier.to_string(), p);
        }
        Ok(out)
    }

    /// The configuration on `function:qualifier`; `None` when it has none.
    pub async fn provisioned(
        &self,
        function: &str,
        qualifier: &str,
    ) -> Result<Option<Provisioned>, AwsError> {
        let req = self
            .c()
            .lambda
            .get_provisioned_concurrency_config()
            .function_name(function)
            .qualifier(qualifier);
        let resource = format!("{function}:{qualifier}");
        match self
            .c()
            .call(ops::GET_PROVISIONED_CONCURRENCY, &resource, || {
                req.clone().send()
            })
            .await
        {
            Ok(out) => Ok(Some(Provisioned {
                requested: out
                    .requested_provisioned_concurrent_executions()
                    .unwrap_or(0),
                status: out.status().map_or("UNKNOWN", |s| s.as_str()).to_string(),
                reason: out.status_reason().map(str::to_string),
            })),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `GetFunction` of `function:version` (the 100/s pool), reduced to its `State`.
    pub async fn version_state(
        &self,
        function: &str,
        version: &str,
    ) -> Result<VersionState, AwsError> {
        let req = self
            .c()
            .lambda
            .get_function()
            .function_name(function)
            .qualifier(version);
        let out = self
            .c()
            .call(ops::GET_FUNCTION, &format!("{function}:{version}"), || {
                req.clone().send()
            })
            .await?;
        let c = out.configuration();
        Ok(VersionState {
            state: c
                .and_then(|c| c.state())
                .map_or("Active", |s| s.as_str())
                .to_string(),
            reason: c.and_then(|c| c.state_reason()).map(str::to_string),
        })
    }
}

impl Write {
    /// Asks for `amount` provisioned executions on `function:version`; Lambda's answer
    /// carries the allocation's status (`IN_PROGRESS`, or already `READY`).
    pub async fn put_provisioned(
        &self,
        function: &str,
        version: &str,
        amount: i32,
    ) -> Result<Provisioned, AwsError> {
        let req = self
            .c()
            .lambda
            .put_provisioned_concurrency_config()
            .function_name(function)
            .qualifier(version)
            .provisioned_concurrent_executions(amount);
        let resource = format!("{function}:{version}");
        let out = self
            .c()
            .call(ops::PUT_PROVISIONED_CONCURRENCY, &resource, || {
                req.clone().send()
            })
            .await?;
        Ok(Provisioned {
            requested: out
                .requested_provisioned_concurrent_executions()
                .unwrap_or(amount),
            status: out.status().map_or("UNKNOWN", |s| s.as_str()).to_string(),
            reason: out.status_reason().map(str::to_string),
        })
    }

    /// Removes the configuration of `function:version`; none there is no error.
    pub async fn delete_provisioned(&self, function: &str, version: &str) -> Result<(), AwsError> {
        let req = self
            .c()
            .lambda
            .delete_provisioned_concurrency_config()
            .function_name(function)
            .qualifier(version);
        let resource = format!("{function}:{version}");
        match self
            .c()
            .call(ops::DELETE_PROVISIONED_CONCURRENCY, &resource, || {
                req.clone().send()
            })
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(e),
        }
    }
}
