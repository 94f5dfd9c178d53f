//! Test harness shared by the integration tests (`mod support;`): a moto server per test, a
//! request recorder that proves no AWS call was made, a runner for the real binary, a
//! fault-injecting proxy in front of moto, and direct AWS reads for assertions.
#![allow(dead_code, unused_imports)] // each test crate uses a different part of the harness

mod aws;
mod http;
mod moto;
mod proxy;
mod quota;
mod recorder;
mod run;
mod stage;
mod state;

pub use aws::{AliasState, Aws, now_ms, today};
pub use moto::Moto;
pub use proxy::{
    Action, Fault, Match, Protocol, Proxy, RequestInfo, Rule, Rules, Seen, SplitMix,
    error_response, lambda_operation, rewrite_update_status,
};
pub use quota::{QuotaPool, Quotas};
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
