//! AWS access: the SDK adapters (the only code that talks to AWS), error
//! classification, and the list of operations they may call.

pub mod alarms;
pub mod assume;
pub mod bounds;
mod call;
mod check_reads;
pub mod clients;
mod cloudfront_write;
pub mod ecr;
mod ecr_policy;
pub mod ecr_way_back;
pub mod error;
pub mod fleet_clients;
pub mod fleet_error;
mod handles;
pub mod lambda;
pub use lambda::version_facts::VersionFacts;
pub mod logs;
pub mod metrics;
mod next_page;
pub mod oidc;
pub mod operations;
pub mod pace;
pub mod policy;
pub mod provisioned;
pub mod quota;
mod retry_classifier;
pub mod timeouts;
pub mod traffic;
pub mod types;

pub use clients::Clients;
pub use ecr_way_back::ImageFacts;
pub use error::{AwsError, ErrorKind};
pub use handles::{Read, Write};
pub use provisioned::Provisioned;
pub use traffic::Trigger;
