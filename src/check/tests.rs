//! Unit tests of the contract checks over hand-built snapshots.

use std::collections::BTreeMap;

use super::*;
use crate::aws::types::{AliasInfo, Distribution, FunctionInfo, Lookup};
use crate::config::model::{DistributionSelector, FunctionTarget, ImageSource, Strategy, Trigger};
use crate::secret::Secret;

fn func(name: &str, package: &str, env: &[(&str, &str)]) -> FunctionInfo {
    FunctionInfo {
        name: name.into(),
        package_type: package.into(),
        image_uri: None,
        image_digest: None,
        version: "$LATEST".into(),
        last_update_status: None,
        last_update_reason: None,
        revision_id: None,
        env: env
            .iter()
            .map(|(k, v)| (k.to_string(), Secret::new(*v)))
            .collect(),
    }
}

fn alias(v: &str) -> AliasInfo {
    AliasInfo {
        name: "live".into(),
        version: v.into(),
        routing: BTreeMap::new(),
        description: String::new(),
        revision_id: None,
    }
}

fn spot(check: Check) -> Spot<Check> {
    Spot {
        value: check,
        at: Pos { line: 9, col: 7 },
    }
}

fn contract(checks: Vec<Spot<Check>>, account: Option<&str>) -> Contract {
    Contract {
        path: "c.yml".into(),
        region: None,
        account: account.map(|a| Spot {
            value: a.into(),
            at: Pos { line: 3, col: 10 },
        }),
        environments: vec![Environment {
            name: "dev".into(),
            at: Pos::default(),
            when: Trigger::default(),
            image: ImageSource::Input,
            functions: vec![FunctionTarget {
                name: "worker".into(),
                alias: "live".into(),
                at: Pos { line: 6, col: 9 },
            }],
            checks,
            smoke_test: None,
            post_traffic: None,
            strategy: Strategy::AllAtOnce,
            keep_versions: None,
            invalidate: None,
            url: None,
            assume: Default::default(),
        }],
        limits: Default::default(),
        placement: Default::default(),
    }
}

fn observed() -> Observed {
    let mut o = Observed::default();
    o.functions.insert(
        "worker".into(),
        Lookup::Found(func(
            "worker",
            "Image",
            &[("AURORA_HOST", "db.internal.example")],
        )),
    );
    o.aliases
        .insert(("worker".into(), "live".into()), Lookup::Found(alias("3")));
    o.distributions = Some(Lookup::Found(vec![
        Distribution {
            id: "E2ABCDEFGHIJZL".into(),
            comment: "app-dev".into(),
            aliases: vec!["cdn.example.com".into()],
            enabled: true,
        },
        Distribution {
            id: "E3TWIN0000001".into(),
            comment: "twin".into(),
            aliases: vec![],
            enabled: true,
        },
        Distribution {
            id: "E3TWIN0000002".into(),
            comment: "twin".into(),
            aliases: vec![],
            enabled: false,
        },
    ]));
    o
}

fn codes(c: &Contract, o: &Observed, job: &JobEnv, fork: bool) -> Vec<(Code, Status)> {
    let ctx = Context {
        contract: c,
        job,
        fork,
        observed: o,
        stage: Default::default(),
    };
    let envs: Vec<&Environment> = c.environments.iter().collect();
    all(&ctx, &envs)
        .into_iter()
        .map(|f| (f.code, f.status))
        .collect()
}

fn job(vars: &[(&str, &str)]) -> JobEnv {
    let map: BTreeMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    JobEnv::capture(vars.iter().map(|(k, _)| *k), |n| map.get(n).cloned())
}

fn cf(comment: &str) -> Spot<Check> {
    spot(Check::Cloudfront {
        by: DistributionSelector::Comment(comment.into()),
        id_env: Some("CF_ID".into()),
    })
}

#[test]
fn a_matching_contract_passes_everything() {
    let c = contract(
        vec![
            cf("app-dev"),
            spot(Check::FunctionEnv {
                function: "worker".into(),
                keys: vec!["AURORA_HOST".into()],
                equals_env: [("AURORA_HOST".to_string(), "AURORA_HOST".to_string())].into(),
            }),
        ],
        None,
    );
    let j = job(&[
        ("CF_ID", "E2ABCDEFGHIJZL"),
        ("AURORA_HOST", "db.internal.example"),
    ]);
    assert!(
        codes(&c, &observed(), &j, false)
            .iter()
            .all(|(_, s)| *s == Status::Pass)
    );
}

#[test]
fn cloudfront_codes() {
    let c = contract(vec![cf("app-dev"), cf("nope"), cf("twin")], None);
    let got = codes(
        &c,
        &observed(),
        &job(&[("CF_ID", "EWRONGWRONGWRONG")]),
        false,
    );
    assert_eq!(
        got,
        vec![
            (Code::Ok, Status::Pass),
            (Code::CloudfrontIdMismatch, Status::Error),
            (Code::CloudfrontNotFound, Status::Error),
            (Code::CloudfrontAmbiguous, Status::Error),
        ]
    );
}

