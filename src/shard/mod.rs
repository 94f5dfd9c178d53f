//! Shards: the (account, region) parts of an environment, each with its own
//! clients and its own all-or-nothing (docs/accounts.md, "Fan-out through the matrix").
//! Pure: which functions go where, and the contract one shard sees (`src/open_shard.rs`
//! holds a shard opened with its read handle, above `aws/`).

pub mod checks;

use crate::config::model::{Contract, Environment, FunctionTarget};
use crate::error::UsageError;

/// One (account, region) part of an environment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shard {
    pub environment: String,
    /// `None` when neither the contract nor a role names it: the account the
    /// SDK's credentials act in.
    pub account: Option<String>,
    pub region: String,
    pub role: Option<String>,
    /// The environment's functions in this region, in contract order.
    pub functions: Vec<FunctionTarget>,
}

impl Shard {
    /// `ENVIRONMENT/ACCOUNT/REGION`, the value of the `shard` input.
    pub fn id(&self) -> String {
        format!(
            "{}/{}/{}",
            self.environment,
            self.account.as_deref().unwrap_or("default"),
            self.region
        )
    }
}

/// The shards of `env`, in the order their first function is listed.
/// `default_region` is the SDK's region, for functions with none in the contract.
pub fn shards(contract: &Contract, env: &Environment, default_region: &str) -> Vec<Shard> {
    let account = contract.account_of(&env.name);
    let role = contract.role_of(&env.name);
    let mut out: Vec<Shard> = Vec::new();
    for (i, f) in env.functions.iter().enumerate() {
        let region = contract.region_of(env, i, default_region);
        match out.iter_mut().find(|s| s.region == region) {
            Some(s) => s.functions.push(f.clone()),
            None => out.push(Shard {
                environment: env.name.clone(),
                account: account.clone(),
                region,
                role: role.clone(),
                functions: vec![f.clone()],
            }),
        }
    }
    out
}

/// The shard `id` names among `shards` (all of one environment).
pub fn select(shards: Vec<Shard>, id: &str) -> Result<Shard, UsageError> {
    let known: Vec<String> = shards.iter().map(Shard::id).collect();
    let parts: Vec<&str> = id.split('/').collect();
    let [env, account, region] = parts.as_slice() else {
        return Err(UsageError::input(
            "shard",
            format!("`{id}` is not ENVIRONMENT/ACCOUNT/REGION"),
        ));
    };
    shards
        .into_iter()
        .find(|s| {
            s.environment == *env
                && s.region == *region
                && s.account.as_deref().unwrap_or("default") == *account
        })
        .ok_or_else(|| {
            UsageError::input(
                "shard",
                format!("no shard `{id}`; the environment has: {}", known.join(", ")),
            )
        })
}

/// The contract as one shard sees it: the shard's region and account, and
/// its environment holding only the shard's functions and the checks that
/// are the shard's (`checks.rs`).
pub fn narrow(contract: &Contract, shard: &Shard) -> Contract {
    let mut c = contract.clone();
    c.region = Some(shard.region.clone());
    if let Some(account) = &shard.account {
        let at = contract
            .account_spot(&shard.environment)
            .map(|a| a.at)
            .or_else(|| contract.environment(&shard.environment).map(|e| e.at))
            .unwrap_or_default();
        c.account = Some(crate::config::model::Spot {
            value: account.clone(),
            at,
        });
    }
    if let Some(env) = c
        .environments
        .iter_mut()
        .find(|e| e.name == shard.environment)
    {
        env.checks = crate::shard::checks::checks_of(env, &shard.functions);
        env.functions = shard.functions.clone();
    }
    c
}

/// The shard's environment in the narrowed contract.
pub fn environment<'c>(narrowed: &'c Contract, shard: &Shard) -> &'c Environment {
    narrowed
        .environment(&shard.environment)
        .expect("narrow keeps the shard's environment")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse;

    const TEXT: &str = "\
version: 1
environments:
  prod:
    account: \"333333333333\"
    region: eu-west-1
    image: input
    functions:
      - name: a
      - name: b
        region: us-east-1
      - name: c
    checks:
      - log-group: /aws/lambda/a
";

    #[test]
    fn functions_group_by_region_in_contract_order() {
        let c = parse("c.yml", TEXT).unwrap();
        let s = shards(&c, &c.environments[0], "ap-south-1");
        let ids: Vec<String> = s.iter().map(Shard::id).collect();
        assert_eq!(
            ids,
            ["prod/333333333333/eu-west-1", "prod/333333333333/us-east-1"]
        );
        let names: Vec<&str> = s[0].functions.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["a", "c"]);
    }

    #[test]
    fn select_finds_a_shard_or_lists_the_known_ones() {
        let c = parse("c.yml", TEXT).unwrap();
        let all = shards(&c, &c.environments[0], "x");
        let s = select(all.clone(), "prod/333333333333/us-east-1").unwrap();
        assert_eq!(s.functions[0].name, "b");
        let e = select(all.clone(), "prod/333333333333/eu-north-1").unwrap_err();
        assert!(e.to_string().contains("prod/333333333333/eu-west-1"), "{e}");
        assert!(select(all, "prod").is_err());
    }

    #[test]
    fn narrow_keeps_the_shard_and_its_checks_once() {
        let c = parse("c.yml", TEXT).unwrap();
        let all = shards(&c, &c.environments[0], "x");
        let first = narrow(&c, &all[0]);
        let second = narrow(&c, &all[1]);
        assert_eq!(first.region.as_deref(), Some("eu-west-1"));
        assert_eq!(first.account.as_ref().unwrap().value, "333333333333");
        assert_eq!(environment(&first, &all[0]).checks.len(), 1);
        assert!(environment(&second, &all[1]).checks.is_empty());
        assert_eq!(environment(&second, &all[1]).functions.len(), 1);
    }
}
