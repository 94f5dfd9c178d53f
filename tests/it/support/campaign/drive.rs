//! Runs the scenario's command and plays the timed part of its fault while the binary runs:
//! a signal at a drawn moment, error lines in a function's logs, an alarm that fires.

use super::scenario::{Fault, Scenario};
use super::world::{ALARM, LANDS_AFTER, World};
use crate::support::Running;
use crate::support::{RunResult, lambda_stream, now_ms};
use aws_sdk_cloudwatch::types::StateValue;
use std::thread::sleep;
use std::time::{Duration, Instant};

/// Polls `ready` until it holds or the binary has ended; true when it holds.
fn until(running: &mut Running, mut ready: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        if ready() {
            return true;
        }
        if !running.running() {
            return false;
        }
        sleep(Duration::from_millis(20));
    }
    false
}

/// Whether the proxy has seen an alias write to `function` (any when `None`).
fn alias_written(world: &World, function: Option<&str>) -> bool {
    world.proxy.log().iter().any(|s| {
        s.op == "UpdateAlias" && function.is_none_or(|f| s.path.contains(&format!("/{f}/")))
    })
}

/// Sends `signal` `after_ms` after `ready` holds, unless the binary ended first.
fn signal_when(running: &mut Running, ready: impl FnMut() -> bool, after_ms: u64, signal: &str) {
    if until(running, ready) {
        sleep(Duration::from_millis(after_ms));
        running.try_signal(signal);
    }
}

/// Writes an error line into function `name`'s new-version stream once its traffic moved.
fn log_errors(world: &World, running: &mut Running, name: &str) {
    if until(running, || alias_written(world, Some(name))) {
        let stream = lambda_stream("2", now_ms(), "campaign");
        let group = format!("/aws/lambda/{name}");
        world
            .aws
            .put_events(&group, &stream, &["ERROR the new version fails"]);
    }
}

/// Puts the canary's alarm into `ALARM` once traffic moved.
fn fire_alarm(world: &World, running: &mut Running) {
    if until(running, || alias_written(world, None)) {
        world.aws.set_alarm(ALARM, StateValue::Alarm);
    }
}

/// Starts the run, plays the fault, waits for the end and for any held write to land.
pub fn drive(world: &World, s: &Scenario, command: super::scenario::Command) -> RunResult {
    let mut running = world.run(s, command).spawn();
    match &s.fault {
        Fault::Signal {
            signal,
            after_requests,
            after_ms,
        } => signal_when(
            &mut running,
            || world.proxy.log().len() >= *after_requests,
            *after_ms,
            signal,
        ),
        Fault::HangThenSignal {
            signal, after_ms, ..
        } => signal_when(&mut running, || world.proxy.held() > 0, *after_ms, signal),
        Fault::LogErrors { function } => log_errors(world, &mut running, &s.names()[*function]),
        Fault::AlarmFires => fire_alarm(world, &mut running),
        _ => {}
    }
    let r = running.wait();
    if let Fault::HangThenSignal { lands: true, .. } = s.fault {
        // The held write reaches moto LANDS_AFTER after it was sent.
        sleep(LANDS_AFTER + Duration::from_millis(500));
    }
    r
}
