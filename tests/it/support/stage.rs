//! One promotion target for the canary and fault tests: moto seeded with function `worker`
//! (version 1 on image v1, alias `live` → 1), images v1 and v2 in ECR, its log group with an
//! old-version stream, and a fault proxy in front running the realism model (what AWS does
//! and moto does not); the binary talks to the proxy, the test reads moto directly.

use super::seed::{function_on_v1, world};
use super::{Action, Aws, Match, Moto, Proxy, Realism, Rule, Run, Seen, today};
use serde_json::{Value, json};
use std::time::Duration;

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

    /// A stage whose proxy models what AWS does and moto does not (`Realism::new()`): what
    /// every stage does (the name stays for the tests that say it).
    pub fn realistic(seed: u64) -> Stage {
        Self::start(seed)
    }

    /// A stage on bare moto, without the realism model: only for a test that says why
    /// (`reason`), such as one that measures the proxy's own fault rules in isolation.
    pub fn bare(seed: u64, reason: &str) -> Stage {
        Self::bare_functions(seed, &[FUNCTION], true, reason)
    }

    /// [`Stage::start_functions`] on bare moto, for a test that says why (`reason`).
    pub fn bare_functions(seed: u64, names: &[&str], log_group: bool, reason: &str) -> Stage {
        assert!(
            !reason.trim().is_empty(),
            "a bare stage needs a stated reason"
        );
        Self::start_bare(seed, names, log_group)
    }

    /// Functions `names`, each at version 1 on image v1 behind alias `live`; the log group
    /// is `worker`'s. The proxy runs the realism model (issue 19: the default for every
    /// binary test; `Stage::bare` opts out with a reason).
    pub fn start_functions(seed: u64, names: &[&str], log_group: bool) -> Stage {
        let stage = Self::start_bare(seed, names, log_group);
        stage.proxy.model(Realism::new());
        stage
    }

    /// [`Stage::start_functions`] with a CloudFront distribution `app` in moto too
    /// (`seeded["distributions"]["app"]["id"]`).
    pub fn with_distribution(seed: u64, names: &[&str]) -> Stage {
        let stage = Self::start_world(seed, names, true, true);
        stage.proxy.model(Realism::new());
        stage
    }

    fn start_bare(seed: u64, names: &[&str], log_group: bool) -> Stage {
        Self::start_world(seed, names, log_group, false)
    }

    fn start_world(seed: u64, names: &[&str], log_group: bool, distribution: bool) -> Stage {
        let moto = Moto::start();
        let functions = names.iter().map(|name| function_on_v1(name)).collect();
        let mut spec = world(&["v1", "v2"], functions);
        if distribution {
            spec["cloudfront"] =
                json!([{"comment": "app", "aliases": ["app.example.com"], "enabled": true}]);
        }
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

    /// `validate` of environment `prod` through the proxy, as on a pull request.
    pub fn validate(&self, extra: &str) -> Run {
        Run::action()
            .endpoint(&self.proxy.endpoint())
            .contract_text(&contract(extra))
            .input("command", "validate")
    }

    /// Waits until the proxy has forwarded `n` requests of `op`; fails the test after a minute.
    pub fn wait_for(&self, op: &str, n: usize) {
        assert!(
            self.proxy.wait_for(op, n, Duration::from_secs(60)),
            "no {n} {op} request within a minute: {:#?}",
            self.proxy.counts()
        );
    }

    /// Waits for the canary's first alias write (its first step).
    pub fn wait_canary_started(&self) {
        self.wait_for("UpdateAlias", 1);
    }

    /// The `UpdateAlias` requests the binary made, in order.
    pub fn alias_writes(&self) -> Vec<Seen> {
        self.proxy
            .log()
            .into_iter()
            .filter(|s| s.op == "UpdateAlias")
            .collect()
    }

    /// The version the alias routes its canary share to.
    pub fn routed_version(&self) -> String {
        self.aws
            .alias(FUNCTION, "live")
            .weights
            .keys()
            .next()
            .cloned()
            .expect("the canary routes a share")
    }

    /// Writes messages into a log stream `TODAY/[VERSION]SUFFIX` of the function's group.
    pub fn log(&self, version: &str, suffix: &str, messages: &[&str]) {
        let stream = format!("{}/[{version}]{suffix}", today());
        self.aws.put_events(GROUP, &stream, messages);
    }

    /// The update's settling takes `secs` longer (one `GetFunction` after the update held):
    /// a `timeout` shorter than the canary is refused before any write, so a test that needs
    /// the deadline to pass mid-canary lets a slow update eat part of it, as in life.
    pub fn slow_update(&self, secs: u64) {
        self.proxy.add(
            Rule::new(Match::op("GetFunction"), Action::hold(secs, None))
                .after("UpdateFunctionCode")
                .times(1),
        );
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

/// A contract with one environment `name`, on branch dev, of `functions`; `rest` is YAML
/// under the environment (4-space indent).
pub fn dev_contract(name: &str, functions: &[&str], rest: &str) -> String {
    let list: Vec<String> = functions
        .iter()
        .map(|f| format!("{{ name: {f} }}"))
        .collect();
    format!(
        "version: 1\nregion: us-east-1\nenvironments:\n  {name}:\n    when: {{ branch: dev }}\n    \
         image: input\n    functions: [{}]\n{rest}",
        list.join(", ")
    )
}

/// A smoke-test block for [`contract`].
pub const SMOKE: &str = "    smoke-test:\n      payload: '{\"smoke\": true}'\n";

/// A canary strategy block for [`contract`].
pub fn canary(steps: &str, interval: &str) -> String {
    format!(
        "    strategy:\n      canary:\n        steps: {steps}\n        interval: {interval}\n        \
         max-errors: 0\n        error-pattern: ERROR\n"
    )
}
