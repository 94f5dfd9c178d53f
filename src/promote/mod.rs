//! Promotion and rollback of one environment: choose it, validate it, plan
//! (pure), execute, and fold the outcomes into the report. The commands that
//! drive it live in `command/`.

pub mod canary;
pub mod canary_gates;
pub mod canary_logs;
pub mod canary_match;
pub mod canary_step;
pub mod canary_window;
pub mod conclude;
pub mod environment;
pub mod execute;
pub mod guard;
pub mod housekeeping;
pub mod image;
pub mod invoke_check;
pub mod job;
pub mod move_alias;
pub mod outcome;
pub mod plan;
pub mod progress;
pub mod provenance;
pub mod prune;
pub mod pull_access;
pub mod readback;
pub mod restore;
pub mod rollback;
pub mod shift;
pub mod steps;
pub mod target;
pub mod traffic;
pub mod verdict;
pub mod wait;
pub mod warm;
