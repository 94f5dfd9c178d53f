//! One set of SDK clients for a run, from the SDK's own configuration chain
//! (`AWS_REGION`, `AWS_PROFILE`, `AWS_ENDPOINT_URL`, credentials), so the same
//! binary runs against AWS or a local emulator.

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region};

#[derive(Clone, Debug)]
pub struct Clients {
    pub lambda: aws_sdk_lambda::Client,
    pub cloudfront: aws_sdk_cloudfront::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
    pub sts: aws_sdk_sts::Client,
    pub ecr: aws_sdk_ecr::Client,
    pub region: String,
}

impl Clients {
    /// `region` from the contract overrides the chain's region.
    pub async fn load(region: Option<&str>) -> anyhow::Result<Self> {
        // Throttling and 5xx are retried by the SDK with jittered exponential
        // backoff; a bounded number of attempts keeps a run from hanging.
        let retry = RetryConfig::standard()
            .with_max_attempts(6)
            .with_initial_backoff(Duration::from_millis(100))
            .with_max_backoff(Duration::from_secs(5));
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .retry_config(retry)
            .timeout_config(super::bounds::timeouts());
        if let Some(r) = region {
            loader = loader.region(Region::new(r.to_string()));
        }
        let conf = loader.load().await;
        let region = conf.region().map(|r| r.to_string()).ok_or_else(|| {
            anyhow::anyhow!("no AWS region: set `region:` in the contract or AWS_REGION")
        })?;
        Ok(Self {
            lambda: aws_sdk_lambda::Client::new(&conf),
            cloudfront: aws_sdk_cloudfront::Client::new(&conf),
            logs: aws_sdk_cloudwatchlogs::Client::new(&conf),
            sts: aws_sdk_sts::Client::new(&conf),
            ecr: aws_sdk_ecr::Client::new(&conf),
            region,
        })
    }
}
