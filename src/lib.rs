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

pub mod aws;
pub mod config;
pub mod error;
pub mod finding;
pub mod github;
pub mod report;
pub mod secret;
pub mod settings;
