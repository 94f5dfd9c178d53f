//! The canary's gates besides its logs: `alarms`, `block-on-firing` and `metrics`
//! (README, "Canary verdicts"), as types; `gates_parse.rs` reads them from a `canary:` or `linear:` block.

/// Default `max-error-rate-increase`: one percentage point.
pub const DEFAULT_RATE_INCREASE: f64 = 0.01;

/// Alarms and per-version metrics that judge each step, next to the error logs.
#[derive(Clone, Debug, PartialEq)]
pub struct Gates {
    /// CloudWatch alarm names; one entering `ALARM` during the canary rolls back.
    pub alarms: Vec<String>,
    /// An alarm already in `ALARM` before any traffic moves stops the release.
    pub block_on_firing: bool,
    /// `None` when `metrics: off`.
    pub metrics: Option<MetricGates>,
}

impl Gates {
    /// What the gates add to a canary step in the plan: `, per-version metrics, alarms a, b`.
    pub fn plan_words(&self) -> String {
        let mut out = String::new();
        if self.metrics.is_some() {
            out.push_str(", per-version metrics");
        }
        if !self.alarms.is_empty() {
            out.push_str(&format!(", alarms {}", self.alarms.join(", ")));
        }
        out
    }
}

impl Default for Gates {
    fn default() -> Self {
        Gates {
            alarms: Vec::new(),
            block_on_firing: false,
            metrics: Some(MetricGates::default()),
        }
    }
}

/// Thresholds on the `ExecutedVersion` metrics, rates as fractions (0.02 = 2 %).
#[derive(Clone, Debug, PartialEq)]
pub struct MetricGates {
    /// Fail when the new version's error rate is above this (absolute).
    pub max_error_rate: Option<f64>,
    /// Fail when it is above the old version's by more than this (percentage points).
    pub max_error_rate_increase: f64,
    /// Fail when its p99 duration is above the old version's by more than this (relative).
    pub max_latency_increase: Option<f64>,
    /// Fail when it was throttled more often than this.
    pub max_throttles: Option<u64>,
    /// Fewer invocations of the new version in a step make the step inconclusive.
    pub min_invocations: u64,
    pub on_inconclusive: OnInconclusive,
}

impl Default for MetricGates {
    fn default() -> Self {
        MetricGates {
            max_error_rate: None,
            max_error_rate_increase: DEFAULT_RATE_INCREASE,
            max_latency_increase: None,
            max_throttles: None,
            min_invocations: 0,
            on_inconclusive: OnInconclusive::Promote,
        }
    }
}

/// What a step that stayed inconclusive (after its extensions) leads to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnInconclusive {
    Promote,
    Rollback,
}
