//! The panic guard of a promotion task: a bug that panics after an alias
//! moved must not leave production split. The task's own record of what it
//! moved dies with the panic, so the guard reads the alias back and treats it
//! as this run's write only when it carries this run's description.

use std::panic::AssertUnwindSafe;

use futures::FutureExt as _;

use super::failure::Failure;
use super::function;
use super::job::{Job, JobOutcome, Status};
use super::shift::Moved;
use crate::aws::Read;
use crate::aws::types::AliasInfo;
use crate::provenance;

/// `execute::promote`, with a panic turned into a failed outcome that still
/// names the alias to restore.
pub async fn promote(job: Job<'_>) -> JobOutcome {
    let read = job.write.read();
    let function = job.target.name.clone();
    let alias = job.target.alias.clone();
    let before = job.before.clone();
    let ours =
        provenance::alias_description(before.as_ref().map(|b| b.version.as_str()), job.run_info);
    match AssertUnwindSafe(function::promote(job))
        .catch_unwind()
        .await
    {
        Ok(outcome) => outcome,
        Err(payload) => {
            let why = Failure::Panic(panic_message(payload.as_ref()));
            after_panic(read, function, alias, before, &ours, why).await
        }
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a task panicked".to_string())
}

async fn after_panic(
    read: &Read,
    function: String,
    alias: String,
    before: Option<AliasInfo>,
    ours: &str,
    why: Failure,
) -> JobOutcome {
    let mut warnings = Vec::new();
    let moved = match read.get_alias(&function, &alias).await {
        Ok(now) if written_by_us(&now, before.as_ref(), ours) => Some(Moved {
            function: function.clone(),
            alias: alias.clone(),
            before,
            revision_id: now.revision_id,
        }),
        Ok(_) => None,
        Err(e) if e.is_not_found() => None,
        Err(e) => {
            warnings.push(format!(
                "after the internal error, alias {alias} of {function} could not be read back ({e}); check it by hand"
            ));
            None
        }
    };
    JobOutcome {
        status: if moved.is_some() {
            Status::RollBack(why)
        } else {
            Status::Failed(why)
        },
        steps: Vec::new(),
        canary: Vec::new(),
        version: None,
        moved,
        warmed: None,
        warnings,
    }
}

/// The alias differs from what it was before the run and carries this run's
/// description: only this run can have written it.
fn written_by_us(now: &AliasInfo, before: Option<&AliasInfo>, ours: &str) -> bool {
    let unchanged = before.is_some_and(|b| {
        b.version == now.version && !now.is_split() && b.description == now.description
    });
    !unchanged && now.description == ours
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alias(version: &str, split: bool, description: &str) -> AliasInfo {
        AliasInfo {
            name: "live".into(),
            version: version.into(),
            routing: if split {
                [("2".to_string(), 0.1)].into()
            } else {
                Default::default()
            },
            description: description.into(),
            revision_id: Some("r".into()),
        }
    }

    #[test]
    fn only_a_changed_alias_with_our_description_is_ours() {
        let before = alias("1", false, "seeded");
        let ours = "lambda-promote previous=1 run=7";
        assert!(written_by_us(&alias("1", true, ours), Some(&before), ours));
        assert!(written_by_us(&alias("2", false, ours), Some(&before), ours));
        assert!(written_by_us(&alias("2", false, ours), None, ours));
        assert!(!written_by_us(
            &alias("1", false, "seeded"),
            Some(&before),
            ours
        ));
        assert!(!written_by_us(
            &alias("3", false, "someone else"),
            Some(&before),
            ours
        ));
        let same = alias("1", false, ours);
        assert!(!written_by_us(&same, Some(&same), ours));
    }

    #[test]
    fn the_panic_message_is_kept() {
        let p: Box<dyn std::any::Any + Send> = Box::new("boom");
        assert_eq!(panic_message(p.as_ref()), "boom");
        let p: Box<dyn std::any::Any + Send> = Box::new(String::from("bang"));
        assert_eq!(panic_message(p.as_ref()), "bang");
    }
}
