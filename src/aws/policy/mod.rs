//! The least-privilege IAM policy a contract needs (`lambda-promote iam-policy`),
//! built from the one list of operations the adapters call
//! ([`crate::aws::operations::ALL`]), so the policy cannot fall behind the code.
//!
//! Pure: no AWS call, no I/O. Each operation is granted only on the resources
//! the contract can make it touch, and only when some environment uses the
//! feature behind it (a smoke test, a canary, pruning, an invalidation).

pub mod accounts;
mod arns;
pub mod trust;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use crate::aws::operations::{self, Needed, Operation, Resource};
use crate::config::model::{Check, Contract, Environment, Strategy, bare_function_name};
pub(crate) use arns::repositories;
use arns::{Arns, partition};

/// Written in place of the account id when neither the caller nor the contract
/// names one. It is CloudFormation's pseudo parameter, so the policy works as is
/// inside `Fn::Sub`; anywhere else, replace it with the 12-digit account id.
pub const ACCOUNT_PLACEHOLDER: &str = "${AWS::AccountId}";

/// Every command's operations: validate, plan, promote and rollback.
pub const EVERY_COMMAND: &[Needed] = &[
    Needed::Validate,
    Needed::Plan,
    Needed::Promote,
    Needed::Rollback,
];

/// Operations that only ever act on a published version (`NAME:42`), never on
/// the function itself: granting them on the unqualified ARN would let
/// "delete a version" delete the whole function, or "invoke the new version"
/// invoke `$LATEST`.
const VERSION_ONLY: &[Operation] = &[operations::DELETE_FUNCTION, operations::INVOKE_FUNCTION];

/// The policy for every command of `contract`, as IAM policy JSON.
///
/// `account` wins over the contract's `account:`; with neither, ARNs carry
/// [`ACCOUNT_PLACEHOLDER`]. `region` is the contract's region or the SDK's.
pub fn policy(contract: &Contract, account: Option<&str>, region: &str) -> Value {
    policy_for(contract, account, region, EVERY_COMMAND)
}

/// The policy restricted to the operations of the given commands, e.g.
/// `&[Needed::Validate]` for a read-only pull-request role.
pub fn policy_for(
    contract: &Contract,
    account: Option<&str>,
    region: &str,
    needed: &[Needed],
) -> Value {
    let account = account
        .or(contract.account.as_ref().map(|a| a.value.as_str()))
        .unwrap_or(ACCOUNT_PLACEHOLDER);
    let arns = Arns {
        partition: partition(region),
        region,
        account,
    };

    // Operations that share a resource kind and the same resources become one
    // statement; BTreeMap keeps the output stable from run to run.
    let mut statements: BTreeMap<(Kind, Vec<String>), BTreeSet<&'static str>> = BTreeMap::new();
    for op in operations::ALL
        .iter()
        .filter(|op| needed.contains(&op.needed))
    {
        let resources = resources(op, contract, &arns);
        if !resources.is_empty() {
            let key = (Kind::of(op), resources.into_iter().collect());
            statements.entry(key).or_default().insert(op.action);
        }
    }

    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    let statements: Vec<Value> = statements
        .into_iter()
        .map(|((kind, resources), actions)| {
            let n = seen.entry(kind.sid()).or_default();
            *n += 1;
            let sid = match *n {
                1 => kind.sid().to_owned(),
                n => format!("{}{n}", kind.sid()),
            };
            json!({
                "Sid": sid,
                "Effect": "Allow",
                "Action": actions.into_iter().collect::<Vec<_>>(),
                "Resource": resources,
            })
        })
        .collect();

    json!({ "Version": "2012-10-17", "Statement": statements })
}

/// The statement an operation lands in: its resource kind, with function
/// operations split by whether they may name the function itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Unscoped,
    Functions,
    FunctionsAndVersions,
    FunctionVersions,
    LogGroups,
    Distributions,
    Repositories,
    Alarms,
}

impl Kind {
    fn of(op: &Operation) -> Kind {
        match op.resource {
            Resource::Any => Kind::Unscoped,
            Resource::Function => Kind::Functions,
            Resource::FunctionQualified if VERSION_ONLY.contains(op) => Kind::FunctionVersions,
            Resource::FunctionQualified => Kind::FunctionsAndVersions,
            Resource::LogGroup => Kind::LogGroups,
            Resource::Distribution => Kind::Distributions,
            Resource::Repository => Kind::Repositories,
            Resource::Alarm => Kind::Alarms,
        }
    }

