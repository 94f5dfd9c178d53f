//! Many accounts through the binary (issue 12): three environments in three accounts, each
//! assumed with the job's GitHub OIDC token (a local stand-in) through
//! `AssumeRoleWithWebIdentity`, which moto maps to the role's account. Proves: validate
//! of all environments in one job, promotion dev → staging → production with `from:`,
//! the repository-policy pre-check, a forged or missing token, a fork's skip, and that
//! the token reaches no channel.

use crate::support::accounts_world::{DEV, PROD, STAGING, World, role};
use crate::support::{Action, Fault, Match, Rule, Run, RunResult};

fn pr_event() -> serde_json::Value {
    serde_json::json!({"pull_request": {"number": 7, "head": {"repo": {"fork": false}}}})
}

#[test]
fn validate_checks_every_environment_with_its_own_role() {
    let w = World::start(true);
    let r = w
        .action()
        .input("command", "validate")
        .event("pull_request", pr_event())
        .execute();
    r.assert_code(0);
    assert_eq!(r.output("result"), Some("success"));
    let report = r.report();
    let findings = report["findings"].as_array().expect("findings");
    // Each function exists only in its own account: found, so each was read there.
    for f in [
        "worker-dev",
        "worker-staging",
        "worker-prod",
        "worker-prod-eu",
    ] {
        assert!(
            findings
                .iter()
                .any(|x| x["resource"] == format!("{f}:live") && x["status"] == "pass"),
            "{f} not found in its account: {findings:#?}"
        );
    }
    // Each (account, region) was checked to act in its account, the finding
    // pointing where the role is written: dev, staging, production twice.
    let accounts: Vec<&serde_json::Value> = findings
        .iter()
        .filter(|x| x["check"] == "account")
        .collect();
    assert_eq!(accounts.len(), 4, "{accounts:#?}");
    assert!(
        accounts
            .iter()
            .all(|a| a["status"] == "pass" && a["at"]["line"] != 0)
    );
    // One exchange per role (three roles), each with a fresh token (a token lives about
    // five minutes: docs/safety.md, "Safety"), all for STS's audience.
    assert_eq!(w.proxy.count("AssumeRoleWithWebIdentity"), 3);
    assert_eq!(w.oidc.requests(), 3);
    assert_eq!(w.oidc.audiences(), ["sts.amazonaws.com"; 3]);
}

fn promote(run: Run) -> RunResult {
    let r = run.input("command", "promote").execute();
    r.assert_code(0);
    r
}

#[test]
fn promotes_dev_to_staging_to_production_across_accounts() {
    let w = World::start(true);
    let v1 = w.digest("v1");
    let r = promote(w.action().push_branch("main"));
    assert_eq!(r.output("result"), Some("success"));
    assert_eq!(r.output("image-digest"), Some(v1.as_str()));
    assert_eq!(w.live(STAGING, "us-east-1", "worker-staging").0, "2");
    // Production reads staging's alias with staging's role, then deploys in its own
    // account, shard by shard (us-east-1, then eu-west-1).
    w.proxy.clear_log();
    let r = promote(w.action().push_tag("v1.0.0"));
    assert_eq!(r.output("result"), Some("success"), "{}", r.stdout);
    assert_eq!(r.output("image-digest"), Some(v1.as_str()));
    assert_eq!(w.live(PROD, "us-east-1", "worker-prod").0, "2");
    assert_eq!(w.live(PROD, "eu-west-1", "worker-prod-eu").0, "2");
    assert_eq!(w.live(DEV, "us-east-1", "worker-dev").0, "1");
    // Staging's role was assumed in a reader's session, the only one its trust lets
    // production's jobs open, and which its policy denies every write (docs/accounts.md).
    let sessions: Vec<(String, String)> = w
        .proxy
        .log()
        .iter()
        .filter(|s| s.op == "AssumeRoleWithWebIdentity")
        .map(|s| {
            let field = |k: &str| {
                s.body
                    .split('&')
                    .find_map(|kv| kv.strip_prefix(&format!("{k}=")))
                    .unwrap_or_default()
                    .replace("%3A", ":")
                    .replace("%2F", "/")
                    .replace("%40", "@")
            };
            (field("RoleArn"), field("RoleSessionName"))
        })
        .collect();
    let staging = sessions.iter().find(|(r, _)| *r == role(STAGING));
    assert!(
        staging.is_some_and(|(_, name)| name.starts_with("read@") && name.ends_with(".production")),
        "{sessions:?}"
    );
    assert!(
        sessions
            .iter()
            .filter(|(r, _)| *r == role(PROD))
            .all(|(_, name)| name.starts_with("gh@")),
        "{sessions:?}"
    );
    // The repository policy in dev's registry, where the image stays, is read with dev's
    // role in a reader's session too: the only one dev's trust lets production's jobs open.
    let dev: Vec<&String> = sessions
        .iter()
        .filter(|(r, _)| *r == role(DEV))
        .map(|(_, name)| name)
        .collect();
    assert!(
        !dev.is_empty()
            && dev
                .iter()
                .all(|n| n.starts_with("read@") && n.ends_with(".production")),
        "{sessions:?}"
    );
    // The same digest again: no write, in either region.
    let before = w.proxy.count("UpdateFunctionCode");
    let r = promote(w.action().push_tag("v1.0.1"));
    assert_eq!(r.output("result"), Some("no-op"));
    assert_eq!(w.proxy.count("UpdateFunctionCode"), before);
}

