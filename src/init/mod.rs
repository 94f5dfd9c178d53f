//! `init`: a first contract from what already runs (README, "Start from what
//! runs: `init`"). `discover` reads the account (read-only), `workflows` scans
//! the workflow files, `group` sorts functions into environments and `render`
//! writes the commented YAML; the last two are pure.

pub mod discover;
pub mod group;
pub mod render;
pub mod workflows;

use crate::aws::types::Distribution;

/// What `init` found, everything `render` needs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Found {
    pub region: String,
    pub account: String,
    /// Sorted by name.
    pub functions: Vec<FoundFunction>,
    pub distributions: Vec<Distribution>,
    /// `secrets.NAME` / `vars.NAME` as the workflows write them, sorted, once each.
    pub workflow_names: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FoundFunction {
    pub name: String,
    pub image: bool,
    /// Sorted.
    pub aliases: Vec<String>,
    pub log_group: String,
    pub log_group_exists: bool,
}
