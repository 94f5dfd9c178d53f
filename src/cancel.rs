//! Cancellation: the runner sends SIGINT, then SIGTERM 7.5 s later, then kills.
//! The binary is PID 1 in its container, so nothing handles these unless we do.
//! A run's environment also cancels itself: the first failure of one function aborts its
//! siblings ([`Cancel::joined`]), through the same waits a signal ends.

use std::sync::Arc;

use tokio::sync::watch;

/// What cancelled a job: one of the runner's signals, or (in a [`Cancel::joined`] view)
/// a sibling's failure, which is no real signal. The one place a signal is named.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Signal {
    Int,
    Term,
    /// A sibling's failure aborted the view; counts as `SIGTERM` where a signal must be named.
    #[default]
    Aborted,
}

/// The cause of a [`Cancel::joined`] view aborted by a sibling's failure, not by the runner.
pub const ABORTED: Signal = Signal::Aborted;

impl Signal {
    /// `SIGINT` or `SIGTERM`, as errors, reports and exit codes name it.
    pub fn name(self) -> &'static str {
        match self {
            Signal::Int => "SIGINT",
            Signal::Term | Signal::Aborted => "SIGTERM",
        }
    }

    /// The signal's number (`0` for a sibling's failure), as the messages that name a
    /// signal by number print it.
    pub fn number(self) -> i32 {
        match self {
            Signal::Int => 2,
            Signal::Term => 15,
            Signal::Aborted => 0,
        }
    }

    /// What stopped a job, for messages: `SIGINT`, `SIGTERM`, or a sibling's failure.
    pub fn describe(self) -> &'static str {
        match self {
            Signal::Aborted => "the failure of another function of the environment",
            s => s.name(),
        }
    }
}

/// Aborts the [`Cancel`] view it was made with (`Cancel::joined`).
#[derive(Clone, Debug)]
pub struct Abort {
    tx: Arc<watch::Sender<Option<Signal>>>,
}

impl Abort {
    /// Fires the joined view with [`ABORTED`], unless something fired it first; true when
    /// this call was the first cause.
    pub fn abort(&self) -> bool {
        fire(&self.tx, ABORTED)
    }
}

/// Sets the first value only: the first cause decides; true when this was it.
fn fire(tx: &watch::Sender<Option<Signal>>, sig: Signal) -> bool {
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
    rx: watch::Receiver<Option<Signal>>,
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
                        _ = int.recv() => Signal::Int,
                        _ = term.recv() => Signal::Term,
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
    pub fn for_test() -> (watch::Sender<Option<Signal>>, Self) {
        let (tx, rx) = watch::channel(None);
        (tx, Self { rx })
    }

    /// The signal that cancelled the job, if any.
    pub fn signal(&self) -> Option<Signal> {
        *self.rx.borrow()
    }

    /// Resolves when the job is cancelled; returns the signal.
    pub async fn cancelled(&self) -> Signal {
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
