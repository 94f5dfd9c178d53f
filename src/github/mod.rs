//! GitHub: the runner's side of the job (workflow commands on stdout, the
//! output and summary files, the event payload) and the GitHub API.

pub mod api;
pub mod commands;
pub mod contract_comment;
pub mod event;
pub mod files;
pub mod sync;
