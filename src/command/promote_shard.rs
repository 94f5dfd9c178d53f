//! One shard's promotion, or its plan: the read side (`promote/environment.rs`) with
//! the read handle, then, unless only planning, execute (`promote/execute/`) with the
//! write handles and the pure fold. `plan` never makes a write handle.

use crate::aws::{Clients, Read, Write};
use crate::config::model::Environment;
use crate::promote::environment::{self, Prepared};
use crate::promote::image::Resolved;
use crate::promote::{execute, outcome};
use crate::report::model::Report;
use crate::run::{End, Run};

/// One shard's promotion (or, with `dry_run`, its plan): observe, plan, then execute
/// with the write handles and fold. `read` is `clients`' cancellable read handle.
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
    // Every call of the promotion ends soon after a signal; the restores that
    // follow a signal use `restore`, which a signal does not cut short (each
    // restore is bounded on its own).
    let restore = Write::new(clients);
    let write = restore.cancellable(&run.cancel);
    let ctx = execute::Context {
        run,
        write: &write,
        restore: &restore,
        env,
        run_info: &run.runner.info,
        image: &ready.image,
        observed: &ready.observed,
    };
    let executed = execute::environment(&ctx, &ready.plans).await;
    Ok(outcome::conclude(
        &ready.plans,
        executed,
        run.cancel.signal(),
        read.region(),
        ready.promotion,
        report,
    ))
}
