//! `iam-policy` for a contract whose environments act in several accounts or
//! regions, or assume roles: one entry per role, trusted by only the GitHub
//! environments that name it and allowed only those environments' resources,
//! and one entry per account with the read-only `validate-policy` that
//! pull-request jobs assume (docs/security.md, "Creating the roles", "Security").
//! Pure: no AWS call, no I/O.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use crate::aws::assume::READER_SESSION_PREFIX;
use crate::aws::operations::{self, Needed};
use crate::aws::policy::trust::{Trusted, trust_policy};
use crate::aws::policy::{ACCOUNT_PLACEHOLDER, EVERY_COMMAND, policy_for, repositories};
use crate::config::model::{Contract, Environment};
use crate::shard::{self, Shard};

/// `{"roles": {ROLE: {"account", "environments", "regions", "policy",
/// "trust-policy"}}, "accounts": {ACCOUNT: {"roles", "environments",
/// "regions", "validate-policy", "validate-trust-policy"[, "policy"]}}}`.
/// An account's `policy` covers its environments that name no role (the
/// SDK's credentials). `default_region` places functions the contract places
/// nowhere; `pull_requests`: `--pull-request-trust`.
pub fn per_role(
    contract: &Contract,
    default_region: &str,
    repository: &str,
    pull_requests: bool,
) -> Value {
    let mut by_account: BTreeMap<String, Vec<Shard>> = BTreeMap::new();
    let mut by_role: BTreeMap<String, Vec<Shard>> = BTreeMap::new();
    for env in &contract.environments {
        for s in shard::shards(contract, env, default_region) {
            let key = s
                .account
                .clone()
                .unwrap_or_else(|| ACCOUNT_PLACEHOLDER.to_string());
            if let Some(role) = &s.role {
                by_role.entry(role.clone()).or_default().push(s.clone());
            }
            by_account.entry(key).or_default().push(s);
        }
    }
    let roles: serde_json::Map<String, Value> = by_role
        .iter()
        .map(|(role, shards)| {
            let account = account_of(role, shards);
            let entry = role_entry(contract, &account, shards, repository, pull_requests);
            (role.clone(), entry)
        })
        .collect();
    let accounts: serde_json::Map<String, Value> = by_account
        .into_iter()
        .map(|(account, shards)| {
            let entry = account_entry(contract, &account, &shards, repository);
            (account, entry)
        })
        .collect();
    json!({ "roles": roles, "accounts": accounts })
}

/// The account of `arn:aws:iam::ACCOUNT:role/NAME`, else the shards'.
fn account_of(role: &str, shards: &[Shard]) -> String {
    role.split(':')
        .nth(4)
        .filter(|a| !a.is_empty())
        .map(str::to_string)
        .or_else(|| shards.iter().find_map(|s| s.account.clone()))
        .unwrap_or_else(|| ACCOUNT_PLACEHOLDER.to_string())
}

fn environments(shards: &[Shard]) -> Vec<String> {
    let mut envs: Vec<String> = Vec::new();
    for s in shards {
        if !envs.contains(&s.environment) {
            envs.push(s.environment.clone());
        }
    }
    envs
}

fn regions(shards: &[Shard]) -> Vec<&str> {
    let mut regions: Vec<&str> = shards.iter().map(|s| s.region.as_str()).collect();
    regions.sort();
    regions.dedup();
    regions
}

/// One role: only its environments' jobs may assume it, and it may act only
/// on their resources. The environments whose `from:` chain passes through one
/// of them read with this role (the source's image, the repository policy where
/// the chain started), so they are trusted too, in their own statement, as
/// readers only; pull-request jobs only when asked.
fn role_entry(
    contract: &Contract,
    account: &str,
    shards: &[Shard],
    repository: &str,
    pull_requests: bool,
) -> Value {
    let envs = environments(shards);
    // Every environment whose `from:` chain passes through one of them: its image is
    // read from the nearest, and its pull check reads the repository policy where the
    // chain started (`ops/cross_account.rs`).
    let readers: Vec<String> = contract
        .environments
        .iter()
        .filter(|t| !envs.contains(&t.name))
        .filter(|t| contract.sources(t).iter().any(|s| envs.contains(&s.name)))
        .map(|t| t.name.clone())
        .collect();
    let regions = regions(shards);
    let who = Trusted {
        environments: &envs,
        readers: &readers,
        pull_requests,
    };
    let mut policy = statements(contract, account, shards, &regions, EVERY_COMMAND);
    if !readers.is_empty()
        && let Some(list) = policy["Statement"].as_array_mut()
    {
        list.push(reader_deny());
    }
    json!({
        "account": account,
        "environments": envs,
        "regions": regions,
        "policy": policy,
        "trust-policy": trust_policy(account, repository, &who),
    })
}

