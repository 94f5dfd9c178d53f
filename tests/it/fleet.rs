//! A fleet under AWS's request quotas, enforced by the proxy in front of moto: throttled
//! answers are retried until they succeed, never a finding, a failure or a rollback; the
//! contract's `limits:` lowers the pace; progress figures reach the summary and the log; a
//! small run's calls go out at once (a burst), a fleet of 100 at the real quotas is never
//! throttled. Outcomes and the gaps between requests at the proxy are asserted, never total
//! durations. Most fleets are small (CI has 2 cores); the proxy's quotas are lowered instead
//! so a small fleet meets them.

use crate::support::{Quotas, Recorder, Run, RunResult, Stage};
use std::sync::Arc;
use std::time::Duration;

/// `n` image functions `fn-00…` on a stage, each on image v1 with alias `live` → 1.
struct Fleet {
    stage: Stage,
    names: Vec<String>,
}

impl Fleet {
    fn start(n: usize, seed: u64) -> Fleet {
        let names: Vec<String> = (0..n).map(|i| format!("fn-{i:02}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let stage = Stage::start_functions(seed, &refs, false);
        // Updates end at once: the fleet tests count each read the binary makes, and the
        // model's update time would add status polls to every count.
        stage
            .proxy
            .with_model(|m| m.update_takes = std::time::Duration::ZERO);
        Fleet { stage, names }
    }

    /// A contract with `envs`: a name and the range of functions it promotes.
    fn contract(&self, top: &str, envs: &[(&str, std::ops::Range<usize>)]) -> String {
        let mut c = format!("version: 1\nregion: us-east-1\n{top}environments:\n");
        for (env, range) in envs {
            c.push_str(&format!("  {env}:\n    image: input\n    functions:\n"));
            for f in &self.names[range.clone()] {
                c.push_str(&format!("      - name: {f}\n"));
            }
        }
        c
    }

    fn promote(&self, contract: &str, env: &str) -> Run {
        Run::action()
            .push_branch("main")
            .endpoint(&self.stage.proxy.endpoint())
            .contract_text(contract)
            .input("command", "promote")
            .input("environment", env)
            .input("image", &self.stage.image("v2"))
    }

    fn validate(&self, contract: &str, env: &str) -> Run {
        Run::action()
            .endpoint(&self.stage.proxy.endpoint())
            .contract_text(contract)
            .input("command", "validate")
            .input("environment", env)
    }

    /// How many requests of `op` the proxy saw, and the time from the first to the last.
    fn spread(&self, op: &str) -> (usize, Duration) {
        let log = self.stage.proxy.log();
        let at: Vec<_> = log.iter().filter(|s| s.op == op).map(|s| s.at).collect();
        let (Some(first), Some(last)) = (at.iter().min(), at.iter().max()) else {
            return (0, Duration::ZERO);
        };
        (at.len(), *last - *first)
    }

    fn assert_all_on(&self, range: std::ops::Range<usize>, version: &str) {
        for f in &self.names[range] {
            assert_eq!(self.stage.aws.alias(f, "live").version, version, "{f}");
        }
    }

    /// A Lambda operation (the proxy names the others by their own protocols).
    fn is_lambda(&self, op: &str) -> bool {
        let log = self.stage.proxy.log();
        log.iter().any(|s| {
            s.op == op
                && ["/2015-03-31/", "/2019-09-30/", "/2021-10-31/"]
                    .iter()
                    .any(|v| s.path.starts_with(v))
        })
    }

    /// Requests the proxy answered 429 and the same operation's successes after them.
    fn throttled_and_retried(&self) -> (usize, bool) {
        let log = self.stage.proxy.log();
        let throttled: Vec<_> = log.iter().filter(|s| s.status == 429).collect();
        let retried = throttled.iter().all(|t| {
            log.iter()
                // Answered at last: a success, or moto's 404 to a provisioned concurrency
                // read (no configuration), which the binary takes as none.
                .any(|s| {
                    s.op == t.op
                        && s.path == t.path
                        && s.at > t.at
                        && (s.status < 300 || s.status == 404)
                })
        });
        (throttled.len(), retried)
    }
}

fn assert_clean_success(r: &RunResult) {
    r.assert_end(0, "success", false);
    let report = r.report();
    assert!(report["error"].is_null(), "{}", report["error"]);
    let findings = report["findings"].to_string();
    assert!(!findings.contains("aws-error"), "{findings}");
}

#[test]
fn a_fleet_over_the_quota_is_throttled_retried_and_promoted_without_rollback() {
    let fleet = Fleet::start(24, 31);
    // A quarter of Lambda's quotas: the binary paces at the published 15/100 per second,
    // so AWS's answers have to teach it the rest.
    let quotas = Arc::new(Quotas::lambda(4.0, 25.0));
    fleet.stage.proxy.enforce(Arc::clone(&quotas));
    let contract = fleet.contract("", &[("prod", 0..24)]);
    let r = fleet.promote(&contract, "prod").execute();
    assert_clean_success(&r);
    fleet.assert_all_on(0..24, "2");
    let (throttled, retried) = fleet.throttled_and_retried();
    assert!(
        throttled > 0,
        "the proxy never throttled: the test shows nothing"
    );
    assert!(retried, "a throttled request was never retried to success");
    assert_eq!(throttled, quotas.refused());
    // The figures of the progress line, in the summary.
    let notices = r.report()["notices"].to_string();
    assert!(
        notices
            .contains("promote prod: 24/24 updated, 24 published, 24 aliases on the new version"),
        "{notices}"
    );
    assert!(
        notices.contains(&format!("{throttled} throttled answers")),
        "{notices}"
    );
    assert_eq!(fleet.stage.proxy.count("GetFunctionConfiguration"), 0);
}

#[test]
fn validate_of_a_fleet_over_the_quota_reports_no_aws_error() {
    let fleet = Fleet::start(24, 32);
    // Slow enough (24 GetAlias at 1.5/s) that the reads outlast the 10 s of a progress line.
    fleet
        .stage
        .proxy
        .enforce(Arc::new(Quotas::lambda(1.5, 10.0)));
    let contract = fleet.contract("", &[("prod", 0..24)]);
    let r = fleet.validate(&contract, "prod").execute();
    assert_clean_success(&r);
    // 24 functions and their 24 aliases: validate's progress line in the run log.
    assert!(
        r.stdout.contains("validate prod: ") && r.stdout.contains("/48 reads answered, "),
        "{}",
        r.stdout
    );
    let findings = r.report()["findings"].as_array().expect("findings").len();
    assert!(findings >= 24, "{findings} findings");
    let (throttled, retried) = fleet.throttled_and_retried();
    assert!(
        throttled > 0 && retried,
        "{throttled} throttled, retried: {retried}"
    );
}

#[test]
fn a_small_run_sends_its_calls_without_pacing_waits() {
    let fleet = Fleet::start(4, 35);
    let mut checks = String::from("    checks:\n");
    for f in &fleet.names {
        let group = format!("/aws/lambda/{f}");
        fleet.stage.aws.create_group(&group);
        checks.push_str(&format!("      - log-group: {group}\n"));
    }
    fleet
        .stage
        .proxy
        .enforce(Arc::new(Quotas::lambda(15.0, 100.0)));
    let contract = fleet.contract("", &[("prod", 0..4)]) + &checks;
    let r = fleet.validate(&contract, "prod").execute();
    assert_clean_success(&r);
    // Paced one request per 1/rate, 4 GetAlias (15/s) would span at least 3 × 67 ms and
    // 4 DescribeLogGroups (5/s) 3 × 202 ms. An idle pool's burst sends them together.
    let (aliases, alias_spread) = fleet.spread("GetAlias");
    assert_eq!(aliases, 4);
    assert!(
        alias_spread < Duration::from_millis(100),
        "GetAlias spread over {alias_spread:?}"
    );
    let (groups, group_spread) = fleet.spread("DescribeLogGroups");
    assert_eq!(groups, 4);
    assert!(
        group_spread < Duration::from_millis(300),
        "DescribeLogGroups spread over {group_spread:?}"
    );
    assert_eq!(
        fleet.throttled_and_retried().0,
        0,
        "the burst was throttled"
    );
}

#[test]
fn a_fleet_of_100_at_lambdas_quotas_is_never_throttled() {
    let fleet = Fleet::start(100, 36);
    let quotas = Arc::new(Quotas::lambda(15.0, 100.0));
    fleet.stage.proxy.enforce(Arc::clone(&quotas));
    let contract = fleet.contract("", &[("prod", 0..100)]);
    let r = fleet.promote(&contract, "prod").execute();
    assert_clean_success(&r);
    fleet.assert_all_on(0..100, "2");
    assert_eq!(quotas.refused(), 0, "{:?}", fleet.stage.proxy.counts());
    let notices = r.report()["notices"].to_string();
    assert!(
        notices.contains(
            "promote prod: 100/100 updated, 100 published, 100 aliases on the new version, 0 throttled answers"
        ),
        "{notices}"
    );
    // Six control-plane requests per function: GetAlias, GetFunctionUrlConfig (a read of the
    // traffic path, beside the writes for all-at-once), the listing of provisioned
    // concurrency, and the three writes; plus one ListEventSourceMappings for the whole
    // account and region (one page: these functions have no mappings), where it was one per
    // function: 6 × 100 + 1. GetFunction and GetPolicy have quotas of their own.
    let counts = fleet.stage.proxy.counts();
    let control_plane: usize = counts
        .iter()
        .filter(|(op, _)| !matches!(op.as_str(), "GetFunction" | "GetPolicy" | "Invoke"))
        .filter(|(op, _)| fleet.is_lambda(op))
        .map(|(_, n)| n)
        .sum();
    assert_eq!(control_plane, 601, "{counts:?}");
    assert_eq!(counts.get("Unknown"), None, "{counts:?}");
    // Every alias serves version 1 of one image in one repository: the way back asks ECR
    // about it once (and the input image once), not once per function.
    assert!(counts["DescribeImages"] <= 2, "{counts:?}");
    assert_eq!(counts["GetLifecyclePolicy"], 1, "{counts:?}");
}

#[test]
fn two_runs_sharing_the_account_quota_both_succeed() {
    let fleet = Fleet::start(24, 33);
    fleet
        .stage
        .proxy
        .enforce(Arc::new(Quotas::lambda(8.0, 50.0)));
    let contract = fleet.contract("", &[("blue", 0..12), ("green", 12..24)]);
    let blue = fleet.promote(&contract, "blue").spawn();
    let green = fleet.promote(&contract, "green").spawn();
    let (blue, green) = (blue.wait(), green.wait());
    assert_clean_success(&blue);
    assert_clean_success(&green);
    fleet.assert_all_on(0..24, "2");
    let (throttled, retried) = fleet.throttled_and_retried();
    assert!(
        throttled > 0 && retried,
        "{throttled} throttled, retried: {retried}"
    );
}

#[test]
fn limits_lower_the_pace_below_the_quota_so_nothing_is_throttled() {
    let fleet = Fleet::start(12, 34);
    fleet
        .stage
        .proxy
        .enforce(Arc::new(Quotas::lambda(5.0, 100.0)));
    let contract = fleet.contract(
        "limits:\n  lambda-control-plane: 4\n  lambda-get-function: 90\n",
        &[("prod", 0..12)],
    );
    let r = fleet.promote(&contract, "prod").execute();
    assert_clean_success(&r);
    fleet.assert_all_on(0..12, "2");
    assert_eq!(fleet.throttled_and_retried().0, 0, "throttled under limits");
    let notices = r.report()["notices"].to_string();
    assert!(notices.contains("0 throttled answers"), "{notices}");
    // Each distinct read once: per function, validation's GetFunction (reused as the idle
    // state), the served version's by the pre-flight way-back check (reused by the plan),
    // and the update's end (which carries the digest checked); one GetAlias (validation's,
    // reused as the alias before); one listing of provisioned concurrency (none per
    // qualifier); the three writes.
    let counts = fleet.stage.proxy.counts();
    let per_function = |op: &str| counts.get(op).copied().unwrap_or(0) as f64 / 12.0;
    assert_eq!(per_function("GetFunction"), 3.0, "{counts:?}");
    assert_eq!(
        per_function("GetProvisionedConcurrencyConfig"),
        0.0,
        "{counts:?}"
    );
    for op in [
        "GetAlias",
        "ListProvisionedConcurrencyConfigs",
        "UpdateFunctionCode",
        "PublishVersion",
        "UpdateAlias",
    ] {
        assert_eq!(per_function(op), 1.0, "{op}: {counts:?}");
    }
}

#[test]
fn the_preflight_reads_run_beside_the_aliases_and_each_version_follows_its_own() {
    let fleet = Fleet::start(12, 37);
    fleet
        .stage
        .proxy
        .enforce(Arc::new(Quotas::lambda(15.0, 100.0)));
    // The shared pool at 4/s: the 12 GetAlias and 12 GetFunctionUrlConfig take about 5 s,
    // while GetPolicy's own pool (15/s) could answer its 24 in under 2 s.
    let contract = fleet.contract("limits:\n  lambda-control-plane: 4\n", &[("prod", 0..12)]);
    let r = fleet.validate(&contract, "prod").execute();
    assert_clean_success(&r);
    let log = fleet.stage.proxy.log();
    let last_alias = log
        .iter()
        .filter(|s| s.op == "GetAlias")
        .map(|s| s.at)
        .max()
        .expect("GetAlias");
    let (versioned, unqualified): (Vec<_>, Vec<_>) = log
        .iter()
        .filter(|s| s.op == "GetPolicy")
        .partition(|s| s.request.query.contains("Qualifier="));
    assert_eq!((unqualified.len(), versioned.len()), (12, 12));
    // The reads that need no alias do not wait for the aliases.
    for s in &unqualified {
        assert!(s.at < last_alias, "{} sent after the last GetAlias", s.path);
    }
    // Each version's read follows its own alias's answer, not the last alias's.
    for s in &versioned {
        let function = s.path.split('/').nth(3).expect("function in the path");
        let alias = log
            .iter()
            .find(|a| a.op == "GetAlias" && a.path.split('/').nth(3) == Some(function))
            .expect("its GetAlias");
        assert!(
            s.at > alias.done,
            "{function}: before its alias was answered"
        );
    }
    let first = versioned.iter().map(|s| s.at).min().expect("versioned");
    assert!(
        first < last_alias,
        "the first version's GetPolicy waited for every alias"
    );
}

#[test]
fn a_limit_above_the_quota_exits_2_with_its_place_and_no_aws_request() {
    let recorder = Recorder::start();
    let r = recorder
        .action(
            "version: 1\nlimits:\n  lambda-control-plane: 20\nenvironments:\n  dev:\n    \
             image: input\n    functions: [{ name: w }]\n",
        )
        .input("command", "validate")
        .execute();
    r.assert_code(2);
    assert!(
        r.stderr.contains("lambda-promote.yml:3:25") && r.stderr.contains("from 1 to 15"),
        "{}",
        r.stderr
    );
    recorder.assert_no_requests();
}
