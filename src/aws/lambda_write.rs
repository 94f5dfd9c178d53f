//! Lambda writes: code update, publish, invoke, alias moves, version pruning.
//! Every write that can be guarded by a revision id is.

use std::collections::HashMap;

use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{AliasRoutingConfiguration, LastUpdateStatus};

use super::clients::Clients;
use super::error::AwsError;
use super::lambda_read::alias_info;
use super::operations as ops;
use super::types::{AliasInfo, digest_of};

/// What the new version answered to the smoke test.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvokeResult {
    /// `FunctionError` header (`Unhandled`, `Handled`).
    pub function_error: Option<String>,
    pub payload: String,
}

/// A published version: its number, code hash, description and publish time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Published {
    pub version: String,
    pub code_sha256: String,
    pub description: String,
    /// `LastModified` as Lambda spells it (`2026-12-01T21:13:45.123+0000`).
    pub last_modified: Option<String>,
    /// The version's `State` as published (`Pending` while, e.g., a SnapStart snapshot is made).
    pub state: Option<String>,
}

/// The state of `LastUpdateStatus` while waiting for an update.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UpdateState {
    pub status: String,
    pub reason: Option<String>,
    pub code_sha256: String,
    pub revision_id: Option<String>,
    /// The resolved image digest, when the answer carries it (`GetFunction` does).
    pub image_digest: Option<String>,
}

impl UpdateState {
    fn new(
        status: Option<&LastUpdateStatus>,
        missing: &str,
        reason: Option<&str>,
        code_sha256: Option<&str>,
        revision_id: Option<&str>,
    ) -> Self {
        Self {
            status: status.map_or_else(|| missing.to_string(), |s| s.as_str().to_string()),
            reason: reason.map(str::to_string),
            code_sha256: code_sha256.unwrap_or_default().to_string(),
            revision_id: revision_id.map(str::to_string),
            image_digest: None,
        }
    }
}

fn routing(weights: &std::collections::BTreeMap<String, f64>) -> AliasRoutingConfiguration {
    AliasRoutingConfiguration::builder()
        .set_additional_version_weights(Some(
            weights
                .iter()
                .map(|(k, v)| (k.clone(), *v))
                .collect::<HashMap<_, _>>(),
        ))
        .build()
}

impl Clients {
    /// `GetFunction` reduced to what waiting needs. It carries the same status as
    /// `GetFunctionConfiguration` plus the resolved image, and spends Lambda's
    /// 100-per-second `GetFunction` quota, not the 15 per second writes share.
    pub async fn update_state(&self, function: &str) -> Result<UpdateState, AwsError> {
        let req = self.lambda.get_function().function_name(function);
        let out = self
            .call(ops::GET_FUNCTION, function, || req.clone().send())
            .await?;
        let c = out.configuration();
        // No status means no update ever ran: the function is idle.
        let mut state = UpdateState::new(
            c.and_then(|c| c.last_update_status()),
            "Successful",
            c.and_then(|c| c.last_update_status_reason()),
            c.and_then(|c| c.code_sha256()),
            c.and_then(|c| c.revision_id()),
        );
        state.image_digest = out
            .code()
            .and_then(|c| c.resolved_image_uri().or(c.image_uri()))
            .and_then(digest_of);
        Ok(state)
    }

    /// `UpdateFunctionCode` to an image by digest, guarded by the revision id read before.
    pub async fn update_code(
        &self,
        function: &str,
        image_uri: &str,
        revision_id: Option<&str>,
    ) -> Result<UpdateState, AwsError> {
        let req = self
            .lambda
            .update_function_code()
            .function_name(function)
            .image_uri(image_uri)
            .set_revision_id(revision_id.map(str::to_string));
        let c = self
            .call(ops::UPDATE_FUNCTION_CODE, function, || req.clone().send())
            .await?;
        // An update's answer without a status is still in progress.
        Ok(UpdateState::new(
            c.last_update_status(),
            "InProgress",
            c.last_update_status_reason(),
            c.code_sha256(),
            c.revision_id(),
        ))
    }

