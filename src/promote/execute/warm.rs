//! Warming the new version before any traffic reaches it (README, "Warm versions"):
//! wait until Lambda reports it `Active` (a SnapStart version is `Pending` while its
//! snapshot is made), and give it the provisioned concurrency the alias (or the version it
//! replaces) has, waiting until that is `READY`. After success the old version's own
//! configuration is removed once the whole environment succeeded; after a failure, the one
//! this run added, once the alias is restored (`execute::environment`).

use std::time::Duration;

use tokio::time::Instant;

use super::job::{Job, Warmed};
use crate::aws::provisioned::Provisioned;
use crate::aws::{ErrorKind, Write};

/// Delays between polls: 0.5 s doubling to 5 s (provisioned concurrency takes minutes).
fn delays() -> impl Iterator<Item = Duration> {
    std::iter::successors(Some(Duration::from_millis(500)), |d| {
        Some((*d * 2).min(Duration::from_secs(5)))
    })
}

/// Sleeps `d`, or fails on the deadline or a signal.
async fn pause(job: &Job<'_>, d: Duration, what: &str) -> Result<(), String> {
    if Instant::now() + d > job.deadline {
        return Err(format!("timed out waiting for {what}"));
    }
    tokio::select! {
        _ = tokio::time::sleep(d) => Ok(()),
        sig = job.cancel.cancelled() => Err(format!("cancelled by signal {} while waiting for {what}", sig.number())),
    }
}

/// Waits until `version` is `Active`; `Failed` (or `Inactive`) fails with Lambda's reason.
pub async fn until_active(job: &Job<'_>, version: &str) -> Result<String, String> {
    let f = job.target.name.as_str();
    let what = format!("version {version} of {f} to become Active");
    for d in delays() {
        let s = job
            .write
            .read()
            .version_state(f, version)
            .await
            .map_err(|e| e.to_string())?;
        match s.state.as_str() {
            "Active" => return Ok(format!("version {version} is Active")),
            "Pending" => pause(job, d, &what).await?,
            other => {
                return Err(format!(
                    "version {version} of {f} is {other}: {}",
                    s.reason.as_deref().unwrap_or("Lambda gave no reason")
                ));
            }
        }
    }
    Err(format!("gave up waiting for {what}"))
}

/// The amount to give the new version: the alias's configuration, else the old version's,
/// both learnt from one listing of the function's configurations; none to learn when the
/// alias does not exist yet, or when the contract assumes `provisioned-concurrency: none`
/// (taken on trust; `validate` checks it: README, "Fleets: what a promotion may take on trust").
pub async fn source(job: &Job<'_>) -> Result<Option<(i32, bool)>, String> {
    let f = job.target.name.as_str();
    let Some(before) = &job.before else {
        return Ok(None);
    };
    if job.env.assume.no_provisioned_concurrency {
        return Ok(None);
    }
    let all = match job.write.read().provisioned_all(f).await {
        Ok(all) => all,
        // A role made before the listing was used: ask for the two qualifiers instead.
        Err(e) if e.kind == ErrorKind::AccessDenied => return source_one_by_one(job).await,
        Err(e) => return Err(e.to_string()),
    };
    if let Some(p) = all.get(&job.target.alias) {
        return Ok(Some((p.requested, false)));
    }
    Ok(all.get(&before.version).map(|p| (p.requested, true)))
}

/// As [`source`], with a `GetProvisionedConcurrencyConfig` per qualifier.
async fn source_one_by_one(job: &Job<'_>) -> Result<Option<(i32, bool)>, String> {
    let f = job.target.name.as_str();
    let Some(before) = &job.before else {
        return Ok(None);
    };
    let read = |q: String| async move { job.write.read().provisioned(f, &q).await };
    if let Some(p) = read(job.target.alias.clone())
        .await
        .map_err(|e| e.to_string())?
    {
        return Ok(Some((p.requested, false)));
    }
    let old = read(before.version.clone())
        .await
        .map_err(|e| e.to_string())?;
    Ok(old.map(|p: Provisioned| (p.requested, true)))
}

/// Gives `version` the amount of provisioned concurrency and waits until it is `READY`;
/// the put's own answer is the first status seen (polled only while `IN_PROGRESS`).
pub async fn provision(
    job: &Job<'_>,
    version: &str,
    amount: i32,
    old_had_own: bool,
) -> Result<Warmed, String> {
    let f = job.target.name.as_str();
    let mut seen = Some(
        job.write
            .put_provisioned(f, version, amount)
            .await
            .map_err(|e| e.to_string())?,
    );
    let what = format!("provisioned concurrency of {f}:{version} to be READY");
    for d in delays() {
        match seen.as_ref().map(|p| p.status.as_str()) {
            Some("READY") => {
                return Ok(Warmed {
                    version: version.to_string(),
                    old_version: job.before.as_ref().map(|b| b.version.clone()),
                    amount,
                    old_had_own,
                });
            }
            Some("FAILED") => {
                let reason = seen.and_then(|p| p.reason);
                return Err(format!(
                    "provisioned concurrency of {f}:{version} failed: {}",
                    reason.as_deref().unwrap_or("Lambda gave no reason")
                ));
            }
            _ => pause(job, d, &what).await?,
        }
        seen = job
            .write
            .read()
            .provisioned(f, version)
            .await
            .map_err(|e| e.to_string())?;
    }
    Err(format!("gave up waiting for {what}"))
}

/// After the whole environment succeeded: the old version's own configuration is no
/// longer needed.
pub async fn release_old(write: &Write, function: &str, warmed: &Warmed) -> Result<(), String> {
    match &warmed.old_version {
        Some(old) if warmed.old_had_own => write
            .delete_provisioned(function, old)
            .await
            .map_err(|e| e.to_string()),
        _ => Ok(()),
    }
}

/// After a failure, once the alias no longer routes to it: removes what this run added to
/// the new version (best effort; the caller reports a failure as a warning).
pub async fn undo(write: &Write, function: &str, version: &str) -> Result<(), String> {
    write
        .delete_provisioned(function, version)
        .await
        .map_err(|e| e.to_string())
}
