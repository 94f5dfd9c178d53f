//! The deployment of one environment whose shards are open: validate it, then promote the
//! image through all its (account, region) shards as one (`promote/promotion.rs`),
//! recording a GitHub Deployment alongside; for `plan` (and `promote` with `dry-run`), the
//! same up to the plan, without a write or a Deployment. With what both refuse before any
//! AWS call.

use super::github_sync::{self as sync, Deployment};
use super::shards::Opened;
use crate::config::model::{Environment, ImageSource};
use crate::error::UsageError;
use crate::promote::canary::time;
use crate::promote::promotion;
use crate::report::model::Outcome;
use crate::run::{End, Run};
use crate::settings::Command;

/// Plans (a dry run) or promotes `env` across the shards `opened` holds: every shard with
/// its own clients, all validated before the first write, promoted side by side and
/// restored together on any failure, with one report and one Deployment
/// (docs/accounts.md, "Many accounts and regions"). With the `shard` input, the one shard
/// it names.
pub(crate) async fn environment(
    run: &Run,
    opened: &Opened<'_>,
    env: &Environment,
) -> anyhow::Result<End> {
    let (fleet, shards) = (&opened.fleet, &opened.shards[..]);
    let mut report = super::report_for(run, env, shards, Command::Promote);
    if let Some(n) = time::notice(env, run.settings.timeout) {
        report.notices.push(n);
    }
    let (clients, parts) = super::shards::parts(run, fleet, shards).await?;
    let region = opened.region.as_deref();
    let resolved = match super::cross_account::source(run, fleet, shards, &parts, env, region).await
    {
        Ok(r) => r,
        Err(e) => {
            report.result = Outcome::Failed;
            report.error = Some(format!("{e:#}"));
            return super::finish(run, End::Done(Outcome::Failed), None, report).await;
        }
    };
    let deployment = if run.settings.dry_run {
        None
    } else {
        let url = sync::environment_url(run, env, &parts[0].read, false).await;
        Some(Deployment::start(run, env, Command::Promote, false, url))
    };
    match promotion::promote(run, clients, &parts, resolved, &mut report).await {
        Ok(end) => super::finish(run, end, deployment, report).await,
        Err(e) => Err(super::abandon(run, deployment, e).await),
    }
}

/// What `plan` and `promote` refuse before any AWS call: a missing image, and
/// a `timeout` shorter than the canary.
pub(crate) fn before_any_call(run: &Run, env: &Environment) -> Result<(), UsageError> {
    require_image(run, env)?;
    time::refuse_short_timeout(env, run.settings.timeout)
}

/// An environment that takes its image from the `image` input needs one,
/// before any AWS call; one that takes it `from:` another ignores the input,
/// and says so.
fn require_image(run: &Run, env: &Environment) -> Result<(), UsageError> {
    match (&env.image, &run.settings.image) {
        (ImageSource::Input, None) => Err(UsageError::input(
            "image",
            format!(
                "environment `{}` takes its image from the `image` input, which is empty",
                env.name
            ),
        )),
        (ImageSource::From(from), Some(_)) => {
            run.emitter.run_warning(&format!(
                "input `image` is ignored: environment `{}` promotes the image `{from}` serves (`image: {{ from: {from} }}`); remove the input, or set `image: input` in the contract",
                env.name
            ));
            Ok(())
        }
        _ => Ok(()),
    }
}
