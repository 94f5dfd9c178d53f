//! The restore coordinator: one per environment of a run, the owner of the way back
//! (docs/safety.md, "Safety"). Each function's task records an alias here *before* it writes it,
//! so the coordinator knows every alias any task may have moved, whether or not the
//! write's answer came. The first failure, timeout or signal anywhere aborts every
//! sibling through the joined [`Cancel`] the tasks wait on (no further alias write is
//! allowed, every wait ends), and the restores start at once, all together, each fenced
//! and read back (`fence.rs`), without waiting for the tasks to end.

use std::sync::Mutex;
use std::time::Duration;

use tokio::sync::watch;

use super::fence::{self, Back};
pub use super::restore::Entry;
use super::restore::Restored;
use crate::aws::types::AliasInfo;
use crate::aws::{AwsError, ErrorKind, Write};
use crate::cancel::{ABORTED, Abort, Cancel};

/// How long the restores may take, all together, once the runner has signalled: independent
/// of the run's deadline, and inside the runner's window after a cancel (SIGINT, SIGTERM
/// 7.5 s later, SIGKILL 2.5 s after that), leaving time to write the report.
pub const RESTORE_BUDGET: Duration = Duration::from_secs(6);

/// How long the restores may take after a failure or a timeout, with no signal: nothing is
/// about to kill the job, so they wait out a throttled or slow API (a pool lowered to one
/// request a second restores four aliases and reads them back in about eight seconds).
/// A signal during them cuts what is left to [`RESTORE_BUDGET`].
pub const FAILURE_RESTORE_BUDGET: Duration = Duration::from_secs(30);

/// How an alias write ended, as the task saw it.
pub enum Written {
    Landed,
    /// Refused because another writer changed the alias (a 412 that was not ours).
    Theirs,
    /// No answer that settles it.
    Unknown,
}

pub struct Coordinator {
    entries: Mutex<Vec<Entry>>,
    abort: Abort,
    cancel: Cancel,
    /// The run's own view: only the runner's signals (a sibling's abort is not one).
    run_cancel: Cancel,
    /// Set once every task ended, with whether all succeeded: then nothing is restored.
    finished: watch::Sender<Option<bool>>,
}

impl Coordinator {
    /// A coordinator whose abort joins the run's `cancel` (a signal aborts too).
    pub fn new(run_cancel: &Cancel) -> Self {
        let (abort, cancel) = run_cancel.joined();
        Self {
            entries: Mutex::new(Vec::new()),
            abort,
            cancel,
            run_cancel: run_cancel.clone(),
            finished: watch::channel(None).0,
        }
    }

    /// What every task waits on: the run's signal or a sibling's failure.
    pub fn cancel(&self) -> &Cancel {
        &self.cancel
    }

