//! `iam-policy`: the policy for the README's sample contract grants exactly the
//! expected actions on exactly the expected resources, and every operation the
//! binary can call appears in it, so the operation list and the policy cannot
//! drift apart.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use lambda_promote::aws::operations::{self, Needed};
use lambda_promote::aws::policy as iam;
use lambda_promote::config::model::{
    Canary, Check, Contract, DistributionSelector, Environment, FunctionTarget, ImageSource,
    Invalidate, Pos, SmokeTest, Spot, Strategy, Trigger,
};
use serde_json::Value;

const ACCOUNT: &str = "123456789012";
const REGION: &str = "us-east-1";

fn at<T>(value: T) -> Spot<T> {
    Spot {
        value,
        at: Pos::default(),
    }
}

fn environment(name: &str, image: ImageSource, function: &str) -> Environment {
    Environment {
        name: name.into(),
        at: Pos::default(),
        when: Trigger::default(),
        image,
        functions: vec![FunctionTarget {
            name: function.into(),
            alias: "live".into(),
            at: Pos::default(),
        }],
        checks: Vec::new(),
        smoke_test: None,
        strategy: Strategy::AllAtOnce,
        post_traffic: None,
        keep_versions: None,
        invalidate: None,
        url: None,
        assume: Default::default(),
    }
}

/// The contract of the README's "The contract file": dev with every check, staging plain,
/// production with a smoke test, a canary, pruning and an invalidation.
fn sample_contract() -> Contract {
    let mut dev = environment("dev", ImageSource::Input, "worker-dev");
    dev.when.branch = Some("dev".into());
    dev.checks = vec![
        at(Check::Cloudfront {
            by: DistributionSelector::Comment("app-dev".into()),
            id_env: Some("CLOUDFRONT_DISTRIBUTION_ID".into()),
        }),
        at(Check::FunctionEnv {
            function: "worker-dev".into(),
            keys: vec!["AURORA_HOST".into(), "OPENROUTER_API_KEY".into()],
            equals_env: BTreeMap::from([("AURORA_HOST".into(), "AURORA_HOST".into())]),
        }),
        at(Check::LogGroup {
            name: "/aws/lambda/worker-dev".into(),
        }),
        at(Check::Function {
            name_env: "WORKER_FUNCTION_NAME".into(),
        }),
    ];

    let mut staging = environment("staging", ImageSource::From("dev".into()), "worker-staging");
    staging.when.branch = Some("main".into());

    let mut production = environment(
        "production",
        ImageSource::From("staging".into()),
        "worker-prod",
    );
    production.when.tag = Some("v*.*.*".into());
    production.smoke_test = Some(SmokeTest {
        payload: r#"{"smoke": true}"#.into(),
    });
    production.strategy = Strategy::Canary(Canary {
        steps: vec![10, 50],
        interval: Duration::from_secs(300),
        max_errors: 0,
        error_pattern: "ERROR".into(),
        linear: None,
        gates: lambda_promote::config::gates::Gates {
            alarms: vec!["worker-prod-errors".into()],
            ..Default::default()
        },
    });
    production.keep_versions = Some(10);
    production.invalidate = Some(Invalidate {
        distribution_id_env: "PROD_CLOUDFRONT_DISTRIBUTION_ID".into(),
        paths: vec!["/*".into()],
    });

    Contract {
        path: ".github/lambda-promote.yml".into(),
        region: Some(REGION.into()),
        account: Some(at(ACCOUNT.into())),
        environments: vec![dev, staging, production],
        limits: Default::default(),
        placement: Default::default(),
    }
}

fn statements(policy: &Value) -> &[Value] {
    policy["Statement"].as_array().map_or(&[], Vec::as_slice)
}

fn strings(value: &Value) -> BTreeSet<String> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

