//! Tests of `parse`: the example of the README's "The contract file", defaults, and one case per diagnostic code.

use std::collections::BTreeMap;
use std::time::Duration;

use super::parse;
use crate::config::diag::{Code, Diagnostic};
use crate::config::model::*;

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
      distribution-id-env: CLOUDFRONT_DISTRIBUTION_ID
      paths: ["/*"]
"#;

fn at(line: u32, col: u32) -> Pos {
    Pos { line, col }
}

fn errors(text: &str) -> Vec<Diagnostic> {
    match parse("c.yml", text) {
        Ok(c) => panic!("expected errors, parsed {c:#?}"),
        Err(d) => d,
    }
}

/// The codes' stable texts, as a user reads them.
fn codes(text: &str) -> Vec<&'static str> {
    errors(text).into_iter().map(|d| d.code.as_str()).collect()
}

/// A valid contract with one environment whose body is `env` (indented 4).
fn with_env(env: &str) -> String {
    let body: String = env.lines().map(|l| format!("    {l}\n")).collect();
    format!("version: 1\nenvironments:\n  dev:\n{body}")
}

const MINIMAL_ENV: &str = "image: input\nfunctions: [{ name: f }]\n";

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
            distribution_id_env: "CLOUDFRONT_DISTRIBUTION_ID".into(),
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

#[test]
fn bad_account_suggests_quotes_when_unquoted() {
    let d = errors(&format!("account: 12345\n{}", with_env(MINIMAL_ENV)));
    assert_eq!(d[0].code, Code::BadAccount);
    assert!(d[0].message.contains("quotes"), "{}", d[0].message);
    let d = errors(&format!(
        "account: \"12345abcdefg\"\n{}",
        with_env(MINIMAL_ENV)
    ));
    assert_eq!(d[0].code, Code::BadAccount);
    assert!(!d[0].message.contains("quotes"), "{}", d[0].message);
}

#[test]
fn yaml_syntax_is_one_diagnostic_with_its_place() {
    let d = errors("version: 1\nenvironments: [a, b\n");
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].code, Code::YamlSyntax);
    assert!(d[0].at.line >= 2);
    assert_eq!(d[0].file, "c.yml");
}

#[test]
fn version_rules() {
    assert_eq!(
        codes(&with_env(MINIMAL_ENV).replace("version: 1", "version: 2")),
        ["unsupported-version"]
    );
    assert_eq!(
        codes(&with_env(MINIMAL_ENV).replace("version: 1", "version: \"1\"")),
        ["wrong-type"]
    );
    assert_eq!(
        codes(&with_env(MINIMAL_ENV).replace("version: 1\n", "")),
        ["missing-key"]
    );
}

#[test]
fn empty_file_and_non_mapping() {
    assert_eq!(codes(""), ["missing-key"]);
    assert_eq!(codes("- a\n"), ["wrong-type"]);
}

#[test]
fn unknown_keys_anywhere() {
    let d = errors(
        "version: 1\nregoin: x\nenvironments:\n  dev:\n    image: input\n    functions: [{ name: f, alais: x }]\n    strategy: { canary: { steps: [5], jitter: 1 } }\n",
    );
    let got: Vec<(&str, Pos)> = d.iter().map(|d| (d.code.as_str(), d.at)).collect();
    assert_eq!(
        got,
        [
            ("unknown-key", at(2, 1)),
            ("unknown-key", at(6, 28)),
            ("unknown-key", at(7, 39))
        ]
    );
    assert!(d[0].message.contains("`regoin`") && d[0].message.contains("region"));
}

#[test]
fn wrong_types() {
    let d = errors(&with_env(
        "when: { branch: 2024 }\nimage: 3\nfunctions: { name: f }\nkeep-versions: ten\n",
    ));
    let got: Vec<&str> = d.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(got, ["wrong-type"; 4]);
    assert!(d[0].message.contains("quote it"), "{}", d[0].message);
}

