//! CloudFront invalidation after a successful promotion.

use aws_sdk_cloudfront::types::{InvalidationBatch, Paths};

use super::error::AwsError;
use super::handles::Write;
use super::operations as ops;

impl Write {
    /// `CreateInvalidation`; returns the invalidation id. `caller_reference`
    /// makes a retried request idempotent.
    pub async fn invalidate(
        &self,
        distribution_id: &str,
        paths: &[String],
        caller_reference: &str,
    ) -> Result<String, AwsError> {
        let resource = crate::secret::redact(distribution_id);
        let paths = Paths::builder()
            .quantity(paths.len() as i32)
            .set_items(Some(paths.to_vec()))
            .build()
            .map_err(|e| build_error(&resource, e))?;
        let batch = InvalidationBatch::builder()
            .paths(paths)
            .caller_reference(caller_reference)
            .build()
            .map_err(|e| build_error(&resource, e))?;
        let req = self
            .c()
            .cloudfront
            .create_invalidation()
            .distribution_id(distribution_id)
            .invalidation_batch(batch);
        let out = self
            .c()
            .call(ops::CREATE_INVALIDATION, &resource, || req.clone().send())
            .await?;
        Ok(out
            .invalidation()
            .map(|i| i.id().to_string())
            .unwrap_or_default())
    }
}

fn build_error(resource: &str, e: impl std::fmt::Display) -> AwsError {
    AwsError {
        kind: super::ErrorKind::Other,
        action: ops::CREATE_INVALIDATION.action,
        resource: resource.to_string(),
        code: "InvalidRequest".into(),
        message: e.to_string(),
    }
}
