//! One set of SDK clients for a run, from the SDK's own configuration chain
//! (`AWS_REGION`, `AWS_PROFILE`, `AWS_ENDPOINT_URL`, credentials), so the same
//! binary runs against AWS or a local emulator.

use std::sync::Arc;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region};

use super::pace::Pacer;
use super::retry_classifier::LeaveThrottlingToThePacer;

#[derive(Clone, Debug)]
pub struct Clients {
    pub lambda: aws_sdk_lambda::Client,
    pub cloudfront: aws_sdk_cloudfront::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
    /// Per-version metrics and alarms for the canary's verdicts.
    pub cloudwatch: aws_sdk_cloudwatch::Client,
    pub sts: aws_sdk_sts::Client,
    pub ecr: aws_sdk_ecr::Client,
    pub region: String,
    /// Paces every call per quota pool and retries throttled answers (`call.rs`).
    pub pacer: Arc<Pacer>,
    /// Set on the cancellable clients (`bounds.rs`): the pacer's own waits end on a signal.
    pub cancel: Option<crate::cancel::Cancel>,
    /// The restore lane (`Clients::restoring`): no queue behind ordinary calls, and
    /// throttled answers retried whatever the run's deadline (the caller bounds them).
    pub restoring: bool,
}

impl Clients {
    /// `region` from the contract overrides the chain's region; `pacer` is the
    /// run's, shared by every client of its account and region.
    pub async fn load(region: Option<&str>, pacer: Arc<Pacer>) -> anyhow::Result<Self> {
        Self::load_as(region, pacer, None).await
    }

    /// As `load`, acting with `credentials` (an assumed role's, which the
    /// SDK's identity cache renews before they expire) instead of the SDK's
    /// credential chain when given.
    pub async fn load_as(
        region: Option<&str>,
        pacer: Arc<Pacer>,
        credentials: Option<aws_sdk_sts::config::SharedCredentialsProvider>,
    ) -> anyhow::Result<Self> {
        Ok(Self::load_learning(region, pacer, credentials).await?.0)
    }

    /// As `load_as`, with the secret key and session token the SDK's
    /// credential chain resolved when no `credentials` are given (a profile, a
    /// web identity file, the container's role): the scrubber learns them
    /// before any call, as AWS can quote the token back (`SignatureDoesNotMatch`).
    /// None when the chain finds nothing: the first call reports that.
    pub async fn load_learning(
        region: Option<&str>,
        pacer: Arc<Pacer>,
        credentials: Option<aws_sdk_sts::config::SharedCredentialsProvider>,
    ) -> anyhow::Result<(Self, Vec<String>)> {
        let chain = credentials.is_none();
        // 5xx and network errors are retried by the SDK with jittered exponential
        // backoff, a bounded number of attempts. Throttling is not: `Clients::call`
        // retries it, paced, until the run's deadline.
        let retry = RetryConfig::standard()
            .with_max_attempts(6)
            .with_initial_backoff(Duration::from_millis(100))
            .with_max_backoff(Duration::from_secs(5));
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .retry_config(retry)
            .timeout_config(super::timeouts::timeouts());
        if let Some(r) = region {
            loader = loader.region(Region::new(r.to_string()));
        }
        if let Some(c) = credentials {
            loader = loader.credentials_provider(c);
        }
        let conf = loader.load().await;
        let secrets = match conf.credentials_provider().filter(|_| chain) {
            Some(p) => chain_secrets(&p).await,
            None => Vec::new(),
        };
        let region = conf.region().map(|r| r.to_string()).ok_or_else(|| {
            anyhow::anyhow!("no AWS region: set `region:` in the contract or AWS_REGION")
        })?;
        macro_rules! client {
            ($sdk:ident) => {
                $sdk::Client::from_conf(
                    $sdk::config::Builder::from(&conf)
                        .retry_classifier(LeaveThrottlingToThePacer)
                        .build(),
                )
            };
        }
        let clients = Self {
            lambda: client!(aws_sdk_lambda),
            cloudfront: client!(aws_sdk_cloudfront),
            logs: client!(aws_sdk_cloudwatchlogs),
            cloudwatch: client!(aws_sdk_cloudwatch),
            sts: client!(aws_sdk_sts),
            ecr: client!(aws_sdk_ecr),
            region,
            pacer,
            cancel: None,
            restoring: false,
        };
        Ok((clients, secrets))
    }

    /// The same clients in the pacer's restore lane (docs/safety.md, "Safety").
    pub fn restoring(&self) -> Clients {
        Clients {
            restoring: true,
            ..self.clone()
        }
    }
}

async fn chain_secrets(provider: &aws_sdk_sts::config::SharedCredentialsProvider) -> Vec<String> {
    use aws_sdk_sts::config::ProvideCredentials;
    match provider.provide_credentials().await {
        Ok(c) => std::iter::once(c.secret_access_key().to_string())
            .chain(c.session_token().map(str::to_string))
            .collect(),
        Err(_) => Vec::new(),
    }
}
