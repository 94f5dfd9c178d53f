//! One file per command, each a few lines that pick what the command acts on (the
//! environment the ref names, the `environment` input's list) and refuse bad input
//! before any AWS call, then call the one operation that does the work (`ops/`).

pub mod iam_policy;
pub mod init;
pub mod plan;
pub mod promote;
pub mod rollback;
pub mod status;
pub mod validate;
