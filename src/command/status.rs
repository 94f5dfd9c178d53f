//! `status` (action and CLI): what each selected environment's aliases serve now, with
//! the way back and the contract's drift (`crate::status`), shown as text, JSON, and a
//! table in the job summary. Never writes to AWS; needs only the validate policy.

use crate::aws::Read;
use crate::error::Cancelled;
use crate::open_shard::OpenShard;
use crate::ops;
use crate::report::model::Outcome;
use crate::report::status as render;
use crate::report::status::EnvironmentStatus;
use crate::run::{End, Run};
use crate::settings::Command;
use crate::status;

pub async fn status(run: &Run) -> anyhow::Result<End> {
    let envs = ops::shards::environments(&run.settings, &run.contract)?;
    let fleet = ops::shards::fleet(run);
    let region = ops::shards::default_region(run).await;
    let work = async {
        let mut all: Vec<EnvironmentStatus> = Vec::new();
        for env in &envs {
            let shards =
                ops::shards::of(run, &fleet, env, Command::Validate, region.as_deref()).await?;
            for s in &shards {
                // Not cancellable: the signal ends the whole walk below, as one.
                let read = Read::new(ops::shards::clients(run, &fleet, s).await?);
                let open = OpenShard::new(s.clone(), read, &run.contract);
                let here = status::environment(&open.read, &open.contract, open.env(), &run.job);
                all.push(here.await);
            }
        }
        anyhow::Ok(all)
    };
    let all = tokio::select! {
        r = work => r?,
        sig = run.cancel.cancelled() => return Ok(End::Cancelled(Cancelled(sig))),
    };
    let json = serde_json::to_string(&all)?;
    run.emitter
        .document(&render::text(&all), &json, &render::markdown(&all))?;
    Ok(End::Done(Outcome::Success))
}