    /// `PublishVersion` guarded by the code hash just deployed and the revision id.
    pub async fn publish_version(
        &self,
        function: &str,
        code_sha256: &str,
        revision_id: Option<&str>,
        description: &str,
    ) -> Result<Published, AwsError> {
        let req = self
            .lambda
            .publish_version()
            .function_name(function)
            .code_sha256(code_sha256)
            .set_revision_id(revision_id.map(str::to_string))
            .description(description);
        let out = self
            .call(ops::PUBLISH_VERSION, function, || req.clone().send())
            .await?;
        Ok(Published {
            version: out.version().unwrap_or_default().to_string(),
            code_sha256: out.code_sha256().unwrap_or_default().to_string(),
            description: out.description().unwrap_or_default().to_string(),
            last_modified: out.last_modified().map(str::to_string),
            state: out.state().map(|s| s.as_str().to_string()),
        })
    }

    /// `Invoke` one version (never the alias) synchronously, for at most `within`.
    pub async fn invoke_version(
        &self,
        function: &str,
        version: &str,
        payload: &str,
        within: std::time::Duration,
    ) -> Result<InvokeResult, AwsError> {
        let req = self
            .lambda
            .invoke()
            .function_name(function)
            .qualifier(version)
            .payload(Blob::new(payload.as_bytes().to_vec()));
        let resource = format!("{function}:{version}");
        let out = self
            .call(ops::INVOKE_FUNCTION, &resource, || {
                req.clone()
                    .customize()
                    .config_override(
                        aws_sdk_lambda::config::Builder::default()
                            .timeout_config(super::timeouts::invoke_timeouts(within)),
                    )
                    .send()
            })
            .await?;
        Ok(InvokeResult {
            function_error: out.function_error().map(str::to_string),
            payload: out
                .payload()
                .map(|b| String::from_utf8_lossy(b.as_ref()).into_owned())
                .unwrap_or_default(),
        })
    }

    /// `UpdateAlias` to `version` with the given routing (empty clears it),
    /// guarded by the alias revision id read before.
    pub async fn update_alias(
        &self,
        function: &str,
        alias: &str,
        version: &str,
        weights: &std::collections::BTreeMap<String, f64>,
        description: Option<&str>,
        revision_id: Option<&str>,
    ) -> Result<AliasInfo, AwsError> {
        let req = self
            .lambda
            .update_alias()
            .function_name(function)
            .name(alias)
            .function_version(version)
            .routing_config(routing(weights))
            .set_description(description.map(str::to_string))
            .set_revision_id(revision_id.map(str::to_string));
        let resource = format!("{function}:{alias}");
        let out = self
            .call(ops::UPDATE_ALIAS, &resource, || req.clone().send())
            .await?;
        Ok(alias_info(
            alias,
            out.function_version().or(Some(version)),
            out.routing_config(),
            out.description(),
            out.revision_id(),
        ))
    }

    /// `CreateAlias` (the first promotion of a function).
    pub async fn create_alias(
        &self,
        function: &str,
        alias: &str,
        version: &str,
        description: &str,
    ) -> Result<AliasInfo, AwsError> {
        let req = self
            .lambda
            .create_alias()
            .function_name(function)
            .name(alias)
            .function_version(version)
            .description(description);
        let resource = format!("{function}:{alias}");
        let out = self
            .call(ops::CREATE_ALIAS, &resource, || req.clone().send())
            .await?;
        Ok(alias_info(
            alias,
            out.function_version().or(Some(version)),
            out.routing_config(),
            out.description(),
            out.revision_id(),
        ))
    }

    /// `DeleteAlias`: undoes an alias this run created.
    pub async fn delete_alias(&self, function: &str, alias: &str) -> Result<(), AwsError> {
        let req = self
            .lambda
            .delete_alias()
            .function_name(function)
            .name(alias);
        let resource = format!("{function}:{alias}");
        self.call(ops::DELETE_ALIAS, &resource, || req.clone().send())
            .await?;
        Ok(())
    }

    /// Published version numbers of a function (never `$LATEST`), all pages.
    pub async fn list_versions(&self, function: &str) -> Result<Vec<String>, AwsError> {
        let mut out = Vec::new();
        let req = self
            .lambda
            .list_versions_by_function()
            .function_name(function);
        let pages = self
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
        let req = self.lambda.list_aliases().function_name(function);
        let pages = self
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

    /// `DeleteFunction` of one published version.
    pub async fn delete_version(&self, function: &str, version: &str) -> Result<(), AwsError> {
        let req = self
            .lambda
            .delete_function()
            .function_name(function)
            .qualifier(version);
        let resource = format!("{function}:{version}");
        self.call(ops::DELETE_FUNCTION, &resource, || req.clone().send())
            .await?;
        Ok(())
    }
}
