//! `iam-policy` (CLI only): print the least-privilege IAM policy for the
//! contract, in the region the other commands would work in. A contract with
//! roles, or environments in several accounts or regions, gets one entry per
//! role (trusted by only the environments that name it, allowed only their
//! resources) and one per account with the read-only policy pull-request jobs
//! assume (docs/security.md, "Creating the roles", "Security"). Calls no AWS API.

use crate::aws::policy::{self, accounts, trust};
use crate::report::model::Outcome;
use crate::run::{self, End, Run};

pub async fn iam_policy(run: &Run) -> anyhow::Result<End> {
    if run.contract.placement != Default::default() {
        let region = run::region(&run.contract).await.unwrap_or_default();
        let repository = match run.runner.info.repository.as_str() {
            "" => {
                eprintln!(
                    "note: GITHUB_REPOSITORY is unset, so the trust policies name {}; set it to OWNER/NAME to fill it in",
                    trust::REPOSITORY_PLACEHOLDER
                );
                trust::REPOSITORY_PLACEHOLDER
            }
            r => r,
        };
        let trust_prs = run.settings.pull_request_trust;
        let doc = accounts::per_role(&run.contract, &region, repository, trust_prs);
        println!("{}", serde_json::to_string_pretty(&doc)?);
        if trust_prs {
            eprintln!(
                "warning: --pull-request-trust: the statement `{}` of each deploy role's trust policy lets \
                 every pull-request job of {repository} assume it and do all the role may, past the \
                 environments' protection rules: docs/security.md, \"Security\"",
                trust::PULL_REQUEST_SID
            );
        } else {
            eprintln!(
                "note: pull-request jobs assume no deploy role: give them each account's read-only \
                 `validate-policy` role (trust: `validate-trust-policy`): docs/security.md, \"Creating the roles\""
            );
        }
        return Ok(End::Done(Outcome::Success));
    }
    let region = run::region(&run.contract).await?;
    let account = run.contract.account.as_ref().map(|a| a.value.as_str());
    let policy = policy::policy(&run.contract, account, &region);
    println!("{}", serde_json::to_string_pretty(&policy)?);
    Ok(End::Done(Outcome::Success))
}
