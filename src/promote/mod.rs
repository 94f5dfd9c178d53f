//! Promotion and rollback of one environment, in the order the data flows:
//! choose it (`target`), observe and plan it with the read handle
//! (`environment`, `image`, `plan`, `rollback`), execute the plan with the write
//! handle (`execute/`, the only writer), and fold what happened into the report
//! (`outcome`, pure). The commands that drive it live in `command/`.

pub mod canary_logs;
pub mod canary_match;
pub mod canary_time;
pub mod canary_window;
pub mod environment;
pub mod execute;
pub mod image;
pub mod outcome;
pub mod part;
pub mod plan;
pub mod progress;
pub mod provenance;
pub mod prune;
pub mod pull_access;
pub mod rollback;
pub mod steps;
pub mod target;
pub mod verdict;
pub mod wait;
