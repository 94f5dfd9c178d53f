//! Promotes one function (SPEC §6 steps 3–8): update code, wait, verify,
//! publish, smoke-test, move the alias, prune. The only place that writes
//! function code and versions. The caller restores aliases if a sibling fails.

use tokio::time::Instant;

use super::image::Resolved;
use super::progress::{Milestone, Progress};
use super::provenance::{self, RunInfo};
use super::shift::{self, Moved};
use super::steps::Steps;
use super::wait::{self, WaitError};
use crate::aws::lambda_write::UpdateState;
use crate::aws::types::AliasInfo;
use crate::aws::{AwsError, Clients, ErrorKind};
use crate::cancel::Cancel;
use crate::config::model::{Environment, FunctionTarget, Strategy};
use crate::report::model::{CanaryRecord, StepRecord};

pub struct Job<'a> {
    pub clients: &'a Clients,
    pub env: &'a Environment,
    pub target: &'a FunctionTarget,
    pub image: &'a Resolved,
    /// The alias before the run (`None`: it does not exist yet).
    pub before: Option<AliasInfo>,
    /// The function's update state as validation read it: not read again when idle.
    pub idle: Option<UpdateState>,
    pub progress: &'a Progress,
    pub run_info: &'a RunInfo,
    pub deadline: Instant,
    pub cancel: &'a Cancel,
    /// Progress lines for the run log.
    pub log: &'a (dyn Fn(&str) + Sync),
}

/// How one function's promotion ended.
#[derive(Debug)]
pub enum Status {
    Success,
    /// Failed before the alias moved: the alias is untouched.
    Failed(String),
    /// The canary failed or timed out: the alias must be restored.
    RollBack(String),
    /// A signal arrived.
    Cancelled(i32),
    /// Another run changed the alias under this one (`PreconditionFailedException`): the
    /// alias is theirs now, so it must not be restored over their change.
    Conflict(String),
}

/// True when an alias write was refused because another run changed the alias.
fn is_conflict(e: &anyhow::Error) -> bool {
    e.downcast_ref::<AwsError>()
        .is_some_and(|e| e.kind == ErrorKind::Precondition)
}

pub struct Outcome {
    pub status: Status,
    pub steps: Vec<StepRecord>,
    pub canary: Vec<CanaryRecord>,
    /// The version published, if any.
    pub version: Option<String>,
    /// Set once this run has written the alias.
    pub moved: Option<Moved>,
    pub warnings: Vec<String>,
}

pub async fn promote(job: Job<'_>) -> Outcome {
    let mut out = Outcome {
        status: Status::Success,
        steps: Vec::new(),
        canary: Vec::new(),
        version: None,
        moved: None,
        warnings: Vec::new(),
    };
    let mut steps = Steps::default();
    out.status = match run(&job, &mut steps, &mut out).await {
        Ok(()) => Status::Success,
        Err(s) => s,
    };
    out.steps = steps.records;
    out
}

fn wait_status(e: WaitError) -> Status {
    match e {
        WaitError::Cancelled { signal, .. } => Status::Cancelled(signal),
        other => Status::Failed(other.to_string()),
    }
}

