//! One campaign run, drawn from its seed (pure: the same seed always gives the same run):
//! how many functions, which command and strategy, and one fault from the menu of issue 19.

use crate::support::{Lost, SplitMix};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    Promote,
    /// `rollback` after a fault-free promotion to v2.
    Rollback,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    AllAtOnce,
    /// Canary steps, as the contract spells them.
    Canary(&'static str),
    /// `linear: { step: 50 }`.
    Linear,
}

/// One fault of the menu.
#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    /// No fault: the control.
    None,
    /// Answers to `op` lost after moto applied the write (`skip` delivered first), then
    /// `then_fail` more attempts answered 500 without reaching moto (issue 19,
    /// reproduction 2: a landed write whose retries all fail).
    Lost {
        op: &'static str,
        skip: u32,
        times: u32,
        how: Lost,
        then_fail: u32,
    },
    /// A burst of throttling (or 5xx) answers on `op` (any request when `None`).
    Burst {
        op: Option<&'static str>,
        throttle: bool,
        skip: u32,
        times: u32,
    },
    /// The `skip`-th next call of `op` hangs (`lands`: it reaches AWS 3 s later all the same);
    /// `signal` is sent `after_ms` after the call was made.
    HangThenSignal {
        op: &'static str,
        skip: u32,
        lands: bool,
        signal: &'static str,
        after_ms: u64,
    },
    /// `signal` once the binary made `after_requests` requests, plus `after_ms`.
    Signal {
        signal: &'static str,
        after_requests: usize,
        after_ms: u64,
    },
    /// Function `function`'s smoke test (or post-traffic check) answers `Unhandled`.
    FailingCheck { post_traffic: bool, function: usize },
    /// Function `function`'s new version logs `ERROR` once its canary started.
    LogErrors { function: usize },
    /// The canary's alarm enters `ALARM` once traffic moved.
    AlarmFires,
    /// `limits: { lambda-control-plane: 1 }` under a proxy that enforces 1/s, and maybe the
    /// last function's smoke test failing (issue 19, reproduction 5).
    LoweredLimits { failing_smoke: bool },
}

#[derive(Clone, Debug)]
pub struct Scenario {
    pub seed: u64,
    pub functions: usize,
    pub command: Command,
    pub strategy: Strategy,
    pub smoke: bool,
    pub fault: Fault,
}

struct Draw(SplitMix);

impl Draw {
    fn below(&mut self, n: u64) -> u64 {
        self.0.next_u64() % n
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
    fn coin(&mut self) -> bool {
        self.below(2) == 0
    }
}

const SIGNALS: &[&str] = &["TERM", "INT"];
const WRITES: &[&str] = &["UpdateFunctionCode", "PublishVersion", "UpdateAlias"];

impl Scenario {
    pub fn draw(seed: u64) -> Scenario {
        let mut d = Draw(SplitMix::new(seed));
        let command = if d.below(5) == 0 {
            Command::Rollback
        } else {
            Command::Promote
        };
        let functions = 1 + d.below(3) as usize;
        let strategy = d.pick(&[
            Strategy::AllAtOnce,
            Strategy::Canary("[30]"),
            Strategy::Canary("[20, 60]"),
            Strategy::Linear,
        ]);
        let mut s = Scenario {
            seed,
            functions,
            command,
            strategy,
            smoke: d.coin(),
            fault: Fault::None,
        };
        s.fault = match command {
            Command::Promote => promote_fault(&mut d, &mut s),
            Command::Rollback => rollback_fault(&mut d),
        };
        s
    }

    pub fn canary(&self) -> bool {
        !matches!(self.strategy, Strategy::AllAtOnce)
    }

    /// Function names, `fn-a`, `fn-b`, …
    pub fn names(&self) -> Vec<String> {
        (0..self.functions)
            .map(|i| format!("fn-{}", (b'a' + i as u8) as char))
            .collect()
    }
}

fn lost(d: &mut Draw, op: &'static str) -> Fault {
    Fault::Lost {
        op,
        skip: d.below(3) as u32,
        times: 1 + d.below(2) as u32,
        how: d.pick(&[Lost::ServerError, Lost::Reset]),
        then_fail: d.pick(&[0, 0, 2, 5]),
    }
}

fn burst(d: &mut Draw, ops: &[&'static str]) -> Fault {
    Fault::Burst {
        op: if d.coin() { None } else { Some(d.pick(ops)) },
        throttle: d.coin(),
        skip: d.below(8) as u32,
        times: 1 + d.below(8) as u32,
    }
}

fn hang(d: &mut Draw, ops: &[&'static str]) -> Fault {
    let op = d.pick(ops);
    Fault::HangThenSignal {
        op,
        skip: d.below(2) as u32,
        lands: WRITES.contains(&op) && d.coin(),
        signal: d.pick(SIGNALS),
        after_ms: d.below(1500),
    }
}

fn signal(d: &mut Draw) -> Fault {
    Fault::Signal {
        signal: d.pick(SIGNALS),
        after_requests: 1 + d.below(40) as usize,
        after_ms: d.below(500),
    }
}

fn promote_fault(d: &mut Draw, s: &mut Scenario) -> Fault {
    let function = d.below(s.functions as u64) as usize;
    match d.below(10) {
        0 => Fault::None,
        1 => {
            let op = d.pick(WRITES);
            lost(d, op)
        }
        2 => burst(
            d,
            &[
                "UpdateAlias",
                "GetFunction",
                "PublishVersion",
                "FilterLogEvents",
            ],
        ),
        3 => {
            let mut ops = vec![
                "UpdateAlias",
                "UpdateFunctionCode",
                "PublishVersion",
                "GetFunction",
            ];
            if s.smoke {
                ops.push("Invoke");
            }
            if s.canary() {
                ops.push("FilterLogEvents");
            }
            hang(d, &ops)
        }
        4 => signal(d),
        5 => {
            let post_traffic = d.coin();
            s.smoke = s.smoke || !post_traffic;
            Fault::FailingCheck {
                post_traffic,
                function,
            }
        }
        6 | 7 => {
            if !s.canary() {
                s.strategy = Strategy::Canary("[30]");
            }
            if d.coin() {
                Fault::LogErrors { function }
            } else {
                Fault::AlarmFires
            }
        }
        _ => {
            s.functions = 4;
            let failing_smoke = d.coin();
            s.smoke = s.smoke || failing_smoke;
            Fault::LoweredLimits { failing_smoke }
        }
    }
}

fn rollback_fault(d: &mut Draw) -> Fault {
    match d.below(5) {
        0 => Fault::None,
        1 => lost(d, "UpdateAlias"),
        2 => burst(d, &["UpdateAlias", "GetAlias", "GetFunction"]),
        3 => hang(d, &["UpdateAlias", "GetAlias", "GetFunction"]),
        _ => signal(d),
    }
}
