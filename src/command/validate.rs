//! `validate`: the contract checks of the environments the `environment` input names (all
//! of them when it is empty) against live AWS, with the PR comment on a pull request
//! (`ops/validate.rs`). Never writes to AWS.

use crate::ops;
use crate::run::{End, Run};

pub async fn validate(run: &Run) -> anyhow::Result<End> {
    let envs = ops::shards::environments(&run.settings, &run.contract)?;
    ops::validate::environments(run, &envs).await
}
