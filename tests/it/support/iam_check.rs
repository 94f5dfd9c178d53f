//! The policy follows the calls, suite-wide: every run of the binary that has a contract
//! and talks to a proxy (`proxy.rs`) has each AWS call it made checked against what
//! `lambda-promote iam-policy` prints for that same contract, and the run's test fails
//! naming the calls the policy would refuse. `iam_follows.rs` checks the other half (every
//! action granted is made by some run) for one contract: an aggregate over the whole suite
//! would depend on which tests ran.
//!
//! Which calls are the run's: the run's SDK clients carry `app/ID` in their User-Agent
//! (`AWS_SDK_UA_APP_ID`, read by `aws-config`'s default chain), an id of this run only, so
//! runs spawned at once and the test's own seeding through the same proxy stay apart.
//!
//! Whose rights apply: the credentials that signed each call. A call signed with a key
//! from `AssumeRoleWithWebIdentity` is checked against the `policy` iam-policy gives that
//! role (with its `Deny` for reader sessions, `read@…`), in the role's account, or on a
//! pull request against that account's read-only `validate-policy`, the rights of the
//! role a pull-request job takes instead (docs/security.md, "Pull requests and the deploy
//! roles"). The assumption itself is checked against the roles iam-policy describes (its
//! trust policy decides the rest, which moto does not evaluate). A call signed with the
//! job's own credentials is checked against the single policy of a contract without roles
//! or placement, else against any account's `policy` (the environments that name no role)
//! or `validate-policy` (pull-request jobs), in moto's default account: those are the only
//! rights iam-policy gives credentials that are not a role's.

use super::aws_call::{Call, Place, calls};
use super::iam_match::allowed_as;
use super::proxy_tags::{Asked, Tags, form_value};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// moto's account for credentials that are not an assumed role's.
const MOTO_ACCOUNT: &str = "123456789012";

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// A new `AWS_SDK_UA_APP_ID` (letters and digits: a valid app id, unique in this process).
pub fn app_id() -> String {
    format!("lpit{}", NEXT.fetch_add(1, Ordering::SeqCst))
}

/// Calls a test leaves unchecked: `action` on a resource containing `resource`, with why.
#[derive(Clone, Debug)]
pub struct Exempt {
    pub action: String,
    pub resource: String,
    pub reason: String,
}

impl Exempt {
    /// Whether the refusal line `refused` (`ACTION on RESOURCE by …`) is of this call.
    fn covers(&self, refused: &str) -> bool {
        refused
            .strip_prefix(&self.action)
            .and_then(|rest| rest.strip_prefix(" on "))
            .and_then(|rest| rest.split(" by ").next())
            .is_some_and(|resource| resource.contains(&self.resource))
    }
}

/// What a run will be checked against once it ends.
pub struct Pending {
    app: String,
    tags: Arc<Tags>,
    contract: String,
    region: String,
    test: String,
    unchecked: Vec<Exempt>,
    /// The run is a pull request's job.
    pull_request: bool,
}

/// The check of a run, or `None` when its endpoint is no proxy of this process or it has
/// no contract.
pub fn pending(
    app: &str,
    endpoint: &str,
    contract: Option<&str>,
    region: &str,
    unchecked: &[Exempt],
    pull_request: bool,
) -> Option<Pending> {
    Some(Pending {
        tags: super::proxy_tags::at(endpoint)?,
        contract: contract?.to_owned(),
        app: app.to_owned(),
        region: region.to_owned(),
        test: std::thread::current().name().unwrap_or("?").to_owned(),
        unchecked: unchecked.to_vec(),
        pull_request,
    })
}

impl Pending {
    /// Fails the test on any call of the run that iam-policy's rights do not allow.
    pub fn verify(self, stderr: &str) {
        let made = self.tags.of(&self.app).len();
        let Some(out) = policy(&self.contract, &self.region) else {
            assert!(
                made == 0,
                "{}: iam-policy refuses the contract of run {}, which made {made} AWS requests",
                self.test,
                self.app,
            );
            println!(
                "iam-check: {}: run {} made no call (contract refused)",
                self.test, self.app
            );
            return;
        };
        let mut refused = refused_by(&self.tags, &self.app, &out, self.pull_request);
        refused.retain(|r| match self.unchecked.iter().find(|e| e.covers(r)) {
            Some(e) => {
                println!(
                    "iam-check: {}: run {} unchecked: {r}: {}",
                    self.test, self.app, e.reason
                );
                false
            }
            None => true,
        });
        let tail: Vec<&str> = stderr.lines().rev().take(15).collect();
        assert!(
            refused.is_empty(),
            "{}: run {} made calls the policy of `lambda-promote iam-policy` for its contract does \
             not allow:\n{}\n--- iam-policy\n{out:#}\n--- the run's last stderr lines\n{}",
            self.test,
            self.app,
            refused.join("\n"),
            tail.into_iter().rev().collect::<Vec<_>>().join("\n"),
        );
        println!(
            "iam-check: {}: run {}: {made} requests allowed by iam-policy",
            self.test, self.app,
        );
    }
}

