//! The published API quotas every AWS call is paced at, in one table, and which
//! pool each operation spends. AWS counts them per account and region, so
//! every run in the account spends the same pools; the contract's `limits:`
//! lowers a pool for accounts where other tools spend it too (README,
//! "Contract").

use std::time::Duration;

/// A quota pool: requests that AWS counts together.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Pool {
    /// Every Lambda control-plane API except `GetFunction` and `GetPolicy`, together.
    LambdaControlPlane,
    /// `GetFunction` alone.
    LambdaGetFunction,
    /// `GetPolicy` alone: the pre-flight's read of a function's resource policy spends
    /// it, not the control-plane pool the writes need.
    LambdaGetPolicy,
    LogsFilterLogEvents,
    LogsDescribeLogStreams,
    LogsDescribeLogGroups,
    EcrDescribeImages,
    /// `BatchGetImage` and `GetDownloadUrlForLayer` (image pulls: thousands per second).
    EcrImagePull,
    CloudFront,
    CloudWatchGetMetricData,
    CloudWatchDescribeAlarms,
}

pub struct Quota {
    pub pool: Pool,
    /// Requests per second AWS allows (a pool's ceiling for this client).
    pub per_second: f64,
    /// Where AWS publishes it.
    pub source: &'static str,
}

const LAMBDA: &str =
    "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html#api-requests";
const LOGS: &str = "https://docs.aws.amazon.com/general/latest/gr/cwl_region.html";
const ECR: &str = "https://docs.aws.amazon.com/AmazonECR/latest/userguide/service-quotas.html";
const CLOUDWATCH: &str =
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html";
const CLOUDFRONT: &str =
    "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html";

/// The quotas. Lambda's cannot be raised: `GetFunction` 100 per second, `GetPolicy` 15,
/// every other control-plane API 15 per second together (invocations apart).
/// FilterLogEvents is 5 per second per account and region (a hard limit,
/// https://repost.aws/knowledge-center/cloudwatch-logs-throttling); the two Describe
/// calls are paced at the 5 per second the API reference states for DescribeLogStreams.
/// ECR pulls are budgeted in the thousands; DescribeImages is paced well under its
/// quota. CloudFront publishes no API call rate, so its few calls are paced gently.
/// CloudWatch: `GetMetricData` 50 per second per region (without Metrics Insights queries,
/// which the canary does not use) and `DescribeAlarms` 9 per second per region.
pub const QUOTAS: &[Quota] = &[
    Quota {
        pool: Pool::LambdaControlPlane,
        per_second: 15.0,
        source: LAMBDA,
    },
    Quota {
        pool: Pool::LambdaGetFunction,
        per_second: 100.0,
        source: LAMBDA,
    },
    Quota {
        pool: Pool::LambdaGetPolicy,
        per_second: 15.0,
        source: LAMBDA,
    },
    Quota {
        pool: Pool::LogsFilterLogEvents,
        per_second: 5.0,
        source: LOGS,
    },
    Quota {
        pool: Pool::LogsDescribeLogStreams,
        per_second: 5.0,
        source: LOGS,
    },
    Quota {
        pool: Pool::LogsDescribeLogGroups,
        per_second: 5.0,
        source: LOGS,
    },
    Quota {
        pool: Pool::EcrDescribeImages,
        per_second: 10.0,
        source: ECR,
    },
    Quota {
        pool: Pool::EcrImagePull,
        per_second: 1000.0,
        source: ECR,
    },
    Quota {
        pool: Pool::CloudFront,
        per_second: 5.0,
        source: CLOUDFRONT,
    },
    Quota {
        pool: Pool::CloudWatchGetMetricData,
        per_second: 50.0,
        source: CLOUDWATCH,
    },
    Quota {
        pool: Pool::CloudWatchDescribeAlarms,
        per_second: 9.0,
        source: CLOUDWATCH,
    },
];

/// The pool an IAM action (`lambda:UpdateAlias`) spends; `None` for calls no
/// request-rate quota covers (`lambda:InvokeFunction` is bounded by concurrency,
/// `sts:GetCallerIdentity` is made once).
pub fn pool_of(action: &str) -> Option<Pool> {
    let (service, name) = action.split_once(':')?;
    Some(match (service, name) {
        ("lambda", "InvokeFunction") => return None,
        ("lambda", "GetFunction") => Pool::LambdaGetFunction,
        ("lambda", "GetPolicy") => Pool::LambdaGetPolicy,
        ("lambda", _) => Pool::LambdaControlPlane,
        ("logs", "FilterLogEvents") => Pool::LogsFilterLogEvents,
        ("logs", "DescribeLogStreams") => Pool::LogsDescribeLogStreams,
        ("logs", "DescribeLogGroups") => Pool::LogsDescribeLogGroups,
        ("ecr", "DescribeImages") => Pool::EcrDescribeImages,
        ("ecr", _) => Pool::EcrImagePull,
        ("cloudfront", _) => Pool::CloudFront,
        ("cloudwatch", "GetMetricData") => Pool::CloudWatchGetMetricData,
        ("cloudwatch", "DescribeAlarms") => Pool::CloudWatchDescribeAlarms,
        _ => return None,
    })
}

/// The pace of each pool for this run: the published quota, lowered by the
/// contract's `limits:` (requests per second; a limit never raises a pool).
pub fn rates(lowered: &[(Pool, u32)]) -> Vec<(Pool, f64)> {
    QUOTAS
        .iter()
        .map(|q| {
            let limit = lowered.iter().find(|(p, _)| *p == q.pool).map(|(_, l)| *l);
            let rate = limit.map_or(q.per_second, |l| q.per_second.min(f64::from(l)));
            (q.pool, rate)
        })
        .collect()
}

/// The gap between two requests of a pool at `rate`, with a 1% margin so the
/// timer's jitter never packs one more request into AWS's second than allowed.
pub fn spacing(rate: f64) -> Duration {
    Duration::from_secs_f64(1.0 / (rate * 0.99))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::operations;

    #[test]
    fn every_operation_has_its_pool() {
        assert_eq!(pool_of("lambda:GetFunction"), Some(Pool::LambdaGetFunction));
        assert_eq!(pool_of("lambda:GetPolicy"), Some(Pool::LambdaGetPolicy));
        assert_eq!(
            pool_of("lambda:UpdateAlias"),
            Some(Pool::LambdaControlPlane)
        );
        assert_eq!(pool_of("lambda:GetAlias"), Some(Pool::LambdaControlPlane));
        assert_eq!(pool_of("lambda:InvokeFunction"), None);
        assert_eq!(
            pool_of("logs:FilterLogEvents"),
            Some(Pool::LogsFilterLogEvents)
        );
        for op in operations::ALL {
            if let Some(pool) = pool_of(op.action) {
                assert!(
                    QUOTAS.iter().any(|q| q.pool == pool),
                    "{pool:?} has no quota"
                );
            }
        }
    }

    #[test]
    fn limits_only_lower_a_pool() {
        let r = rates(&[
            (Pool::LambdaControlPlane, 10),
            (Pool::LambdaGetFunction, 500),
        ]);
        let of = |p| r.iter().find(|(q, _)| *q == p).unwrap().1;
        assert_eq!(of(Pool::LambdaControlPlane), 10.0);
        assert_eq!(of(Pool::LambdaGetFunction), 100.0);
        assert_eq!(of(Pool::LogsFilterLogEvents), 5.0);
        assert_eq!(of(Pool::CloudWatchGetMetricData), 50.0);
        assert_eq!(of(Pool::CloudWatchDescribeAlarms), 9.0);
    }
}
