//! `assume:` through the binary (README, "Fleets: what a promotion may take on trust"): a
//! promotion does not read what the contract vouches for, so a fleet spends Lambda's shared
//! pool on `GetAlias` and the three writes only; `validate` reads it and fails with
//! `assumption-false` where live AWS disagrees; and a wrong assumption at promotion time
//! ends with every alias where it was.

use crate::support::boto::boto;
use crate::support::{RunResult, Stage, canary};

const ASSUME: &str = "    assume:\n      function-url: none\n      provisioned-concurrency: none\n";

/// The reads an assumption saves, as the proxy counted them.
fn assumed_reads(stage: &Stage) -> [usize; 3] {
    [
        "GetFunctionUrlConfig",
        "ListProvisionedConcurrencyConfigs",
        "GetProvisionedConcurrencyConfig",
    ]
    .map(|op| stage.proxy.count(op))
}

/// The messages of the `assumption-false` findings, each an error.
fn false_assumptions(r: &RunResult) -> Vec<String> {
    let report = r.report();
    let found: Vec<_> = report["findings"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|f| f["code"] == "assumption-false")
        .collect();
    assert!(found.iter().all(|f| f["status"] == "error"), "{found:#?}");
    found
        .iter()
        .map(|f| f["message"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn a_promotion_takes_the_assumptions_on_trust_and_reads_neither() {
    let stage = Stage::start(2401);
    let r = stage.promote("v2", ASSUME).execute();
    r.assert_end(0, "success", false);
    stage.assert_alias("2");
    assert_eq!(assumed_reads(&stage), [0, 0, 0]);
    assert_eq!(stage.proxy.count("GetAlias"), 1);

    // Control: without `assume:` the same promotion reads the URL and the configurations.
    let control = Stage::start(2402);
    control
        .promote("v2", "")
        .execute()
        .assert_end(0, "success", false);
    assert_eq!(assumed_reads(&control), [1, 1, 0]);
}

#[test]
fn validate_reads_what_is_assumed_and_fails_where_it_is_false() {
    let stage = Stage::start(2403);
    let clean = stage.validate(ASSUME).execute();
    clean.assert_code(0);
    assert!(false_assumptions(&clean).is_empty());
    // Validate checks both facts: the URL, and every configuration in one listing.
    assert_eq!(assumed_reads(&stage), [1, 1, 0]);

    boto(
        &stage.moto,
        "lam.create_function_url_config(FunctionName='worker', AuthType='AWS_IAM')",
    );
    stage.proxy.with_model(|m| m.provisioned("worker", "1", 3));
    let r = stage.validate(ASSUME).execute();
    r.assert_code(1);
    let found = false_assumptions(&r);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found[0].contains("`function-url: none`") && found[0].contains("$LATEST"),
        "{}",
        found[0]
    );
    assert!(
        found[1].contains("the version it serves of alias live") && found[1].contains("(3)"),
        "{}",
        found[1]
    );

    // A dry run (`plan`) shows what a promotion would do, so it checks them too.
    let before = stage.proxy.count("UpdateFunctionCode");
    let planned = stage
        .promote("v2", ASSUME)
        .input("dry-run", "true")
        .execute();
    planned.assert_code(1);
    assert_eq!(false_assumptions(&planned).len(), 2);
    assert_eq!(stage.proxy.count("UpdateFunctionCode"), before);
    stage.assert_alias("1");
}

#[test]
fn a_canary_on_a_false_assumption_ends_with_the_alias_where_it_was() {
    let stage = Stage::start(2404);
    stage
        .proxy
        .with_model(|m| m.provisioned("worker", "live", 3));
    // Validate (the pull request's check) would have said so.
    let checked = stage
        .validate(&format!("{ASSUME}{}", canary("[10]", "1s")))
        .execute();
    checked.assert_code(1);
    let found = false_assumptions(&checked);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].contains("the alias of alias live"), "{}", found[0]);

    // The promotion takes it on trust; Lambda refuses the first weight, nothing has moved.
    let r = stage
        .promote("v2", &format!("{ASSUME}{}", canary("[10]", "1s")))
        .execute();
    r.assert_end(1, "failed", false);
    stage.assert_alias("1");
    let report = r.report().to_string();
    assert!(
        report.contains("Alias with weights can not be used with Provisioned Concurrency"),
        "{report}"
    );
}
