//! A read-only snapshot of the live AWS state the checks need. What to read is
//! decided in pure code (`needs`), so each distinct lookup is made once per run
//! however many checks share it; the reads then run concurrently.

use std::collections::{BTreeMap, BTreeSet};

use futures::future::BoxFuture;
use futures::stream::{self, StreamExt};

use crate::aws::Read;
use crate::aws::types::{AliasInfo, Distribution, FunctionInfo, Lookup};
use crate::config::model::{Check, Contract, Environment, Strategy};
use crate::jobenv::JobEnv;
use crate::observe_preflight::{self, Preflight, Reads};

/// How many AWS reads may be in flight at once: enough to be fast, few enough
/// not to be throttled.
const CONCURRENCY: usize = 16;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Needs {
    pub account: bool,
    pub functions: BTreeSet<String>,
    pub aliases: BTreeSet<(String, String)>,
    pub log_groups: BTreeSet<String>,
    pub distributions: bool,
    /// Functions and aliases to deploy to → which pre-flight reads they get.
    pub preflight: BTreeMap<(String, String), Reads>,
}

impl Needs {
    /// How many reads [`observe`] makes for these needs (for the progress line).
    pub fn reads(&self) -> usize {
        usize::from(self.account)
            + self.functions.len()
            + self.aliases.len()
            + self.log_groups.len()
            + usize::from(self.distributions)
    }
}

/// Every distinct read the checks of these environments need. `trust`: what an environment's
/// `assume:` vouches for is not read (a promotion); without it, it is read to be checked.
pub fn needs(contract: &Contract, envs: &[&Environment], job: &JobEnv, trust: bool) -> Needs {
    let mut n = Needs {
        account: contract.account.is_some(),
        ..Needs::default()
    };
    for env in envs {
        for f in &env.functions {
            n.functions.insert(f.name.clone());
            n.aliases.insert((f.name.clone(), f.alias.clone()));
            n.preflight.insert(
                (f.name.clone(), f.alias.clone()),
                preflight_reads(env, trust),
            );
        }
        for check in &env.checks {
            match &check.value {
                Check::Cloudfront { .. } => n.distributions = true,
                Check::FunctionEnv { function, .. } => {
                    n.functions.insert(function.clone());
                }
                Check::LogGroup { name } => {
                    n.log_groups.insert(name.clone());
                }
                Check::Function { name_env } => {
                    if let Some(name) = job.get(name_env) {
                        n.functions.insert(name.expose().to_string());
                    }
                }
            }
        }
    }
    n
}

/// The pre-flight reads of `env`'s functions: the URL unless assumed absent on trust; the
/// alias's provisioned concurrency for a weighted strategy unless assumed absent on trust;
/// and, to check `provisioned-concurrency: none` where it is not taken on trust, one listing
/// of every configuration (which answers the alias's too).
pub fn preflight_reads(env: &Environment, trust: bool) -> Reads {
    let weighted = matches!(env.strategy, Strategy::Canary(_));
    let a = env.assume;
    Reads {
        triggers: !traffic_after(env, trust),
        url: !(a.no_function_url && trust),
        alias_provisioned: weighted && !(a.no_provisioned_concurrency && trust),
        listed_provisioned: a.no_provisioned_concurrency && !trust,
    }
}

/// Whether a promotion (`trust`) of `env` reads what invokes its functions beside its writes
/// rather than before the first (README, "Fleets"): where the strategy is all-at-once, a
/// trigger that bypasses the alias is a warning that stops nothing, so its reads — two
/// `GetPolicy` per function, a pool of 15 per second of its own — need not delay the writes.
pub fn traffic_after(env: &Environment, trust: bool) -> bool {
    trust && matches!(env.strategy, Strategy::AllAtOnce)
}

#[derive(Clone, Debug, Default)]
pub struct Observed {
    pub account: Option<Lookup<String>>,
    pub functions: BTreeMap<String, Lookup<FunctionInfo>>,
    pub aliases: BTreeMap<(String, String), Lookup<AliasInfo>>,
    pub log_groups: BTreeMap<String, Lookup<()>>,
    pub distributions: Option<Lookup<Vec<Distribution>>>,
    pub preflight: Preflight,
}

enum Got {
    Account(Lookup<String>),
    Function(String, Lookup<FunctionInfo>),
    Alias((String, String), Lookup<AliasInfo>),
    LogGroup(String, Lookup<()>),
    Distributions(Lookup<Vec<Distribution>>),
}

/// Performs the reads of `needs`, concurrently, never failing: a failed read is
/// recorded as `Lookup::Failed` and becomes a finding.
pub async fn observe(read: &Read, needs: &Needs) -> Observed {
    observe_counted(read, needs, &|| {}).await
}

/// As [`observe`], calling `answered` as each read ends (the progress line's count). The
/// aliases the pre-flight targets are read by it (`observe_preflight.rs`), so the reads that
/// need no alias run beside them and those that need one follow each alias; the rest run here
/// at the same time.
pub async fn observe_counted(read: &Read, needs: &Needs, answered: &(dyn Fn() + Sync)) -> Observed {
    let own = async {
        let mut observed = Observed::default();
        let mut results = stream::iter(reads(read, needs)).buffer_unordered(CONCURRENCY);
        while let Some(got) = results.next().await {
            answered();
            keep(&mut observed, got);
        }
        observed
    };
    let preflight = async {
        if needs.preflight.is_empty() {
            return (Preflight::default(), BTreeMap::new());
        }
        observe_preflight::observe(read, &needs.preflight, &needs.aliases, answered).await
    };
    let (mut observed, (preflight, aliases)) = futures::join!(own, preflight);
    observed.aliases.extend(aliases);
    observed.preflight = preflight;
    observed
}

/// The reads of `needs` but the pre-flight's (its targets' aliases included).
fn reads<'a>(read: &'a Read, needs: &'a Needs) -> Vec<BoxFuture<'a, Got>> {
    let mut reads: Vec<BoxFuture<'a, Got>> = Vec::new();
    if needs.account {
        reads.push(Box::pin(async {
            Got::Account(Lookup::from_result(read.account_id().await))
        }));
    }
    for name in &needs.functions {
        reads.push(Box::pin(async move {
            let r = read.get_function(name, None).await;
            Got::Function(name.clone(), Lookup::from_result(r))
        }));
    }
    for key in needs
        .aliases
        .iter()
        .filter(|k| !needs.preflight.contains_key(*k))
    {
        reads.push(Box::pin(async move {
            let r = read.get_alias(&key.0, &key.1).await;
            Got::Alias(key.clone(), Lookup::from_result(r))
        }));
    }
    for name in &needs.log_groups {
        reads.push(Box::pin(async move {
            let r = read.log_group_exists(name).await;
            let lookup = match r {
                Ok(true) => Lookup::Found(()),
                Ok(false) => Lookup::Missing,
                Err(e) => Lookup::from_result(Err(e)),
            };
            Got::LogGroup(name.clone(), lookup)
        }));
    }
    if needs.distributions {
        reads.push(Box::pin(async {
            Got::Distributions(Lookup::from_result(read.distributions().await))
        }));
    }
    reads
}

fn keep(observed: &mut Observed, got: Got) {
    match got {
        Got::Account(l) => observed.account = Some(l),
        Got::Function(k, l) => {
            observed.functions.insert(k, l);
        }
        Got::Alias(k, l) => {
            observed.aliases.insert(k, l);
        }
        Got::LogGroup(k, l) => {
            observed.log_groups.insert(k, l);
        }
        Got::Distributions(l) => observed.distributions = Some(l),
    }
}
