//! The two handles a run holds on AWS (docs/architecture.md, "Architecture"): [`Read`], for observing
//! and for every read, and [`Write`], which only execute holds. Both wrap the same paced
//! clients; which operations a handle offers is fixed by the `impl` block each adapter is
//! written in, so code handed a `Read` cannot write. A `Write` is built only with a
//! [`Permit`], which only `promote/execute/` can make.

use super::clients::Clients;
use crate::cancel::Cancel;
use crate::promote::execute::permit::Permit;

/// Reads only: `GetFunction`, `GetAlias`, listings, Logs, ECR, STS, CloudFront lists.
#[derive(Clone, Debug)]
pub struct Read {
    clients: Clients,
}

impl Read {
    pub fn new(clients: Clients) -> Self {
        Self { clients }
    }

    pub(super) fn c(&self) -> &Clients {
        &self.clients
    }

    /// The region every client works in.
    pub fn region(&self) -> &str {
        &self.clients.region
    }

    /// Throttled answers so far, for the progress line.
    pub fn throttled(&self) -> u64 {
        self.clients.pacer.throttled()
    }

    /// The same handle, whose calls end soon after `cancel` fires (`bounds.rs`).
    pub fn cancellable(&self, cancel: &Cancel) -> Read {
        Read::new(self.clients.cancellable(cancel))
    }
}

/// The writes (code, versions, aliases, invalidations, `Invoke`) and, through
/// [`Write::read`], every read.
#[derive(Clone, Debug)]
pub struct Write {
    read: Read,
}

impl Write {
    /// The permit is consumed: only execute makes one (`promote/execute/permit.rs`).
    pub fn new(clients: Clients, _permit: Permit) -> Self {
        Self {
            read: Read::new(clients),
        }
    }

    pub fn read(&self) -> &Read {
        &self.read
    }

    pub(super) fn c(&self) -> &Clients {
        self.read.c()
    }

    /// The same handle, whose calls end soon after `cancel` fires (`bounds.rs`).
    pub fn cancellable(&self, cancel: &Cancel) -> Write {
        Write {
            read: self.read.cancellable(cancel),
        }
    }
}