#[test]
fn missing_keys() {
    assert_eq!(codes("version: 1\n"), ["missing-key"]);
    assert_eq!(
        codes(&with_env("functions: [{ name: f }]\n")),
        ["missing-key"]
    );
    assert_eq!(codes(&with_env("image: input\n")), ["missing-key"]);
    assert_eq!(
        codes(&with_env("image: input\nfunctions: [{ alias: x }]\n")),
        ["missing-key"]
    );
    assert_eq!(
        codes(&with_env(&format!("{MINIMAL_ENV}when: {{}}\n"))),
        ["missing-key"]
    );
    assert_eq!(
        codes(&with_env("image: { }\nfunctions: [{ name: f }]\n")),
        ["missing-key"]
    );
}

#[test]
fn from_must_name_an_environment() {
    let text = "version: 1\nenvironments:\n  a:\n    image: { from: nope }\n    functions: [{ name: f }]\n";
    let d = errors(text);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].code, Code::UnknownEnvironment);
    assert_eq!(d[0].at, at(4, 20));
    assert!(d[0].message.contains("`nope`"));
}

#[test]
fn from_naming_a_broken_environment_is_not_unknown() {
    let text = "version: 1\nenvironments:\n  a:\n    image: input\n  b:\n    image: { from: a }\n    functions: [{ name: f }]\n";
    assert_eq!(codes(text), ["missing-key"]);
}

#[test]
fn from_cycle_is_reported_at_each_from() {
    let text = "version: 1
environments:
  a:
    image: { from: c }
    functions: [{ name: f }]
  b:
    image: { from: a }
    functions: [{ name: f }]
  c:
    image: { from: b }
    functions: [{ name: f }]
  d:
    image: { from: a }
    functions: [{ name: f }]
";
    let d = errors(text);
    let got: Vec<(&str, u32)> = d.iter().map(|d| (d.code.as_str(), d.at.line)).collect();
    assert_eq!(
        got,
        [("from-cycle", 4), ("from-cycle", 7), ("from-cycle", 10)]
    );
    assert!(d[0].message.contains("a → c → b → a"), "{}", d[0].message);
}

#[test]
fn self_reference_is_a_cycle() {
    let text =
        "version: 1\nenvironments:\n  a:\n    image: { from: a }\n    functions: [{ name: f }]\n";
    assert_eq!(codes(text), ["from-cycle"]);
}

#[test]
fn duplicate_triggers_are_reported_at_both() {
    let text = "version: 1
environments:
  a:
    when: { branch: main, tag: 'v*' }
    image: input
    functions: [{ name: f }]
  b:
    when: { branch: main }
    image: input
    functions: [{ name: f }]
  c:
    when: { branch: dev, tag: 'v*' }
    image: input
    functions: [{ name: f }]
";
    let d = errors(text);
    let got: Vec<(&str, Pos)> = d.iter().map(|d| (d.code.as_str(), d.at)).collect();
    assert_eq!(
        got,
        [
            ("duplicate-trigger", at(4, 21)),
            ("duplicate-trigger", at(4, 32)),
            ("duplicate-trigger", at(8, 21)),
            ("duplicate-trigger", at(12, 31)),
        ]
    );
    assert!(d[2].message.contains("`a` (line 4)"), "{}", d[2].message);
}

#[test]
fn canary_steps() {
    let env = |steps: &str| {
        with_env(&format!(
            "{MINIMAL_ENV}strategy: {{ canary: {{ steps: {steps} }} }}\n"
        ))
    };
    assert_eq!(codes(&env("[0, 50]")), ["canary-step-range"]);
    assert_eq!(codes(&env("[10, 100]")), ["canary-step-range"]);
    assert_eq!(codes(&env("[-5]")), ["canary-step-range"]);
    assert_eq!(codes(&env("[50, 10]")), ["canary-step-order"]);
    assert_eq!(codes(&env("[10, 10]")), ["canary-step-order"]);
    assert_eq!(codes(&env("[10, 5, 7]")), ["canary-step-order"]);
    assert_eq!(codes(&env("[]")), ["empty-value"]);
    assert_eq!(codes(&env("[ten]")), ["wrong-type"]);
    let d = errors(&env("[10, 5, 200]"));
    let got: Vec<(&str, u32)> = d.iter().map(|d| (d.code.as_str(), d.at.col)).collect();
    assert_eq!(got, [("canary-step-order", 39), ("canary-step-range", 42)]);
}

