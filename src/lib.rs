//! lambda-promote: validate a Lambda deployment contract against live AWS and
//! promote one container image by digest through environments.
//!
//! The data flows one way:
//!
//! ```text
//! env INPUT_* ──inputs.rs──┐
//! argv ───────cli.rs───────┴─► RawArgs ──settings/config──► Settings + Contract (+ every contract error)
//! Settings ──aws adapters, read-only──► Observed        (a snapshot of live state)
//! (Contract, Observed) ──check.rs──► Findings          ┐ pure: no AWS, no I/O,
//! (Settings, Observed) ──plan.rs───► Plan              ┘ `plan`/dry-run stop here
//! Plan ──execute.rs + aws adapters──► Outcomes         (the only place that writes)
//! Findings + Outcomes ──► Report ──► summary / outputs / annotations / PR comment | terminal
//! ```

pub mod app;
pub mod aws;
pub mod cancel;
pub mod check;
pub mod cli;
pub mod config;
pub mod duration;
pub mod emit;
pub mod error;
pub mod finding;
pub mod github;
pub mod github_sync;
pub mod glob;
pub mod iam;
pub mod inputs;
pub mod jobenv;
pub mod observe;
pub mod promote;
pub mod report;
pub mod secret;
pub mod select;
pub mod settings;
pub mod validate;
