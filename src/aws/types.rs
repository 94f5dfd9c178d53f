//! Domain views of AWS resources, as the adapters return them: only the
//! fields lambda-promote decides on.

use std::collections::BTreeMap;

use aws_sdk_lambda::types::LastUpdateStatus;

use crate::secret::Secret;

#[derive(Clone, Debug, PartialEq)]
pub struct FunctionInfo {
    pub name: String,
    /// `Image` or `Zip`.
    pub package_type: String,
    /// `Code.ImageUri` as configured.
    pub image_uri: Option<String>,
    /// `sha256:…` read from `Code.ResolvedImageUri` (after its last `@sha256:`,
    /// because the emulator mangles the repository part).
    pub image_digest: Option<String>,
    pub version: String,
    /// `LastUpdateStatus` (`None`: no update ever ran) and `RevisionId`: promotion
    /// starts from them instead of reading the function again.
    pub last_update_status: Option<String>,
    /// `LastUpdateStatusReason`: why the last update failed, when it did.
    pub last_update_reason: Option<String>,
    pub revision_id: Option<String>,
    /// Runtime environment. Values are never shown, so they are held as secrets.
    pub env: BTreeMap<String, Secret>,
}

impl FunctionInfo {
    pub fn is_image(&self) -> bool {
        self.package_type == "Image"
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct AliasInfo {
    pub name: String,
    pub version: String,
    /// Additional version → weight (0.0–1.0).
    pub routing: BTreeMap<String, f64>,
    pub description: String,
    pub revision_id: Option<String>,
}

impl AliasInfo {
    pub fn is_split(&self) -> bool {
        self.routing.values().any(|w| *w > 0.0)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Distribution {
    pub id: String,
    pub comment: String,
    pub aliases: Vec<String>,
    pub enabled: bool,
}

/// The result of one read: found, absent, or the lookup failed (which is not "absent").
#[derive(Clone, Debug, PartialEq)]
pub enum Lookup<T> {
    Found(T),
    Missing,
    Failed(super::error::AwsError),
}

impl<T> Lookup<T> {
    pub fn from_result(r: Result<T, super::error::AwsError>) -> Self {
        match r {
            Ok(v) => Lookup::Found(v),
            Err(e) if e.is_not_found() => Lookup::Missing,
            Err(e) => Lookup::Failed(e),
        }
    }
}

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
    pub(super) fn new(
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

/// `sha256:…` from an image URI (`REPO@sha256:…`), taking the part after the last `@`.
pub fn digest_of(uri: &str) -> Option<String> {
    let (_, d) = uri.rsplit_once("@sha256:")?;
    let hex: String = d.chars().take_while(|c| c.is_ascii_hexdigit()).collect();
    (hex.len() == 64).then(|| format!("sha256:{hex}"))
}

/// The repository part of an image URI, without tag or digest.
pub fn repository_of(uri: &str) -> &str {
    if let Some((repo, _)) = uri.split_once('@') {
        return repo;
    }
    match uri.rsplit_once(':') {
        // A `:` after the last `/` is a tag; before it, a registry port.
        Some((repo, tag)) if !tag.contains('/') => repo,
        _ => uri,
    }
}

/// One version's metrics over a step's window, as CloudWatch sums them.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct VersionStats {
    pub invocations: f64,
    pub errors: f64,
    pub throttles: f64,
    /// p99 of `Duration` in milliseconds; `None` without invocations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p99_ms: Option<f64>,
}

impl VersionStats {
    /// Errors per invocation; 0 without invocations.
    pub fn error_rate(&self) -> f64 {
        if self.invocations > 0.0 {
            (self.errors / self.invocations).clamp(0.0, 1.0)
        } else {
            0.0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn digest_after_the_last_at() {
        assert_eq!(
            digest_of(&format!("1.dkr.ecr.r.amazonaws.com/x@sha256@sha256:{D}")),
            Some(format!("sha256:{D}"))
        );
        assert_eq!(digest_of("1.dkr.ecr.r.amazonaws.com/x:tag"), None);
    }

    #[test]
    fn repository_without_tag_or_digest() {
        assert_eq!(repository_of("r.example/a/b:v1"), "r.example/a/b");
        assert_eq!(
            repository_of(&format!("r.example/a@sha256:{D}")),
            "r.example/a"
        );
        assert_eq!(repository_of("r.example:5000/a"), "r.example:5000/a");
    }
}
