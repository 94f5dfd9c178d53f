//! Why a shard has no clients: no OIDC token, a role STS refused, or clients
//! the SDK could not make. Shared by the fleet and the self-renewing role
//! credentials it hands the SDK.

use super::assume::AssumeError;
use super::oidc::OidcError;

/// Why a shard has no clients.
#[derive(Debug, thiserror::Error)]
pub enum FleetError {
    #[error("environment `{environment}` assumes role {role}, but {source}")]
    Token {
        environment: String,
        role: String,
        #[source]
        source: OidcError,
    },
    #[error(transparent)]
    Assume(#[from] AssumeError),
    #[error("{0:#}")]
    Clients(anyhow::Error),
}
