//! A canary step's verdict from the two versions' metrics (pure): fail, pass or
//! inconclusive (README, "Canary verdicts").
//!
//! Error rates are compared with a one-sided test at 99 % (Agresti and Caffo's adjusted
//! Wald test: one error and one success added to each version, which keeps small samples
//! honest): a step fails on the error rate only when the new version's rate is
//! significantly above `max-error-rate`, or significantly more than
//! `max-error-rate-increase` above the old version's. One error in three invocations is then
//! no rollback; twenty in a hundred against a clean baseline is.

pub use crate::aws::types::VersionStats;
use crate::config::gates::MetricGates;

/// z of a one-sided 99 % bound.
const Z: f64 = 2.326;

#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    Pass,
    /// Why, in one sentence.
    Fail(String),
    /// Too few invocations of the new version to judge.
    Inconclusive(String),
}

/// Judges the new version against the old one. Throttles and the error rate fail at any
/// moment; latency needs `min-invocations` on both; too few invocations is inconclusive.
pub fn judge(g: &MetricGates, new: &VersionStats, old: &VersionStats) -> Verdict {
    if let Some(max) = g.max_throttles
        && new.throttles > max as f64
    {
        return Verdict::Fail(format!(
            "the new version was throttled {} time(s) (at most {max} allowed)",
            new.throttles
        ));
    }
    if let Some(why) = error_rate_failure(g, new, old) {
        return Verdict::Fail(why);
    }
    if new.invocations < g.min_invocations as f64 {
        return Verdict::Inconclusive(format!(
            "the new version ran {} time(s), fewer than min-invocations ({})",
            new.invocations, g.min_invocations
        ));
    }
    if let Some(why) = latency_failure(g, new, old) {
        return Verdict::Fail(why);
    }
    Verdict::Pass
}

fn error_rate_failure(g: &MetricGates, new: &VersionStats, old: &VersionStats) -> Option<String> {
    if new.invocations <= 0.0 {
        return None;
    }
    let n = Adjusted::of(new);
    let rate = pct(new.error_rate());
    if let Some(max) = g.max_error_rate
        && (n.rate - max) / n.var.sqrt() > Z
    {
        return Some(format!(
            "the new version's error rate is {rate} ({} of {}), significantly above max-error-rate {}",
            new.errors,
            new.invocations,
            pct(max)
        ));
    }
    // Without a baseline the old version's adjusted rate is 1/2 with a wide variance: the
    // increase gate cannot fail on it (max-error-rate still can).
    let o = Adjusted::of(old);
    let z = (n.rate - o.rate - g.max_error_rate_increase) / (n.var + o.var).sqrt();
    (z > Z).then(|| {
        format!(
            "the new version's error rate is {rate} ({} of {}) against {} for the old version, \
             significantly more than max-error-rate-increase {} higher",
            new.errors,
            new.invocations,
            pct(old.error_rate()),
            pct(g.max_error_rate_increase)
        )
    })
}

/// A version's error rate with one error and one success added, and its variance.
struct Adjusted {
    rate: f64,
    var: f64,
}

impl Adjusted {
    fn of(s: &VersionStats) -> Adjusted {
        let n = s.invocations.max(0.0) + 2.0;
        let rate = (s.errors.clamp(0.0, s.invocations.max(0.0)) + 1.0) / n;
        Adjusted {
            rate,
            var: rate * (1.0 - rate) / n,
        }
    }
}

fn latency_failure(g: &MetricGates, new: &VersionStats, old: &VersionStats) -> Option<String> {
    let max = g.max_latency_increase?;
    // Latency needs as many invocations on the old version to be compared.
    if old.invocations < (g.min_invocations.max(1)) as f64 {
        return None;
    }
    let (n, o) = (new.p99_ms?, old.p99_ms?);
    (o > 0.0 && n > o * (1.0 + max)).then(|| {
        format!(
            "the new version's p99 duration is {n:.0} ms against {o:.0} ms for the old version \
             (+{}, at most +{} allowed)",
            pct(n / o - 1.0),
            pct(max)
        )
    })
}

