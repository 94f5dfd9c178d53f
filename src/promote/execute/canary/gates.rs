//! The canary's gates besides the logs, read on every poll of a step: the alarms (one
//! entering `ALARM` fails the step at once) and the per-version metrics (judged by
//! `verdict.rs`). A read that fails is an error the caller counts: it fails closed.

use std::collections::BTreeSet;

use crate::aws::metrics::MetricsQuery;
use crate::aws::{AwsError, Read};
use crate::config::gates::Gates;
use crate::promote::canary::verdict::{Verdict, VersionStats, judge};

// The metrics' lag lives with the other step timings, which `plan` reads too.
pub use crate::promote::canary::window::metrics_lag;

/// Extensions of an inconclusive step, each one interval long, before `on-inconclusive`.
pub const MAX_EXTENSIONS: u32 = 2;

/// The alarms already in `ALARM` before any traffic moves; `Err` when they cannot be read.
pub async fn firing_before(read: &Read, gates: &Gates) -> Result<BTreeSet<String>, AwsError> {
    if gates.alarms.is_empty() {
        return Ok(BTreeSet::new());
    }
    let states = read.alarm_states(&gates.alarms).await?;
    Ok(states
        .into_iter()
        .filter(|s| s.firing)
        .map(|s| s.name)
        .collect())
}

/// The alarms check before any traffic moves: the alarms already firing, with a warning
/// for each; `Err` (nothing moved) when they cannot be read, or when one is firing and
/// `block-on-firing` is set.
pub async fn before_traffic(
    read: &Read,
    gates: &Gates,
) -> Result<(BTreeSet<String>, Vec<String>), String> {
    let firing = firing_before(read, gates).await.map_err(|e| {
        format!(
            "the canary's alarms could not be read before any traffic moved ({e}); failing closed"
        )
    })?;
    if gates.block_on_firing && !firing.is_empty() {
        let names: Vec<&str> = firing.iter().map(String::as_str).collect();
        return Err(format!(
            "alarm(s) {} already in ALARM before the deploy, and block-on-firing is true",
            names.join(", ")
        ));
    }
    let warnings = firing
        .iter()
        .map(|name| {
            format!(
                "alarm {name} was already in ALARM before the deploy; it does not block the \
                 release (block-on-firing: false), and rolls back only if it leaves ALARM and enters it again"
            )
        })
        .collect();
    Ok((firing, warnings))
}

/// The gates of one canary, kept across its steps.
pub struct GateWatch<'a> {
    pub read: &'a Read,
    pub gates: &'a Gates,
    pub function: &'a str,
    pub alias: &'a str,
    pub new_version: &'a str,
    pub old_version: &'a str,
    /// Alarms firing before the deploy that have not left `ALARM` since: not blocking.
    pub already_firing: BTreeSet<String>,
    /// The current step's window start (ms since the epoch).
    pub start_ms: i64,
    /// The last metrics read of the step, `(new, old)`.
    pub last: Option<(VersionStats, VersionStats)>,
}

impl GateWatch<'_> {
    /// Starts a step's window: metrics are read from `start_ms`.
    pub fn begin_step(&mut self, start_ms: i64) {
        self.start_ms = start_ms;
        self.last = None;
    }

    /// One poll: `Ok(Some(why))` when a gate fails the step, `Err` when a read failed.
    pub async fn poll(&mut self, now_ms: i64) -> Result<Option<String>, AwsError> {
        if let Some(why) = self.alarms().await? {
            return Ok(Some(why));
        }
        let Some(m) = &self.gates.metrics else {
            return Ok(None);
        };
        let (new, old) = self
            .read
            .version_metrics(&MetricsQuery {
                function: self.function,
                alias: self.alias,
                new_version: self.new_version,
                old_version: self.old_version,
                start_ms: self.start_ms,
                end_ms: now_ms,
            })
            .await?;
        let verdict = judge(m, &new, &old);
        self.last = Some((new, old));
        Ok(match verdict {
            Verdict::Fail(why) => Some(why),
            _ => None,
        })
    }

    /// The verdict of the step's last read (`Pass` when metrics are off).
    pub fn verdict(&self) -> Verdict {
        match (&self.gates.metrics, &self.last) {
            (Some(m), Some((new, old))) => judge(m, new, old),
            (Some(_), None) => Verdict::Fail("the metrics of the step were never read".into()),
            (None, _) => Verdict::Pass,
        }
    }

    async fn alarms(&mut self) -> Result<Option<String>, AwsError> {
        if self.gates.alarms.is_empty() {
            return Ok(None);
        }
        let states = self.read.alarm_states(&self.gates.alarms).await?;
        for s in &states {
            if !s.firing {
                // Left ALARM: entering it again later is news.
                self.already_firing.remove(&s.name);
            } else if !self.already_firing.contains(&s.name) {
                return Ok(Some(format!("alarm {} entered ALARM", s.name)));
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn the_lag_is_two_minutes_or_the_interval() {
        assert_eq!(metrics_lag(Duration::from_secs(2)), Duration::from_secs(2));
        assert_eq!(
            metrics_lag(Duration::from_secs(300)),
            Duration::from_secs(120)
        );
    }
}
