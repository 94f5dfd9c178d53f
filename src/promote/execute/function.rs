//! Promotes one function by walking its planned steps (`promote/plan.rs`): wait out
//! another update, update code, wait, verify, publish, smoke-test, move the alias. The
//! caller restores aliases if a sibling fails, and runs the environment's steps
//! (pruning, invalidation) once every function succeeded.

use tokio::time::Instant;

use super::failure::Failure;
use super::job::{Job, JobOutcome, Status, cancelled};
use crate::aws::ErrorKind;
use crate::aws::types::{Published, UpdateState};
use crate::progress::Milestone;
use crate::promote::step_records::Steps;
use crate::promote::wait::{self, WaitError};
use crate::provenance;
use crate::step::Step;

pub async fn promote(job: Job<'_>) -> JobOutcome {
    let mut out = JobOutcome {
        status: Status::Success,
        steps: Vec::new(),
        canary: Vec::new(),
        version: None,
        moved: None,
        warmed: None,
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
        other => Status::Failed(other.into()),
    }
}

/// What the steps walked so far produced, for the steps after them.
#[derive(Default)]
struct Walked {
    /// The update state before ours (`WaitIdle`): its revision guards the update.
    idle: Option<UpdateState>,
    /// `UpdateFunctionCode`'s answer (`UpdateCode`), which the wait starts from.
    answer: Option<UpdateState>,
    /// The settled state (`Wait`), which `Verify` and `Publish` read.
    state: Option<UpdateState>,
    published: Option<Published>,
    /// The alias moved: by `MoveAlias`, or by the canary, whose last write moves it.
    moved: bool,
}

/// Walks the function's planned steps in order (`job.plan`, the list `plan` and
/// dry-run show): each runs the code for its kind; the first failure ends the walk.
async fn run(job: &Job<'_>, steps: &mut Steps, out: &mut JobOutcome) -> Result<(), Status> {
    let mut w = Walked::default();
    for planned in job.plan {
        let step = planned.step;
        let missing = |why| Status::Failed(misplanned(job, step, why));
        match step {
            Step::WaitIdle => w.idle = Some(wait_idle(job, steps, out).await?),
            Step::UpdateCode => {
                cancelled(job)?;
                let revision = w.idle.as_ref().and_then(|s| s.revision_id.as_deref());
                w.answer = Some(update(job, steps, revision).await?);
            }
            Step::Wait => {
                let answer = w
                    .answer
                    .as_ref()
                    .ok_or_else(|| missing("before update-code"))?;
                w.state = Some(settle(job, steps, answer).await?);
            }
            Step::Verify => {
                let state = w.state.as_ref().ok_or_else(|| missing("before wait"))?;
                steps
                    .run(step, async { verify(job, state) }, |d| {
                        format!("resolves to {d}")
                    })
                    .await
                    .map_err(Status::Failed)?;
            }
            Step::Publish => {
                let state = w.state.as_ref().ok_or_else(|| missing("before wait"))?;
                let published = publish(job, steps, state, out).await?;
                wait_active(job, steps, &published).await?;
                w.published = Some(published);
            }
            Step::SmokeTest => {
                let published = w
                    .published
                    .as_ref()
                    .ok_or_else(|| missing("before publish"))?;
                smoke(job, steps, published).await?;
            }
            // The traffic (`switch.rs`) is one watch: the warm-up, the canary's windows,
            // its last write and the post-traffic check. The first `Canary` or `MoveAlias`
            // runs it all; the steps after it are done.
            Step::Canary | Step::MoveAlias | Step::PostTraffic if w.moved => {}
            Step::Canary | Step::MoveAlias => {
                let published = w
                    .published
                    .as_ref()
                    .ok_or_else(|| missing("before publish"))?;
                cancelled(job)?;
                super::switch::warm_move_check(job, published, steps, out).await?;
                job.progress.reached(Milestone::Moved);
                w.moved = true;
            }
            // Pruning waits for the whole environment (`execute::environment`): a
            // sibling's failure restores this alias onto the version it left, which
            // must still exist.
            Step::Prune => {}
            Step::PostTraffic => return Err(missing("before the alias moved")),
            // Parts of `Publish` (the SnapStart wait) and of the traffic (warm-up, alarms).
            Step::WaitActive | Step::ProvisionedConcurrency | Step::Alarms => {
                return Err(missing("as a step of its own"));
            }
            Step::NoOp | Step::Invalidate | Step::Rollback | Step::Undo => {
                return Err(missing("in a function's promotion"));
            }
        }
    }
    Ok(())
}

