//! `status` (action and CLI): what the aliases of the environments the `environment`
//! input names (all when it is empty) serve now, with the way back and the contract's
//! drift (`ops/status.rs`). Never writes to AWS; needs only the validate policy.

use crate::ops;
use crate::run::{End, Run};

pub async fn status(run: &Run) -> anyhow::Result<End> {
    let envs = ops::shards::environments(&run.settings, &run.contract)?;
    ops::status::environments(run, &envs).await
}