/// The statement id of [`reader_deny`].
pub const READER_DENY_SID: &str = "ReadersOnlyRead";

/// A reader's session (a `from:` environment reading its source's image) may use only
/// what `validate` and `plan` read: every other action of the role is denied to it.
/// `aws:userid` of an assumed-role session is `ROLE-ID:SESSION-NAME`.
fn reader_deny() -> Value {
    let mut reads: Vec<&str> = operations::ALL
        .iter()
        .filter(|op| matches!(op.needed, Needed::Validate | Needed::Plan))
        .map(|op| op.action)
        .collect();
    reads.sort();
    reads.dedup();
    json!({
        "Sid": READER_DENY_SID,
        "Effect": "Deny",
        "NotAction": reads,
        "Resource": "*",
        "Condition": {
            "StringLike": { "aws:userid": format!("*:{READER_SESSION_PREFIX}*") }
        }
    })
}

/// One account: the read-only policy and trust of its pull-request role, and
/// the permissions of its environments that assume no role.
fn account_entry(contract: &Contract, account: &str, shards: &[Shard], repository: &str) -> Value {
    let mut roles: Vec<String> = shards.iter().filter_map(|s| s.role.clone()).collect();
    roles.sort();
    roles.dedup();
    let regions = regions(shards);
    let pull_requests = Trusted {
        environments: &[],
        readers: &[],
        pull_requests: true,
    };
    let mut entry = json!({
        "roles": roles,
        "environments": environments(shards),
        "regions": regions,
        "validate-policy": statements(contract, account, shards, &regions, &[Needed::Validate]),
        "validate-trust-policy": trust_policy(account, repository, &pull_requests),
    });
    let own: Vec<Shard> = shards
        .iter()
        .filter(|s| s.role.is_none())
        .cloned()
        .collect();
    if !own.is_empty() {
        let own_regions = self::regions(&own);
        entry["policy"] = statements(contract, account, &own, &own_regions, EVERY_COMMAND);
    }
    entry
}

