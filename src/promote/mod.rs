//! Promotion and rollback of one environment, in the order the data flows:
//! choose it (`target`), observe and plan it with the read handle
//! (`environment`, `image`, `plan`, `rollback`), execute the plan with the write
//! handle (`execute/`, the only writer), and fold what happened into the report
//! (`outcome`, pure). The commands that drive it live in `command/`.

pub mod canary;
pub mod environment;
pub mod execute;
pub mod image;
pub mod outcome;
pub mod part;
pub mod plan;
pub mod provenance;
pub mod prune;
pub mod pull_access;
pub mod rollback_plan;
pub mod step_records;
pub mod target;
pub mod wait;
