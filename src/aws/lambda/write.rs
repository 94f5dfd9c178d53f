//! Lambda writes: code update, publish, invoke, alias moves, version pruning. Only the
//! [`Write`] handle offers them.
//! Every write that can be guarded by a revision id is.

use std::collections::HashMap;

use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::AliasRoutingConfiguration;

use crate::aws::error::AwsError;
use crate::aws::handles::Write;
use crate::aws::lambda::read::alias_info;
use crate::aws::operations as ops;
use crate::aws::types::{AliasInfo, InvokeResult, Published, UpdateState};

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

impl Write {
    /// `UpdateFunctionCode` to an image by digest, guarded by the revision id read before.
    pub async fn update_code(
        &self,
        function: &str,
        image_uri: &str,
        revision_id: Option<&str>,
    ) -> Result<UpdateState, AwsError> {
        let req = self
            .c()
            .lambda
            .update_function_code()
            .function_name(function)
            .image_uri(image_uri)
            .set_revision_id(revision_id.map(str::to_string));
        let c = self
            .c()
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
            .c()
            .lambda
            .publish_version()
            .function_name(function)
            .code_sha256(code_sha256)
            .set_revision_id(revision_id.map(str::to_string))
            .description(description);
        let out = self
            .c()
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
            .c()
            .lambda
            .invoke()
            .function_name(function)
            .qualifier(version)
            .payload(Blob::new(payload.as_bytes().to_vec()));
        let resource = format!("{function}:{version}");
        let out = self
            .c()
            .call(ops::INVOKE_FUNCTION, &resource, || {
                req.clone()
                    .customize()
                    .config_override(
                        aws_sdk_lambda::config::Builder::default()
                            .timeout_config(crate::aws::timeouts::invoke_timeouts(within)),
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
            .c()
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
            .c()
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
            .c()
            .lambda
            .create_alias()
            .function_name(function)
            .name(alias)
            .function_version(version)
            .description(description);
        let resource = format!("{function}:{alias}");
        let out = self
            .c()
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
            .c()
            .lambda
            .delete_alias()
            .function_name(function)
            .name(alias);
        let resource = format!("{function}:{alias}");
        self.c()
            .call(ops::DELETE_ALIAS, &resource, || req.clone().send())
            .await?;
        Ok(())
    }

    /// `DeleteFunction` of one published version.
    pub async fn delete_version(&self, function: &str, version: &str) -> Result<(), AwsError> {
        let req = self
            .c()
            .lambda
            .delete_function()
            .function_name(function)
            .qualifier(version);
        let resource = format!("{function}:{version}");
        self.c()
            .call(ops::DELETE_FUNCTION, &resource, || req.clone().send())
            .await?;
        Ok(())
    }
}