#[test]
fn a_repository_policy_without_production_stops_before_any_write() {
    let w = World::start(false);
    promote(w.action().push_branch("main"));
    let writes = w.proxy.count("UpdateFunctionCode");
    let r = w
        .action()
        .input("command", "promote")
        .push_tag("v1.0.0")
        .execute();
    r.assert_code(1);
    assert_eq!(r.output("result"), Some("failed"));
    let error = r.report()["error"].as_str().unwrap_or_default().to_string();
    for part in [
        "account 333333333333 cannot pull",
        "ecr:BatchGetImage for arn:aws:iam::333333333333:root",
        "ecr:GetDownloadUrlForLayer for lambda.amazonaws.com",
        "add these statements",
    ] {
        assert!(error.contains(part), "missing `{part}` in: {error}");
    }
    assert_eq!(
        w.proxy.count("UpdateFunctionCode"),
        writes,
        "no write after the pre-check"
    );
    assert_eq!(w.live(PROD, "us-east-1", "worker-prod").0, "1");
}

#[test]
fn a_missing_token_says_to_grant_id_token_write() {
    let w = World::start(true);
    let r = Run::action()
        .endpoint(&w.proxy.endpoint())
        .contract_text(&World::contract())
        .input("command", "promote")
        .push_branch("main")
        .execute();
    r.assert_code(1);
    assert!(
        r.stderr.contains("permissions: id-token: write"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains(&role(STAGING)), "{}", r.stderr);
    assert_eq!(w.proxy.log().len(), 0, "no AWS call without credentials");
}

#[test]
fn a_forged_request_token_is_refused_by_github() {
    let w = World::start(true);
    let r = w
        .action()
        .env(
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
            "forged-request-token-0000",
        )
        .input("command", "validate")
        .event("pull_request", pr_event())
        .execute();
    r.assert_code(1);
    assert!(
        r.stderr
            .contains("GitHub refused the OIDC token request (HTTP 401)"),
        "{}",
        r.stderr
    );
    assert_eq!(w.proxy.log().len(), 0);
}

#[test]
fn a_token_aws_rejects_names_the_identity_provider_to_create() {
    let w = World::start(true);
    // AWS answers a token not signed by a registered provider with
    // InvalidIdentityToken; moto checks no token, so the proxy answers it, quoting
    // the token as an echo would.
    let message = format!("Couldn't verify the token {}", w.oidc.jwt);
    w.proxy.add(Rule::new(
        Match::op("AssumeRoleWithWebIdentity"),
        Action::Fail(Fault::status(400, "InvalidIdentityToken", &message)),
    ));
    let r = w
        .action()
        .input("command", "promote")
        .push_branch("main")
        .execute();
    r.assert_code(1);
    assert!(
        r.stderr.contains("token.actions.githubusercontent.com"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("InvalidIdentityToken"), "{}", r.stderr);
    assert_no_token(&w, &r);
}

#[test]
fn a_fork_without_a_token_skips_with_a_notice() {
    let w = World::start(true);
    let fork = serde_json::json!({"pull_request": {"number": 7, "head": {"repo": {"fork": true}}}});
    let r = Run::action()
        .endpoint(&w.proxy.endpoint())
        .contract_text(&World::contract())
        .input("command", "validate")
        .event("pull_request", fork)
        .execute();
    r.assert_code(0);
    assert_eq!(r.output("result"), Some("skipped"));
    assert!(
        r.stdout
            .contains("::notice::skipped: a pull request from a fork gets no GitHub OIDC token"),
        "{}",
        r.stdout
    );
    assert_eq!(w.proxy.log().len(), 0);
}

#[test]
fn the_token_reaches_no_channel() {
    let w = World::start(true);
    let r = w
        .action()
        .input("command", "validate")
        .event("pull_request", pr_event())
        .execute();
    r.assert_code(0);
    assert!(
        r.stdout.contains(&format!("::add-mask::{}", w.oidc.jwt)),
        "the token is masked"
    );
    assert_no_token(&w, &r);
}

/// Neither the token nor the request token in stdout (but for the runner's own
/// `::add-mask::` lines), stderr, the summary or the outputs.
fn assert_no_token(w: &World, r: &RunResult) {
    let stdout: String = r
        .stdout
        .lines()
        .filter(|l| !l.starts_with("::add-mask::"))
        .collect::<Vec<_>>()
        .join("\n");
    for (name, text) in [
        ("stdout", stdout.as_str()),
        ("stderr", r.stderr.as_str()),
        ("summary", r.summary.as_str()),
        ("outputs", r.outputs_raw.as_str()),
    ] {
        for secret in [w.oidc.jwt.as_str(), w.oidc.bearer.as_str()] {
            assert!(!text.contains(secret), "{name} holds a secret: {text}");
        }
    }
}
