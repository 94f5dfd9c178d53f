//! One (account, region) part of the environment a promotion acts on, with
//! its own read handle: an environment that spans regions is promoted as one,
//! every part's functions side by side, and restored as one (docs/accounts.md, "Many
//! accounts and regions"). Execute gets each part's clients, in the same
//! order, from the command, and builds the part's write handles from them.

use crate::aws::Read;
use crate::config::model::{Contract, Environment, FunctionTarget};

pub struct Part {
    /// Cancellable: every read ends soon after a signal.
    pub read: Read,
    /// The contract as this part sees it: its region and account, the
    /// environment holding only its functions and the checks that are its.
    pub contract: Contract,
    pub environment: String,
}

impl Part {
    /// The part's environment in its narrowed contract.
    pub fn env(&self) -> &Environment {
        self.contract
            .environment(&self.environment)
            .unwrap_or_else(|| &self.contract.environments[0])
    }

    /// Whether `target` is one of this part's functions.
    pub fn holds(&self, function: &str, alias: &str) -> bool {
        self.env()
            .functions
            .iter()
            .any(|f| f.name == function && f.alias == alias)
    }
}

/// The index of the part that holds `target` (a function and alias appear
/// once in an environment); the first part if none does.
pub fn index_of(parts: &[Part], target: &FunctionTarget) -> usize {
    index_of_function(parts, &target.name, &target.alias)
}

/// The index of the part that holds `function` with `alias`.
pub fn index_of_function(parts: &[Part], function: &str, alias: &str) -> usize {
    parts
        .iter()
        .position(|p| p.holds(function, alias))
        .unwrap_or(0)
}