#[test]
fn canary_interval_and_limits() {
    let env = |rest: &str| {
        with_env(&format!(
            "{MINIMAL_ENV}strategy: {{ canary: {{ steps: [10], {rest} }} }}\n"
        ))
    };
    assert_eq!(codes(&env("interval: 5 minutes")), ["bad-duration"]);
    assert_eq!(codes(&env("interval: 0s")), ["bad-duration"]);
    assert_eq!(codes(&env("max-errors: -1")), ["out-of-range"]);
    assert_eq!(codes(&env("error-pattern: ''")), ["empty-value"]);
    let c = parse(
        "c.yml",
        &env("interval: 90, max-errors: 3, error-pattern: '?ERROR ?Task'"),
    )
    .unwrap();
    let Strategy::Canary(canary) = &c.environments[0].strategy else {
        panic!("not canary")
    };
    assert_eq!(canary.interval, Duration::from_secs(90));
    assert_eq!(canary.max_errors, 3);
    assert_eq!(canary.error_pattern, "?ERROR ?Task");
}

#[test]
fn strategy_values() {
    let env = |s: &str| with_env(&format!("{MINIMAL_ENV}strategy: {s}\n"));
    assert!(parse("c.yml", &env("all-at-once")).is_ok());
    assert_eq!(codes(&env("blue-green")), ["bad-value"]);
    // `linear` needs its `step`; `canary` and `linear` exclude each other.
    assert_eq!(codes(&env("{ linear: {} }")), ["missing-key"]);
    assert_eq!(
        codes(&env("{ canary: { steps: [10] }, linear: { step: 10 } }")),
        ["conflicting-keys"]
    );
    assert_eq!(
        codes(&env("{ linear: { step: 60 } }")),
        ["canary-step-range"]
    );
    let c = parse("c.yml", &env("{ linear: { step: 25, interval: 1m } }")).unwrap();
    let Strategy::Canary(linear) = &c.environments[0].strategy else {
        panic!("not linear")
    };
    assert_eq!(linear.steps, vec![25, 50, 75]);
    assert_eq!(linear.linear, Some(25));
    assert_eq!(codes(&env("[canary]")), ["wrong-type"]);
}

#[test]
fn image_values() {
    assert_eq!(
        codes(&with_env("image: latest\nfunctions: [{ name: f }]\n")),
        ["bad-value"]
    );
    assert_eq!(
        codes(&with_env(
            "image: { form: dev }\nfunctions: [{ name: f }]\n"
        )),
        ["missing-key", "unknown-key"]
    );
}

#[test]
fn environment_names() {
    let text = "version: 1\nenvironments:\n  'prod east':\n    image: input\n    functions: [{ name: f }]\n";
    let d = errors(text);
    assert_eq!(d[0].code, Code::BadName);
    assert_eq!(d[0].at, at(3, 3));
    assert_eq!(codes("version: 1\nenvironments: {}\n"), ["empty-value"]);
}

#[test]
fn checks_shape() {
    let env = |c: &str| with_env(&format!("{MINIMAL_ENV}checks:\n  - {c}\n"));
    assert_eq!(
        codes(&env("{ log-group: a, function: { name-env: X } }")),
        ["bad-check"]
    );
    assert_eq!(codes(&env("log-group")), ["bad-check"]);
    assert_eq!(codes(&env("{ s3: bucket }")), ["unknown-key"]);
    assert_eq!(
        codes(&env("{ cloudfront: { comment: a, alias: b } }")),
        ["conflicting-keys"]
    );
    assert_eq!(
        codes(&env("{ cloudfront: { id-env: X } }")),
        ["missing-key"]
    );
    assert_eq!(
        codes(&env("{ cloudfront: { comment: a, id-env: not-a-var } }")),
        ["bad-env-name"]
    );
    assert_eq!(
        codes(&env("{ function-env: { function: f, keys: [] } }")),
        ["empty-value"]
    );
    assert_eq!(
        codes(&env("{ function-env: { keys: [A] } }")),
        ["missing-key"]
    );
    assert_eq!(
        codes(&env(
            "{ function-env: { function: f, keys: [A], equals-env: { A: 3 } } }"
        )),
        ["wrong-type"]
    );
    assert_eq!(codes(&env("{ function: {} }")), ["missing-key"]);
    assert_eq!(codes(&env("{ log-group: [a] }")), ["wrong-type"]);
}

