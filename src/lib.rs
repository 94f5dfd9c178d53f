//! lambda-promote: validate a Lambda deployment contract against live AWS and
//! promote one container image by digest through environments.
//!
//! The data flows one way (the docs/architecture.md "Architecture" names each folder's job):
//!
//! ```text
//! env INPUT_* ──inputs.rs──┐
//! argv ───────cli.rs───────┴─► RawArgs ──settings.rs, config/──► Settings + Contract (+ every contract error, diag.rs)
//! GITHUB_* ──run.rs (read once, RunInfo)──► RunnerEnv; app.rs assembles the Run and dispatches to command/
//!                                  (one flow per command), which calls down into ops/:
//!                                  ops/shards.rs opens the environment: the clients and an
//!                                  OpenShard (open_shard.rs: the read handle, aws::Read, and
//!                                  the narrowed contract) per (account, region) shard (shard/);
//!                                  the operations: promote/promotion.rs, promote/rollback.rs
//! observe   Settings ──observe.rs, live_checks.rs (aws::Read)──► Observed (a snapshot of live state)
//! decide    (Contract, Observed) ──check/ (pure)───────────► Findings
//!           (Environment, Observed) ──promote/environment.rs, image.rs (aws::Read)
//!                                   ──promote/plan.rs (pure)─► plans: Step lists (step.rs)
//!                                                              `plan`/dry-run stop here
//!           rollback: promote/rollback_plan.rs decides (aws::Read) and plans (pure)
//!           the canary's pure side: promote/canary/ (time, window, logs, verdict)
//! execute   plans ──promote/execute/ (aws::Write, the only writer)──► Executed: walks each
//!                  function's planned steps (a canary's: execute/canary/); restores on failure;
//!                  pruning, invalidation after success. Only execute can build an aws::Write
//!                  (execute/permit.rs: the one import from aws/ that points up)
//! fold      Executed ──promote/outcome.rs (pure)──► report rows, result, error
//! report    Findings + rows ──► Report ──report/scrub/, report/emit.rs──► summary / outputs / annotations | terminal
//!                                     └─ops/github_sync.rs──► PR comment, Deployment statuses
//! ```
//!
//! `command/` holds one short flow per command over `ops/`; `app.rs` only dispatches;
//! `main.rs` maps the end of the run to the exit codes of the README's
//! "Exit codes and results", printing its last error through the scrubber.
//!
//! Modules are `pub(crate)` unless `main.rs` or the integration tests (`tests/it/`) use
//! them; those few are the public surface, and nothing else is promised.

pub mod app;
pub(crate) mod auto;
pub mod aws;
pub mod cancel;
pub(crate) mod check;
pub(crate) mod cli;
pub(crate) mod code;
pub(crate) mod command;
pub mod config;
pub mod diag;
pub mod duration;
pub mod error;
pub(crate) mod fault;
pub mod finding;
pub mod github;
pub(crate) mod glob;
pub(crate) mod init;
pub(crate) mod input_names;
pub(crate) mod inputs;
pub(crate) mod jobenv;
pub(crate) mod live_checks;
pub(crate) mod observe;
pub(crate) mod observe_preflight;
pub(crate) mod observe_triggers;
pub(crate) mod observe_way_back;
pub(crate) mod once_per_key;
pub(crate) mod open_shard;
pub(crate) mod ops;
pub(crate) mod progress;
pub mod promote;
pub(crate) mod provenance;
pub mod report;
pub(crate) mod run;
pub mod secret;
pub(crate) mod select;
pub(crate) mod settings;
pub(crate) mod shard;
pub(crate) mod status;
pub(crate) mod step;
pub(crate) mod unreachable;