async fn run(job: &Job<'_>, steps: &mut Steps, out: &mut Outcome) -> Result<(), Status> {
    let f = job.target.name.as_str();
    let uri = job.image.uri();
    // An update already in progress (another deploy, a config change) would
    // make ours fail with ResourceConflictException: wait it out first.
    let idle = steps
        .run("wait-idle", idle_state(job), |s| {
            format!("function is {}", s.status)
        })
        .await
        .map_err(wait_status)?;
    cancelled(job)?;
    let answer = steps
        .run(
            "update-code",
            update_code(job, &uri, idle.revision_id.as_deref()),
            |_| uri.clone(),
        )
        .await
        .map_err(Status::Failed)?;
    job.progress.reached(Milestone::Updated);
    let state = steps
        .run(
            "wait",
            wait::after_write(job.clients, f, &answer, job.deadline, job.cancel),
            |s| format!("LastUpdateStatus {}", s.status),
        )
        .await
        .map_err(wait_status)?;
    steps
        .run("verify", async { verify(job, &state) }, |d| {
            format!("resolves to {d}")
        })
        .await
        .map_err(Status::Failed)?;
    let description = provenance::version_description(job.run_info, &job.image.digest);
    let published = steps
        .run(
            "publish",
            job.clients.publish_version(
                f,
                &state.code_sha256,
                state.revision_id.as_deref(),
                &description,
            ),
            |p| format!("version {}", p.version),
        )
        .await
        .map_err(|e| Status::Failed(e.to_string()))?;
    job.progress.reached(Milestone::Published);
    out.version = Some(published.version.clone());
    if let Some(smoke) = &job.env.smoke_test {
        steps
            .run(
                "smoke-test",
                smoke_test(job, &published.version, &smoke.payload),
                |p| format!("version {} answered {}", published.version, shorten(p, 120)),
            )
            .await
            .map_err(Status::Failed)?;
    }
    cancelled(job)?;
    let alias_description = provenance::alias_description(
        job.before.as_ref().map(|b| b.version.as_str()),
        job.run_info,
    );
    match &job.env.strategy {
        Strategy::AllAtOnce => {
            let result = steps
                .run(
                    "move-alias",
                    shift::all_at_once(
                        job.clients,
                        f,
                        &job.target.alias,
                        job.before.as_ref(),
                        &published.version,
                        &alias_description,
                        &mut out.moved,
                    ),
                    |a| format!("{} → {}", job.target.alias, a.version),
                )
                .await;
            if let Err(e) = result {
                // A failed write may still have landed (a timeout after the
                // request was sent); restoring is then the safe side.
                return Err(if e.kind == ErrorKind::Precondition {
                    Status::Conflict(e.to_string())
                } else if out.moved.is_some() {
                    Status::RollBack(e.to_string())
                } else {
                    Status::Failed(e.to_string())
                });
            }
            job.progress.reached(Milestone::Moved);
        }
        Strategy::Canary(canary) => {
            let started = std::time::Instant::now();
            let result = super::canary::shift(
                super::canary::Watch {
                    clients: job.clients,
                    function: f,
                    alias: &job.target.alias,
                    before: job.before.as_ref(),
                    new_version: &published.version,
                    description: &alias_description,
                    canary,
                    deadline: job.deadline,
                    cancel: job.cancel,
                    log: job.log,
                },
                &mut out.moved,
            )
            .await;
            let elapsed = started.elapsed().as_millis() as u64;
            match result {
                Ok(records) => {
                    job.progress.reached(Milestone::Moved);
                    out.canary = records;
                    steps.records.push(StepRecord {
                        step: "canary".into(),
                        status: crate::report::model::StepStatus::Done,
                        duration_ms: elapsed,
                        detail: format!("{} → {}", job.target.alias, published.version),
                    });
                }
                Err(failure) => {
                    out.canary = failure.canary;
                    let msg = format!("{:#}", failure.error);
                    steps.records.push(StepRecord {
                        step: "canary".into(),
                        status: crate::report::model::StepStatus::Failed,
                        duration_ms: elapsed,
                        detail: msg.clone(),
                    });
                    if let Some(sig) = job.cancel.signal() {
                        return Err(Status::Cancelled(sig));
                    }
                    return Err(if is_conflict(&failure.error) {
                        Status::Conflict(msg)
                    } else if failure.rollback || out.moved.is_some() {
                        Status::RollBack(msg)
                    } else {
                        Status::Failed(msg)
                    });
                }
            }
        }
    }
    if let Some(keep) = job.env.keep_versions {
        // Pruning is housekeeping: its failure is a warning, never a rollback.
        if let Err(e) = steps
            .run("prune", prune(job, keep), |d| {
                if d.is_empty() {
                    "nothing to prune".to_string()
                } else {
                    format!("deleted versions {}", d.join(", "))
                }
            })
            .await
        {
            out.warnings
                .push(format!("pruning old versions of {f} failed: {e}"));
        }
    }
    Ok(())
}

