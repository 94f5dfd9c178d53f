//! The fault campaign (issue 19, item 8): many promotions and rollbacks through the binary,
//! against moto behind the realism proxy, each with one fault drawn from its seed, each
//! checked against the safety invariant (README, "Safety"). Every seed is printed; a broken
//! one replays with `CAMPAIGN_SEED=N cargo test --test it campaign -- --nocapture`, and more
//! runs with `CAMPAIGN_RUNS=200` (`CAMPAIGN_JOBS=3` plays them three at a time).

use crate::support::campaign::{Verdict, play, seeds};
use std::sync::Mutex;

/// Runs in CI: a bounded subset that fits its budget.
const CI_RUNS: usize = 10;

fn campaign(seeds: Vec<u64>) {
    let jobs = std::env::var("CAMPAIGN_JOBS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(1)
        .max(1);
    let queue = Mutex::new(seeds.clone());
    let verdicts: Mutex<Vec<Verdict>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| {
                while let Some(seed) = queue.lock().expect("queue").pop() {
                    let v = play(seed);
                    eprintln!(
                        "campaign seed {seed}: {} {:?} {:?} {:?} fns {} -> {} ({:.1}s){}",
                        if v.broken.is_empty() {
                            "held"
                        } else {
                            "BROKEN"
                        },
                        v.scenario.command,
                        v.scenario.strategy,
                        v.scenario.fault,
                        v.scenario.functions,
                        v.ended,
                        v.seconds,
                        v.broken
                            .iter()
                            .map(|b| format!("\n    {b}"))
                            .collect::<String>()
                    );
                    verdicts.lock().expect("verdicts").push(v);
                }
            });
        }
    });
    let verdicts = verdicts.into_inner().expect("verdicts");
    let broken: Vec<&Verdict> = verdicts.iter().filter(|v| !v.broken.is_empty()).collect();
    eprintln!("campaign: {} runs, {} broken", verdicts.len(), broken.len());
    let replay: Vec<String> = broken
        .iter()
        .map(|v| {
            format!(
                "CAMPAIGN_SEED={} ({:?}): {}",
                v.scenario.seed, v.scenario.fault, v.broken[0]
            )
        })
        .collect();
    assert!(broken.is_empty(), "broken seeds:\n{}", replay.join("\n"));
}

#[test]
fn campaign_the_invariant_holds_under_seeded_faults() {
    campaign(seeds(CI_RUNS));
}
