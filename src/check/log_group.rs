//! The `log-group` check: a CloudWatch Logs group exists.

use super::{Context, Sink};
use crate::aws::types::Lookup;
use crate::finding::{Code, Shown};

pub(super) fn check(ctx: &Context<'_>, name: &str, sink: &mut Sink<'_>) {
    let exists = || Shown::Plain("exists".into());
    match ctx.observed.log_groups.get(name) {
        Some(Lookup::Found(())) => sink.pass(name, exists(), exists()),
        Some(Lookup::Failed(e)) => sink.failed_lookup(name, e),
        Some(Lookup::Missing) | None => sink.absent(
            name,
            Code::LogGroupNotFound,
            exists(),
            format!("log group {name} does not exist"),
        ),
    }
}
