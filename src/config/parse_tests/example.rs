//! The README's example contract, and the defaults a contract leaves out.

use super::*;

const README_EXAMPLE: &str = r#"version: 1
region: us-east-1                 # default: AWS_REGION
account: "123456789012"           # optional: refuse to touch any other account
environments:
  dev:
    when: { branch: dev }         # glob on the branch name
    image: input                  # from the `image` input
    functions:
      - name: worker-dev
        alias: live               # default: live
    checks:
      - cloudfront:
          comment: app-dev        # or alias: cdn.example.com (a CNAME)
          id-env: CLOUDFRONT_DISTRIBUTION_ID   # job env var (a secret) that must equal the live Id
      - function-env:             # runtime keys the function must have
          function: worker-dev
          keys: [AURORA_HOST, OPENROUTER_API_KEY]
          equals-env: { AURORA_HOST: AURORA_HOST }   # optional: value must equal this job env var
      - log-group: /aws/lambda/worker-dev
      - function:
          name-env: WORKER_FUNCTION_NAME  # job env var that must name an existing function
  staging:
    when: { branch: main }
    image: { from: dev }          # the digest dev's alias serves now
    functions: [{ name: worker-staging }]
  production:
    when: { tag: "v*.*.*" }       # a tag glob; `v*.*.*` tags must also be valid semver
    image: { from: staging }
    functions: [{ name: worker-prod }]
    smoke-test:
      payload: '{"smoke": true}'  # invoked on the new version before any traffic moves
    strategy:
      canary:
        steps: [10, 50]           # percent of traffic on the new version; 100 comes last
        interval: 5m              # time at each step
        max-errors: 0             # error log events of the new version allowed per step
        error-pattern: ERROR      # CloudWatch Logs filter pattern
    keep-versions: 10             # prune older versions, never one an alias uses
    invalidate:                   # optional CloudFront invalidation after success
      distribution-id-env: PROD_CLOUDFRONT_DISTRIBUTION_ID
      paths: ["/*"]
"#;

#[test]
fn spec_example_parses_completely() {
    let c = parse("c.yml", README_EXAMPLE).unwrap();
    assert_eq!(c.path, std::path::PathBuf::from("c.yml"));
    assert_eq!(c.region.as_deref(), Some("us-east-1"));
    assert_eq!(
        c.account,
        Some(Spot {
            value: "123456789012".into(),
            at: at(3, 10)
        })
    );
    let names: Vec<&str> = c.environments.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["dev", "staging", "production"]);

    let dev = &c.environments[0];
    assert_eq!(dev.at, at(5, 3));
    assert_eq!(dev.when.branch.as_deref(), Some("dev"));
    assert_eq!(dev.image, ImageSource::Input);
    assert_eq!(
        dev.functions,
        [FunctionTarget {
            name: "worker-dev".into(),
            alias: "live".into(),
            at: at(9, 9)
        }]
    );
    assert_readme_checks(dev);
    assert_eq!(dev.checks[0].at, at(12, 9));
    assert_eq!(dev.strategy, Strategy::AllAtOnce);
    assert_eq!(dev.smoke_test, None);
    assert_eq!(dev.keep_versions, None);

    let staging = &c.environments[1];
    assert_eq!(staging.image, ImageSource::From("dev".into()));
    assert_eq!(staging.functions[0].alias, "live");

    let prod = &c.environments[2];
    assert_eq!(prod.when.tag.as_deref(), Some("v*.*.*"));
    assert_eq!(prod.when.branch, None);
    assert_eq!(
        prod.smoke_test,
        Some(SmokeTest {
            payload: r#"{"smoke": true}"#.into()
        })
    );
    assert_eq!(
        prod.strategy,
        Strategy::Canary(Canary {
            steps: vec![10, 50],
            interval: Duration::from_secs(300),
            max_errors: 0,
            error_pattern: "ERROR".into(),
            linear: None,
            gates: Default::default(),
        })
    );
    assert_eq!(prod.keep_versions, Some(10));
    assert_eq!(
        prod.invalidate,
        Some(Invalidate {
            distribution_id_env: "PROD_CLOUDFRONT_DISTRIBUTION_ID".into(),
            paths: vec!["/*".into()],
        })
    );
}

#[test]
fn defaults_apply() {
    let c = parse(
        "c.yml",
        &with_env(
            "image: input\nfunctions: [{ name: f }]\nstrategy: { canary: { steps: [25] } }\n",
        ),
    )
    .unwrap();
    let env = &c.environments[0];
    assert_eq!(c.region, None);
    assert_eq!(c.account, None);
    assert_eq!(env.when, Trigger::default());
    assert_eq!(env.functions[0].alias, "live");
    assert_eq!(env.checks, []);
    assert_eq!(
        env.strategy,
        Strategy::Canary(Canary {
            steps: vec![25],
            interval: Duration::from_secs(300),
            max_errors: 0,
            error_pattern: "ERROR".into(),
            linear: None,
            gates: Default::default(),
        })
    );
}

#[test]
fn equals_env_keys_join_the_keys() {
    let c = parse(
        "c.yml",
        &with_env(&format!(
            "{MINIMAL_ENV}checks:\n  - function-env:\n      function: f\n      keys: [A]\n      equals-env: {{ B: JOB_B, A: JOB_A }}\n"
        )),
    )
    .unwrap();
    let Check::FunctionEnv {
        keys, equals_env, ..
    } = &c.environments[0].checks[0].value
    else {
        panic!("not function-env")
    };
    assert_eq!(keys, &["A", "B"]);
    assert_eq!(equals_env.get("B").map(String::as_str), Some("JOB_B"));
}

#[test]
fn cloudfront_by_alias() {
    let c = parse(
        "c.yml",
        &with_env(&format!(
            "{MINIMAL_ENV}checks: [{{ cloudfront: {{ alias: cdn.example.com }} }}]\n"
        )),
    )
    .unwrap();
    assert_eq!(
        c.environments[0].checks[0].value,
        Check::Cloudfront {
            by: DistributionSelector::Alias("cdn.example.com".into()),
            id_env: None
        }
    );
}

#[test]
fn unquoted_account_works_and_keeps_its_digits() {
    for text in ["account: 123456789012", "account: 012345678901"] {
        let c = parse("c.yml", &format!("{text}\n{}", &with_env(MINIMAL_ENV))).unwrap();
        assert_eq!(c.account.map(|a| a.value), Some(text[9..].to_string()));
    }
}

/// The README example's dev checks, one of each kind, in order.
fn assert_readme_checks(dev: &Environment) {
    let checks: Vec<&Check> = dev.checks.iter().map(|c| &c.value).collect();
    assert_eq!(
        checks,
        [
            &Check::Cloudfront {
                by: DistributionSelector::Comment("app-dev".into()),
                id_env: Some("CLOUDFRONT_DISTRIBUTION_ID".into()),
            },
            &Check::FunctionEnv {
                function: "worker-dev".into(),
                keys: vec!["AURORA_HOST".into(), "OPENROUTER_API_KEY".into()],
                equals_env: BTreeMap::from([("AURORA_HOST".into(), "AURORA_HOST".into())]),
            },
            &Check::LogGroup {
                name: "/aws/lambda/worker-dev".into()
            },
            &Check::Function {
                name_env: "WORKER_FUNCTION_NAME".into()
            },
        ]
    );
}
