//! The fault campaign of issue 19: seeded runs of the binary against moto behind the realism
//! proxy, each with one fault from the menu, each checked against the safety invariant of
//! SPEC §10 (docs/safety.md, "Safety"). `scenario` draws a run from its seed, `world` sets it up,
//! `drive` plays it, `invariant` judges it.

mod drive;
mod invariant;
mod scenario;
mod world;

pub use crate::support::Lost;
pub use scenario::{Command, Fault, Scenario, Strategy};

use std::time::Instant;

/// What one seed did.
#[derive(Debug)]
pub struct Verdict {
    pub scenario: Scenario,
    /// `result` and exit code, for the log line.
    pub ended: String,
    /// The clauses of the invariant it broke; empty when it held.
    pub broken: Vec<String>,
    pub seconds: f64,
}

/// Plays seed `seed` from a fresh moto and judges it.
pub fn play(seed: u64) -> Verdict {
    play_scenario(Scenario::draw(seed))
}

/// Plays one scenario (drawn, or written out by a regression test) and judges it.
pub fn play_scenario(scenario: Scenario) -> Verdict {
    let started = Instant::now();
    let seed = scenario.seed;
    let world = world::World::start(&scenario);
    let names = scenario.names();
    if scenario.command == Command::Rollback {
        // A fault-free promotion first: every alias 1 → 2, recording previous=1.
        let r = world.run(&scenario, Command::Promote).execute();
        assert_eq!(
            r.output("result"),
            Some("success"),
            "seed {seed}: the setup promotion: {}",
            r.stderr
        );
        world.proxy.clear_log();
    }
    world.arm(&scenario);
    let before = invariant::serving(&world, &names);
    let r = drive::drive(&world, &scenario, scenario.command);
    let broken = invariant::check(&world, &scenario, &before, &r);
    let ended = format!(
        "{} exit {:?} rolled-back {}",
        r.output("result").unwrap_or("(none)"),
        r.code,
        r.output("rolled-back").unwrap_or("(none)")
    );
    let mut broken = broken;
    if !broken.is_empty() {
        broken.push(format!(
            "error: {}",
            r.output("report").map(|_| r.error()).unwrap_or_default()
        ));
        broken.push(format!("stderr tail: {}", tail(&r.stderr, 1500)));
    }
    Verdict {
        scenario,
        ended,
        broken,
        seconds: started.elapsed().as_secs_f64(),
    }
}

fn tail(text: &str, n: usize) -> &str {
    let start = text.len().saturating_sub(n);
    let start = (start..text.len())
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(text.len());
    &text[start..]
}

/// The seeds of a campaign: `CAMPAIGN_SEED` alone replays one seed; otherwise `runs` seeds
/// drawn from a base (`CAMPAIGN_BASE`, default fixed so CI runs the same subset).
pub fn seeds(default_runs: usize) -> Vec<u64> {
    let env = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<u64>().ok());
    if let Some(seed) = env("CAMPAIGN_SEED") {
        return vec![seed];
    }
    let runs = env("CAMPAIGN_RUNS").map_or(default_runs, |n| n as usize);
    let mut rng = crate::support::SplitMix::new(env("CAMPAIGN_BASE").unwrap_or(19));
    (0..runs).map(|_| rng.next_u64() % 1_000_000).collect()
}
