//! The world a campaign run acts on: moto seeded with the scenario's functions (version 1 on
//! image v1 behind alias `live`, each with its log group), a function only a secret names,
//! an alarm, and the realism proxy in front with the scenario's fault rules.

use super::scenario::{Command, Fault, Scenario, Strategy};
use crate::support::seed::{function_on_v1, repository};
use crate::support::{
    Action, Aws, Fault as ProxyFault, Match, Moto, Proxy, Quotas, Realism, Rule, Run,
};
use aws_sdk_cloudwatch::types::StateValue;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

/// A job secret: the name of a function the contract names only through `SECRET_FN`.
pub const SECRET: &str = "payments-hidden-7f3a9c";
pub const ALARM: &str = "campaign-errors";
/// How long a landing hung write is held before it reaches moto.
pub const LANDS_AFTER: Duration = Duration::from_secs(3);

pub struct World {
    /// Kept for its lifetime: moto stops when the world is dropped.
    pub _moto: Moto,
    pub proxy: Proxy,
    pub aws: Aws,
    pub seeded: Value,
}

impl World {
    pub fn start(s: &Scenario) -> World {
        let moto = Moto::start();
        let mut functions: Vec<Value> = s.names().iter().map(|n| function_on_v1(n)).collect();
        functions.push(
            json!({"name": SECRET, "versions": [{"image": {"repository": "worker", "tag": "v1"}}]}),
        );
        let groups: Vec<Value> = s
            .names()
            .iter()
            .map(|n| json!({"name": format!("/aws/lambda/{n}"), "streams": [
                {"name": "{date}/[1]old", "events": [{"message": "START Version: 1", "ago_ms": 1000}]}
            ]}))
            .collect();
        let seeded = moto.seed(json!({
            "ecr": [repository("worker", &["v1", "v2"])],
            "functions": functions,
            "log_groups": groups,
        }));
        let proxy = Proxy::start(moto.port(), s.seed);
        let mut realism = Realism::new().allocation_takes(Duration::from_millis(300));
        realism.update_takes = Duration::from_millis(300);
        realism.ingestion_delay = Duration::from_millis(300);
        proxy.model(realism);
        let aws = Aws::new(&moto.endpoint());
        if matches!(s.fault, Fault::AlarmFires) {
            aws.create_alarm(ALARM);
            aws.set_alarm(ALARM, StateValue::Ok);
        }
        World {
            _moto: moto,
            proxy,
            aws,
            seeded,
        }
    }

    /// `REPO:TAG` of a seeded image.
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

    /// The scenario's command as the runner starts it, through the proxy.
    pub fn run(&self, s: &Scenario, command: Command) -> Run {
        let run = Run::action()
            .push_branch("main")
            .endpoint(&self.proxy.endpoint())
            .contract_text(&contract(s))
            .env("SECRET_FN", SECRET)
            .unchecked_call(
                "lambda:GetFunction",
                SECRET,
                "the `function` check's `name-env` names a function outside the contract's, \
                 which iam-policy does not grant (docs/choices.md): it holds the secret whose \
                 leaks the campaign looks for, so the contract cannot name it",
            )
            .input("timeout", "45s")
            .timeout(Duration::from_secs(150));
        match command {
            Command::Promote => run
                .input("command", "promote")
                .input("image", &self.image("v2")),
            Command::Rollback => run.input("command", "rollback"),
        }
    }