fn misplanned(job: &Job<'_>, step: Step, why: &'static str) -> Failure {
    Failure::Plan {
        function: job.target.name.clone(),
        step,
        why,
    }
}

/// Waits out an update already in progress (another deploy, a config change), which
/// would make ours fail with ResourceConflictException. A `Failed` left by an earlier
/// update is not ours: it is noted and this update goes ahead.
/// A version Lambda still prepares (a SnapStart snapshot) cannot be invoked yet: wait
/// until it is `Active`.
async fn wait_active(
    job: &Job<'_>,
    steps: &mut Steps,
    published: &Published,
) -> Result<(), Status> {
    if published.state.as_deref() != Some("Pending") {
        return Ok(());
    }
    steps
        .run(
            Step::WaitActive,
            super::warm::until_active(job, &published.version),
            Clone::clone,
        )
        .await
        .map(|_| ())
        .map_err(|e| Status::Failed(Failure::WarmUp(e)))
}

async fn wait_idle(
    job: &Job<'_>,
    steps: &mut Steps,
    out: &mut JobOutcome,
) -> Result<UpdateState, Status> {
    let f = job.target.name.as_str();
    let idle = steps
        .run(Step::WaitIdle, idle_state(job), |s| idle_detail(f, s))
        .await
        .map_err(wait_status)?;
    if idle.status == "Failed" {
        out.warnings.push(idle_detail(f, &idle));
    }
    Ok(idle)
}

async fn update(
    job: &Job<'_>,
    steps: &mut Steps,
    revision: Option<&str>,
) -> Result<UpdateState, Status> {
    let uri = job.image.uri();
    let answer = steps
        .run(Step::UpdateCode, update_code(job, &uri, revision), |_| {
            uri.clone()
        })
        .await
        .map_err(Status::Failed)?;
    job.progress.reached(Milestone::Updated);
    Ok(answer)
}

async fn settle(
    job: &Job<'_>,
    steps: &mut Steps,
    answer: &UpdateState,
) -> Result<UpdateState, Status> {
    let f = job.target.name.as_str();
    steps
        .run(
            Step::Wait,
            wait::after_write(job.write.read(), f, answer, job.deadline, job.cancel),
            |s| format!("LastUpdateStatus {}", s.status),
        )
        .await
        .map_err(wait_status)
}

async fn publish(
    job: &Job<'_>,
    steps: &mut Steps,
    state: &UpdateState,
    out: &mut JobOutcome,
) -> Result<Published, Status> {
    let description = provenance::version_description(job.run_info, &job.image.digest);
    let published = steps
        .run(
            Step::Publish,
            super::readback::publish(
                job.write,
                &job.target.name,
                &state.code_sha256,
                state.revision_id.as_deref(),
                &description,
            ),
            |p| format!("version {}", p.version),
        )
        .await
        .map_err(|e| Status::Failed(e.into()))?;
    job.progress.reached(Milestone::Published);
    out.version = Some(published.version.clone());
    Ok(published)
}

