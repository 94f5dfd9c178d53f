//! The way back: the image of the version each alias serves now (where a failed promotion
//! returns to) must still be in ECR (`rollback-image-missing`), and no lifecycle rule of its
//! repository should be set to expire it (`image-may-expire`). Lambda cannot start a version
//! whose image is gone, so a rollback to it restores nothing —
//! <https://docs.aws.amazon.com/lambda/latest/dg/images-create.html>.

use super::lifecycle;
use super::{Context, Sink, Stage};
use crate::aws::types::Lookup;
use crate::config::model::{Environment, FunctionTarget};
use crate::finding::{Code, Finding, Shown, Status};
use crate::observe_way_back::WayBack;

/// The way-back checks of every function `env` deploys to.
pub(super) fn check(ctx: &Context<'_>, env: &Environment, out: &mut Vec<Finding>) {
    for f in &env.functions {
        let key = (f.name.clone(), f.alias.clone());
        let Some(back) = ctx.observed.preflight.way_back.get(&key) else {
            continue;
        };
        let Some(uri) = &back.image_uri else {
            continue;
        };
        let mut sink = Sink::new(out, &env.name, "way-back", Some(f.at));
        let resource = format!("{}:{}", f.name, back.version);
        match &back.image {
            Lookup::Found(image) => {
                if let Lookup::Found(policy) = &back.lifecycle
                    && let Some(rule) = lifecycle::governing(policy, image)
                {
                    expiring(f, back, uri, &rule, resource.clone(), &mut sink);
                }
                if let Lookup::Failed(e) = &back.lifecycle {
                    super::preflight_read_failed(&mut sink, resource, e);
                }
            }
            Lookup::Missing => missing(ctx.stage, f, back, uri, resource, &mut sink),
            Lookup::Failed(e) => super::preflight_read_failed(&mut sink, resource, e),
        }
    }
}

fn missing(
    stage: Stage,
    f: &FunctionTarget,
    back: &WayBack,
    uri: &str,
    resource: String,
    sink: &mut Sink<'_>,
) {
    let (status, then) = match stage {
        Stage::Promote {
            allow_no_rollback: false,
        } => (
            Status::Error,
            "nothing was changed; push the image again, or set `allow-no-rollback: true` to \
             promote without a way back",
        ),
        Stage::Promote {
            allow_no_rollback: true,
        } => (
            Status::Warning,
            "`allow-no-rollback: true`: promoting without a way back",
        ),
        Stage::Validate => (
            Status::Warning,
            "promote will stop before any write unless the image is pushed again or \
             `allow-no-rollback: true` is set",
        ),
    };
    sink.record(
        resource,
        Code::RollbackImageMissing,
        status,
        Shown::Plain(format!("image of version {} in ECR", back.version)),
        Shown::Plain("absent".into()),
        format!(
            "alias {} of {} serves version {}, whose image {uri} is gone from ECR: if the new \
             version fails, a rollback returns to a version Lambda cannot start; {then}",
            f.alias, f.name, back.version
        ),
    );
}

fn expiring(
    f: &FunctionTarget,
    back: &WayBack,
    uri: &str,
    rule: &lifecycle::Expiring,
    resource: String,
    sink: &mut Sink<'_>,
) {
    sink.push(
        resource,
        Code::ImageMayExpire,
        Shown::Plain("no lifecycle rule selects the image".into()),
        Shown::Plain(format!("selected by {}", rule.rule)),
        format!(
            "the lifecycle policy's {} selects the image of version {} ({uri}), the one alias {} \
             of {} serves and a rollback returns to: ECR expires it {}; exclude it from the rule \
             (e.g. a tag prefix the rule does not select)",
            rule.rule, back.version, f.alias, f.name, rule.when
        ),
    );
}