/// The accounts other than `account` whose registries hold the images of `envs`: a
/// `from:` environment deploys the digest its source serves, so the image stays in the
/// registry the first environment of the chain took it from, taken to be that
/// environment's own account's as for every `image` input. The pre-flight reads the image
/// a rollback returns to there (`ecr:DescribeImages`, `ecr:GetLifecyclePolicy`) with the
/// environment's own credentials (docs/accounts.md, "Cross-account promotion").
fn image_accounts(contract: &Contract, envs: &[Environment], account: &str) -> BTreeSet<String> {
    envs.iter()
        .filter_map(|e| {
            let sources = contract.sources(e);
            let root = sources.last().map_or(&e.name, |r| &r.name);
            contract.account_of(root)
        })
        .filter(|a| a != account)
        .collect()
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
        let sources = image_accounts(contract, &c.environments, account);
        for mut st in p["Statement"].as_array().cloned().unwrap_or_default() {
            let repos = st["Sid"]
                .as_str()
                .is_some_and(|s| s.starts_with("Repositories"));
            if repos && let Some(list) = st["Resource"].as_array_mut() {
                list.extend(sources.iter().map(|a| json!(repositories(region, a))));
            }
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
    fn one_entry_per_role_with_its_environments_regions_and_trust() {
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
        let v = per_role(&c, "eu-west-1", "octo-org/worker", false);
        let prod = &v["roles"]["arn:aws:iam::333333333333:role/deploy"];
        assert_eq!(prod["account"], "333333333333");
        assert_eq!(prod["regions"], json!(["eu-west-1", "us-east-1"]));
        let text = prod["policy"].to_string();
        assert!(
            text.contains("arn:aws:lambda:us-east-1:333333333333:function:w-prod-us"),
            "{text}"
        );
        assert!(!text.contains("w-dev"), "{text}");
        let trust = &prod["trust-policy"]["Statement"];
        let sub = &trust[0]["Condition"]["StringEquals"]["token.actions.githubusercontent.com:sub"];
        assert_eq!(sub, &json!(["repo:octo-org/worker:environment:production"]));
        assert_eq!(trust.as_array().map(Vec::len), Some(1), "{trust}");
        // Production reads dev's image with dev's role.
        let dev = &v["roles"]["arn:aws:iam::111111111111:role/deploy"]["trust-policy"];
        assert_eq!(dev["Statement"][1]["Sid"], "FromEnvironments");
        // …in a reader's session only, to which dev's role denies every write.
        assert_eq!(
            dev["Statement"][1]["Condition"]["StringLike"]["sts:RoleSessionName"],
            "read@*"
        );
        let dev_policy = &v["roles"]["arn:aws:iam::111111111111:role/deploy"]["policy"];
        let deny = dev_policy["Statement"]
            .as_array()
            .and_then(|s| s.iter().find(|s| s["Sid"] == READER_DENY_SID))
            .expect("a reader's deny");
        assert_eq!(deny["Effect"], "Deny");
        assert_eq!(deny["Condition"]["StringLike"]["aws:userid"], "*:read@*");
        let allowed = deny["NotAction"].to_string();
        assert!(allowed.contains("lambda:GetAlias"), "{allowed}");
        assert!(!allowed.contains("lambda:UpdateAlias"), "{allowed}");
        // Production's own role has no reader, so no such statement.
        assert!(!text.contains(READER_DENY_SID), "{text}");
        let pr = &v["accounts"]["333333333333"]["validate-trust-policy"]["Statement"];
        assert_eq!(pr[0]["Sid"], "PullRequestJobs");
        assert_eq!(pr.as_array().map(Vec::len), Some(1));
    }

    /// Production deploys the digest dev serves, whose image stays in dev's registry:
    /// production's role may read it there (the way back's pre-flight reads), in each of
    /// its regions; dev's role gets nothing of production's.
    #[test]
    fn a_from_environment_may_read_the_registry_its_image_stays_in() {
        let text = "\
version: 1
environments:
  dev:
    role: arn:aws:iam::111111111111:role/deploy
    image: input
    functions: [{ name: w-dev }]
  production:
    role: arn:aws:iam::333333333333:role/deploy
    image: { from: dev }
    functions:
      - name: w-prod
      - name: w-prod-eu
        region: eu-west-1
";
        let c = parse("c.yml", text).unwrap();
        let v = per_role(&c, "us-east-1", "octo-org/worker", false);
        let prod = v["roles"]["arn:aws:iam::333333333333:role/deploy"]["policy"].to_string();
        for region in ["us-east-1", "eu-west-1"] {
            for account in ["111111111111", "333333333333"] {
                let arn = format!("arn:aws:ecr:{region}:{account}:repository/*");
                assert!(prod.contains(&arn), "{arn}: {prod}");
            }
        }
        let dev = v["roles"]["arn:aws:iam::111111111111:role/deploy"]["policy"].to_string();
        assert!(!dev.contains("333333333333"), "{dev}");
        let pr = v["accounts"]["333333333333"]["validate-policy"].to_string();
        assert!(
            pr.contains("arn:aws:ecr:us-east-1:111111111111:repository/*"),
            "{pr}"
        );
    }

    /// dev → staging → production: production's pull check reads the repository policy
    /// in dev's registry with dev's role, so dev's role trusts production's jobs too, as
    /// a reader only.
    #[test]
    fn every_environment_down_a_from_chain_may_read_with_its_sources_roles() {
        let text = "\
version: 1
region: us-east-1
environments:
  dev:
    role: arn:aws:iam::111111111111:role/deploy
    image: input
    functions: [{ name: w-dev }]
  staging:
    role: arn:aws:iam::222222222222:role/deploy
    image: { from: dev }
    functions: [{ name: w-staging }]
  production:
    role: arn:aws:iam::333333333333:role/deploy
    image: { from: staging }
    functions: [{ name: w-prod }]
";
        let c = parse("c.yml", text).unwrap();
        let v = per_role(&c, "us-east-1", "o/r", false);
        let readers = |account: &str| {
            let trust = &v["roles"][format!("arn:aws:iam::{account}:role/deploy")]["trust-policy"];
            let st = trust["Statement"]
                .as_array()
                .and_then(|s| s.iter().find(|s| s["Sid"] == "FromEnvironments"))
                .cloned()
                .unwrap_or_default();
            assert_eq!(
                st["Condition"]["StringLike"]["sts:RoleSessionName"],
                "read@*"
            );
            st["Condition"]["StringEquals"]["token.actions.githubusercontent.com:sub"].clone()
        };
        assert_eq!(
            readers("111111111111"),
            json!([
                "repo:o/r:environment:staging",
                "repo:o/r:environment:production"
            ])
        );
        assert_eq!(
            readers("222222222222"),
            json!(["repo:o/r:environment:production"])
        );
        let prod = &v["roles"]["arn:aws:iam::333333333333:role/deploy"]["trust-policy"];
        assert_eq!(
            prod["Statement"].as_array().map(Vec::len),
            Some(1),
            "{prod}"
        );
    }
}