fn cancelled(job: &Job<'_>) -> Result<(), Status> {
    match job.cancel.signal() {
        Some(sig) => Err(Status::Cancelled(sig)),
        None => Ok(()),
    }
}

/// The state validation read, when it shows the function idle; else waits for it.
async fn idle_state(job: &Job<'_>) -> Result<UpdateState, WaitError> {
    match &job.idle {
        Some(s) if s.status == "Successful" => Ok(s.clone()),
        _ => wait::until_updated(job.clients, &job.target.name, job.deadline, job.cancel).await,
    }
}

/// `UpdateFunctionCode`, retried while another update holds the function; its answer.
async fn update_code(
    job: &Job<'_>,
    uri: &str,
    revision: Option<&str>,
) -> Result<UpdateState, String> {
    let f = job.target.name.as_str();
    let mut revision = revision.map(str::to_string);
    for delay in wait::delays().take(8) {
        match job.clients.update_code(f, uri, revision.as_deref()).await {
            Ok(answer) => return Ok(answer),
            Err(e) if e.kind == ErrorKind::Conflict && Instant::now() + delay < job.deadline => {
                tokio::time::sleep(delay).await;
                let state = wait::until_updated(job.clients, f, job.deadline, job.cancel)
                    .await
                    .map_err(|e| e.to_string())?;
                // Another writer changed the function: re-reading the revision
                // here is right because nothing of ours was written yet.
                revision = state.revision_id;
            }
            Err(e) => return Err(e.to_string()),
        }
    }
    Err(format!(
        "{f} stayed busy with another update; try again later"
    ))
}

/// The function now resolves to the intended digest, as the last poll of the
/// wait (a `GetFunction`) already told.
fn verify(job: &Job<'_>, state: &UpdateState) -> Result<String, String> {
    match state.image_digest.clone() {
        Some(d) if d == job.image.digest => Ok(d),
        Some(d) => Err(format!(
            "{} resolves to {d}, not the intended {}; another deploy may have raced this one",
            job.target.name, job.image.digest
        )),
        None => Err(format!(
            "{} reports no resolved image digest",
            job.target.name
        )),
    }
}

/// Invokes the new version (not the alias); a `FunctionError` or a payload with
/// `errorMessage` fails the run before any traffic moves.
async fn smoke_test(job: &Job<'_>, version: &str, payload: &str) -> Result<String, String> {
    let r = job
        .clients
        .invoke_version(&job.target.name, version, payload)
        .await
        .map_err(|e| e.to_string())?;
    let error_message = serde_json::from_str::<serde_json::Value>(&r.payload)
        .ok()
        .and_then(|v| {
            v.get("errorMessage").map(|m| {
                m.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| m.to_string())
            })
        });
    match (r.function_error, error_message) {
        (Some(kind), msg) => Err(format!(
            "smoke test of version {version} failed ({kind}): {}",
            shorten(&msg.unwrap_or(r.payload), 500)
        )),
        (None, Some(msg)) => Err(format!(
            "smoke test of version {version} failed: {}",
            shorten(&msg, 500)
        )),
        (None, None) => Ok(r.payload),
    }
}

async fn prune(job: &Job<'_>, keep: u32) -> Result<Vec<String>, String> {
    let f = job.target.name.as_str();
    let versions = job
        .clients
        .list_versions(f)
        .await
        .map_err(|e| e.to_string())?;
    let aliases = job
        .clients
        .list_aliases(f)
        .await
        .map_err(|e| e.to_string())?;
    let doomed = super::prune::to_delete(&versions, &aliases, keep);
    for v in &doomed {
        match job.clients.delete_version(f, v).await {
            Ok(()) => {}
            // An alias started using it since we listed: keeping it is right.
            Err(e) if e.kind == ErrorKind::Conflict => continue,
            Err(e) => return Err(e.to_string()),
        }
    }
    Ok(doomed)
}

pub fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max).collect();
        t.push('…');
        t
    }
}
