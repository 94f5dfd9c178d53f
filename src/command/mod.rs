//! One file per command, each one flow of 20 to 50 lines, as cargo's `commands/` are: it
//! picks what the command acts on (the environment the ref names, the `environment`
//! input's list), refuses bad input before any AWS call, and calls down into the shared
//! steps (`ops/`) and the operations (`promote/`, `status.rs`, `live_checks.rs`); nothing
//! calls back up into `command/`.

pub mod iam_policy;
pub mod init;
pub mod plan;
pub mod promote;
pub mod rollback;
pub mod status;
pub mod validate;
