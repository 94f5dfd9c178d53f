//! After the whole environment succeeded: prune old versions of every function. Never
//! earlier, because a sibling's failure restores each alias onto the version it left,
//! which must still exist. Pruning is housekeeping: a failure is a warning.

use crate::aws::{AwsError, ErrorKind, Write};
use crate::promote::step_records::Steps;
use crate::report::model::StepRecord;
use crate::step::Step;

/// Prunes each of `functions` to `keep` versions; the step record per function, and a
/// warning per failure.
pub async fn prune_all(
    write: &Write,
    functions: &[&str],
    keep: u32,
) -> (Vec<(String, StepRecord)>, Vec<String>) {
    let results = futures::future::join_all(functions.iter().map(|f| async move {
        let mut steps = Steps::default();
        let r = steps
            .run(Step::Prune, prune(write, f, keep), |d| {
                if d.is_empty() {
                    "nothing to prune".to_string()
                } else {
                    format!("deleted versions {}", d.join(", "))
                }
            })
            .await;
        (f.to_string(), steps.records, r.err())
    }))
    .await;
    let mut records = Vec::new();
    let mut warnings = Vec::new();
    for (f, steps, err) in results {
        records.extend(steps.into_iter().map(|s| (f.clone(), s)));
        if let Some(e) = err {
            warnings.push(format!("pruning old versions of {f} failed: {e}"));
        }
    }
    (records, warnings)
}

async fn prune(write: &Write, f: &str, keep: u32) -> Result<Vec<String>, AwsError> {
    let versions = write.read().list_versions(f).await?;
    let aliases = write.read().list_aliases(f).await?;
    let doomed = crate::promote::prune::to_delete(&versions, &aliases, keep);
    let mut deleted = Vec::new();
    for v in doomed {
        match write.delete_version(f, &v).await {
            Ok(()) => deleted.push(v),
            // An alias started using it since we listed: keeping it is right.
            Err(e) if e.kind == ErrorKind::Conflict => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(deleted)
}
