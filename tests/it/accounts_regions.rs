//! An environment that spans regions, promoted and validated without the `shard`
//! input: one environment, one all-or-nothing and one report, and each function's
//! checks made with the clients of the region it lives in.

use crate::support::accounts_world::{PROD, World};
use crate::support::{Action, Fault, Match, Rule, seed_in};
use serde_json::json;

/// How many times the run wrote output `name`.
fn writes(outputs_raw: &str, name: &str) -> usize {
    outputs_raw
        .lines()
        .filter(|l| l.starts_with(&format!("{name}=")) || l.starts_with(&format!("{name}<<")))
        .count()
}

#[test]
fn a_failing_region_stops_the_other_regions_before_they_move() {
    let w = World::start(true);
    w.action()
        .input("command", "promote")
        .push_branch("main")
        .execute()
        .assert_code(0);
    // eu-west-1 fails its update; the restore coordinator stops us-east-1 at its next wait
    // (docs/safety.md, "Safety"), before it moves its alias: nothing moved, nothing to put back.
    w.proxy.add(Rule::new(
        Match::op("UpdateFunctionCode").path("worker-prod-eu"),
        Action::Fail(Fault::status(
            400,
            "InvalidParameterValueException",
            "injected",
        )),
    ));
    let r = w
        .action()
        .input("command", "promote")
        .push_tag("v1.0.0")
        .execute();
    r.assert_code(1);
    assert_eq!(r.output("result"), Some("failed"), "{}", r.stdout);
    assert_eq!(r.output("rolled-back"), Some("false"));
    let us_alias_writes = w
        .proxy
        .log()
        .iter()
        .filter(|s| s.op == "UpdateAlias" && s.path.contains("/functions/worker-prod/"))
        .count();
    assert_eq!(us_alias_writes, 0, "stopped before its alias moved");
    assert_eq!(w.live(PROD, "us-east-1", "worker-prod").0, "1");
    assert_eq!(w.live(PROD, "eu-west-1", "worker-prod-eu").0, "1");
    // One report for the whole environment, not one per region.
    assert_eq!(writes(&r.outputs_raw, "result"), 1, "{}", r.outputs_raw);
    assert_eq!(writes(&r.outputs_raw, "report"), 1);
    let report = r.report();
    let rows = report["promotion"]["functions"].as_array().expect("rows");
    let links: Vec<String> = rows.iter().map(|f| f["links"].to_string()).collect();
    assert_eq!(rows.len(), 2, "{report:#}");
    assert!(links[0].contains("region=us-east-1"), "{}", links[0]);
    assert!(links[1].contains("region=eu-west-1"), "{}", links[1]);
    let error = report["error"].as_str().unwrap_or_default();
    assert!(error.contains("worker-prod-eu"), "{error}");
}

#[test]
fn drift_in_one_region_stops_every_region_before_any_write() {
    let w = World::start(true);
    w.action()
        .input("command", "promote")
        .push_branch("main")
        .execute()
        .assert_code(0);
    let checks = "    checks:\n      - log-group: /aws/lambda/worker-prod-eu\n";
    let r = w
        .action()
        .contract_text(&format!("{}{checks}", World::contract()))
        .input("command", "promote")
        .push_tag("v1.0.0")
        .execute();
    r.assert_code(1);
    assert_eq!(r.output("result"), Some("drift"));
    assert_eq!(w.proxy.count("UpdateFunctionCode"), 1, "staging's only");
}

#[test]
fn each_functions_checks_use_its_own_regions_clients() {
    let w = World::start(true);
    // Each function's log group exists in its own region only.
    for (region, group) in [
        ("us-east-1", "/aws/lambda/worker-prod"),
        ("eu-west-1", "/aws/lambda/worker-prod-eu"),
    ] {
        seed_in(
            &w.moto,
            PROD,
            region,
            &json!({"log_groups": [{"name": group}]}),
        );
    }
    let checks = "    checks:\n      - log-group: /aws/lambda/worker-prod\n      - log-group: /aws/lambda/worker-prod-eu\n";
    let contract = format!("{}{checks}", World::contract());
    let r = w
        .action()
        .contract_text(&contract)
        .input("command", "validate")
        .input("environment", "production")
        .execute();
    r.assert_code(0);
    assert_eq!(r.output("result"), Some("success"), "{}", r.stdout);
    let report = r.report();
    let groups: Vec<&str> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["check"] == "log-group")
        .map(|f| f["code"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(groups, ["ok", "ok"], "{report:#}");
    // The promotion validates the same way, part by part.
    w.action()
        .input("command", "promote")
        .push_branch("main")
        .execute()
        .assert_code(0);
    let r = w
        .action()
        .contract_text(&contract)
        .input("command", "promote")
        .push_tag("v1.0.0")
        .execute();
    r.assert_code(0);
    assert_eq!(r.output("result"), Some("success"), "{}", r.stdout);
}
