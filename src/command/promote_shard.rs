//! One shard's promotion, or its plan: the read side (`promote/environment.rs`) with
//! the read handle, then, unless only planning, execute (`promote/execute/`), which
//! builds the write handles from the clients, and the pure fold. Only execute can make
//! a write handle (`promote/execute/permit.rs`).

use crate::aws::{Clients, Read};
use crate::config::model::Environment;
use crate::promote::environment::{self, Prepared};
use crate::promote::image::Resolved;
use crate::promote::{execute, outcome};
use crate::report::model::Report;
use crate::run::{End, Run};

/// One shard's promotion (or, with `dry_run`, its plan): observe, plan, then execute
/// (handed the clients) and fold. `read` is `clients`' cancellable read handle.
pub(super) async fn environment(
    run: &Run,
    clients: Clients,
    read: &Read,
    env: &Environment,
    resolved: Option<Resolved>,
    dry_run: bool,
    report: &mut Report,
) -> anyhow::Result<End> {
    let ready = match environment::prepare(run, read, env, resolved, report).await? {
        Prepared::Done(outcome) => return Ok(End::Done(outcome)),
        Prepared::Ready(ready) if dry_run => {
            return Ok(End::Done(environment::planned(
                ready,
                read.region(),
                report,
            )));
        }
        Prepared::Ready(ready) => ready,
    };
    // Execute builds the write handles from `clients`: nothing else can.
    let input = execute::Input {
        run,
        env,
        run_info: &run.runner.info,
        image: &ready.image,
        observed: &ready.observed,
    };
    let executed = execute::environment(input, clients, &ready.plans).await;
    Ok(outcome::conclude(
        &ready.plans,
        executed,
        run.cancel.signal(),
        read.region(),
        ready.promotion,
        report,
    ))
}
