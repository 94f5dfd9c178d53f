//! The GitHub runner's side of the job: workflow commands on stdout, the
//! output and summary files, and the event payload.

pub mod commands;
pub mod event;
pub mod files;
