//! `iam-policy` for a contract whose environments act in several accounts or
//! regions, or assume roles: one entry per account with the role to create,
//! its permissions (every region the account's shards use), its trust
//! policy, and the read-only permissions of a separate pull-request role
//! (README, "Creating the roles"). Pure: no AWS call, no I/O.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::operations::Needed;
use super::policy::{ACCOUNT_PLACEHOLDER, EVERY_COMMAND, policy_for};
use super::trust_policy::trust_policy;
use crate::config::model::Contract;
use crate::shard::{self, Shard};

/// `{"accounts": {ACCOUNT: {"roles", "environments", "regions", "policy",
/// "trust-policy", "validate-policy"}}}`.
/// `default_region` places functions the contract places nowhere.
pub fn per_account(contract: &Contract, default_region: &str, repository: &str) -> Value {
    let mut by_account: BTreeMap<String, Vec<Shard>> = BTreeMap::new();
    for env in &contract.environments {
        for s in shard::shards(contract, env, default_region) {
            let key = s
                .account
                .clone()
                .unwrap_or_else(|| ACCOUNT_PLACEHOLDER.to_string());
            by_account.entry(key).or_default().push(s);
        }
    }
    let accounts: serde_json::Map<String, Value> = by_account
        .into_iter()
        .map(|(account, shards)| {
            let entry = account_entry(contract, &account, &shards, repository);
            (account, entry)
        })
        .collect();
    json!({ "accounts": accounts })
}

fn account_entry(contract: &Contract, account: &str, shards: &[Shard], repository: &str) -> Value {
    let mut envs: Vec<String> = shards.iter().map(|s| s.environment.clone()).collect();
    envs.dedup();
    let mut roles: Vec<String> = shards.iter().filter_map(|s| s.role.clone()).collect();
    roles.sort();
    roles.dedup();
    let mut regions: Vec<&str> = shards.iter().map(|s| s.region.as_str()).collect();
    regions.sort();
    regions.dedup();
    json!({
        "roles": roles,
        "environments": envs,
        "regions": regions,
        "policy": statements(contract, account, shards, &regions, EVERY_COMMAND),
        "trust-policy": trust_policy(account, repository, &envs, true),
        "validate-policy": statements(contract, account, shards, &regions, &[Needed::Validate]),
    })
}

/// The permissions of `needed` for the account's shards, in every region
/// they use (statement ids made unique per region).
fn statements(
    contract: &Contract,
    account: &str,
    shards: &[Shard],
    regions: &[&str],
    needed: &[Needed],
) -> Value {
    let mut statements = Vec::new();
    for region in regions {
        let mut c = contract.clone();
        c.environments = shards
            .iter()
            .filter(|s| s.region == *region)
            .map(|s| shard::environment(&shard::narrow(contract, s), s).clone())
            .collect();
        let p = policy_for(&c, Some(account), region, needed);
        for mut st in p["Statement"].as_array().cloned().unwrap_or_default() {
            if regions.len() > 1 {
                let sid = st["Sid"].as_str().unwrap_or_default().to_string();
                let suffix: String = region.chars().filter(char::is_ascii_alphanumeric).collect();
                st["Sid"] = json!(format!("{sid}{suffix}"));
            }
            statements.push(st);
        }
    }
    json!({"Version": "2012-10-17", "Statement": statements})
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse;

    #[test]
    fn one_entry_per_account_with_its_roles_regions_and_trust() {
        let text = "\
version: 1
environments:
  dev:
    role: arn:aws:iam::111111111111:role/deploy
    region: eu-west-1
    image: input
    functions: [{ name: w-dev }]
  production:
    role: arn:aws:iam::333333333333:role/deploy
    image: { from: dev }
    functions:
      - name: w-prod
      - name: w-prod-us
        region: us-east-1
";
        let c = parse("c.yml", text).unwrap();
        let v = per_account(&c, "eu-west-1", "octo-org/worker");
        let prod = &v["accounts"]["333333333333"];
        assert_eq!(
            prod["roles"],
            json!(["arn:aws:iam::333333333333:role/deploy"])
        );
        assert_eq!(prod["regions"], json!(["eu-west-1", "us-east-1"]));
        let text = prod["policy"].to_string();
        assert!(
            text.contains("arn:aws:lambda:us-east-1:333333333333:function:w-prod-us"),
            "{text}"
        );
        assert!(
            text.contains("arn:aws:lambda:eu-west-1:333333333333:function:w-prod"),
            "{text}"
        );
        assert!(!text.contains("w-dev"), "{text}");
        let sub = &prod["trust-policy"]["Statement"][0]["Condition"]["StringEquals"]["token.actions.githubusercontent.com:sub"];
        assert_eq!(sub[0], "repo:octo-org/worker:environment:production");
        assert!(
            v["accounts"]["111111111111"]["policy"]
                .to_string()
                .contains("w-dev")
        );
    }
}
