//! The way back of a promotion: the version an alias serves now, its image, whether ECR still
//! has that image, and its repository's lifecycle policy (docs/codes.md, "Finding codes",
//! `rollback-image-missing` and `image-may-expire`).

use crate::aws::types::Lookup;
use crate::aws::{AwsError, ImageFacts, Read};
use crate::once_per_key::OncePerKey;
use crate::settings::{ImageReference, parse_image};

/// A version a rollback would return to, and whether its image can still start.
#[derive(Clone, Debug)]
pub struct WayBack {
    pub version: String,
    /// The image URI the version was published with; `None` if it could not be read.
    pub image_uri: Option<String>,
    /// The digest Lambda resolved the version's image to. A published version's code is
    /// immutable (<https://docs.aws.amazon.com/lambda/latest/dg/configuration-versions.html>),
    /// so the plan takes it from here instead of reading the same version again.
    pub digest: Option<String>,
    /// `Missing`: the image is gone from ECR.
    pub image: Lookup<ImageFacts>,
    /// The repository's lifecycle policy text (`Missing`: none).
    pub lifecycle: Lookup<String>,
}

/// The ECR answers of one pre-flight, by (account, repository, digest) and (account,
/// repository).
#[derive(Default)]
pub struct Ecr {
    images: OncePerKey<(String, String, String), Result<ImageFacts, AwsError>>,
    lifecycles: OncePerKey<(String, String), Result<String, AwsError>>,
}

/// The version's image, whether ECR still has it, and its repository's lifecycle policy.
/// Each image and each repository's policy is read once per run however many versions
/// share it (`ecr`): a fleet's functions mostly run one image of one repository.
pub async fn way_back(read: &Read, ecr: &Ecr, function: &str, version: &str) -> WayBack {
    let mut back = WayBack {
        version: version.to_string(),
        image_uri: None,
        digest: None,
        image: Lookup::Missing,
        lifecycle: Lookup::Missing,
    };
    let info = match read.get_function(function, Some(version)).await {
        Ok(info) => info,
        Err(e) => {
            back.image = Lookup::Failed(e);
            return back;
        }
    };
    back.image_uri = info.image_uri.clone();
    back.digest = info.image_digest.clone();
    let (Some(uri), Some(digest)) = (info.image_uri, info.image_digest) else {
        // Not an image version (or no digest recorded): nothing in ECR to look for.
        back.image_uri = None;
        return back;
    };
    let Ok(image) = parse_image(&uri) else {
        back.image_uri = None;
        return back;
    };
    let digest = match &image.reference {
        ImageReference::Digest(d) => d.clone(),
        ImageReference::Tag(_) => digest,
    };
    let (account, repository) = (image.account.clone(), image.repository.clone());
    let (facts, lifecycle) = futures::join!(
        ecr.images.get(
            (account.clone(), repository.clone(), digest.clone()),
            || { read.image_facts(&image.account, &image.repository, &digest) }
        ),
        ecr.lifecycles.get((account, repository), || {
            read.lifecycle_policy(&image.account, &image.repository)
        })
    );
    // Only ECR's "no such image" says it is gone: a repository this account cannot see
    // (another account's registry) leaves it unknown, a warning rather than a refusal.
    back.image = match facts {
        Err(e) if e.is_not_found() && e.code != "ImageNotFoundException" => Lookup::Failed(e),
        r => Lookup::from_result(r),
    };
    back.lifecycle = Lookup::from_result(lifecycle);
    back
}
