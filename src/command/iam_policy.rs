//! `iam-policy` (CLI only): print the least-privilege IAM policy for the
//! contract, in the region the other commands would work in. Calls no AWS API.

use crate::aws::policy;
use crate::report::model::Outcome;
use crate::run::{self, End, Run};

pub async fn run(run: &Run) -> anyhow::Result<End> {
    let region = run::region(&run.contract).await?;
    let account = run.contract.account.as_ref().map(|a| a.value.as_str());
    let policy = policy::policy(&run.contract, account, &region);
    println!("{}", serde_json::to_string_pretty(&policy)?);
    Ok(End::Done(Outcome::Success))
}