    /// The first failure: every sibling stops at its next await, and the restores start.
    /// True when this call was the first cause (no signal, no earlier failure).
    pub fn abort(&self) -> bool {
        self.abort.abort()
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, Vec<Entry>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records the intent to write `alias` of `function` before the write; `Err` (the
    /// error to return instead of writing) once the environment is aborted.
    pub fn intend(
        &self,
        part: usize,
        function: &str,
        alias: &str,
        before: Option<&AliasInfo>,
        ours: &str,
    ) -> Result<(), AwsError> {
        // Checked under the lock the restorer takes: an intent is either refused or
        // seen by the restores.
        let mut entries = self.entries();
        if let Some(sig) = self.cancel.signal() {
            return Err(AwsError {
                kind: ErrorKind::Network,
                action: crate::aws::operations::UPDATE_ALIAS.action,
                resource: format!("{function}:{alias}"),
                code: "Aborted".into(),
                message: format!("not written: stopped by {}", sig.describe()),
            });
        }
        match entries
            .iter_mut()
            .find(|e| e.function == function && e.alias == alias)
        {
            Some(e) => e.uncertain = true,
            None => entries.push(Entry {
                part,
                function: function.to_string(),
                alias: alias.to_string(),
                before: before.cloned(),
                ours: ours.to_string(),
                landed: false,
                uncertain: true,
                theirs: false,
            }),
        }
        Ok(())
    }

    /// How the write recorded by `intend` ended.
    pub fn written(&self, function: &str, alias: &str, how: Written) {
        let mut entries = self.entries();
        let Some(e) = entries
            .iter_mut()
            .find(|e| e.function == function && e.alias == alias)
        else {
            return;
        };
        match how {
            Written::Landed => {
                e.landed = true;
                e.uncertain = false;
            }
            Written::Theirs => e.theirs = true,
            Written::Unknown => {}
        }
    }

    /// Every task has ended; `all_ok`: each succeeded.
    pub fn finish(&self, all_ok: bool) {
        self.finished.send_replace(Some(all_ok));
    }

    /// Waits for an abort (then restores every recorded alias at once, within
    /// [`RESTORE_BUDGET`]) or for every task to end without one (then restores nothing).
    pub async fn restore_when_aborted<'w>(
        &self,
        restore_of: impl Fn(usize) -> &'w Write,
    ) -> Restored {
        let mut finished = self.finished.subscribe();
        tokio::select! {
            biased;
            f = finished.wait_for(|f| f.is_some()) => {
                // Every task succeeded before any abort: a signal now changes nothing.
                if f.is_ok_and(|f| *f == Some(true)) {
                    return Restored::default();
                }
            }
            _ = self.cancel.cancelled() => {}
        }
        let entries: Vec<Entry> = self.entries().clone();
        let backs = futures::future::join_all(entries.iter().map(|e| {
            let write = restore_of(e.part);
            async move {
                match self.within_budget(fence::put_back(write, e)).await {
                    Some(back) => back,
                    None => fence::timed_out(write, e).await,
                }
            }
        }))
        .await;
        let mut restored = Restored {
            ran: true,
            ..Restored::default()
        };
        for (e, back) in entries.iter().zip(backs) {
            match back {
                Back::Unmoved => {}
                Back::Restored => restored.functions.push(e.function.clone()),
                Back::Theirs(why) => restored.warnings.push(why),
                Back::Left(left, why) => {
                    restored.errors.push(why);
                    restored.left.push(left);
                }
            }
        }
        restored
    }

    /// `restore` within its budget: [`FAILURE_RESTORE_BUDGET`], cut to [`RESTORE_BUDGET`] from
    /// the runner's signal (before the restores or during them); `None` when it ran out.
    async fn within_budget<T>(&self, restore: impl Future<Output = T>) -> Option<T> {
        let signalled = async {
            // An outer abort (another shard's failure) is not the runner's signal.
            if self.run_cancel.cancelled().await == ABORTED {
                std::future::pending::<()>().await;
            }
            tokio::time::sleep(RESTORE_BUDGET).await;
        };
        tokio::select! {
            r = tokio::time::timeout(FAILURE_RESTORE_BUDGET, restore) => r.ok(),
            () = signalled => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_intent_after_the_abort_is_refused() {
        let (_tx, run) = Cancel::for_test();
        let c = Coordinator::new(&run);
        assert!(c.intend(0, "f", "live", None, "ours").is_ok());
        c.written("f", "live", Written::Landed);
        c.abort();
        let refused = c.intend(0, "g", "live", None, "ours").unwrap_err();
        assert_eq!(refused.code, "Aborted");
        assert_eq!(c.cancel().signal(), Some(crate::cancel::ABORTED));
        let entries = c.entries().clone();
        assert_eq!(entries.len(), 1);
        assert!(entries[0].landed && !entries[0].uncertain);
    }

    #[tokio::test]
    async fn a_signal_reaches_the_joined_view() {
        let (tx, run) = Cancel::for_test();
        let c = Coordinator::new(&run);
        tx.send(Some(crate::cancel::Signal::Term)).unwrap();
        assert_eq!(c.cancel().cancelled().await.number(), 15);
    }
}
