//! Cancellation: the runner sends SIGINT, then SIGTERM 7.5 s later, then kills.
//! The binary is PID 1 in its container, so nothing handles these unless we do.
//! A run's environment also cancels itself: the first failure of one function aborts its
//! siblings ([`Cancel::joined`]), through the same waits a signal ends.

use std::sync::Arc;

use tokio::sync::watch;

/// The "signal" of a [`Cancel::joined`] view aborted by a sibling's failure, not by the
/// runner: no real signal has number 0.
pub const ABORTED: i32 = 0;

/// What stopped a job, for messages: `SIGINT`, `SIGTERM`, or a sibling's failure.
pub fn describe(sig: i32) -> &'static str {
    match sig {
        2 => "SIGINT",
        ABORTED => "the failure of another function of the environment",
        _ => "SIGTERM",
    }
}

/// Aborts the [`Cancel`] view it was made with (`Cancel::joined`).
#[derive(Clone, Debug)]
pub struct Abort {
    tx: Arc<watch::Sender<Option<i32>>>,
}

impl Abort {
    /// Fires the joined view with [`ABORTED`], unless something fired it first; true when
    /// this call was the first cause.
    pub fn abort(&self) -> bool {
        fire(&self.tx, ABORTED)
    }
}

/// Sets the first value only: the first cause decides; true when this was it.
fn fire(tx: &watch::Sender<Option<i32>>, sig: i32) -> bool {
    tx.send_if_modified(|cur| {
        if cur.is_none() {
            *cur = Some(sig);
            true
        } else {
            false
        }
    })
}

/// A cheap, cloneable view of "has the job been cancelled, and by which signal".
#[derive(Clone, Debug)]
pub struct Cancel {
    rx: watch::Receiver<Option<i32>>,
}

impl Cancel {
    /// Installs SIGINT and SIGTERM handlers for the life of the process.
    pub fn install() -> std::io::Result<Self> {
        let (tx, rx) = watch::channel(None);
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let mut int = signal(SignalKind::interrupt())?;
            let mut term = signal(SignalKind::terminate())?;
            tokio::spawn(async move {
                loop {
                    let sig = tokio::select! {
                        _ = int.recv() => 2,
                        _ = term.recv() => 15,
                    };
                    // The first signal decides the exit code; a later SIGTERM
                    // only makes the rollback already under way more urgent.
                    tx.send_if_modified(|cur| {
                        if cur.is_none() {
                            *cur = Some(sig);
                            true
                        } else {
                            false
                        }
                    });
                }
            });
        }
        #[cfg(not(unix))]
        {
            let _ = tx;
        }
        Ok(Self { rx })
    }

    /// A view that fires when this one does (with its signal) or when the returned
    /// [`Abort`] is used (with [`ABORTED`]), whichever comes first.
    pub fn joined(&self) -> (Abort, Cancel) {
        let (tx, rx) = watch::channel(*self.rx.borrow());
        let tx = Arc::new(tx);
        let parent = self.clone();
        let forward = Arc::clone(&tx);
        tokio::spawn(async move {
            let sig = parent.cancelled().await;
            let _ = fire(&forward, sig);
        });
        (Abort { tx }, Cancel { rx })
    }

    /// A handle a unit test fires by hand.
    #[cfg(test)]
    pub fn for_test() -> (watch::Sender<Option<i32>>, Self) {
        let (tx, rx) = watch::channel(None);
        (tx, Self { rx })
    }

    /// The signal that cancelled the job, if any.
    pub fn signal(&self) -> Option<i32> {
        *self.rx.borrow()
    }

    /// Resolves when the job is cancelled; returns the signal number.
    pub async fn cancelled(&self) -> i32 {
        let mut rx = self.rx.clone();
        loop {
            if let Some(sig) = *rx.borrow_and_update() {
                return sig;
            }
            if rx.changed().await.is_err() {
                // The sender is gone: no signal can come any more.
                std::future::pending::<()>().await;
            }
        }
    }
}
