//! `GetMetricData` with a percentile statistic. CloudWatch computes `p99` of `Duration` —
//! <https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Statistics-definitions.html>;
//! moto 5.2.5 knows only `Sum`, `Average`, `Minimum`, `Maximum` and `SampleCount` and
//! answers any other with an HTTP 500. The model asks moto for `Maximum` instead: the tests
//! seed one `Duration` value per version and step, whose p99 and maximum are the same.

use serde_json::Value;

/// The request body with every `pNN` statistic asked as `Maximum` (JSON or query protocol).
pub fn without_percentiles(body: &[u8]) -> Option<Vec<u8>> {
    let text = String::from_utf8_lossy(body);
    if let Ok(mut v) = serde_json::from_str::<Value>(&text) {
        let queries = v.get_mut("MetricDataQueries")?.as_array_mut()?;
        for q in queries {
            if let Some(stat) = q.pointer_mut("/MetricStat/Stat")
                && stat.as_str().is_some_and(is_percentile)
            {
                *stat = Value::from("Maximum");
            }
        }
        return Some(v.to_string().into_bytes());
    }
    // Query protocol: `…MetricStat.Stat=p99&…`.
    let pairs: Vec<String> = text
        .split('&')
        .map(|kv| match kv.split_once('=') {
            Some((k, v)) if k.ends_with("MetricStat.Stat") && is_percentile(v) => {
                format!("{k}=Maximum")
            }
            _ => kv.to_owned(),
        })
        .collect();
    Some(pairs.join("&").into_bytes())
}

fn is_percentile(s: &str) -> bool {
    s.strip_prefix('p')
        .is_some_and(|n| !n.is_empty() && n.parse::<f64>().is_ok())
}
