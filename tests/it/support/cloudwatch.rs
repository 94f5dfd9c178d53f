//! CloudWatch seeded from a test, straight into moto: Lambda's per-version metrics (the
//! `ExecutedVersion` dimension, as Lambda publishes them through a weighted alias) and
//! alarms whose state the test sets (`SetAlarmState`).

use super::Aws;
use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{
    ComparisonOperator, Dimension, MetricDatum, StateValue, Statistic,
};

/// What a version did over a step: invocations, errors, throttles, and its one duration.
#[derive(Clone, Copy, Debug)]
pub struct Traffic {
    pub invocations: f64,
    pub errors: f64,
    pub throttles: f64,
    pub duration_ms: f64,
}

impl Traffic {
    pub fn new(invocations: f64, errors: f64) -> Traffic {
        Traffic {
            invocations,
            errors,
            throttles: 0.0,
            duration_ms: 100.0,
        }
    }
}

impl Aws {
    /// Publishes `traffic` of `function:alias` on `version`, timestamped now.
    pub fn put_version_metrics(&self, function: &str, alias: &str, version: &str, t: Traffic) {
        let dims = [
            ("FunctionName", function.to_owned()),
            ("Resource", format!("{function}:{alias}")),
            ("ExecutedVersion", version.to_owned()),
        ];
        let now = DateTime::from_millis(super::now_ms());
        let datum = |name: &str, value: f64, unit: aws_sdk_cloudwatch::types::StandardUnit| {
            let mut d = MetricDatum::builder()
                .metric_name(name)
                .value(value)
                .unit(unit)
                .timestamp(now);
            for (n, v) in &dims {
                d = d.dimensions(Dimension::builder().name(*n).value(v).build());
            }
            d.build()
        };
        use aws_sdk_cloudwatch::types::StandardUnit as U;
        let data = vec![
            datum("Invocations", t.invocations, U::Count),
            datum("Errors", t.errors, U::Count),
            datum("Throttles", t.throttles, U::Count),
            datum("Duration", t.duration_ms, U::Milliseconds),
        ];
        self.block(
            self.cloudwatch
                .put_metric_data()
                .namespace("AWS/Lambda")
                .set_metric_data(Some(data))
                .send(),
        )
        .expect("put_metric_data");
    }

    /// Creates a metric alarm `name` (state `INSUFFICIENT_DATA`, as AWS starts one).
    pub fn create_alarm(&self, name: &str) {
        self.block(
            self.cloudwatch
                .put_metric_alarm()
                .alarm_name(name)
                .namespace("AWS/Lambda")
                .metric_name("Errors")
                .statistic(Statistic::Sum)
                .period(60)
                .evaluation_periods(1)
                .threshold(1.0)
                .comparison_operator(ComparisonOperator::GreaterThanOrEqualToThreshold)
                .send(),
        )
        .expect("put_metric_alarm");
    }

    /// Sets an alarm's state, as CloudWatch would on evaluating it.
    pub fn set_alarm(&self, name: &str, state: StateValue) {
        self.block(
            self.cloudwatch
                .set_alarm_state()
                .alarm_name(name)
                .state_value(state)
                .state_reason("set by the test")
                .send(),
        )
        .expect("set_alarm_state");
    }
}
