//! The run's report as data, and its renderings.

pub mod model;
