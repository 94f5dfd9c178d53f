//! The run's report as data, and its renderings.

pub mod annotations;
mod canary_md;
pub mod chart;
pub mod contract_md;
pub mod emit;
pub mod escape;
mod fit;
pub mod format;
pub mod json;
pub mod markdown;
mod markdown_promotion;
pub mod matrix;
pub mod merge;
pub mod model;
pub mod outputs;
#[cfg(test)]
pub(crate) mod samples;
pub mod shorten;
pub mod status;
pub mod text;
