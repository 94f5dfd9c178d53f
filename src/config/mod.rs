//! The contract file: its model, parsing with positions, and validation.

pub mod diag;
pub mod model;
pub mod yaml;