async fn smoke(job: &Job<'_>, steps: &mut Steps, published: &Published) -> Result<(), Status> {
    // Planned only with a smoke test configured (`promote/plan.rs`).
    let Some(smoke) = &job.env.smoke_test else {
        return Err(Status::Failed(misplanned(
            job,
            Step::SmokeTest,
            "with no smoke test configured",
        )));
    };
    steps
        .run(
            Step::SmokeTest,
            smoke_test(job, &published.version, &smoke.payload),
            // Whole: the report cuts it after scrubbing (`scrub::DETAIL_CHARS`).
            |p| format!("version {} answered {p}", published.version),
        )
        .await
        .map(|_| ())
        .map_err(Status::Failed)
}

fn idle_detail(function: &str, s: &UpdateState) -> String {
    match (s.status.as_str(), &s.reason) {
        ("Failed", reason) => format!(
            "the previous update of {function} had failed ({}); updating anyway",
            reason.as_deref().unwrap_or("Lambda gave no reason")
        ),
        (status, _) => format!("function is {status}"),
    }
}

/// The state validation read, when it shows the function idle; else waits for it.
async fn idle_state(job: &Job<'_>) -> Result<UpdateState, WaitError> {
    // Validation's own read serves unless an update was in progress then.
    match &job.idle {
        Some(s) if s.status != "InProgress" => Ok(s.clone()),
        _ => {
            wait::until_settled(job.write.read(), &job.target.name, job.deadline, job.cancel).await
        }
    }
}

/// `UpdateFunctionCode`, retried while another update holds the function; its answer.
async fn update_code(
    job: &Job<'_>,
    uri: &str,
    revision: Option<&str>,
) -> Result<UpdateState, Failure> {
    let f = job.target.name.as_str();
    let mut revision = revision.map(str::to_string);
    for delay in wait::delays().take(8) {
        match job.write.update_code(f, uri, revision.as_deref()).await {
            Ok(answer) => return Ok(answer),
            Err(e) if e.kind == ErrorKind::Conflict && Instant::now() + delay < job.deadline => {
                tokio::time::sleep(delay).await;
                let state =
                    wait::until_settled(job.write.read(), f, job.deadline, job.cancel).await?;
                // Another writer changed the function: re-reading the revision
                // here is right because nothing of ours was written yet.
                revision = state.revision_id;
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(Failure::Busy {
        function: f.to_string(),
    })
}

/// The function now resolves to the intended digest, as the last poll of the
/// wait (a `GetFunction`) already told.
fn verify(job: &Job<'_>, state: &UpdateState) -> Result<String, Failure> {
    match state.image_digest.clone() {
        Some(d) if d == job.image.digest => Ok(d),
        Some(found) => Err(Failure::WrongDigest {
            function: job.target.name.clone(),
            found,
            intended: job.image.digest.clone(),
        }),
        None => Err(Failure::NoDigest {
            function: job.target.name.clone(),
        }),
    }
}

/// Invokes the new version (not the alias); a `FunctionError` or a payload with
/// `errorMessage` fails the run before any traffic moves.
async fn smoke_test(job: &Job<'_>, version: &str, payload: &str) -> Result<String, Failure> {
    let r = job
        .write
        .invoke_version(
            &job.target.name,
            version,
            payload,
            job.deadline.saturating_duration_since(Instant::now()),
        )
        .await
        .map_err(|e| match job.cancel.signal() {
            Some(signal) => Failure::SmokeTestCancelled { signal },
            None => e.into(),
        })?;
    let error_message = serde_json::from_str::<serde_json::Value>(&r.payload)
        .ok()
        .and_then(|v| {
            v.get("errorMessage").map(|m| {
                m.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| m.to_string())
            })
        });
    let failed = |kind, message: &str| Failure::SmokeTest {
        version: version.to_string(),
        kind,
        // Whole: the report cuts it after scrubbing (`scrub::MESSAGE_CHARS`).
        message: message.to_string(),
    };
    match (r.function_error, error_message) {
        (Some(kind), msg) => Err(failed(Some(kind), &msg.unwrap_or(r.payload))),
        (None, Some(msg)) => Err(failed(None, &msg)),
        (None, None) => Ok(r.payload),
    }
}
