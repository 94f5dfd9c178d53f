//! Resolving what to deploy to `REPO@sha256:…`, once, before any write: the
//! `image` input (a tag resolved through ECR) or the digest another
//! environment's alias serves now.

use crate::aws::types::{Lookup, repository_of};
use crate::aws::{Clients, ErrorKind};
use crate::config::model::{Contract, Environment, ImageSource};
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

pub async fn resolve(
    clients: &Clients,
    contract: &Contract,
    env: &Environment,
    input: Option<&ImageRef>,
) -> anyhow::Result<Resolved> {
    match &env.image {
        ImageSource::Input => {
            let image = input.ok_or_else(|| {
                crate::error::UsageError::input(
                    "image",
                    format!(
                        "environment `{}` takes its image from the `image` input, which is empty",
                        env.name
                    ),
                )
            })?;
            from_input(clients, image).await
        }
        ImageSource::From(source) => {
            let src = contract
                .environment(source)
                .ok_or_else(|| anyhow::anyhow!("environment `{source}` is not in the contract"))?;
            from_environment(clients, src).await
        }
    }
}

async fn from_input(clients: &Clients, image: &ImageRef) -> anyhow::Result<Resolved> {
    let (tag, digest) = match &image.reference {
        ImageReference::Tag(t) => (Some(t.as_str()), None),
        ImageReference::Digest(d) => (None, Some(d.as_str())),
    };
    let shown = match &image.reference {
        ImageReference::Tag(t) => format!("{}:{t}", image.repository_uri()),
        ImageReference::Digest(d) => format!("{}@{d}", image.repository_uri()),
    };
    let found = clients
        .describe_image(&image.account, &image.repository, tag, digest)
        .await
        .map_err(|e| match e.kind {
            ErrorKind::NotFound => anyhow::anyhow!(
                "image {shown} does not exist in ECR ({}: {}); push it first or fix the `image` input",
                e.code,
                e.message
            ),
            _ => anyhow::Error::new(e).context(format!("failed to resolve image {shown}")),
        })?;
    if let Some(mt) = found.media_type.as_deref()
        && INDEX_TYPES.contains(&mt)
    {
        anyhow::bail!(
            "image {shown} is an image index ({mt}), which Lambda cannot run; build a single-platform image (for example `docker buildx build --platform linux/amd64 --provenance=false`)"
        );
    }
    Ok(Resolved {
        repository: image.repository_uri(),
        digest: found.digest,
        source: "input".to_string(),
    })
}

/// The digest every function of `src` serves through its alias. A split alias,
/// or functions serving different digests, are refused: promote only settled releases.
pub async fn from_environment(clients: &Clients, src: &Environment) -> anyhow::Result<Resolved> {
    let mut found: Option<Resolved> = None;
    for f in &src.functions {
        let alias = match Lookup::from_result(clients.get_alias(&f.name, &f.alias).await) {
            Lookup::Found(a) => a,
            Lookup::Missing => anyhow::bail!(
                "environment `{}` has no alias {} on {} yet: promote to it first",
                src.name,
                f.alias,
                f.name
            ),
            Lookup::Failed(e) => {
                return Err(anyhow::Error::new(e)
                    .context(format!("failed to read alias {} of {}", f.alias, f.name)));
            }
        };
        if alias.is_split() {
            anyhow::bail!(
                "alias {} of {} in `{}` is split between versions {} and {:?} (a canary is under way): promote only a settled release",
                f.alias,
                f.name,
                src.name,
                alias.version,
                alias.routing.keys().collect::<Vec<_>>()
            );
        }
        let info = clients
            .get_function(&f.name, Some(&alias.version))
            .await
            .map_err(|e| {
                anyhow::Error::new(e).context(format!(
                    "failed to read version {} of {}",
                    alias.version, f.name
                ))
            })?;
        let (Some(digest), Some(uri)) = (info.image_digest.clone(), info.image_uri.clone()) else {
            anyhow::bail!(
                "version {} of {} in `{}` is not deployed from an image digest",
                alias.version,
                f.name,
                src.name
            );
        };
        let this = Resolved {
            repository: repository_of(&uri).to_string(),
            digest,
            source: format!("from {}", src.name),
        };
        match &found {
            Some(prev) if prev.digest != this.digest => anyhow::bail!(
                "the functions of `{}` serve different images ({} and {}): settle it before promoting",
                src.name,
                prev.digest,
                this.digest
            ),
            Some(_) => {}
            None => found = Some(this),
        }
    }
    found.ok_or_else(|| anyhow::anyhow!("environment `{}` has no functions", src.name))
}
