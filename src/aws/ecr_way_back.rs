//! ECR reads for the way back: whether an image a rollback needs is still in its repository
//! (with its tags and push time), and the repository's lifecycle policy, whose rules may
//! expire it — <https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html>.

use aws_sdk_ecr::types::ImageIdentifier;

use super::error::{AwsError, ErrorKind};
use super::handles::Read;
use super::operations as ops;

/// An image as ECR describes it: what lifecycle rules select on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageFacts {
    pub digest: String,
    pub tags: Vec<String>,
    /// Seconds since the epoch.
    pub pushed_at: Option<i64>,
}

impl Read {
    /// `DescribeImages` of one digest; `NotFound` when the image is gone.
    pub async fn image_facts(
        &self,
        registry: &str,
        repository: &str,
        digest: &str,
    ) -> Result<ImageFacts, AwsError> {
        let id = ImageIdentifier::builder().image_digest(digest).build();
        let resource = format!("{repository}@{digest}");
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
                kind: ErrorKind::NotFound,
                action: ops::DESCRIBE_IMAGES.action,
                resource,
                code: "ImageNotFoundException".into(),
                message: "no such image".into(),
            });
        };
        Ok(ImageFacts {
            digest: img.image_digest().unwrap_or(digest).to_string(),
            tags: img.image_tags().to_vec(),
            pushed_at: img.image_pushed_at().map(|t| t.secs()),
        })
    }

    /// `GetLifecyclePolicy`: the policy's JSON text; `NotFound` when there is none.
    pub async fn lifecycle_policy(
        &self,
        registry: &str,
        repository: &str,
    ) -> Result<String, AwsError> {
        let req = self
            .c()
            .ecr
            .get_lifecycle_policy()
            .registry_id(registry)
            .repository_name(repository);
        let out = self
            .c()
            .call(ops::GET_LIFECYCLE_POLICY, repository, || req.clone().send())
            .await?;
        Ok(out.lifecycle_policy_text().unwrap_or_default().to_string())
    }
}
