//! Promotion and rollback of one environment, in the order the data flows:
//! choose it (`target`), observe and plan it with the read handle
//! (`environment`, `image`, `plan`, `rollback_plan`), execute the plan with the write
//! handle (`execute/`, the only writer), and fold what happened into the report
//! (`outcome`, pure). `promotion` and `rollback` are the two operations, each over one
//! environment's parts; the operations in `ops/` open the shards and keep the
//! Deployment around them.

pub mod canary;
pub mod environment;
pub mod execute;
pub mod image;
pub mod outcome;
pub mod plan;
pub mod promotion;
pub mod prune;
pub mod pull_access;
pub mod rollback;
pub mod rollback_image;
pub mod rollback_plan;
pub mod step_records;
pub mod target;
pub mod traffic_after;
pub mod wait;
