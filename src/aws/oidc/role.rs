//! The credentials of one role, renewed before they expire: handed to the
//! SDK as its credentials provider, so the SDK's identity cache asks again
//! shortly before the session ends (a canary may outlast it), and each time
//! this asks GitHub for a fresh OIDC token and exchanges it with
//! `AssumeRoleWithWebIdentity` (docs/accounts.md, "Many accounts and regions").
//! <https://docs.aws.amazon.com/sdk-for-rust/latest/dg/credproviders.html>

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_credential_types::provider::{self, ProvideCredentials, error::CredentialsError};

use crate::aws::assume::{self, Session};
use crate::aws::fleet_error::FleetError;
use crate::aws::oidc::OidcRequest;
use crate::secret::Secret;

/// Credentials this close to their end are never handed out again: the SDK's
/// cache renews 10 to 15 s before the end, and must then get new ones.
const REUSE_MARGIN: Duration = Duration::from_secs(30);

/// Every secret value the provider receives goes through this first.
pub type SecretSink = Arc<dyn Fn(&str) + Send + Sync>;

#[derive(Clone)]
pub struct OidcRole {
    inner: Arc<Inner>,
}

struct Inner {
    oidc: OidcRequest,
    role: String,
    environment: String,
    repository: String,
    run_id: String,
    environments: Vec<String>,
    reader: bool,
    sts: aws_sdk_sts::Client,
    secret: SecretSink,
    /// The last credentials: every region's clients of the role share them
    /// until they near their end.
    last: Mutex<Option<Credentials>>,
}

impl std::fmt::Debug for OidcRole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcRole")
            .field("role", &self.inner.role)
            .finish_non_exhaustive()
    }
}

/// Who assumes which role, for the session name and errors.
pub struct RoleSetup {
    pub oidc: OidcRequest,
    pub role: String,
    /// The environment that first needed the role, for errors.
    pub environment: String,
    pub repository: String,
    pub run_id: String,
    /// Every environment the role serves, for the session name.
    pub environments: Vec<String>,
    /// A `from:` environment's read of its source (`assume::Session::reader`).
    pub reader: bool,
    pub sts: aws_sdk_sts::Client,
    pub secret: SecretSink,
}

impl OidcRole {
    pub fn new(s: RoleSetup) -> Self {
        let inner = Inner {
            oidc: s.oidc,
            role: s.role,
            environment: s.environment,
            repository: s.repository,
            run_id: s.run_id,
            environments: s.environments,
            reader: s.reader,
            sts: s.sts,
            secret: s.secret,
            last: Mutex::new(None),
        };
        Self {
            inner: Arc::new(inner),
        }
    }

    /// Exchanges `token` (or, when `None`, a fresh one from GitHub: a token is used for
    /// one exchange only) for the role's credentials, and keeps them for the SDK's first ask.
    pub async fn exchange(&self, token: Option<Secret>) -> Result<Credentials, FleetError> {
        let i = &self.inner;
        let token = match token {
            Some(t) => t,
            None => {
                let t = i.oidc.fetch().await.map_err(|source| FleetError::Token {
                    environment: i.environment.clone(),
                    role: i.role.clone(),
                    source,
                })?;
                (i.secret)(t.expose());
                t
            }
        };
        let session = Session {
            repository: &i.repository,
            run_id: &i.run_id,
            environments: &i.environments,
            reader: i.reader,
        };
        let c = assume::assume(&i.sts, &i.role, &token, &session).await?;
        (i.secret)(c.secret_access_key());
        if let Some(t) = c.session_token() {
            (i.secret)(t);
        }
        *i.last.lock().unwrap_or_else(|e| e.into_inner()) = Some(c.clone());
        Ok(c)
    }

    /// The last credentials, while they are far enough from their end.
    fn reusable(&self) -> Option<Credentials> {
        let last = self.inner.last.lock().unwrap_or_else(|e| e.into_inner());
        let c = last.as_ref()?;
        let fresh = match c.expiry() {
            Some(end) => end
                .duration_since(SystemTime::now())
                .is_ok_and(|left| left > REUSE_MARGIN),
            None => true,
        };
        fresh.then(|| c.clone())
    }
}

impl ProvideCredentials for OidcRole {
    fn provide_credentials<'a>(&'a self) -> provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        provider::future::ProvideCredentials::new(async move {
            if let Some(c) = self.reusable() {
                return Ok(c);
            }
            self.exchange(None)
                .await
                .map_err(CredentialsError::provider_error)
        })
    }
}
