//! Direct reads and writes against moto from a test (never through the proxy, so the proxy
//! counts only the binary's requests): the alias as it stands, log events written while the
//! binary runs.

use aws_sdk_cloudwatchlogs::types::InputLogEvent;
use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

pub struct Aws {
    runtime: tokio::runtime::Runtime,
    lambda: aws_sdk_lambda::Client,
    logs: aws_sdk_cloudwatchlogs::Client,
    /// Metrics and alarms (`cloudwatch.rs`).
    pub(super) cloudwatch: aws_sdk_cloudwatch::Client,
}

/// An alias as moto reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct AliasState {
    pub version: String,
    pub weights: BTreeMap<String, f64>,
    pub description: String,
}

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

/// Today's UTC date as log streams spell it: `YYYY/MM/DD`.
pub fn today() -> String {
    let days = now_ms().div_euclid(86_400_000);
    let (y, m, d) = lambda_promote::promote::canary::window::civil_from_days(days);
    format!("{y:04}/{m:02}/{d:02}")
}

impl Aws {
    pub fn new(endpoint: &str) -> Aws {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("aws runtime");
        let conf = runtime.block_on(
            aws_config::defaults(aws_config::BehaviorVersion::latest())
                .endpoint_url(endpoint)
                .region(aws_config::Region::new("us-east-1"))
                .credentials_provider(aws_sdk_lambda::config::Credentials::new(
                    "testing", "testing", None, None, "test",
                ))
                .load(),
        );
        Aws {
            lambda: aws_sdk_lambda::Client::new(&conf),
            logs: aws_sdk_cloudwatchlogs::Client::new(&conf),
            cloudwatch: aws_sdk_cloudwatch::Client::new(&conf),
            runtime,
        }
    }

    pub fn alias(&self, function: &str, alias: &str) -> AliasState {
        let out = self
            .runtime
            .block_on(
                self.lambda
                    .get_alias()
                    .function_name(function)
                    .name(alias)
                    .send(),
            )
            .expect("get_alias");
        AliasState {
            version: out.function_version().unwrap_or_default().to_owned(),
            weights: out
                .routing_config()
                .and_then(|r| r.additional_version_weights())
                .map(|w| w.iter().map(|(k, v)| (k.clone(), *v)).collect())
                .unwrap_or_default(),
            description: out.description().unwrap_or_default().to_owned(),
        }
    }

    /// The digest (`sha256:…`) a version of a function serves.
    pub fn digest_of(&self, function: &str, version: &str) -> String {
        let out = self
            .runtime
            .block_on(
                self.lambda
                    .get_function()
                    .function_name(function)
                    .qualifier(version)
                    .send(),
            )
            .expect("get_function");
        let resolved = out
            .code()
            .and_then(|c| c.resolved_image_uri())
            .unwrap_or_default();
        // moto's ResolvedImageUri may repeat `@sha256`: the digest follows the last one.
        resolved
            .rsplit_once("@sha256:")
            .map(|(_, d)| format!("sha256:{d}"))
            .unwrap_or_default()
    }

    /// The Lambda client and a way to run its calls, for tests of the proxy's model.
    pub fn lambda(&self) -> &aws_sdk_lambda::Client {
        &self.lambda
    }

    pub fn logs(&self) -> &aws_sdk_cloudwatchlogs::Client {
        &self.logs
    }

    pub fn block<F: std::future::Future>(&self, f: F) -> F::Output {
        self.runtime.block_on(f)
    }

    pub fn create_group(&self, group: &str) {
        self.block(self.logs.create_log_group().log_group_name(group).send())
            .expect("create_log_group");
    }

    /// Writes events (timestamped now) into a stream of a group, creating the stream.
    pub fn put_events(&self, group: &str, stream: &str, messages: &[&str]) {
        self.runtime.block_on(async {
            let _ = self
                .logs
                .create_log_stream()
                .log_group_name(group)
                .log_stream_name(stream)
                .send()
                .await;
            let now = now_ms();
            let events = messages
                .iter()
                .map(|m| {
                    InputLogEvent::builder()
                        .timestamp(now)
                        .message(*m)
                        .build()
                        .expect("log event")
                })
                .collect();
            self.logs
                .put_log_events()
                .log_group_name(group)
                .log_stream_name(stream)
                .set_log_events(Some(events))
                .send()
                .await
                .expect("put_log_events");
        });
    }
}