    /// Installs the fault's proxy rules and model changes (the timed parts are `drive.rs`'s).
    pub fn arm(&self, s: &Scenario) {
        let names = s.names();
        match &s.fault {
            Fault::Lost {
                op,
                skip,
                times,
                how,
                then_fail,
            } => {
                self.proxy
                    .with_model(|m| m.lose_after(op, *skip, *times, *how));
                if *then_fail > 0 {
                    let fault = ProxyFault::status(500, "ServiceException", &secret_message());
                    let rule = Rule::new(Match::op(op), Action::Fail(fault));
                    self.proxy.add(rule.skip(skip + times).times(*then_fail));
                }
            }
            Fault::Burst {
                op,
                throttle,
                skip,
                times,
            } => {
                let when = op.map_or_else(Match::any, Match::op);
                let fault = match (throttle, op) {
                    (true, _) => ProxyFault::Throttle,
                    // A Lambda 5xx whose message names the secret, as AWS names resources.
                    (false, Some(_)) => {
                        ProxyFault::status(500, "ServiceException", &secret_message())
                    }
                    (false, None) => ProxyFault::ServerError,
                };
                let rule = Rule::new(when, Action::Fail(fault))
                    .skip(*skip)
                    .times(*times);
                self.proxy.add(rule);
            }
            Fault::HangThenSignal {
                op, skip, lands, ..
            } => {
                let action = if *lands {
                    Action::Delay(super::world::LANDS_AFTER)
                } else {
                    Action::Hang
                };
                self.proxy
                    .add(Rule::new(Match::op(op), action).skip(*skip).times(1));
            }
            Fault::FailingCheck { function, .. } => {
                let path = format!("/functions/{}/", names[*function]);
                let when = Match::op("Invoke").path(&path);
                self.proxy.add(Rule::new(when, Action::unhandled()));
            }
            Fault::LoweredLimits { failing_smoke } => {
                self.proxy.enforce(Arc::new(Quotas::lambda(1.0, 100.0)));
                if *failing_smoke {
                    let path = format!("/functions/{}/", names[names.len() - 1]);
                    let when = Match::op("Invoke").path(&path);
                    self.proxy.add(Rule::new(when, Action::unhandled()));
                }
            }
            Fault::None | Fault::Signal { .. } | Fault::LogErrors { .. } | Fault::AlarmFires => {}
        }
    }
}

/// An AWS error message that names the secret function, as `AccessDenied` names resources.
pub fn secret_message() -> String {
    format!(
        "User: arn:aws:sts::123456789012:assumed-role/deploy/gh is not authorized to perform: \
         lambda:GetFunction on resource: arn:aws:lambda:us-east-1:123456789012:function:{SECRET}"
    )
}

/// The contract of environment `prod`: the scenario's functions, strategy and checks.
pub fn contract(s: &Scenario) -> String {
    let list: Vec<String> = s
        .names()
        .iter()
        .map(|n| format!("{{ name: {n} }}"))
        .collect();
    let limits = if matches!(s.fault, Fault::LoweredLimits { .. }) {
        "limits: { lambda-control-plane: 1 }\n"
    } else {
        ""
    };
    let mut text = format!(
        "version: 1\nregion: us-east-1\n{limits}environments:\n  prod:\n    when: {{ branch: main }}\n    \
         image: input\n    functions: [{}]\n    checks:\n      - function: {{ name-env: SECRET_FN }}\n",
        list.join(", ")
    );
    if s.smoke {
        text.push_str("    smoke-test:\n      payload: '{\"smoke\": true}'\n");
    }
    if matches!(
        s.fault,
        Fault::FailingCheck {
            post_traffic: true,
            ..
        }
    ) {
        text.push_str("    post-traffic:\n      payload: '{\"check\": true}'\n");
    }
    let alarms = if matches!(s.fault, Fault::AlarmFires) {
        format!("        alarms: [{ALARM}]\n")
    } else {
        String::new()
    };
    match s.strategy {
        Strategy::AllAtOnce => {}
        Strategy::Canary(steps) => text.push_str(&format!(
            "    strategy:\n      canary:\n        steps: {steps}\n        interval: 1s\n        \
             max-errors: 0\n        error-pattern: ERROR\n{alarms}"
        )),
        Strategy::Linear => text.push_str(&format!(
            "    strategy:\n      linear:\n        step: 50\n        interval: 1s\n{alarms}"
        )),
    }
    text
}
