//! The Lambda read `status` makes per version: `GetFunction` of `NAME:VERSION` (the
//! 100-per-second pool), reduced to what says what runs: the image, the provenance written
//! in the description, and the publish time.

use crate::aws::error::AwsError;
use crate::aws::handles::Read;
use crate::aws::operations as ops;
use crate::aws::types::digest_of;

/// One published version as `status` shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VersionFacts {
    pub image_uri: Option<String>,
    pub image_digest: Option<String>,
    /// The version's description (`lambda-promote REPO ref=… commit=… run=… sha256:…`).
    pub description: String,
    /// `LastModified` of the version: when it was published.
    pub published: Option<String>,
}

impl Read {
    /// `GetFunction` of `function:version`.
    pub async fn version_facts(
        &self,
        function: &str,
        version: &str,
    ) -> Result<VersionFacts, AwsError> {
        let req = self
            .c()
            .lambda
            .get_function()
            .function_name(function)
            .qualifier(version);
        let resource = format!("{function}:{version}");
        let out = self
            .c()
            .call(ops::GET_FUNCTION, &resource, || req.clone().send())
            .await?;
        let (conf, code) = (out.configuration(), out.code());
        Ok(VersionFacts {
            image_uri: code.and_then(|c| c.image_uri()).map(str::to_string),
            image_digest: code
                .and_then(|c| c.resolved_image_uri().or(c.image_uri()))
                .and_then(digest_of),
            description: conf
                .and_then(|c| c.description())
                .unwrap_or_default()
                .to_string(),
            published: conf.and_then(|c| c.last_modified()).map(str::to_string),
        })
    }
}