/// A fraction as a percentage for people: `2 %`, `0.5 %`.
pub fn pct(x: f64) -> String {
    let p = x * 100.0;
    if (p - p.round()).abs() < 0.05 {
        format!("{:.0}%", p)
    } else {
        format!("{:.1}%", p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::gates::MetricGates;

    fn stats(invocations: f64, errors: f64) -> VersionStats {
        VersionStats {
            invocations,
            errors,
            throttles: 0.0,
            p99_ms: Some(100.0),
        }
    }

    fn defaults() -> MetricGates {
        MetricGates::default()
    }

    #[test]
    fn a_higher_error_rate_fails() {
        let v = judge(&defaults(), &stats(100.0, 20.0), &stats(1000.0, 1.0));
        assert!(
            matches!(v, Verdict::Fail(ref w) if w.contains("20%")),
            "{v:?}"
        );
    }

    #[test]
    fn equal_error_rates_pass() {
        assert_eq!(
            judge(&defaults(), &stats(1000.0, 20.0), &stats(1000.0, 20.0)),
            Verdict::Pass
        );
        assert_eq!(
            judge(&defaults(), &stats(100.0, 5.0), &stats(900.0, 45.0)),
            Verdict::Pass
        );
    }

    #[test]
    fn one_error_in_three_is_no_rollback() {
        assert_eq!(
            judge(&defaults(), &stats(3.0, 1.0), &stats(1000.0, 0.0)),
            Verdict::Pass
        );
        // Not even against an absolute limit of 2 %.
        let g = MetricGates {
            max_error_rate: Some(0.02),
            ..defaults()
        };
        assert_eq!(judge(&g, &stats(3.0, 1.0), &stats(0.0, 0.0)), Verdict::Pass);
        // Fifty in a hundred is.
        assert!(matches!(
            judge(&g, &stats(100.0, 50.0), &stats(0.0, 0.0)),
            Verdict::Fail(_)
        ));
    }

    #[test]
    fn no_baseline_never_fails_the_increase_gate() {
        assert_eq!(
            judge(&defaults(), &stats(100.0, 100.0), &stats(0.0, 0.0)),
            Verdict::Pass
        );
    }

    #[test]
    fn few_invocations_are_inconclusive() {
        let g = MetricGates {
            min_invocations: 50,
            ..defaults()
        };
        assert!(matches!(
            judge(&g, &stats(10.0, 0.0), &stats(1000.0, 0.0)),
            Verdict::Inconclusive(_)
        ));
        // A quiet step with the default min-invocations 0 passes, as before metrics.
        assert_eq!(
            judge(&defaults(), &stats(0.0, 0.0), &stats(0.0, 0.0)),
            Verdict::Pass
        );
    }

    #[test]
    fn throttles_fail_when_none_are_allowed() {
        let g = MetricGates {
            max_throttles: Some(0),
            ..defaults()
        };
        let mut s = stats(100.0, 0.0);
        s.throttles = 1.0;
        assert!(matches!(
            judge(&g, &s, &stats(100.0, 0.0)),
            Verdict::Fail(_)
        ));
        assert_eq!(judge(&defaults(), &s, &stats(100.0, 0.0)), Verdict::Pass);
    }

    #[test]
    fn a_slower_p99_fails_past_the_allowed_increase() {
        let g = MetricGates {
            max_latency_increase: Some(0.25),
            ..defaults()
        };
        let mut new = stats(100.0, 0.0);
        new.p99_ms = Some(130.0);
        assert!(
            matches!(judge(&g, &new, &stats(100.0, 0.0)), Verdict::Fail(ref w) if w.contains("130 ms"))
        );
        new.p99_ms = Some(120.0);
        assert_eq!(judge(&g, &new, &stats(100.0, 0.0)), Verdict::Pass);
        // No old invocations: nothing to compare against.
        new.p99_ms = Some(900.0);
        assert_eq!(judge(&g, &new, &stats(0.0, 0.0)), Verdict::Pass);
    }

    #[test]
    fn two_of_three_and_three_of_three_fail() {
        assert!(matches!(
            judge(&defaults(), &stats(3.0, 3.0), &stats(1000.0, 0.0)),
            Verdict::Fail(_)
        ));
        assert!(matches!(
            judge(&defaults(), &stats(3.0, 2.0), &stats(1000.0, 0.0)),
            Verdict::Fail(_)
        ));
    }

    #[test]
    fn percentages_read_well() {
        assert_eq!(pct(0.02), "2%");
        assert_eq!(pct(0.005), "0.5%");
    }
}
