//! `iam-policy` (CLI only): print the least-privilege IAM policy for the
//! contract, in the region the other commands would work in. A contract with
//! roles, or environments in several accounts or regions, gets one entry per
//! account with the role's trust policy (README, "Creating the roles").
//! Calls no AWS API.

use crate::aws::{policy, policy_accounts, trust_policy};
use crate::report::model::Outcome;
use crate::run::{self, End, Run};

pub async fn run(run: &Run) -> anyhow::Result<End> {
    if run.contract.placement != Default::default() {
        let region = run::region(&run.contract).await.unwrap_or_default();
        let repository = match run.runner.info.repository.as_str() {
            "" => {
                eprintln!(
                    "note: GITHUB_REPOSITORY is unset, so the trust policies name {}; set it to OWNER/NAME to fill it in",
                    trust_policy::REPOSITORY_PLACEHOLDER
                );
                trust_policy::REPOSITORY_PLACEHOLDER
            }
            r => r,
        };
        let doc = policy_accounts::per_account(&run.contract, &region, repository);
        println!("{}", serde_json::to_string_pretty(&doc)?);
        eprintln!(
            "note: the statement `{}` of each trust policy lets every pull-request job of {repository} \
             assume that deploy role (so `validate` can check the environment), and with it do all \
             the role may; remove it from the roles of protected environments, or give pull requests \
             a read-only role (`validate-policy`): README, \"Creating the roles\"",
            trust_policy::PULL_REQUEST_SID
        );
        return Ok(End::Done(Outcome::Success));
    }
    let region = run::region(&run.contract).await?;
    let account = run.contract.account.as_ref().map(|a| a.value.as_str());
    let policy = policy::policy(&run.contract, account, &region);
    println!("{}", serde_json::to_string_pretty(&policy)?);
    Ok(End::Done(Outcome::Success))
}
