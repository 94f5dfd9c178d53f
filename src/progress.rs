//! Fleet progress: how many functions of the environment are updated,
//! published and moved, printed every 10 s while a promotion runs and once
//! more in the summary, with the throttled answers AWS gave on the way; and
//! how many of validation's reads are answered, printed as often while the
//! checks read (`validate`, and `promote` before its first write).

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// How often a long promotion prints its progress line.
pub const EVERY: Duration = Duration::from_secs(10);

#[derive(Debug, Default)]
pub struct Progress {
    total: usize,
    updated: AtomicUsize,
    published: AtomicUsize,
    moved: AtomicUsize,
}

/// One milestone of one function.
#[derive(Clone, Copy, Debug)]
pub enum Milestone {
    Updated,
    Published,
    Moved,
}

impl Progress {
    /// Progress of `total` functions to promote.
    pub fn new(total: usize) -> Self {
        Progress {
            total,
            ..Progress::default()
        }
    }

    pub fn reached(&self, m: Milestone) {
        let counter = match m {
            Milestone::Updated => &self.updated,
            Milestone::Published => &self.published,
            Milestone::Moved => &self.moved,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// `promote production: 137/300 updated, 120 published, 98 aliases on the new version, 41
    /// throttled answers`: an alias a canary moved and then restored is not on it.
    pub fn line(&self, environment: &str, throttled: u64) -> String {
        format!(
            "promote {environment}: {}/{} updated, {} published, {} aliases on the new version, {throttled} throttled answers",
            self.updated.load(Ordering::Relaxed),
            self.total,
            self.published.load(Ordering::Relaxed),
            self.moved.load(Ordering::Relaxed),
        )
    }
}

/// Validation's progress: the distinct reads its checks need (`observe.rs`), and how
/// many are answered.
#[derive(Debug, Default)]
pub struct Reads {
    total: usize,
    done: AtomicUsize,
}

impl Reads {
    pub fn new(total: usize) -> Self {
        Reads {
            total,
            ..Reads::default()
        }
    }

    pub fn answered(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
    }

    /// `validate production: 137/300 reads answered, 41 throttled answers`
    pub fn line(&self, label: &str, throttled: u64) -> String {
        format!(
            "validate {label}: {}/{} reads answered, {throttled} throttled answers",
            self.done.load(Ordering::Relaxed),
            self.total,
        )
    }
}

/// Runs `work`, calling `tick` every `every` until it is done.
pub async fn while_running<T>(
    work: impl Future<Output = T>,
    every: Duration,
    tick: impl Fn(),
) -> T {
    let mut work = std::pin::pin!(work);
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    loop {
        tokio::select! {
            out = &mut work => return out,
            _ = ticks.tick() => tick(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn the_line_names_every_figure() {
        let p = Progress::new(300);
        p.reached(Milestone::Updated);
        p.reached(Milestone::Updated);
        p.reached(Milestone::Published);
        assert_eq!(
            p.line("production", 41),
            "promote production: 2/300 updated, 1 published, 0 aliases on the new version, 41 throttled answers"
        );
    }

    #[test]
    fn the_reads_line_counts_answers_of_the_total() {
        let r = Reads::new(600);
        r.answered();
        r.answered();
        assert_eq!(
            r.line("production", 3),
            "validate production: 2/600 reads answered, 3 throttled answers"
        );
    }

    #[tokio::test]
    async fn ticks_while_the_work_runs_and_returns_its_result() {
        let ticks = Cell::new(0);
        let out = while_running(
            async {
                tokio::time::sleep(Duration::from_millis(200)).await;
                7
            },
            Duration::from_millis(20),
            || ticks.set(ticks.get() + 1),
        )
        .await;
        assert_eq!(out, 7);
        assert!(ticks.get() >= 1, "no progress line while the work ran");
    }
}