/// Every action of the policy, with the union of the resources granted for it.
fn grants(policy: &Value) -> BTreeMap<String, BTreeSet<String>> {
    let mut grants: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for statement in statements(policy) {
        assert_eq!(statement["Effect"], "Allow");
        for action in strings(&statement["Action"]) {
            grants
                .entry(action)
                .or_default()
                .extend(strings(&statement["Resource"]));
        }
    }
    grants
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn every_operation_the_binary_can_call_is_in_the_policy() {
    let policy = iam::policy(&sample_contract(), None, REGION);
    let granted = grants(&policy);
    // `init`'s own operations are run with a person's credentials, never a contract's role.
    for op in operations::ALL
        .iter()
        .filter(|op| op.needed != Needed::Init)
    {
        assert!(
            granted.contains_key(op.action),
            "{} is missing from {policy:#}",
            op.action
        );
    }
    let listed: BTreeSet<String> = operations::ALL
        .iter()
        .filter(|op| op.needed != Needed::Init)
        .map(|op| op.action.to_owned())
        .collect();
    let granted: BTreeSet<String> = granted.into_keys().collect();
    assert_eq!(granted, listed, "the policy grants an unlisted action");
}

#[test]
fn sample_contract_gets_exactly_the_expected_grants() {
    let policy = iam::policy(&sample_contract(), None, REGION);

    let function = |name: &str| format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}");
    let all = ["worker-dev", "worker-staging", "worker-prod"];
    let unqualified: BTreeSet<String> = all.iter().map(|f| function(f)).collect();
    let both: BTreeSet<String> = all
        .iter()
        .flat_map(|f| [function(f), format!("{}:*", function(f))])
        .collect();
    let prod_versions = set(&[&format!("{}:*", function("worker-prod"))]);
    let repositories = set(&[&format!("arn:aws:ecr:{REGION}:{ACCOUNT}:repository/*")]);
    let anything = set(&["*"]);

    let expected: BTreeMap<String, BTreeSet<String>> = [
        ("sts:GetCallerIdentity", anything.clone()),
        ("logs:DescribeLogGroups", anything.clone()),
        ("cloudfront:ListDistributions", anything.clone()),
        // Only production runs a canary: its metrics and its alarm.
        ("cloudwatch:GetMetricData", anything.clone()),
        (
            "cloudwatch:DescribeAlarms",
            set(&[&format!(
                "arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:worker-prod-errors"
            )]),
        ),
        // Provisioned concurrency is matched on every promotion.
        ("lambda:GetProvisionedConcurrencyConfig", both.clone()),
        (
            "lambda:ListProvisionedConcurrencyConfigs",
            unqualified.clone(),
        ),
        ("lambda:PutProvisionedConcurrencyConfig", both.clone()),
        ("lambda:DeleteProvisionedConcurrencyConfig", both.clone()),
        ("lambda:GetFunction", both.clone()),
        ("lambda:GetAlias", both.clone()),
        ("lambda:CreateAlias", both.clone()),
        ("lambda:UpdateAlias", both.clone()),
        // Undoing an alias the run created.
        ("lambda:DeleteAlias", both.clone()),
        ("lambda:UpdateFunctionCode", unqualified.clone()),
        ("lambda:PublishVersion", unqualified.clone()),
        ("lambda:ListVersionsByFunction", unqualified.clone()),
        ("lambda:ListAliases", unqualified.clone()),
        // Only production has a smoke test and prunes, and only on versions.
        ("lambda:InvokeFunction", prod_versions.clone()),
        ("lambda:DeleteFunction", prod_versions.clone()),
        // Only production runs a canary, which reads its function's logs.
        (
            "logs:FilterLogEvents",
            set(&[&format!(
                "arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/worker-prod:*"
            )]),
        ),
        (
            "logs:DescribeLogStreams",
            set(&[&format!(
                "arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/worker-prod:*"
            )]),
        ),
        (
            "cloudfront:CreateInvalidation",
            set(&[&format!("arn:aws:cloudfront::{ACCOUNT}:distribution/*")]),
        ),
        ("ecr:DescribeImages", repositories.clone()),
        ("ecr:BatchGetImage", repositories.clone()),
        ("ecr:GetDownloadUrlForLayer", repositories.clone()),
        // The cross-account pre-check reads the source repository's policy.
        ("ecr:GetRepositoryPolicy", repositories.clone()),
        // The pre-flight checks: what invokes each function, and the way back.
        ("lambda:ListEventSourceMappings", anything.clone()),
        ("lambda:GetFunctionUrlConfig", both.clone()),
        ("lambda:GetPolicy", both.clone()),
        ("ecr:GetLifecyclePolicy", repositories.clone()),
    ]
    .into_iter()
    .map(|(action, resources)| (action.to_owned(), resources))
    .collect();

    assert_eq!(grants(&policy), expected);
}

#[test]
fn statements_are_valid_iam_and_unique() {
    let policy = iam::policy(&sample_contract(), None, REGION);
    assert_eq!(policy["Version"], "2012-10-17");
    let sids: Vec<&str> = statements(&policy)
        .iter()
        .filter_map(|s| s["Sid"].as_str())
        .collect();
    assert_eq!(
        sids.len(),
        statements(&policy).len(),
        "a statement has no Sid"
    );
    assert!(
        sids.iter()
            .all(|s| s.chars().all(|c| c.is_ascii_alphanumeric())),
        "IAM Sids are alphanumeric: {sids:?}"
    );
    let unique: BTreeSet<&str> = sids.iter().copied().collect();
    assert_eq!(unique.len(), sids.len(), "duplicate Sid in {sids:?}");
    // Nothing that writes is ever granted on "*".
    for statement in statements(&policy) {
        if strings(&statement["Resource"]).contains("*") {
            assert_eq!(
                strings(&statement["Action"]),
                set(&[
                    "cloudfront:ListDistributions",
                    "cloudwatch:GetMetricData",
                    "lambda:ListEventSourceMappings",
                    "logs:DescribeLogGroups",
                    "sts:GetCallerIdentity"
                ])
            );
        }
    }
}

