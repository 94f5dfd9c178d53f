//! Test harness shared by the integration tests: a moto server per test, a
//! request recorder that proves no AWS call was made, a runner for the real binary, a
//! fault-injecting proxy in front of moto, and direct AWS reads for assertions.

mod accounts;
pub mod accounts_world;
mod aws;
pub mod aws_call;
pub mod boto;
pub mod campaign;
mod cloudwatch;
pub mod github_api;
pub mod github_e2e;
mod github_openapi;
mod github_schema;
pub mod github_stand_in;
pub mod github_webhooks;
mod hang;
mod http;
pub mod iam_check;
pub mod iam_match;
mod moto;
mod proxy;
mod proxy_forward;
mod proxy_http;
mod proxy_request;
mod proxy_rules;
mod proxy_tags;
mod quota;
mod realism;
mod recorder;
mod run;
mod run_result;
pub mod seed;
pub mod stage;
mod state;

pub use accounts::{OidcStandIn, alias_in, seed_in};
pub use aws::{Aws, now_ms, today};
pub use cloudwatch::Traffic;
pub use github_stand_in::{COMMENTS, GitHubStandIn};
pub use moto::Moto;
pub use proxy::{Proxy, Seen};
pub use proxy_request::{
    Protocol, RequestInfo, error_response, lambda_operation, rewrite_update_status,
};
pub use proxy_rules::{Action, Fault, Match, Rule, Rules, SplitMix};
pub use quota::Quotas;
pub use realism::{LogFormat, Lost, Realism, lambda_stream};
pub use recorder::Recorder;
pub use run::{Run, Running};
pub use run_result::{RunResult, parse_outputs};
pub use stage::{FUNCTION, GROUP, SMOKE, Stage, canary, contract as stage_contract, dev_contract};

use std::net::TcpListener;
use std::path::PathBuf;

/// The crate root, where `.venv`, `scripts/` and `tests/fixtures/` live.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A loopback port the OS just handed out; never a fixed port, so tests run in parallel.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local addr").port()
}
