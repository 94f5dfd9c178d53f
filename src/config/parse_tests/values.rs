//! Errors in one environment's settings: canary strategy, checks, smoke test, pruning, invalidation.

use super::*;

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
    // A bare number has no unit, as for the `timeout` input.
    assert_eq!(codes(&env("interval: 90")), ["bad-duration"]);
    assert_eq!(codes(&env("interval: '20'")), ["bad-duration"]);
    assert_eq!(codes(&env("max-errors: -1")), ["out-of-range"]);
    assert_eq!(codes(&env("error-pattern: ''")), ["empty-value"]);
    let c = parse(
        "c.yml",
        &env("interval: 90s, max-errors: 3, error-pattern: '?ERROR ?Task'"),
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
fn an_environment_url_is_http_or_https() {
    let env = |s: &str| with_env(&format!("{MINIMAL_ENV}{s}\n"));
    let ok = parse("c.yml", &env("url: https://app.example.com")).expect("valid");
    assert_eq!(
        ok.environments[0].url.as_deref(),
        Some("https://app.example.com")
    );
    assert_eq!(codes(&env("url: app.example.com")), ["bad-value"]);
    assert_eq!(codes(&env("url: 'https://'")), ["bad-value"]);
    assert_eq!(codes(&env("url: [x]")), ["wrong-type"]);
}
