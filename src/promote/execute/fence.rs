//! Putting one alias back, fenced: read it, write the before-state guarded by the revision
//! id just read, read it back. The write gives the alias a new revision id, so a write of
//! this run whose answer never came, and which lands late, carries a stale revision id and
//! is refused (`PreconditionFailedException`,
//! <https://docs.aws.amazon.com/lambda/latest/api/API_UpdateAlias.html>). What is reported
//! is what the last read shows, never what was hoped.

use super::readback::is_our_alias;
use super::restore::{Entry, fix_command, left_moved};
use crate::aws::types::{AliasInfo, Lookup};
use crate::aws::{AwsError, ErrorKind, Write};
use crate::report::model::LeftMoved;

/// Reads and writes before giving up on an alias that keeps changing under the restore.
const ATTEMPTS: usize = 4;

/// How putting one alias back ended.
#[derive(Debug)]
pub enum Back {
    /// The alias never moved (a write that did not land, now fenced).
    Unmoved,
    /// It had moved and is back exactly as before.
    Restored,
    /// Another writer changed it: theirs, left as it is (why).
    Theirs(String),
    /// It could not be put back: where it is, and why.
    Left(LeftMoved, String),
}

/// The alias shows `before` exactly (version, routing and description).
fn is_before(now: &AliasInfo, before: &AliasInfo) -> bool {
    is_our_alias(now, &before.version, &before.routing, &before.description)
}

/// Puts `e`'s alias back as it was before the run, fenced, and reads it back.
pub async fn put_back(write: &Write, e: &Entry) -> Back {
    if e.theirs {
        return Back::Theirs(theirs(write, e));
    }
    let mut last_error = None;
    for _ in 0..ATTEMPTS {
        let now = match Lookup::from_result(write.read().get_alias(&e.function, &e.alias).await) {
            Lookup::Found(now) => now,
            // This run's create never landed, or was undone: a late create cannot be
            // fenced (CreateAlias takes no revision id), and is reported if read later.
            Lookup::Missing if e.before.is_none() => {
                return if e.landed {
                    Back::Restored
                } else {
                    Back::Unmoved
                };
            }
            Lookup::Missing => return Back::Theirs(theirs(write, e)),
            Lookup::Failed(err) => return left(write, e, &err).await,
        };
        let unchanged = e.before.as_ref().is_some_and(|b| is_before(&now, b));
        if unchanged && !e.uncertain {
            return if e.landed {
                Back::Restored
            } else {
                Back::Unmoved
            };
        }
        if !unchanged && now.description != e.ours {
            return Back::Theirs(theirs(write, e));
        }
        match write_before(write, e, now.revision_id.as_deref()).await {
            Ok(()) => return confirm(write, e, e.landed || !unchanged).await,
            // Changed since the read (a late write of ours, or another writer): read again.
            Err(err) if err.kind == ErrorKind::Precondition => last_error = Some(err),
            Err(err) => return left(write, e, &err).await,
        }
    }
    match last_error {
        Some(err) => left(write, e, &err).await,
        None => Back::Unmoved,
    }
}

/// The before-state written over `revision`, or the alias deleted when this run created it.
async fn write_before(write: &Write, e: &Entry, revision: Option<&str>) -> Result<(), AwsError> {
    match &e.before {
        Some(b) => write
            .update_alias(
                &e.function,
                &e.alias,
                &b.version,
                &b.routing,
                Some(&b.description),
                revision,
            )
            .await
            .map(|_| ()),
        None => write.delete_alias(&e.function, &e.alias).await,
    }
}

/// Reads the alias back after the restore: `Restored` (or `Unmoved`) only when it shows
/// the before-state.
async fn confirm(write: &Write, e: &Entry, moved: bool) -> Back {
    let back = match (
        &e.before,
        Lookup::from_result(write.read().get_alias(&e.function, &e.alias).await),
    ) {
        (Some(b), Lookup::Found(now)) => is_before(&now, b),
        (None, Lookup::Missing) => true,
        _ => false,
    };
    match (back, moved) {
        (true, true) => Back::Restored,
        (true, false) => Back::Unmoved,
        (false, _) => {
            let left = left_moved(write.read(), e).await;
            let why = format!(
                "alias {} of {} was written back but reads otherwise",
                e.alias, e.function
            );
            Back::Left(left, why)
        }
    }
}

async fn left(write: &Write, e: &Entry, err: &AwsError) -> Back {
    let why = format!(
        "could not restore alias {} of {}: {err}",
        e.alias, e.function
    );
    Back::Left(left_moved(write.read(), e).await, why)
}

/// The restore ran out of its budget: where the alias is now, read once more.
pub async fn timed_out(write: &Write, e: &Entry) -> Back {
    let why = format!("restoring alias {} of {} timed out", e.alias, e.function);
    Back::Left(left_moved(write.read(), e).await, why)
}

fn theirs(write: &Write, e: &Entry) -> String {
    format!(
        "alias {} of {} was changed by another writer; left as it is (to put it back as before \
         this run: {})",
        e.alias,
        e.function,
        fix_command(e, write.read().region())
    )
}
