//! One environment's promotion, from its parts to its report: the read side
//! (`environment.rs`), then, unless it is a dry run, execute (`execute/`, the only writer)
//! and the pure fold (`outcome.rs`). `ops/deploy.rs` drives it and keeps the GitHub
//! side (the Deployment) around it.

use super::environment::{self, Prepared};
use super::image::Resolved;
use super::{execute, outcome};
use crate::aws::Clients;
use crate::config::model::FunctionTarget;
use crate::observe;
use crate::open_shard::OpenShard;
use crate::report::model::Report;
use crate::run::{End, Run};

/// Validates, resolves and plans every part, then, unless only planning, hands execute
/// each part's `clients` (from which it alone builds the write handles) and folds what
/// happened into `report`.
pub async fn promote(
    run: &Run,
    clients: Vec<Clients>,
    parts: &[OpenShard],
    resolved: Option<Resolved>,
    report: &mut Report,
) -> anyhow::Result<End> {
    let ready = match environment::prepare(run, parts, resolved, report).await? {
        Prepared::Done(outcome) => return Ok(End::Done(outcome)),
        Prepared::Ready(ready) if run.settings.dry_run => {
            report
                .notices
                .extend(super::plan::after_words(parts[0].env()));
            return Ok(End::Done(environment::planned(ready, parts, report)));
        }
        Prepared::Ready(ready) => ready,
    };
    let input = execute::Input {
        run,
        parts,
        env: parts[0].env(),
        run_info: &run.runner.info,
        image: &ready.image,
        observed: &ready.observed,
    };
    let execute = execute::environment(input, clients, &ready.plans);
    let (executed, traffic) =
        super::traffic_after::beside(run, parts, &ready.observed, execute).await;
    match traffic {
        Some(found) => report.findings.extend(found),
        None if observe::traffic_after(parts[0].env(), true) => report.notices.push(
            "the traffic check (`traffic-bypasses-alias`) did not finish: its reads were still \
             unanswered when the promotion ended"
                .to_string(),
        ),
        None => {}
    }
    let region_of = |t: &FunctionTarget| environment::region_of(parts, t);
    Ok(outcome::conclude(
        &ready.plans,
        executed,
        run.cancel.signal(),
        &region_of,
        ready.promotion,
        report,
    ))
}
