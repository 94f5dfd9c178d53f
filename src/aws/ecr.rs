//! ECR reads: resolve a tag to its digest once, and refuse images Lambda
//! cannot run (an index or manifest list from a multi-arch or attested build).

use aws_sdk_ecr::types::ImageIdentifier;

use super::error::AwsError;
use super::handles::Read;
use super::operations as ops;

/// An image in ECR as `describe_images` reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EcrImage {
    /// `sha256:…`
    pub digest: String,
    pub media_type: Option<String>,
}

impl Read {
    /// `DescribeImages` for one tag or digest of `repository` in `registry` (the account).
    pub async fn describe_image(
        &self,
        registry: &str,
        repository: &str,
        tag: Option<&str>,
        digest: Option<&str>,
    ) -> Result<EcrImage, AwsError> {
        let id = ImageIdentifier::builder()
            .set_image_tag(tag.map(str::to_string))
            .set_image_digest(digest.map(str::to_string))
            .build();
        let resource = format!("{repository}:{}", tag.or(digest).unwrap_or_default());
        let req = self
            .c()
            .ecr
            .describe_images()
            .registry_id(registry)
            .repository_name(repository)
            .image_ids(id);
        let out = self
            .c()
            .call(ops::DESCRIBE_IMAGES, &resource, || req.clone().send())
            .await?;
        let Some(img) = out.image_details().first() else {
            return Err(AwsError {
                kind: super::ErrorKind::NotFound,
                action: ops::DESCRIBE_IMAGES.action,
                resource,
                code: "ImageNotFoundException".into(),
                message: "no such image".into(),
            });
        };
        Ok(EcrImage {
            digest: img.image_digest().unwrap_or_default().to_string(),
            media_type: img.image_manifest_media_type().map(str::to_string),
        })
    }
}
