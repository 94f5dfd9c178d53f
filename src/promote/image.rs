//! Resolving what to deploy to `REPO@sha256:…`, once, before any write: the
//! `image` input (a tag resolved through ECR) or the digest another
//! environment's alias serves now.

use crate::aws::types::{Lookup, repository_of};
use crate::aws::{AwsError, ErrorKind, Read};
use crate::config::model::{Contract, Environment, ImageSource};
use crate::error::UsageError;
use crate::settings::{ImageRef, ImageReference};

/// The image to deploy, by digest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    /// `ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO`
    pub repository: String,
    /// `sha256:…`
    pub digest: String,
    /// `input` or `from dev`.
    pub source: String,
}

impl Resolved {
    pub fn uri(&self) -> String {
        format!("{}@{}", self.repository, self.digest)
    }
}

/// Manifest types Lambda cannot run: an index or list of per-platform images.
const INDEX_TYPES: &[&str] = &[
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
];

/// Why the image to deploy could not be resolved.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    /// The environment takes the `image` input, which is empty: exit 2.
    #[error(transparent)]
    Usage(#[from] UsageError),
    #[error(
        "image {shown} does not exist in ECR ({}: {}); push it first or fix the `image` input",
        .source.code,
        .source.message
    )]
    NotInEcr { shown: String, source: AwsError },
    #[error(
        "image {shown} is an image index ({media_type}), which Lambda cannot run; build a single-platform image (for example `docker buildx build --platform linux/amd64 --provenance=false`)"
    )]
    Index { shown: String, media_type: String },
    #[error("environment `{0}` is not in the contract")]
    UnknownSource(String),
    #[error("environment `{env}` has no alias {alias} on {function} yet: promote to it first")]
    NoAlias {
        env: String,
        alias: String,
        function: String,
    },
    #[error(
        "alias {alias} of {function} in `{env}` is split between versions {version} and {others:?} (a canary is under way): promote only a settled release"
    )]
    Split {
        env: String,
        alias: String,
        function: String,
        version: String,
        others: Vec<String>,
    },
    #[error("version {version} of {function} in `{env}` is not deployed from an image digest")]
    NotByDigest {
        env: String,
        version: String,
        function: String,
    },
    #[error(
        "the functions of `{env}` serve different images ({first} and {second}): settle it before promoting"
    )]
    Mixed {
        env: String,
        first: String,
        second: String,
    },
    #[error("environment `{0}` has no functions")]
    NoFunctions(String),
    /// A read failed: `what` says which (`failed to resolve image …`).
    #[error("{what}: {source}")]
    Read { what: String, source: AwsError },
}

pub async fn resolve(
    read: &Read,
    contract: &Contract,
    env: &Environment,
    input: Option<&ImageRef>,
) -> Result<Resolved, ImageError> {
    match &env.image {
        ImageSource::Input => {
            let image = input.ok_or_else(|| {
                UsageError::input(
                    "image",
                    format!(
                        "environment `{}` takes its image from the `image` input, which is empty",
                        env.name
                    ),
                )
            })?;
            from_input(read, image).await
        }
        ImageSource::From(source) => {
            let src = contract
                .environment(source)
                .ok_or_else(|| ImageError::UnknownSource(source.clone()))?;
            from_environment(read, src).await
        }
    }
}

async fn from_input(read: &Read, image: &ImageRef) -> Result<Resolved, ImageError> {
    let (tag, digest) = match &image.reference {
        ImageReference::Tag(t) => (Some(t.as_str()), None),
        ImageReference::Digest(d) => (None, Some(d.as_str())),
    };
    let shown = match &image.reference {
        ImageReference::Tag(t) => format!("{}:{t}", image.repository_uri()),
        ImageReference::Digest(d) => format!("{}@{d}", image.repository_uri()),
    };
    let found = read
        .describe_image(&image.account, &image.repository, tag, digest)
        .await
        .map_err(|source| match source.kind {
            ErrorKind::NotFound => ImageError::NotInEcr {
                shown: shown.clone(),
                source,
            },
            _ => ImageError::Read {
                what: format!("failed to resolve image {shown}"),
                source,
            },
        })?;
    if let Some(mt) = found.media_type.as_deref()
        && INDEX_TYPES.contains(&mt)
    {
        return Err(ImageError::Index {
            shown,
            media_type: mt.to_string(),
        });
    }
    Ok(Resolved {
        repository: image.repository_uri(),
        digest: found.digest,
        source: "input".to_string(),
    })
}

/// The digest every function of `src` serves through its alias. A split alias,
/// or functions serving different digests, are refused: promote only settled releases.
pub async fn from_environment(read: &Read, src: &Environment) -> Result<Resolved, ImageError> {
    let mut found: Option<Resolved> = None;
    for f in &src.functions {
        let this = served(read, src, &f.name, &f.alias).await?;
        match &found {
            Some(prev) if prev.digest != this.digest => {
                return Err(ImageError::Mixed {
                    env: src.name.clone(),
                    first: prev.digest.clone(),
                    second: this.digest,
                });
            }
            Some(_) => {}
            None => found = Some(this),
        }
    }
    found.ok_or_else(|| ImageError::NoFunctions(src.name.clone()))
}

/// The image one function of `src` serves through its unsplit alias.
async fn served(
    read: &Read,
    src: &Environment,
    function: &str,
    alias_name: &str,
) -> Result<Resolved, ImageError> {
    let alias = match Lookup::from_result(read.get_alias(function, alias_name).await) {
        Lookup::Found(a) => a,
        Lookup::Missing => {
            return Err(ImageError::NoAlias {
                env: src.name.clone(),
                alias: alias_name.to_string(),
                function: function.to_string(),
            });
        }
        Lookup::Failed(source) => {
            return Err(ImageError::Read {
                what: format!("failed to read alias {alias_name} of {function}"),
                source,
            });
        }
    };
    if alias.is_split() {
        return Err(ImageError::Split {
            env: src.name.clone(),
            alias: alias_name.to_string(),
            function: function.to_string(),
            version: alias.version.clone(),
            others: alias.routing.keys().cloned().collect(),
        });
    }
    let info = read
        .get_function(function, Some(&alias.version))
        .await
        .map_err(|source| ImageError::Read {
            what: format!("failed to read version {} of {function}", alias.version),
            source,
        })?;
    let (Some(digest), Some(uri)) = (info.image_digest, info.image_uri) else {
        return Err(ImageError::NotByDigest {
            env: src.name.clone(),
            version: alias.version,
            function: function.to_string(),
        });
    };
    Ok(Resolved {
        repository: repository_of(&uri).to_string(),
        digest,
        source: format!("from {}", src.name),
    })
}
