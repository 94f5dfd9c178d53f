//! `traffic-bypasses-alias`: a trigger (event source mapping, function URL, or a service's
//! invoke permission) that targets the unqualified function, `$LATEST` or a version instead
//! of the alias. Its traffic never reaches the new version through the canary, so the canary
//! judges none of it and a rollback does not move it. An error where the strategy weights
//! the alias (canary, linear), a warning otherwise.

use super::{Context, Sink};
use crate::aws::Trigger;
use crate::aws::types::Lookup;
use crate::config::model::{Environment, FunctionTarget, Strategy};
use crate::finding::{Code, Finding, Shown, Status};

/// The traffic check of every function `env` deploys to: silent when every trigger goes
/// through the alias (no row per function, so a clean report stays short).
pub(super) fn check(ctx: &Context<'_>, env: &Environment, out: &mut Vec<Finding>) {
    let status = match env.strategy {
        Strategy::Canary(_) => Status::Error,
        Strategy::AllAtOnce => Status::Warning,
    };
    for f in &env.functions {
        let key = (f.name.clone(), f.alias.clone());
        let Some(found) = ctx.observed.preflight.triggers.get(&key) else {
            continue;
        };
        let mut sink = Sink::new(out, &env.name, "traffic", Some(f.at));
        let resource = format!("{}:{}", f.name, f.alias);
        match found {
            Lookup::Found(triggers) => one_function(f, triggers, status, &resource, &mut sink),
            Lookup::Missing => {}
            Lookup::Failed(e) => super::preflight_read_failed(&mut sink, resource, e),
        }
    }
}

fn one_function(
    f: &FunctionTarget,
    triggers: &[Trigger],
    status: Status,
    resource: &str,
    sink: &mut Sink<'_>,
) {
    let expected = Shown::Plain(format!("every trigger on alias {}", f.alias));
    for t in triggers {
        let Some(on) = bypassed(t.target(), &f.alias) else {
            continue;
        };
        let (what, fix) = words(t, f);
        sink.record(
            resource,
            Code::TrafficBypassesAlias,
            status,
            expected.clone(),
            Shown::Plain(format!("{what} → {on}")),
            format!(
                "{what} invokes {} ({on}), not alias {}: the canary judges none of its traffic \
                 and a rollback does not move it; {fix}",
                f.name, f.alias
            ),
        );
    }
}

/// What the trigger invokes when that is not `alias`: `$LATEST` (the unqualified function)
/// or `version N`. Another alias is that alias's business.
fn bypassed(target: &str, alias: &str) -> Option<String> {
    let after = target
        .split_once(":function:")
        .map_or(target, |(_, rest)| rest);
    match after.split_once(':') {
        None => Some("$LATEST".to_string()),
        Some((_, "$LATEST")) => Some("$LATEST".to_string()),
        Some((_, q)) if !q.is_empty() && q.bytes().all(|b| b.is_ascii_digit()) => {
            Some(format!("version {q}"))
        }
        Some((_, q)) if q == alias => None,
        Some(_) => None,
    }
}

/// The trigger in words, and how to point it at the alias.
fn words(t: &Trigger, f: &FunctionTarget) -> (String, String) {
    let (name, alias) = (&f.name, &f.alias);
    match t {
        Trigger::Mapping { source, uuid, .. } => (
            format!("event source mapping {uuid} ({source})"),
            format!(
                "point it at the alias: `aws lambda update-event-source-mapping --uuid {uuid} \
                 --function-name {name}:{alias}`"
            ),
        ),
        Trigger::Url { url, .. } => (
            format!("function URL {url}"),
            format!(
                "create the URL on the alias (`aws lambda create-function-url-config \
                 --function-name {name} --qualifier {alias} --auth-type …`), move its callers, \
                 then delete the one on $LATEST"
            ),
        ),
        Trigger::Permission { sid, principal, .. } => (
            format!("invoke permission `{sid}` for {principal}"),
            format!(
                "grant it on the alias (`aws lambda add-permission --function-name {name} \
                 --qualifier {alias} --principal {principal} …`), point the integration at \
                 {name}:{alias}, then remove statement `{sid}`"
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::bypassed;

    #[test]
    fn the_alias_and_other_aliases_are_not_bypasses() {
        let f = "arn:aws:lambda:us-east-1:1:function:api";
        assert_eq!(bypassed(f, "live").as_deref(), Some("$LATEST"));
        assert_eq!(
            bypassed(&format!("{f}:$LATEST"), "live").as_deref(),
            Some("$LATEST")
        );
        assert_eq!(
            bypassed(&format!("{f}:7"), "live").as_deref(),
            Some("version 7")
        );
        assert_eq!(bypassed(&format!("{f}:live"), "live"), None);
        assert_eq!(bypassed(&format!("{f}:beta"), "live"), None);
    }
}