    fn sid(self) -> &'static str {
        match self {
            Kind::Unscoped => "Unscoped",
            Kind::Functions => "Functions",
            Kind::FunctionsAndVersions => "FunctionsAndVersions",
            Kind::FunctionVersions => "FunctionVersions",
            Kind::LogGroups => "LogGroups",
            Kind::Distributions => "Distributions",
            Kind::Repositories => "Repositories",
            Kind::Alarms => "Alarms",
        }
    }
}

/// The resources `op` may touch for `contract`; empty when no environment
/// uses it, so the action is left out of the policy.
fn resources(op: &Operation, contract: &Contract, arns: &Arns) -> BTreeSet<String> {
    let envs = &contract.environments;
    match Kind::of(op) {
        // The canary's CloudWatch reads, only where a canary uses them.
        Kind::Unscoped if *op == operations::GET_METRIC_DATA => {
            unscoped(canaries(envs).any(|c| c.gates.metrics.is_some()))
        }
        Kind::Unscoped => unscoped(true),
        Kind::Functions => function_names(op, envs)
            .into_iter()
            .map(|f| arns.function(f))
            .collect(),
        Kind::FunctionsAndVersions => function_names(op, envs)
            .into_iter()
            .flat_map(|f| [arns.function(f), arns.function_versions(f)])
            .collect(),
        Kind::FunctionVersions => function_names(op, envs)
            .into_iter()
            .map(|f| arns.function_versions(f))
            .collect(),
        // The canary counts error events in the group each function logs to: Lambda's
        // default `/aws/lambda/NAME`, or one of its own (`LoggingConfig`), which the policy
        // can only know when a `log-group` check of the environment names it.
        Kind::LogGroups => envs
            .iter()
            .filter(|e| matches!(e.strategy, Strategy::Canary(_)))
            .flat_map(|e| {
                let defaults = e
                    .functions
                    .iter()
                    .map(|f| format!("/aws/lambda/{}", bare_function_name(&f.name)));
                let checked = e.checks.iter().filter_map(|c| match &c.value {
                    Check::LogGroup { name } => Some(name.clone()),
                    _ => None,
                });
                defaults.chain(checked).collect::<Vec<_>>()
            })
            .map(|g| arns.log_group(&g))
            .collect(),
        // The distribution's id comes from a job env var at run time, so the
        // ARN cannot name it; it is still held to the account.
        Kind::Distributions => envs_use(envs, |e| e.invalidate.is_some())
            .then(|| arns.distributions())
            .into_iter()
            .collect(),
        // The alarms the canaries name, by ARN: no other alarm is readable.
        Kind::Alarms => canaries(envs)
            .flat_map(|c| c.gates.alarms.iter())
            .map(|a| arns.alarm(a))
            .collect(),
        // The image, and so its repository, comes from the `image` input at run
        // time (directly, or through `from:` chains that start at such an
        // environment): every repository of the account and region.
        Kind::Repositories => envs_use(envs, |e| !e.functions.is_empty())
            .then(|| arns.repositories())
            .into_iter()
            .collect(),
    }
}

fn unscoped(used: bool) -> BTreeSet<String> {
    used.then(|| "*".to_owned()).into_iter().collect()
}

/// The canary (or linear) strategies of the environments.
fn canaries(envs: &[Environment]) -> impl Iterator<Item = &crate::config::model::Canary> {
    envs.iter().filter_map(|e| match &e.strategy {
        Strategy::Canary(c) => Some(c),
        Strategy::AllAtOnce => None,
    })
}

/// The functions `op` is called on: validation reads every function the
/// contract names; promotion acts on the environments' own functions, each
/// operation only where its feature is configured.
fn function_names<'c>(op: &Operation, envs: &'c [Environment]) -> BTreeSet<&'c str> {
    let promoted = |uses: fn(&Environment) -> bool| -> BTreeSet<&'c str> {
        envs.iter()
            .filter(|e| uses(e))
            .flat_map(|e| e.functions.iter().map(|f| f.name.as_str()))
            .collect()
    };
    if *op == operations::INVOKE_FUNCTION {
        // The smoke test invokes the new version; the post-traffic check, the alias.
        return promoted(|e| e.smoke_test.is_some() || e.post_traffic.is_some());
    }
    if *op == operations::DELETE_FUNCTION {
        return promoted(|e| e.keep_versions.is_some());
    }
    let mut names = promoted(|_| true);
    if op.needed == Needed::Validate {
        // `function-env` may name a function outside the environment's list.
        // (`function` checks name theirs through a job env var, unknown here:
        // it is expected to be one of the contract's functions.)
        for env in envs {
            for check in &env.checks {
                if let Check::FunctionEnv { function, .. } = &check.value {
                    names.insert(function.as_str());
                }
            }
        }
    }
    names
}

