//! One set of clients per (account, region), made on first use. With a role,
//! a fresh GitHub OIDC token is fetched for each role exchange (a token lives about
//! five minutes, so one fetched at the start may have expired by the time a later role
//! is first needed), no failure is kept for later, and the role's credentials renew
//! themselves before they expire
//! (`oidc/role.rs`); without one, the SDK's own credential chain applies as
//! before (docs/accounts.md, "Many accounts and regions").

use std::collections::BTreeMap;
use std::sync::Arc;

use tokio::sync::Mutex;

use super::Clients;
pub use super::fleet_error::FleetError;
use super::oidc::{OidcError, OidcRequest};
use super::pace::Pacer;
use crate::aws::oidc::role::{OidcRole, RoleSetup, SecretSink};
use aws_sdk_sts::config::SharedCredentialsProvider;

/// Who runs, for session names, and which environments share each role.
pub struct FleetSetup<'a> {
    pub oidc: Option<OidcRequest>,
    pub repository: &'a str,
    pub run_id: &'a str,
    /// Role ARN → the environments that assume it.
    pub role_environments: BTreeMap<String, Vec<String>>,
    /// A new pacer for each (account, region): quotas are per account and region.
    pub pacer: Box<dyn Fn() -> Arc<Pacer> + Send + Sync + 'a>,
    /// Called with every secret value the fleet receives, before it is used
    /// (also later, when a role's credentials renew).
    pub secret: SecretSink,
}

pub struct Fleet<'a> {
    setup: FleetSetup<'a>,
    /// (role, reader) → its credentials.
    roles: Mutex<BTreeMap<(String, bool), OidcRole>>,
    clients: Mutex<BTreeMap<ClientsKey, Clients>>,
}

/// (role, region, reader): whose clients, where, and whether in a reader's session.
type ClientsKey = (Option<String>, String, bool);

impl<'a> Fleet<'a> {
    pub fn new(setup: FleetSetup<'a>) -> Self {
        if let Some(o) = &setup.oidc {
            (setup.secret)(o.bearer().expose());
        }
        Self {
            setup,
            roles: Mutex::new(BTreeMap::new()),
            clients: Mutex::new(BTreeMap::new()),
        }
    }

    /// Whether the job can get an OIDC token at all.
    pub fn has_token_source(&self) -> bool {
        self.setup.oidc.is_some()
    }

    /// The clients of `region` acting as `role` (or with the SDK's chain).
    /// `environment` names who asks, for errors.
    pub async fn clients(
        &self,
        role: Option<&str>,
        region: &str,
        environment: &str,
    ) -> Result<Clients, FleetError> {
        self.clients_as(role, region, environment, false).await
    }

    /// The clients with which `environment` reads the image of its `from:` source,
    /// acting as the source's `role` in a reader's session: the trust `iam-policy` writes
    /// lets the reading environment's jobs ask for no other, and the role's policy denies
    /// it every write (docs/accounts.md, "Cross-account promotion").
    pub async fn reader_clients(
        &self,
        role: Option<&str>,
        region: &str,
        environment: &str,
    ) -> Result<Clients, FleetError> {
        self.clients_as(role, region, environment, role.is_some())
            .await
    }

    async fn clients_as(
        &self,
        role: Option<&str>,
        region: &str,
        environment: &str,
        reader: bool,
    ) -> Result<Clients, FleetError> {
        let key = (role.map(str::to_string), region.to_string(), reader);
        let mut cache = self.clients.lock().await;
        if let Some(c) = cache.get(&key) {
            return Ok(c.clone());
        }
        let credentials = match role {
            Some(r) => Some(SharedCredentialsProvider::new(
                self.role(r, region, environment, reader).await?,
            )),
            None => None,
        };
        let (clients, secrets) =
            Clients::load_learning(Some(region), (self.setup.pacer)(), credentials)
                .await
                .map_err(FleetError::Clients)?;
        for s in secrets {
            (self.setup.secret)(&s);
        }
        cache.insert(key, clients.clone());
        Ok(clients)
    }

    /// The role's self-renewing credentials, exchanged now (with a fresh token) so a
    /// refused token or role fails before any other call. Only a success is kept.
    async fn role(
        &self,
        role: &str,
        region: &str,
        environment: &str,
        reader: bool,
    ) -> Result<OidcRole, FleetError> {
        let mut held = self.roles.lock().await;
        let key = (role.to_string(), reader);
        if let Some(r) = held.get(&key) {
            return Ok(r.clone());
        }
        let Some(oidc) = self.setup.oidc.clone() else {
            return Err(FleetError::Token {
                environment: environment.to_string(),
                role: role.to_string(),
                source: OidcError::Missing,
            });
        };
        // A reader's session names the environment that reads, not those the role serves.
        let environments = match self.setup.role_environments.get(role) {
            Some(envs) if !reader => envs.clone(),
            _ => vec![environment.to_string()],
        };
        let provider = OidcRole::new(RoleSetup {
            oidc,
            role: role.to_string(),
            environment: environment.to_string(),
            repository: self.setup.repository.to_string(),
            run_id: self.setup.run_id.to_string(),
            environments,
            reader,
            sts: sts_client(region).await,
            secret: self.setup.secret.clone(),
        });
        provider.exchange(None).await?;
        held.insert(key, provider.clone());
        Ok(provider)
    }
}

/// An STS client from the SDK's configuration (region, endpoint) for the
/// unsigned exchange: it needs no credentials, so none are looked up.
async fn sts_client(region: &str) -> aws_sdk_sts::Client {
    let conf = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(region.to_string()))
        .no_credentials()
        .timeout_config(super::timeouts::timeouts())
        .load()
        .await;
    aws_sdk_sts::Client::new(&conf)
}