#[test]
fn smoke_test_payload_must_be_json() {
    let env = |p: &str| with_env(&format!("{MINIMAL_ENV}smoke-test:\n  payload: '{p}'\n"));
    assert!(parse("c.yml", &env("[]")).is_ok());
    let d = errors(&env("{\"smoke\": tru}"));
    assert_eq!(d[0].code, Code::BadJson);
    assert_eq!(d[0].at, at(7, 16));
    assert!(d[0].message.contains("column"), "{}", d[0].message);
    assert_eq!(
        codes(&with_env(&format!("{MINIMAL_ENV}smoke-test: {{}}\n"))),
        ["missing-key"]
    );
}

#[test]
fn keep_versions_and_invalidate() {
    let env = |s: &str| with_env(&format!("{MINIMAL_ENV}{s}\n"));
    assert_eq!(codes(&env("keep-versions: 0")), ["out-of-range"]);
    assert_eq!(codes(&env("keep-versions: 1.5")), ["wrong-type"]);
    assert_eq!(
        codes(&env(
            "invalidate: { distribution-id-env: D, paths: [index.html] }"
        )),
        ["bad-path"]
    );
    assert_eq!(
        codes(&env("invalidate: { distribution-id-env: D, paths: [] }")),
        ["empty-value"]
    );
    assert_eq!(
        codes(&env("invalidate: { paths: ['/*'] }")),
        ["missing-key"]
    );
}

#[test]
fn duplicates_in_mappings_and_functions() {
    assert_eq!(
        codes(&with_env(
            "image: input\nimage: input\nfunctions: [{ name: f }]\n"
        )),
        ["duplicate-key"]
    );
    assert_eq!(
        codes(&with_env(
            "image: input\nfunctions: [{ name: f }, { name: f, alias: live }]\n"
        )),
        ["duplicate-function"]
    );
    assert!(
        parse(
            "c.yml",
            &with_env("image: input\nfunctions: [{ name: f }, { name: f, alias: beta }]\n")
        )
        .is_ok()
    );
}

const MANY_ERRORS: &str = r#"version: 1
region: us-east-1
account: 12345
color: blue
environments:
  dev:
    when: { branch: main }
    image: latest
    functions: []
    checks:
      - cloudfront: { comment: app, alias: cdn.example.com }
      - log-group: /aws/lambda/dev
        function: { name-env: FN }
  staging:
    when: { branch: main }
    image: { from: prod }
    functions: [{ name: worker-staging, alais: live }]
    strategy:
      canary:
        steps: [50, 10, 120]
        interval: soon
  prod:
    when: { tag: "v*.*.*" }
    image: { from: staging }
    functions: [{ name: worker-prod }]
    smoke-test: { payload: "{smoke: true}" }
    keep-versions: 0
    invalidate: { distribution-id-env: CF-ID, paths: [index.html] }
"#;

#[test]
fn snapshot_of_a_file_with_many_errors() {
    let rendered: Vec<String> = errors(MANY_ERRORS).iter().map(|d| d.to_string()).collect();
    insta::assert_snapshot!(rendered.join("\n"));
}

#[test]
fn diagnostics_are_sorted_by_position() {
    let d = errors(MANY_ERRORS);
    let places: Vec<Pos> = d.iter().map(|d| d.at).collect();
    let mut sorted = places.clone();
    sorted.sort();
    assert_eq!(places, sorted);
}
