//! Three environments in three accounts for the multi-account tests: dev in
//! 111111111111, staging in 222222222222, production in 333333333333 (us-east-1, plus
//! eu-west-1 for production's second shard), each assumed with the job's OIDC token
//! from the stand-in, behind the fault proxy.
//!
//! moto resolves a function's image in the function's own account and region, whatever
//! registry the URI names (`moto/awslambda/models.py`, `_set_function_code`), so the same
//! images (same digests) are pushed to every account; AWS pulls from the registry the URI
//! names, and the repository policy of dev's registry decides who may (checked by the
//! binary before any write).

use super::{Moto, OidcStandIn, Proxy, Run, seed_in};
use serde_json::{Value, json};

pub const DEV: &str = "111111111111";
pub const STAGING: &str = "222222222222";
pub const PROD: &str = "333333333333";

pub fn role(account: &str) -> String {
    format!("arn:aws:iam::{account}:role/deploy")
}

pub struct World {
    pub moto: Moto,
    pub proxy: Proxy,
    pub oidc: OidcStandIn,
    /// `name` → digest of the seeded images (the same in every account).
    pub digests: Value,
}

/// The repository policy of dev's registry: staging and production may pull (the two
/// statements of the Lambda documentation for each), unless `grant_prod` is false.
fn repository_policy(grant_prod: bool) -> Value {
    let accounts: Vec<&str> = if grant_prod {
        vec![STAGING, PROD]
    } else {
        vec![STAGING]
    };
    let mut statements = Vec::new();
    for a in accounts {
        statements.push(
            json!({"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{a}:root")},
            "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]}),
        );
        statements.push(json!({"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            "Condition": {"StringLike": {"aws:sourceARN": format!("arn:aws:lambda:*:{a}:function:*")}}}));
    }
    json!({"Version": "2012-10-17", "Statement": statements})
}

fn spec(policy: Option<Value>, function: &str, version_image: &str) -> Value {
    let mut ecr = json!({"repository": "app", "images": [
        {"name": "v0", "tags": ["v0"]}, {"name": "v1", "tags": ["v1"]}
    ]});
    if let Some(p) = policy {
        ecr["policy"] = p;
    }
    json!({
        "ecr": [ecr],
        "functions": [{
            "name": function,
            "versions": [{"image": {"repository": "app", "tag": version_image}}],
            "aliases": [{"name": "live", "version": 1, "description": "seeded"}]
        }]
    })
}

impl World {
    /// dev serves v1; staging and production serve v0 (production in two regions).
    pub fn start(grant_prod: bool) -> World {
        let moto = Moto::start();
        let seeded = seed_in(
            &moto,
            DEV,
            "us-east-1",
            &spec(Some(repository_policy(grant_prod)), "worker-dev", "v1"),
        );
        seed_in(
            &moto,
            STAGING,
            "us-east-1",
            &spec(None, "worker-staging", "v0"),
        );
        seed_in(&moto, PROD, "us-east-1", &spec(None, "worker-prod", "v0"));
        seed_in(
            &moto,
            PROD,
            "eu-west-1",
            &spec(None, "worker-prod-eu", "v0"),
        );
        let proxy = Proxy::start(moto.port(), 12);
        World {
            moto,
            proxy,
            oidc: OidcStandIn::start(),
            digests: json!({
                "v0": seeded["images"]["v0"]["digest"],
                "v1": seeded["images"]["v1"]["digest"],
            }),
        }
    }

    pub fn digest(&self, name: &str) -> String {
        self.digests[name].as_str().expect("digest").to_string()
    }

    /// The contract: one role per environment; production spans two regions.
    pub fn contract() -> String {
        format!(
            "version: 1
region: us-east-1
environments:
  dev:
    role: {}
    when: {{ branch: dev }}
    image: input
    functions: [{{ name: worker-dev }}]
  staging:
    role: {}
    when: {{ branch: main }}
    image: {{ from: dev }}
    functions: [{{ name: worker-staging }}]
  production:
    role: {}
    when: {{ tag: \"v*.*.*\" }}
    image: {{ from: staging }}
    functions:
      - name: worker-prod
      - name: worker-prod-eu
        region: eu-west-1
",
            role(DEV),
            role(STAGING),
            role(PROD)
        )
    }

    /// The binary as the action, with the job's OIDC variables, through the proxy.
    pub fn action(&self) -> Run {
        Run::action()
            .endpoint(&self.proxy.endpoint())
            .contract_text(&Self::contract())
            .env("ACTIONS_ID_TOKEN_REQUEST_URL", &self.oidc.url())
            .env("ACTIONS_ID_TOKEN_REQUEST_TOKEN", &self.oidc.bearer)
    }

    /// The alias `live` of `function` in `account`/`region`: (version, description).
    pub fn live(&self, account: &str, region: &str, function: &str) -> (String, String) {
        super::alias_in(&self.moto.endpoint(), account, region, function, "live")
    }
}