fn envs_use(envs: &[Environment], uses: impl Fn(&Environment) -> bool) -> bool {
    envs.iter().any(uses)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::model::{FunctionTarget, ImageSource, Pos, SmokeTest, Spot, Trigger};

    fn env(name: &str, functions: &[&str]) -> Environment {
        Environment {
            name: name.into(),
            at: Pos::default(),
            when: Trigger::default(),
            image: ImageSource::Input,
            functions: functions
                .iter()
                .map(|f| FunctionTarget {
                    name: (*f).into(),
                    alias: "live".into(),
                    at: Pos::default(),
                })
                .collect(),
            checks: Vec::new(),
            smoke_test: None,
            post_traffic: None,
            strategy: Strategy::AllAtOnce,
            keep_versions: None,
            invalidate: None,
            url: None,
            assume: Default::default(),
        }
    }

    fn contract(environments: Vec<Environment>) -> Contract {
        Contract {
            path: ".github/lambda-promote.yml".into(),
            region: None,
            account: None,
            environments,
            limits: Default::default(),
            placement: Default::default(),
        }
    }

    fn statement<'v>(policy: &'v Value, sid: &str) -> &'v Value {
        policy["Statement"]
            .as_array()
            .and_then(|s| s.iter().find(|s| s["Sid"] == sid))
            .unwrap_or_else(|| panic!("no statement {sid} in {policy:#}"))
    }

    #[test]
    fn account_comes_from_the_caller_then_the_contract_then_the_placeholder() {
        let mut c = contract(vec![env("dev", &["worker-dev"])]);
        let arn = |p: &Value| statement(p, "Functions")["Resource"][0].clone();

        assert_eq!(
            arn(&policy(&c, None, "us-east-1")),
            "arn:aws:lambda:us-east-1:${AWS::AccountId}:function:worker-dev"
        );
        c.account = Some(Spot {
            value: "123456789012".into(),
            at: Pos::default(),
        });
        assert_eq!(
            arn(&policy(&c, None, "us-east-1")),
            "arn:aws:lambda:us-east-1:123456789012:function:worker-dev"
        );
        assert_eq!(
            arn(&policy(&c, Some("210987654321"), "us-east-1")),
            "arn:aws:lambda:us-east-1:210987654321:function:worker-dev"
        );
    }

    #[test]
    fn version_only_operations_never_name_the_function_itself() {
        let mut e = env("prod", &["worker-prod"]);
        e.smoke_test = Some(SmokeTest {
            payload: "{}".into(),
        });
        e.keep_versions = Some(10);
        let p = policy(&contract(vec![e]), Some("123456789012"), "us-east-1");
        let s = statement(&p, "FunctionVersions");
        assert_eq!(
            s["Action"],
            json!(["lambda:DeleteFunction", "lambda:InvokeFunction"])
        );
        assert_eq!(
            s["Resource"],
            json!(["arn:aws:lambda:us-east-1:123456789012:function:worker-prod:*"])
        );
    }

    #[test]
    fn validate_only_is_read_only() {
        let c = contract(vec![env("dev", &["worker-dev"])]);
        let p = policy_for(&c, None, "us-east-1", &[Needed::Validate]);
        let actions: Vec<&str> = p["Statement"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|s| s["Action"].as_array().into_iter().flatten())
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(
            actions,
            [
                "cloudfront:ListDistributions",
                "lambda:ListEventSourceMappings",
                "logs:DescribeLogGroups",
                "sts:GetCallerIdentity",
                "lambda:ListProvisionedConcurrencyConfigs",
                "lambda:GetAlias",
                "lambda:GetFunction",
                "lambda:GetFunctionUrlConfig",
                "lambda:GetPolicy",
                "lambda:GetProvisionedConcurrencyConfig",
                "ecr:DescribeImages",
                "ecr:GetLifecyclePolicy",
            ]
        );
    }
}