/// The calls run `app` made through the proxy at `endpoint` that iam-policy's rights for
/// `contract` refuse (the check itself, for a test that checks it); `None` when
/// iam-policy refuses the contract.
pub fn refused(endpoint: &str, app: &str, contract: &str) -> Option<Vec<String>> {
    let tags = super::proxy_tags::at(endpoint).expect("a proxy at the endpoint");
    let out = policy(contract, "us-east-1")?;
    Some(refused_by(&tags, app, &out, false))
}

/// The requests of run `app` so far through the proxy at `endpoint`.
pub fn requests(endpoint: &str, app: &str) -> usize {
    let tags = super::proxy_tags::at(endpoint).expect("a proxy at the endpoint");
    tags.of(app).len()
}

fn refused_by(tags: &Tags, app: &str, out: &Value, pull_request: bool) -> Vec<String> {
    let refused: BTreeSet<String> = tags
        .of(app)
        .iter()
        .flat_map(|a| refusals(tags, out, a, pull_request))
        .collect();
    refused.into_iter().collect()
}

/// Why iam-policy's rights refuse `asked`, one line per refused call; empty when allowed.
fn refusals(tags: &Tags, out: &Value, asked: &Asked, pull_request: bool) -> Vec<String> {
    let req = &asked.request;
    if req.service.is_empty() && req.op == "AssumeRoleWithWebIdentity" {
        let role = form_value(&asked.body, "RoleArn").unwrap_or_default();
        return match out["roles"].get(&role) {
            Some(_) => Vec::new(),
            None => vec![format!(
                "sts:AssumeRoleWithWebIdentity of {role}, a role iam-policy does not describe"
            )],
        };
    }
    let session = tags.session(&req.access_key);
    let (policies, account, userid, signer): (Vec<&Value>, String, Option<String>, String) =
        match &session {
            Some(s) => {
                let account = s.role.split(':').nth(4).unwrap_or_default().to_owned();
                let (policy, rights) = match pull_request {
                    true => (
                        &out["accounts"][&account]["validate-policy"],
                        "validate-policy",
                    ),
                    false => (&out["roles"][&s.role]["policy"], "policy"),
                };
                let signer = format!("role {} (session {}, its {rights})", s.role, s.name);
                (
                    vec![policy],
                    account,
                    Some(format!("AROAROLEID:{}", s.name)),
                    signer,
                )
            }
            None => (
                own_rights(out),
                MOTO_ACCOUNT.to_owned(),
                None,
                "the job's credentials".into(),
            ),
        };
    let at = Place {
        region: &req.region,
        account: &account,
    };
    calls(req, &asked.body, &at)
        .into_iter()
        .filter(|c: &Call| {
            !policies
                .iter()
                .any(|p| allowed_as(p, &c.action, c.resource.as_deref(), userid.as_deref()))
        })
        .map(|c| {
            format!(
                "{} on {} by {signer}",
                c.action,
                c.resource.as_deref().unwrap_or("*")
            )
        })
        .collect()
}

/// The rights iam-policy gives credentials that are no role's.
fn own_rights(out: &Value) -> Vec<&Value> {
    if out.get("Statement").is_some() {
        return vec![out];
    }
    out["accounts"]
        .as_object()
        .into_iter()
        .flat_map(|a| a.values())
        .flat_map(|a| [&a["policy"], &a["validate-policy"]])
        .filter(|p| !p.is_null())
        .collect()
}

/// iam-policy's output per (contract, region), with moto's account for the placeholder;
/// `None` when it refuses the contract.
static POLICIES: Mutex<BTreeMap<(String, String), Option<Value>>> = Mutex::new(BTreeMap::new());

fn policy(contract: &str, region: &str) -> Option<Value> {
    let key = (contract.to_owned(), region.to_owned());
    if let Some(known) = POLICIES.lock().expect("policies").get(&key) {
        return known.clone();
    }
    let made = iam_policy(contract, region);
    POLICIES.lock().expect("policies").insert(key, made.clone());
    made
}

/// The binary's `iam-policy`, as on a terminal.
fn iam_policy(contract: &str, region: &str) -> Option<Value> {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("lambda-promote.yml");
    std::fs::write(&file, contract).expect("contract");
    let mut command = Command::new(env!("CARGO_BIN_EXE_lambda-promote"));
    command.env_clear().current_dir(dir.path());
    if let Ok(path) = std::env::var("PATH") {
        command.env("PATH", path);
    }
    let out = command
        .args(["iam-policy", "--contract"])
        .arg(&file)
        .env("GITHUB_REPOSITORY", "o/r")
        .env("AWS_REGION", region)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", dir.path().join("no-aws-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            dir.path().join("no-aws-credentials"),
        )
        .output()
        .expect("run iam-policy");
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&out.stdout).replace("${AWS::AccountId}", MOTO_ACCOUNT);
    Some(serde_json::from_str(&text).expect("iam-policy prints JSON"))
}
