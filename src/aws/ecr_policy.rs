//! `GetRepositoryPolicy`: the repository policy that decides whether another
//! account's functions may pull an image (docs/accounts.md, "Cross-account promotion").

use super::error::AwsError;
use super::handles::Read;
use super::operations as ops;
use super::types::Lookup;

impl Read {
    /// The policy text of `repository` in `registry`; `Missing` when it has none.
    pub async fn repository_policy(&self, registry: &str, repository: &str) -> Lookup<String> {
        let req = self
            .c()
            .ecr
            .get_repository_policy()
            .registry_id(registry)
            .repository_name(repository);
        let r = self
            .c()
            .call(ops::GET_REPOSITORY_POLICY, repository, || {
                req.clone().send()
            })
            .await;
        match r {
            Ok(out) => Lookup::Found(out.policy_text().unwrap_or_default().to_string()),
            // ECR says `RepositoryPolicyNotFoundException` for a repository with
            // no policy (classified NotFound, as is a missing repository).
            Err(AwsError { code, .. }) if code == "RepositoryPolicyNotFoundException" => {
                Lookup::Missing
            }
            Err(e) => Lookup::from_result(Err(e)),
        }
    }
}
