//! lambda-promote: validate a Lambda deployment contract against live AWS and
//! promote one container image by digest through environments.
//!
//! The data flows one way:
//!
//! ```text
//! env INPUT_* ──inputs.rs──┐
//! argv ───────cli.rs───────┴─► RawArgs ──settings.rs, config/──► Settings + Contract (+ every contract error)
//! Settings ──observe.rs + aws/ (read-only)──► Observed     (a snapshot of live state)
//! (Contract, Observed) ──check.rs──────────► Findings      ┐ pure: no AWS, no I/O,
//! (Environment, Observed) ──promote/plan.rs─► Plan         ┘ `plan`/dry-run stop here
//! Plan ──promote/execute.rs + aws/──────────► Outcomes      (the only place that writes)
//! Outcomes ──promote/outcome.rs (pure)──────► result, rows; promote/restore.rs puts aliases back
//! Findings + Outcomes ──► Report ──emit.rs, report/──► summary / outputs / annotations | terminal
//!                                 └─github_sync.rs──► PR comment, Deployment statuses
//! ```
//!
//! `app.rs` holds the orchestration only; `main.rs` maps the outcome to the
//! exit codes of SPEC §7.

pub mod app;
pub mod aws;
pub mod cancel;
pub mod check;
pub mod cli;
pub mod command;
pub mod config;
pub mod duration;
pub mod error;
pub mod fault;
pub mod finding;
pub mod github;
pub mod glob;
pub mod inputs;
pub mod jobenv;
pub mod observe;
pub mod promote;
pub mod report;
pub mod run;
pub mod scrub;
pub mod secret;
pub mod select;
pub mod settings;
pub mod validate;
