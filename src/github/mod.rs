//! GitHub: runner files and workflow commands, and the GitHub API.

pub mod api;
