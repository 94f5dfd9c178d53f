//! Test harness shared by the integration tests (`mod support;`): a moto server per test, a
//! request recorder that proves no AWS call was made, a runner for the real binary, a
//! fault-injecting proxy in front of moto, and direct AWS reads for assertions.
#![allow(dead_code, unused_imports)] // each test crate uses a different part of the harness

mod accounts;
pub mod accounts_world;
mod aws;
mod cloudwatch;
mod hang;
mod http;
mod moto;
mod proxy;
mod proxy_http;
mod proxy_request;
mod proxy_rules;
mod quota;
mod realism;
mod recorder;
mod run;
mod stage;
mod state;

pub use accounts::{OidcStandIn, alias_in, seed_in};
pub use aws::{AliasState, Aws, now_ms, today};
pub use cloudwatch::Traffic;
pub use moto::Moto;
pub use proxy::{Proxy, Seen};
pub use proxy_request::{
    Protocol, RequestInfo, error_response, lambda_operation, rewrite_update_status,
};
pub use proxy_rules::{Action, Fault, Match, Rule, Rules, SplitMix};
pub use quota::{QuotaPool, Quotas};
pub use realism::{LogFormat, Lost, Realism, lambda_stream};
pub use recorder::{RecordedRequest, Recorder};
pub use run::{Run, RunResult, Running, parse_outputs};
pub use stage::{FUNCTION, GROUP, Stage, canary, contract};

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
