//! Per-version Lambda metrics for the canary: `Invocations`, `Errors`, `Throttles` (sums)
//! and the p99 of `Duration`, for the new version and the one it replaces, in one
//! `GetMetricData` call over the same window.
//!
//! Through a weighted alias Lambda publishes them with the dimensions `FunctionName`,
//! `Resource` (`FUNCTION:ALIAS`) and `ExecutedVersion` —
//! <https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html>.
//! A metric that CloudWatch cannot answer in full is an error: the caller fails closed.

use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataQuery, MetricStat, StatusCode};

use super::error::{AwsError, ErrorKind};
use super::handles::Read;
use super::operations as ops;
use super::types::VersionStats;

const NAMESPACE: &str = "AWS/Lambda";
/// (query id suffix, metric, statistic)
const QUERIES: &[(&str, &str, &str)] = &[
    ("inv", "Invocations", "Sum"),
    ("err", "Errors", "Sum"),
    ("thr", "Throttles", "Sum"),
    ("p99", "Duration", "p99"),
];

/// What one read asks: whose metrics, and over which window (ms since the epoch).
pub struct MetricsQuery<'a> {
    pub function: &'a str,
    pub alias: &'a str,
    pub new_version: &'a str,
    pub old_version: &'a str,
    pub start_ms: i64,
    pub end_ms: i64,
}

/// The window widened to whole minutes (Lambda's metrics are per minute), and the one
/// period that covers it, so each statistic comes back as one value for the whole step.
pub fn minute_window(start_ms: i64, end_ms: i64) -> (i64, i64, i32) {
    let start = start_ms.div_euclid(60_000) * 60_000;
    let end = (end_ms.max(start_ms + 1) + 59_999).div_euclid(60_000) * 60_000;
    let period = ((end - start) / 1000).clamp(60, 86_400) as i32;
    (start, start + i64::from(period) * 1000, period)
}

impl Read {
    /// `(new, old)` version metrics over the query's window.
    pub async fn version_metrics(
        &self,
        q: &MetricsQuery<'_>,
    ) -> Result<(VersionStats, VersionStats), AwsError> {
        let resource = format!("{}:{}", q.function, q.alias);
        let (start, end, period) = minute_window(q.start_ms, q.end_ms);
        let mut req = self
            .c()
            .cloudwatch
            .get_metric_data()
            .start_time(DateTime::from_millis(start))
            .end_time(DateTime::from_millis(end));
        for (who, version) in [("n", q.new_version), ("o", q.old_version)] {
            for (id, name, stat) in QUERIES {
                let query = query(
                    &format!("{who}_{id}"),
                    q,
                    &resource,
                    version,
                    name,
                    stat,
                    period,
                );
                req = req.metric_data_queries(query);
            }
        }
        let pages = self
            .c()
            .pages(ops::GET_METRIC_DATA, &resource, || {
                req.clone().into_paginator().send()
            })
            .await?;
        let mut values: Vec<(String, Vec<f64>)> = Vec::new();
        for page in &pages {
            for r in page.metric_data_results() {
                let id = r.id().unwrap_or_default().to_string();
                if let Some(StatusCode::InternalError | StatusCode::Forbidden) = r.status_code() {
                    return Err(incomplete(&resource, &id, r.status_code()));
                }
                match values.iter_mut().find(|(i, _)| *i == id) {
                    Some((_, v)) => v.extend_from_slice(r.values()),
                    None => values.push((id, r.values().to_vec())),
                }
            }
        }
        let stats = |who: &str| -> Result<VersionStats, AwsError> {
            let get = |id: &str| {
                let key = format!("{who}_{id}");
                values
                    .iter()
                    .find(|(i, _)| *i == key)
                    .map(|(_, v)| v.clone())
                    .ok_or_else(|| incomplete(&resource, &key, None))
            };
            let sum = |v: Vec<f64>| v.iter().filter(|x| x.is_finite()).sum::<f64>();
            Ok(VersionStats {
                invocations: sum(get("inv")?),
                errors: sum(get("err")?),
                throttles: sum(get("thr")?),
                // One period covers the window: its one value is the window's p99.
                p99_ms: get("p99")?.into_iter().find(|x| x.is_finite()),
            })
        };
        Ok((stats("n")?, stats("o")?))
    }
}

fn query(
    id: &str,
    q: &MetricsQuery<'_>,
    resource: &str,
    version: &str,
    name: &str,
    stat: &str,
    period: i32,
) -> MetricDataQuery {
    let dims = [
        ("FunctionName", q.function),
        ("Resource", resource),
        ("ExecutedVersion", version),
    ];
    let mut metric = Metric::builder().namespace(NAMESPACE).metric_name(name);
    for (n, v) in dims {
        metric = metric.dimensions(Dimension::builder().name(n).value(v).build());
    }
    let stat = MetricStat::builder()
        .metric(metric.build())
        .period(period)
        .stat(stat)
        .build();
    MetricDataQuery::builder()
        .id(id)
        .metric_stat(stat)
        .return_data(true)
        .build()
}

fn incomplete(resource: &str, id: &str, status: Option<&StatusCode>) -> AwsError {
    AwsError {
        kind: ErrorKind::Other,
        action: ops::GET_METRIC_DATA.action,
        resource: resource.to_string(),
        code: "IncompleteMetrics".into(),
        message: match status {
            Some(s) => format!("CloudWatch answered {} for query {id}", s.as_str()),
            None => format!("CloudWatch returned no result for query {id}"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::minute_window;

    #[test]
    fn windows_cover_whole_minutes_with_one_period() {
        assert_eq!(minute_window(61_000, 119_000), (60_000, 120_000, 60));
        assert_eq!(minute_window(60_000, 60_000), (60_000, 120_000, 60));
        assert_eq!(minute_window(59_000, 125_000), (0, 180_000, 180));
    }
}
