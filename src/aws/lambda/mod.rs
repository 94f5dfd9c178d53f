//! The Lambda adapters: listing functions, reading them (configuration, logging,
//! the status of a version, its versions), and the writes only execute reaches.

pub mod list;
pub(super) mod logging;
pub(super) mod read;
pub(crate) mod version_facts;
pub(super) mod versions;
pub mod write;