#[test]
fn a_plain_contract_gets_no_feature_it_does_not_use() {
    let contract = Contract {
        path: ".github/lambda-promote.yml".into(),
        region: None,
        account: None,
        environments: vec![environment("dev", ImageSource::Input, "worker-dev")],
        limits: Default::default(),
        placement: Default::default(),
    };
    let granted: BTreeSet<String> = grants(&iam::policy(&contract, None, "eu-west-1"))
        .into_keys()
        .collect();
    let unused = [
        "lambda:InvokeFunction",
        "lambda:DeleteFunction",
        "logs:FilterLogEvents",
        "logs:DescribeLogStreams",
        "cloudfront:CreateInvalidation",
        "cloudwatch:GetMetricData",
        "cloudwatch:DescribeAlarms",
    ];
    let expected: BTreeSet<String> = operations::ALL
        .iter()
        .filter(|op| op.needed != Needed::Init)
        .map(|op| op.action)
        .filter(|action| !unused.contains(action))
        .map(str::to_owned)
        .collect();
    assert_eq!(granted, expected);
}

#[test]
fn read_only_policy_for_validation_has_no_write() {
    let policy = iam::policy_for(
        &sample_contract(),
        None,
        REGION,
        &[operations::Needed::Validate],
    );
    let granted: BTreeSet<String> = grants(&policy).into_keys().collect();
    assert_eq!(
        granted,
        set(&[
            "sts:GetCallerIdentity",
            "lambda:GetFunction",
            "lambda:GetAlias",
            "logs:DescribeLogGroups",
            "cloudfront:ListDistributions",
            // The pre-flight reads (and `status`'s), read-only too.
            "lambda:ListEventSourceMappings",
            "lambda:GetFunctionUrlConfig",
            "lambda:GetPolicy",
            "lambda:GetProvisionedConcurrencyConfig",
            "lambda:ListProvisionedConcurrencyConfigs",
            "ecr:DescribeImages",
            "ecr:GetLifecyclePolicy",
        ])
    );
}

#[test]
fn a_canary_may_read_a_log_group_its_checks_name() {
    let mut prod = environment("prod", ImageSource::Input, "worker");
    prod.strategy = Strategy::Canary(Canary {
        steps: vec![50],
        interval: Duration::from_secs(60),
        max_errors: 0,
        error_pattern: "ERROR".into(),
        linear: None,
        gates: Default::default(),
    });
    prod.checks = vec![at(Check::LogGroup {
        name: "/custom/worker".into(),
    })];
    let contract = Contract {
        path: ".github/lambda-promote.yml".into(),
        region: Some(REGION.into()),
        account: Some(at(ACCOUNT.into())),
        environments: vec![prod],
        limits: Default::default(),
        placement: Default::default(),
    };
    let granted = grants(&iam::policy(&contract, None, REGION));
    let group = |name: &str| format!("arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{name}:*");
    for action in ["logs:FilterLogEvents", "logs:DescribeLogStreams"] {
        assert_eq!(
            granted[action],
            BTreeSet::from([group("/aws/lambda/worker"), group("/custom/worker")]),
            "{action}"
        );
    }
    // The canary reads the new version's `LoggingConfig` (through `GetFunction`).
    assert!(granted.contains_key("lambda:GetFunction"));
}

/// Runs `lambda-promote iam-policy` on a contract with the given `region:` line,
/// with no AWS profile and no instance metadata, so only `AWS_REGION` counts.
fn iam_policy_command(region_line: &str, aws_region: Option<&str>) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let contract = dir.path().join("c.yml");
    let text = format!(
        "version: 1\n{region_line}environments:\n  a:\n    when: {{ branch: main }}\n    image: input\n    functions: [{{ name: f }}]\n"
    );
    std::fs::write(&contract, text).unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_lambda-promote"));
    cmd.arg("iam-policy").arg("--contract").arg(&contract);
    for name in ["AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"] {
        cmd.env_remove(name);
    }
    cmd.env("AWS_CONFIG_FILE", dir.path().join("none"))
        .env("AWS_EC2_METADATA_DISABLED", "true");
    if let Some(r) = aws_region {
        cmd.env("AWS_REGION", r);
    }
    cmd.output().unwrap()
}

#[test]
fn the_command_resolves_its_region_as_every_command_does() {
    let from_env = iam_policy_command("", Some("eu-west-1"));
    assert!(from_env.status.success(), "{from_env:?}");
    let text = String::from_utf8_lossy(&from_env.stdout);
    assert!(text.contains("arn:aws:lambda:eu-west-1:"), "{text}");

    let from_contract = iam_policy_command("region: ap-south-1\n", Some("eu-west-1"));
    let text = String::from_utf8_lossy(&from_contract.stdout);
    assert!(text.contains("arn:aws:lambda:ap-south-1:"), "{text}");
    assert!(!text.contains("eu-west-1"), "{text}");

    // No region anywhere: the same error as the other commands, no guess.
    let none = iam_policy_command("", None);
    assert_eq!(none.status.code(), Some(1), "{none:?}");
    let stderr = String::from_utf8_lossy(&none.stderr);
    assert!(stderr.contains("no AWS region"), "{stderr}");
    assert!(none.stdout.is_empty());
}