#[test]
fn cloudfront_by_alias_and_disabled() {
    let mut o = observed();
    if let Some(Lookup::Found(d)) = &mut o.distributions {
        d[0].enabled = false;
    }
    let c = contract(
        vec![spot(Check::Cloudfront {
            by: DistributionSelector::Alias("CDN.example.com".into()),
            id_env: None,
        })],
        None,
    );
    let got = codes(&c, &o, &JobEnv::default(), false);
    assert_eq!(got[1], (Code::CloudfrontDisabled, Status::Warning));
}

#[test]
fn secrets_are_never_in_findings() {
    let c = contract(
        vec![
            cf("app-dev"),
            spot(Check::FunctionEnv {
                function: "worker".into(),
                keys: vec!["AURORA_HOST".into()],
                equals_env: [("AURORA_HOST".to_string(), "AURORA_HOST".to_string())].into(),
            }),
        ],
        None,
    );
    let j = job(&[
        ("CF_ID", "EWRONGSECRETVALUE"),
        ("AURORA_HOST", "other.host.example"),
    ]);
    let ctx = Context {
        contract: &c,
        job: &j,
        fork: false,
        observed: &observed(),
        stage: Default::default(),
    };
    let json = serde_json::to_string(&all(&ctx, &[&c.environments[0]])).unwrap();
    for secret in [
        "EWRONGSECRETVALUE",
        "other.host.example",
        "db.internal.example",
        "E2ABCDEFGHIJZL",
    ] {
        assert!(!json.contains(secret), "{secret} leaked: {json}");
    }
    assert!(json.contains("function-env-mismatch"));
}

#[test]
fn unset_secrets_are_drift_except_on_a_fork() {
    let c = contract(
        vec![
            cf("app-dev"),
            spot(Check::Function {
                name_env: "FN".into(),
            }),
        ],
        None,
    );
    let got = codes(&c, &observed(), &JobEnv::default(), false);
    assert_eq!(
        got[1..],
        [
            (Code::SecretUnset, Status::Error),
            (Code::SecretUnset, Status::Error)
        ]
    );
    let got = codes(&c, &observed(), &JobEnv::default(), true);
    assert_eq!(
        got[1..],
        [
            (Code::SecretUnset, Status::Skipped),
            (Code::SecretUnset, Status::Skipped)
        ]
    );
}

#[test]
fn function_codes() {
    let mut o = observed();
    o.functions
        .insert("zip".into(), Lookup::Found(func("zip", "Zip", &[])));
    o.functions.insert("gone".into(), Lookup::Missing);
    o.log_groups
        .insert("/aws/lambda/worker".into(), Lookup::Missing);
    let mut c = contract(
        vec![
            spot(Check::FunctionEnv {
                function: "worker".into(),
                keys: vec!["MISSING_KEY".into()],
                equals_env: BTreeMap::new(),
            }),
            spot(Check::LogGroup {
                name: "/aws/lambda/worker".into(),
            }),
            spot(Check::Function {
                name_env: "FN".into(),
            }),
        ],
        Some("999999999999"),
    );
    o.account = Some(Lookup::Found("123456789012".into()));
    c.environments[0].functions.push(FunctionTarget {
        name: "zip".into(),
        alias: "live".into(),
        at: Pos::default(),
    });
    c.environments[0].functions.push(FunctionTarget {
        name: "gone".into(),
        alias: "live".into(),
        at: Pos::default(),
    });
    o.aliases
        .insert(("worker".into(), "live".into()), Lookup::Missing);
    let got: Vec<Code> = codes(&c, &o, &job(&[("FN", "gone")]), false)
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    assert_eq!(
        got,
        [
            Code::AccountMismatch,
            Code::AliasNotFound,
            Code::NotAnImageFunction,
            Code::FunctionNotFound,
            Code::FunctionEnvMissing,
            Code::LogGroupNotFound,
            Code::FunctionNotFound
        ]
    );
}

#[test]
fn a_failed_lookup_names_the_iam_action() {
    let mut o = observed();
    o.functions.insert(
        "worker".into(),
        Lookup::Failed(AwsError {
            kind: ErrorKind::AccessDenied,
            action: "lambda:GetFunction",
            resource: "worker".into(),
            code: "AccessDeniedException".into(),
            message: "denied".into(),
        }),
    );
    let c = contract(vec![], None);
    let ctx = Context {
        contract: &c,
        job: &JobEnv::default(),
        fork: false,
        observed: &o,
        stage: Default::default(),
    };
    let f = all(&ctx, &[&c.environments[0]]);
    assert_eq!(f[0].code, Code::AwsAccessDenied);
    assert!(
        f[0].message.contains("lambda:GetFunction"),
        "{}",
        f[0].message
    );
}
