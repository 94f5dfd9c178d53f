//! The CloudFront invalidation, a step of the environment once every function succeeded.
//! A failure is a warning: the promotion itself is done.

use super::{Context, Executed};

pub async fn after_success(ctx: &Context<'_>, executed: &mut Executed) {
    let Some(inv) = &ctx.env.invalidate else {
        return;
    };
    let Some(id) = ctx.run.job.get(&inv.distribution_id_env) else {
        executed.warnings.push(format!(
            "CloudFront invalidation skipped: `{}` is unset",
            inv.distribution_id_env
        ));
        return;
    };
    // The same reference for a retried request makes it idempotent; a re-run
    // (a new GITHUB_RUN_ATTEMPT) must invalidate again, not get the old one back.
    // <https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateInvalidation.html>
    let reference = format!(
        "lambda-promote-{}-{}-{}",
        ctx.run_info.run_id, ctx.run_info.run_attempt, ctx.image.digest
    );
    // CloudFront is global, and the parts share the environment's account.
    match ctx.write[0]
        .invalidate(id.expose(), &inv.paths, &reference)
        .await
    {
        Ok(id) => executed.invalidation_id = Some(id),
        Err(e) => executed
            .warnings
            .push(format!("CloudFront invalidation failed: {e}")),
    }
}
