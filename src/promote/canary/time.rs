//! How long a canary really takes, from the contract alone (pure): every step lasts its
//! `interval`, then waits for late logs (and late metrics, when it reads them) before it
//! is judged, and the `post-traffic` check invokes the alias once after 100 %. `plan`
//! shows it; `plan` and `promote` refuse a `timeout` shorter than it, before any AWS call
//! (README, "Canary verdicts").

use std::time::Duration;

use crate::config::model::{Environment, Strategy};
use crate::duration::display;
use crate::error::UsageError;
use crate::promote::canary::window::step_wait;

/// The canary of one environment, timed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CanaryTime {
    pub steps: u32,
    pub interval: Duration,
    /// After each interval: the logs' ingestion margin or the metrics' lag.
    pub wait: Duration,
    pub metrics: bool,
    pub post_traffic: bool,
}

impl CanaryTime {
    /// `None` when the environment moves its alias at once.
    pub fn of(env: &Environment) -> Option<CanaryTime> {
        let Strategy::Canary(c) = &env.strategy else {
            return None;
        };
        let metrics = c.gates.metrics.is_some();
        Some(CanaryTime {
            steps: u32::try_from(c.steps.len()).unwrap_or(u32::MAX),
            interval: c.interval,
            wait: step_wait(c.interval, metrics),
            metrics,
            post_traffic: env.post_traffic.is_some(),
        })
    }

    /// The shortest the canary can take: steps × (interval + wait). An inconclusive
    /// step, or the post-traffic invoke, only adds to it.
    pub fn minimum(&self) -> Duration {
        (self.interval + self.wait).saturating_mul(self.steps)
    }

    /// `at least 1m20s: 2 steps × (20s + 20s for late metrics) + the post-traffic check`
    pub fn words(&self) -> String {
        let late = if self.metrics {
            "late metrics"
        } else {
            "late logs"
        };
        let plural = if self.steps == 1 { "step" } else { "steps" };
        let post = if self.post_traffic {
            " + the post-traffic check"
        } else {
            ""
        };
        format!(
            "at least {}: {} {plural} × ({} + {} for {late}){post}",
            display(self.minimum()),
            self.steps,
            display(self.interval),
            display(self.wait),
        )
    }
}

/// The plan's notice: the canary's real duration next to the `timeout`.
pub fn notice(env: &Environment, timeout: Duration) -> Option<String> {
    let t = CanaryTime::of(env)?;
    Some(format!(
        "the canary of `{}` takes {}; the `timeout` is {}",
        env.name,
        t.words(),
        display(timeout)
    ))
}

/// A `timeout` shorter than the canary cannot work: it would update the code, move
/// traffic, then time out and roll back. Refused before any AWS call.
pub fn refuse_short_timeout(env: &Environment, timeout: Duration) -> Result<(), UsageError> {
    let Some(t) = CanaryTime::of(env) else {
        return Ok(());
    };
    if timeout >= t.minimum() {
        return Ok(());
    }
    Err(UsageError::input(
        "timeout",
        format!(
            "`{}` is shorter than the canary of `{}`, which takes {}; set `timeout` above {} (with room for the update), or shorten the canary's `interval` or `steps`",
            display(timeout),
            env.name,
            t.words(),
            display(t.minimum())
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse;

    fn env(strategy: &str, rest: &str) -> Environment {
        let text = format!(
            "version: 1\nenvironments:\n  prod:\n    image: input\n    functions: [{{ name: f }}]\n    strategy: {strategy}\n{rest}"
        );
        parse("c.yml", &text).unwrap().environments.remove(0)
    }

    #[test]
    fn each_step_waits_for_late_logs_or_metrics() {
        let logs = env(
            "{ canary: { steps: [10, 50], interval: 20s, metrics: off } }",
            "",
        );
        let t = CanaryTime::of(&logs).unwrap();
        assert_eq!(t.minimum(), Duration::from_secs(2 * (20 + 10)));
        assert_eq!(
            t.words(),
            "at least 1m: 2 steps × (20s + 10s for late logs)"
        );

        let metrics = env(
            "{ canary: { steps: [10], interval: 20s } }",
            "    post-traffic: { payload: '{}' }\n",
        );
        let t = CanaryTime::of(&metrics).unwrap();
        assert_eq!(t.minimum(), Duration::from_secs(40));
        assert_eq!(
            t.words(),
            "at least 40s: 1 step × (20s + 20s for late metrics) + the post-traffic check"
        );
    }

    #[test]
    fn a_timeout_shorter_than_the_canary_is_an_input_error() {
        let e = env("{ canary: { steps: [10], interval: 20s } }", "");
        let err = refuse_short_timeout(&e, Duration::from_secs(10)).unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with("input `timeout`: `10s` is shorter"),
            "{text}"
        );
        assert!(text.contains("at least 40s"), "{text}");
        assert!(refuse_short_timeout(&e, Duration::from_secs(40)).is_ok());
        assert!(refuse_short_timeout(&env("all-at-once", ""), Duration::from_secs(1)).is_ok());
    }
}
