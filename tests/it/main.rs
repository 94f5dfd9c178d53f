//! The one integration-test crate: the real binary against the moto emulator, the
//! fault-injecting proxy and a GitHub stand-in. One crate, so the harness in `support/` is
//! compiled once and linked once (docs/development.md, "Development").

mod support;

mod accounts;
mod accounts_contract;
mod accounts_regions;
mod accounts_renew;
mod accounts_shards;
mod aws_failures;
mod bench_canary;
mod bench_signals;
mod campaign;
mod canary;
mod canary_gates;
mod canary_metrics;
mod faults;
mod first_hour;
mod first_hour_errors;
mod first_hour_plan;
mod fleet;
mod footguns;
mod github_api;
mod github_deployments;
mod github_described;
mod github_e2e;
mod github_e2e_deployments;
mod github_errors;
mod github_events;
mod github_owner;
mod guards;
mod harness;
mod iam_calls;
mod iam_policy;
mod iam_roles;
mod init;
mod last_error;
mod leaks;
mod leaks_channels;
mod preflight;
mod promises_deploy;
mod promises_gates;
mod promises_warm;
mod promote;
mod proxy;
mod readme_tables;
mod realism;
mod realism_writers;
mod rollback;
mod rollback_cancel;
mod safety;
mod safety_review;
mod status;
mod survive;
mod untrusted;
mod validate;
