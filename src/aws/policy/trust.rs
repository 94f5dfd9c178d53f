//! The trust policy of a role the action assumes with the job's GitHub OIDC
//! token: GitHub's OIDC provider, audience `sts.amazonaws.com`, and `sub`
//! scoped to the repository and the GitHub environments that use the role
//! (docs/security.md, "Creating the roles").
//! <https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services>
//!
//! Pure: no AWS call, no I/O.

use serde_json::{Value, json};

use crate::aws::assume::READER_SESSION_PREFIX;

/// GitHub's OIDC issuer, as IAM names its provider.
pub const PROVIDER: &str = "token.actions.githubusercontent.com";

/// Written for the repository when `GITHUB_REPOSITORY` is unset.
pub const REPOSITORY_PLACEHOLDER: &str = "OWNER/REPO";

/// The `Sid` of the statement that lets pull-request jobs assume the role:
/// a statement of its own, so removing it is one deliberate edit (docs/security.md,
/// "Creating the roles", "Pull requests and the deploy roles").
pub const PULL_REQUEST_SID: &str = "PullRequestJobs";

/// The `Sid` of the statement that lets the jobs of environments whose
/// `from:` chain passes through this role's environment assume it (the source's
/// image, and the repository policy where the chain started, are read with the
/// source's role).
pub const FROM_SID: &str = "FromEnvironments";

/// Who may assume one role: the jobs of `repository` that run in the GitHub
/// `environments` naming it; the jobs of `readers`, environments whose
/// `from:` chain passes through one of them; and every pull-request job only when
/// `pull_requests` (`--pull-request-trust`), each group in a statement of its own.
pub struct Trusted<'a> {
    pub environments: &'a [String],
    pub readers: &'a [String],
    pub pull_requests: bool,
}

/// The trust policy for a role in `account` assumed by `who`.
pub fn trust_policy(account: &str, repository: &str, who: &Trusted<'_>) -> Value {
    let subs = |envs: &[String]| -> Value {
        json!(
            envs.iter()
                .map(|e| format!("repo:{repository}:environment:{e}"))
                .collect::<Vec<_>>()
        )
    };
    let mut statements = Vec::new();
    if !who.environments.is_empty() {
        statements.push(statement(
            account,
            "GitHubEnvironments",
            subs(who.environments),
        ));
    }
    if !who.readers.is_empty() {
        // A reader may only open a reader's session, which the role's policy denies every
        // write (`accounts.rs`, `READER_DENY_SID`).
        let mut st = statement(account, FROM_SID, subs(who.readers));
        st["Condition"]["StringLike"] =
            json!({ "sts:RoleSessionName": format!("{READER_SESSION_PREFIX}*") });
        statements.push(st);
    }
    if who.pull_requests {
        let sub = json!([format!("repo:{repository}:pull_request")]);
        statements.push(statement(account, PULL_REQUEST_SID, sub));
    }
    json!({ "Version": "2012-10-17", "Statement": statements })
}

/// One statement trusting GitHub's OIDC provider for the `sub` values given.
fn statement(account: &str, sid: &str, subs: Value) -> Value {
    json!({
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"Federated": format!("arn:aws:iam::{account}:oidc-provider/{PROVIDER}")},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {
            "StringEquals": {
                format!("{PROVIDER}:aud"): "sts.amazonaws.com",
                format!("{PROVIDER}:sub"): subs,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_is_scoped_to_repository_and_environment() {
        let envs = ["production".to_string()];
        let who = Trusted {
            environments: &envs,
            readers: &[],
            pull_requests: false,
        };
        let p = trust_policy("333333333333", "octo-org/worker", &who);
        let s = &p["Statement"][0];
        assert_eq!(
            s["Principal"]["Federated"],
            "arn:aws:iam::333333333333:oidc-provider/token.actions.githubusercontent.com"
        );
        assert_eq!(s["Action"], "sts:AssumeRoleWithWebIdentity");
        let eq = &s["Condition"]["StringEquals"];
        assert_eq!(
            eq["token.actions.githubusercontent.com:aud"],
            "sts.amazonaws.com"
        );
        assert_eq!(
            eq["token.actions.githubusercontent.com:sub"],
            json!(["repo:octo-org/worker:environment:production"])
        );
        assert_eq!(p["Statement"].as_array().map(Vec::len), Some(1));
        let envs = ["dev".to_string()];
        let who = Trusted {
            environments: &envs,
            readers: &[],
            pull_requests: true,
        };
        let p = trust_policy("1", "o/r", &who);
        let pr = &p["Statement"][1];
        assert_eq!(pr["Sid"], PULL_REQUEST_SID);
        let subs = &pr["Condition"]["StringEquals"]["token.actions.githubusercontent.com:sub"];
        assert_eq!(subs, &json!(["repo:o/r:pull_request"]));
    }
}
