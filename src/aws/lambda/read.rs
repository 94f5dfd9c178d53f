//! Lambda reads: a function (configuration and code), its update state, and an alias.

use std::collections::BTreeMap;

use aws_sdk_lambda::types::AliasRoutingConfiguration;

use crate::aws::error::AwsError;
use crate::aws::handles::Read;
use crate::aws::operations as ops;
use crate::aws::types::{AliasInfo, FunctionInfo, UpdateState, digest_of};
use crate::secret::Secret;

impl Read {
    /// `GetFunction`, optionally of one version or alias.
    pub async fn get_function(
        &self,
        name: &str,
        qualifier: Option<&str>,
    ) -> Result<FunctionInfo, AwsError> {
        let resource = match qualifier {
            Some(q) => format!("{name}:{q}"),
            None => name.to_string(),
        };
        let req = self
            .c()
            .lambda
            .get_function()
            .function_name(name)
            .set_qualifier(qualifier.map(str::to_string));
        let out = self
            .c()
            .call(ops::GET_FUNCTION, &resource, || req.clone().send())
            .await?;
        let conf = out.configuration();
        let code = out.code();
        let env = conf
            .and_then(|c| c.environment())
            .and_then(|e| e.variables())
            .map(|vars| {
                vars.iter()
                    .map(|(k, v)| (k.clone(), Secret::new(v.clone())))
                    .collect::<BTreeMap<_, _>>()
            })
            .unwrap_or_default();
        Ok(FunctionInfo {
            name: name.to_string(),
            package_type: conf
                .and_then(|c| c.package_type())
                .map(|p| p.as_str().to_string())
                .unwrap_or_else(|| "Zip".to_string()),
            image_uri: code.and_then(|c| c.image_uri()).map(str::to_string),
            image_digest: code
                .and_then(|c| c.resolved_image_uri().or(c.image_uri()))
                .and_then(digest_of),
            version: conf
                .and_then(|c| c.version())
                .unwrap_or("$LATEST")
                .to_string(),
            last_update_status: conf
                .and_then(|c| c.last_update_status())
                .map(|s| s.as_str().to_string()),
            last_update_reason: conf
                .and_then(|c| c.last_update_status_reason())
                .map(str::to_string),
            revision_id: conf.and_then(|c| c.revision_id()).map(str::to_string),
            env,
        })
    }

    /// `GetAlias`.
    pub async fn get_alias(&self, function: &str, alias: &str) -> Result<AliasInfo, AwsError> {
        let req = self
            .c()
            .lambda
            .get_alias()
            .function_name(function)
            .name(alias);
        let resource = format!("{function}:{alias}");
        let out = self
            .c()
            .call(ops::GET_ALIAS, &resource, || req.clone().send())
            .await?;
        Ok(alias_info(
            alias,
            out.function_version(),
            out.routing_config(),
            out.description(),
            out.revision_id(),
        ))
    }

    /// `GetFunction` reduced to what waiting needs. It carries the same status as
    /// `GetFunctionConfiguration` plus the resolved image, and spends Lambda's
    /// 100-per-second `GetFunction` quota, not the 15 per second writes share.
    pub async fn update_state(&self, function: &str) -> Result<UpdateState, AwsError> {
        let req = self.c().lambda.get_function().function_name(function);
        let out = self
            .c()
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
}

/// An `AliasInfo` from the fields every alias-returning Lambda output shares.
pub(super) fn alias_info(
    name: &str,
    version: Option<&str>,
    routing: Option<&AliasRoutingConfiguration>,
    description: Option<&str>,
    revision_id: Option<&str>,
) -> AliasInfo {
    AliasInfo {
        name: name.to_string(),
        version: version.unwrap_or_default().to_string(),
        routing: routing
            .and_then(|r| r.additional_version_weights())
            .map(|w| w.iter().map(|(k, v)| (k.clone(), *v)).collect())
            .unwrap_or_default(),
        description: description.unwrap_or_default().to_string(),
        revision_id: revision_id.map(str::to_string),
    }
}
