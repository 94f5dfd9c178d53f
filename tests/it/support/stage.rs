//! One promotion target for the canary and fault tests: moto seeded with function `worker`
//! (version 1 on image v1, alias `live` → 1), images v1 and v2 in ECR, its log group with an
//! old-version stream, and a fault proxy in front; the binary talks to the proxy, the test
//! reads moto directly.

use super::{Aws, Moto, Proxy, Realism, Run, today};
use serde_json::{Value, json};

pub const FUNCTION: &str = "worker";
pub const GROUP: &str = "/aws/lambda/worker";

pub struct Stage {
    pub moto: Moto,
    pub proxy: Proxy,
    pub aws: Aws,
    pub seeded: Value,
}

impl Stage {
    /// A stage with the log group; `seed` seeds the proxy's RNG.
    pub fn start(seed: u64) -> Stage {
        Self::start_with(seed, true)
    }

    pub fn start_with(seed: u64, log_group: bool) -> Stage {
        Self::start_functions(seed, &[FUNCTION], log_group)
    }

    /// A stage whose proxy models what AWS does and moto does not (`Realism::new()`).
    pub fn realistic(seed: u64) -> Stage {
        let stage = Self::start(seed);
        stage.proxy.model(Realism::new());
        stage
    }

    /// Functions `names`, each at version 1 on image v1 behind alias `live`; the log group
    /// is `worker`'s.
    pub fn start_functions(seed: u64, names: &[&str], log_group: bool) -> Stage {
        let moto = Moto::start();
        let functions: Vec<Value> = names
            .iter()
            .map(|name| {
                json!({
                    "name": name,
                    "versions": [{"image": {"repository": "worker", "tag": "v1"}}],
                    "aliases": [{"name": "live", "version": 1, "description": "seeded"}]
                })
            })
            .collect();
        let mut spec = json!({
            "ecr": [{"repository": "worker", "images": [
                {"name": "v1", "tags": ["v1"]},
                {"name": "v2", "tags": ["v2"]}
            ]}],
            "functions": functions
        });
        if log_group {
            spec["log_groups"] = json!([{"name": GROUP, "streams": [
                {"name": "{date}/[1]old", "events": [{"message": "START Version: 1", "ago_ms": 1000}]}
            ]}]);
        }
        let seeded = moto.seed(spec);
        let proxy = Proxy::start(moto.port(), seed);
        let aws = Aws::new(&moto.endpoint());
        Stage {
            moto,
            proxy,
            aws,
            seeded,
        }
    }

    /// `REPO:TAG` of a seeded image (the binary resolves the tag to its digest).
    pub fn image(&self, tag: &str) -> String {
        let repo = self.seeded["repositories"]["worker"]["uri"]
            .as_str()
            .expect("repository uri");
        format!("{repo}:{tag}")
    }

    pub fn digest(&self, tag: &str) -> String {
        self.seeded["images"][tag]["digest"]
            .as_str()
            .expect("image digest")
            .to_owned()
    }

    /// `promote` of environment `prod` (branch main) to image `tag` through the proxy;
    /// `extra` is YAML added under the environment (4-space indent).
    pub fn promote(&self, tag: &str, extra: &str) -> Run {
        Run::action()
            .push_branch("main")
            .endpoint(&self.proxy.endpoint())
            .contract_text(&contract(extra))
            .input("command", "promote")
            .input("image", &self.image(tag))
    }

    /// `rollback` of environment `prod` through the proxy.
    pub fn rollback(&self, extra: &str) -> Run {
        Run::action()
            .push_branch("main")
            .endpoint(&self.proxy.endpoint())
            .contract_text(&contract(extra))
            .input("command", "rollback")
    }

    /// Writes messages into a log stream `TODAY/[VERSION]SUFFIX` of the function's group.
    pub fn log(&self, version: &str, suffix: &str, messages: &[&str]) {
        let stream = format!("{}/[{version}]{suffix}", today());
        self.aws.put_events(GROUP, &stream, messages);
    }

    /// Asserts the alias is on `version` with no routing.
    pub fn assert_alias(&self, version: &str) {
        let alias = self.aws.alias(FUNCTION, "live");
        assert_eq!(alias.version, version, "alias version: {alias:?}");
        assert!(
            alias.weights.is_empty(),
            "routing left on the alias: {alias:?}"
        );
    }
}

/// The contract with one environment `prod` for function `worker`.
pub fn contract(extra: &str) -> String {
    format!(
        "version: 1\nregion: us-east-1\nenvironments:\n  prod:\n    when: {{ branch: main }}\n    \
         image: input\n    functions: [{{ name: {FUNCTION} }}]\n{extra}"
    )
}

/// A canary strategy block for [`contract`].
pub fn canary(steps: &str, interval: &str) -> String {
    format!(
        "    strategy:\n      canary:\n        steps: {steps}\n        interval: {interval}\n        \
         max-errors: 0\n        error-pattern: ERROR\n"
    )
}
