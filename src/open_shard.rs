//! A shard opened: one (account, region) part of an environment ([`Shard`], pure) with its
//! own read handle and the contract as it sees it. An environment that spans regions is
//! promoted as one, every shard's functions side by side, and restored as one
//! (docs/accounts.md, "Many accounts and regions"). Execute gets each shard's clients, in
//! the same order, from the command, and builds the shard's write handles from them.

use crate::aws::Read;
use crate::config::model::{Contract, Environment, FunctionTarget};
use crate::shard::{self, Shard};

pub struct OpenShard {
    /// Which functions, where, with which role.
    pub shard: Shard,
    /// Cancellable: every read ends soon after a signal.
    pub read: Read,
    /// The contract as this shard sees it: its region and account, the environment
    /// holding only its functions and the checks that are its (`shard::narrow`).
    pub contract: Contract,
}

impl OpenShard {
    /// `shard` with `read`, seeing `contract` narrowed to it.
    pub fn new(shard: Shard, read: Read, contract: &Contract) -> Self {
        let contract = shard::narrow(contract, &shard);
        OpenShard {
            shard,
            read,
            contract,
        }
    }

    /// The shard's environment in its narrowed contract.
    pub fn env(&self) -> &Environment {
        shard::environment(&self.contract, &self.shard)
    }

    /// Whether `target` is one of this shard's functions.
    pub fn holds(&self, function: &str, alias: &str) -> bool {
        self.env()
            .functions
            .iter()
            .any(|f| f.name == function && f.alias == alias)
    }
}

/// One contract for shards opened with one read handle (`validate`'s pass per group of
/// shards with the same clients and account): the first's, holding every shard's
/// environment narrowed to that shard's functions.
pub fn joined(parts: &[OpenShard]) -> Contract {
    let mut c = parts[0].contract.clone();
    c.environments = parts.iter().map(|p| p.env().clone()).collect();
    c
}

/// The index of the shard that holds `target` (a function and alias appear
/// once in an environment); the first shard if none does.
pub fn index_of(parts: &[OpenShard], target: &FunctionTarget) -> usize {
    index_of_function(parts, &target.name, &target.alias)
}

/// The index of the shard that holds `function` with `alias`.
pub fn index_of_function(parts: &[OpenShard], function: &str, alias: &str) -> usize {
    parts
        .iter()
        .position(|p| p.holds(function, alias))
        .unwrap_or(0)
}
