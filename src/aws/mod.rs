//! AWS access: the SDK adapters (the only code that talks to AWS), error
//! classification, and the list of operations they may call.

pub mod alarms;
pub mod assume;
pub mod bounds;
mod call;
pub mod clients;
mod cloudfront_write;
pub mod ecr;
mod ecr_policy;
pub mod ecr_way_back;
pub mod error;
pub mod fleet_clients;
pub mod fleet_error;
mod handles;
pub mod lambda_list;
mod lambda_logging;
mod lambda_read;
mod lambda_status;
pub use lambda_status::VersionFacts;
mod lambda_versions;
pub mod lambda_write;
pub mod logs;
pub mod metrics;
mod next_page;
pub mod oidc;
pub mod oidc_role;
pub mod operations;
mod other_read;
pub mod pace;
pub mod policy;
pub mod policy_accounts;
pub mod quota;
mod retry_classifier;
pub mod timeouts;
pub mod traffic;
pub mod trust_policy;
pub mod types;
pub mod warm;

pub use clients::Clients;
pub use ecr_way_back::ImageFacts;
pub use error::{AwsError, ErrorKind};
pub use handles::{Read, Write};
pub use traffic::Trigger;
pub use warm::Provisioned;
