//! Client-side pacing: one token bucket per quota pool (`quota.rs`), so a run
//! spends each pool at its published rate instead of learning it from 429s.
//!
//! AWS throttles its APIs with token buckets: a bucket per account and region
//! holds a second's worth of requests and refills at the quota's rate, so an
//! idle pool allows a burst
//! (<https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html#throttling-how>,
//! <https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html>).
//! The pacer keeps the same shape: a small run's few calls go out at once, a
//! fleet's settle at the pool's rate. Throttled answers slow the pool down
//! (multiplicatively, once per second) and take its burst away until its pace
//! has crept back up on success, so two runs sharing an account settle on
//! sharing the quota. Retrying a throttled call is bounded by the run's
//! deadline only (docs/choices.md, "Choices": throttling).

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::{Semaphore, SemaphorePermit};
use tokio::time::Instant;

use super::quota::{self, Pool};

/// Requests in flight at once, whatever the fleet size: 300 functions never
/// open 300 connections.
const IN_FLIGHT: usize = 32;

/// Backoff after a throttled answer: from 250 ms doubling to 8 s, with jitter.
const BACKOFF_BASE: Duration = Duration::from_millis(250);
const BACKOFF_MAX: Duration = Duration::from_secs(8);

#[derive(Debug)]
struct Bucket {
    /// The pool's pace for this run (quota lowered by `limits:`).
    ceiling: f64,
    /// The pace now: lowered by throttled answers, back up on success.
    rate: f64,
    /// When the bucket would be full again at the current pace ("theoretical
    /// arrival time" of the generic cell rate algorithm, a token bucket kept
    /// as one instant): a request may start once `tat` is at most a burst ahead.
    tat: Instant,
    last_slowdown: Option<Instant>,
}

impl Bucket {
    fn new(rate: f64, now: Instant) -> Self {
        Bucket {
            ceiling: rate,
            rate,
            tat: now,
            last_slowdown: None,
        }
    }

    /// Requests an idle pool may send at once: one second's worth of its pace
    /// less a fifth (at least one), which AWS's bucket (a second's worth) keeps
    /// spare: requests released on their slots may arrive bunched by the network
    /// and a busy machine, up to a fifth of a second, and still find a token.
    /// None while the pool is slowed by throttled answers.
    fn burst(&self) -> u32 {
        if self.rate < self.ceiling {
            return 1;
        }
        let spare = (self.ceiling / 5.0).round().max(1.0);
        (self.ceiling - spare).floor().max(1.0) as u32
    }

    /// Takes a token at or after `now`: the time the request may start.
    fn reserve(&mut self, now: Instant) -> Instant {
        let gap = quota::spacing(self.rate);
        let banked = gap * (self.burst() - 1);
        let at = now.max(self.tat.checked_sub(banked).unwrap_or(now));
        self.tat = self.tat.max(at) + gap;
        at
    }

    /// A throttled answer at `now`: three quarters of the pace (once a second), no
    /// burst banked, and nothing sent before `hold` when AWS said how long to wait.
    /// Not half: two runs sharing an account's pool each settle near their share,
    /// and a cut by half leaves the pool a quarter idle on average where a cut by a
    /// quarter leaves it an eighth (docs/benchmarks.md, "Fleet": two promotions at once).
    fn throttled(&mut self, now: Instant, hold: Option<Duration>) {
        // One slowdown per second: a burst of 429s is one signal, not many. So is
        // its hold: the 429s that answer the requests already in flight would each
        // push it a little later (Lambda's `Retry-After` is whole seconds) and leave
        // the pool idle well past what the first one asked for.
        self.tat = self.tat.max(now);
        if self
            .last_slowdown
            .is_none_or(|t| now >= t + Duration::from_secs(1))
        {
            self.rate = (self.rate * 0.75).max(self.ceiling / 8.0);
            self.last_slowdown = Some(now);
            if let Some(after) = hold {
                self.tat = self.tat.max(now + after);
            }
        }
    }
}

#[derive(Debug)]
pub struct Pacer {
    buckets: HashMap<Pool, Mutex<Bucket>>,
    deadline: Option<Instant>,
    in_flight: Semaphore,
    requests: AtomicU64,
    throttled: AtomicU64,
}

impl Pacer {
    /// `lowered`: the contract's `limits:`; `deadline`: when the run's `timeout` ends.
    pub fn new(lowered: &[(Pool, u32)], deadline: Option<Instant>) -> Self {
        let now = Instant::now();
        let buckets = quota::rates(lowered)
            .into_iter()
            .map(|(pool, rate)| (pool, Mutex::new(Bucket::new(rate, now))))
            .collect();
        Pacer {
            buckets,
            deadline,
            in_flight: Semaphore::new(IN_FLIGHT),
            requests: AtomicU64::new(0),
            throttled: AtomicU64::new(0),
        }
    }

    /// No pool paced at all, throttled answers still retried: only for measuring
    /// what the pacing costs (`LAMBDA_PROMOTE_UNPACED`, docs/benchmarks.md "Benchmarks").
    pub fn unpaced(deadline: Option<Instant>) -> Self {
        Pacer {
            buckets: HashMap::new(),
            ..Pacer::new(&[], deadline)
        }
    }

    /// Requests sent so far (every attempt).
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// Throttled answers so far (each was retried while the deadline allowed).
    pub fn throttled(&self) -> u64 {
        self.throttled.load(Ordering::Relaxed)
    }

    /// Waits for the pool's next slot, then for a place among the requests in flight.
    pub async fn slot(&self, pool: Option<Pool>) -> SemaphorePermit<'_> {
        if let Some(bucket) = pool.and_then(|p| self.buckets.get(&p)) {
            let at = bucket
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .reserve(Instant::now());
            // A slot that is free now is taken now: tokio's timer rounds a deadline up to its
            // next millisecond tick, so sleeping until "now" cost each call of a small run
            // about a millisecond, one after another.
            if at > Instant::now() {
                tokio::time::sleep_until(at).await;
            }
        }
        self.requests.fetch_add(1, Ordering::Relaxed);
        // The semaphore is never closed, so this cannot fail; `expect` is not reachable.
        self.in_flight
            .acquire()
            .await
            .unwrap_or_else(|_| unreachable!("the in-flight semaphore is never closed"))
    }

    /// The restore lane (docs/safety.md, "Safety"): a restore after a failure does not queue behind
    /// the pool's ordinary calls, nor for a place among those in flight; it is counted.
    /// The few restores of a run may briefly exceed `limits:`; AWS's 429 is then retried
    /// within the restore budget ([`Pacer::throttled_restore`]).
    pub fn restore_slot(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }

    /// A throttled answer to a restore: slows the pool like any other, and says how long to
    /// wait before retrying, whatever the run's deadline (the restore has its own budget).
    pub fn throttled_restore(
        &self,
        pool: Option<Pool>,
        retry_after: Option<Duration>,
        attempt: u32,
    ) -> Duration {
        self.throttled_answer(pool, retry_after, attempt)
            .unwrap_or_else(|| {
                backoff(attempt.min(2), jitter()).max(retry_after.unwrap_or_default())
            })
    }

    /// An answer that was not throttled: the pool's pace creeps back to its ceiling,
    /// a hundredth of it per answer (from a cut back to the ceiling in about 25 answers).
    pub fn answered(&self, pool: Option<Pool>) {
        if let Some(bucket) = pool.and_then(|p| self.buckets.get(&p)) {
            let mut b = bucket.lock().unwrap_or_else(|e| e.into_inner());
            b.rate = (b.rate + b.ceiling * 0.01).min(b.ceiling);
        }
    }

    /// A throttled answer on its `attempt` (0 for the first): slows the pool,
    /// holds it for `retry_after` when AWS said how long, and says how long to
    /// wait before retrying, or `None` when the deadline leaves no time for it.
    pub fn throttled_answer(
        &self,
        pool: Option<Pool>,
        retry_after: Option<Duration>,
        attempt: u32,
    ) -> Option<Duration> {
        self.throttled.fetch_add(1, Ordering::Relaxed);
        let now = Instant::now();
        let wait = backoff(attempt, jitter()).max(retry_after.unwrap_or_default());
        if self.deadline.is_some_and(|d| now + wait >= d) {
            return None;
        }
        if let Some(bucket) = pool.and_then(|p| self.buckets.get(&p)) {
            let mut b = bucket.lock().unwrap_or_else(|e| e.into_inner());
            b.throttled(now, retry_after);
        }
        Some(wait)
    }
}

/// Exponential backoff for `attempt` with "equal jitter": half fixed, half
/// random (`jitter` in [0, 1)), so many throttled calls do not retry in step.
pub fn backoff(attempt: u32, jitter: f64) -> Duration {
    let full = BACKOFF_BASE
        .saturating_mul(1u32 << attempt.min(6))
        .min(BACKOFF_MAX);
    full.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0))
}

fn jitter() -> f64 {
    let bits = getrandom::u64().unwrap_or(0x9E37_79B9_7F4A_7C15);
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bucket(pacer: &Pacer, pool: Pool) -> std::sync::MutexGuard<'_, Bucket> {
        pacer.buckets[&pool].lock().unwrap()
    }

    #[test]
    fn backoff_grows_to_a_cap_with_jitter() {
        assert_eq!(backoff(0, 0.0), Duration::from_millis(125));
        assert_eq!(backoff(0, 1.0), Duration::from_millis(250));
        assert_eq!(backoff(2, 1.0), Duration::from_secs(1));
        assert_eq!(backoff(30, 1.0), BACKOFF_MAX);
    }

    #[test]
    fn an_idle_pool_allows_a_burst_then_hands_out_slots_at_its_pace() {
        let pacer = Pacer::new(&[(Pool::LambdaControlPlane, 10)], None);
        let now = Instant::now();
        let mut b = bucket(&pacer, Pool::LambdaControlPlane);
        let slots: Vec<Instant> = (0..12).map(|_| b.reserve(now)).collect();
        // One second's worth less a fifth (8 of 10) go at once, the rest ~101 ms apart.
        assert!(slots[..8].iter().all(|s| *s == now), "{slots:?}");
        assert_eq!(slots[8], now + quota::spacing(10.0));
        assert_eq!(slots[11] - slots[9], quota::spacing(10.0) * 2);
        // Left idle, the pool banks its burst again, and no more than that.
        let later = now + Duration::from_secs(5);
        let again: Vec<Instant> = (0..10).map(|_| b.reserve(later)).collect();
        assert!(again[..8].iter().all(|s| *s == later), "{again:?}");
        assert_eq!(again[8], later + quota::spacing(10.0));
    }

    #[test]
    fn a_pool_never_exceeds_a_second_of_quota_in_any_window() {
        // Whatever the arrival pattern, any window of length w holds at most
        // burst + rate * w slots: the pool stays inside AWS's bucket.
        let pacer = Pacer::new(&[(Pool::LambdaControlPlane, 15)], None);
        let start = Instant::now();
        let mut b = bucket(&pacer, Pool::LambdaControlPlane);
        let mut slots = Vec::new();
        for i in 0..200u64 {
            // Arrivals in clumps with pauses between them.
            let arrive = start + Duration::from_millis((i / 20) * 1500);
            slots.push(b.reserve(arrive.max(*slots.last().unwrap_or(&start))));
        }
        for (i, a) in slots.iter().enumerate() {
            for (j, z) in slots.iter().enumerate().skip(i) {
                let w = (*z - *a).as_secs_f64();
                assert!(
                    (j - i + 1) as f64 <= 15.0 + 15.0 * w + 1e-9,
                    "{i}..{j} in {w}s"
                );
            }
        }
    }

    #[test]
    fn unpaced_never_waits() {
        let pacer = Pacer::unpaced(None);
        assert!(pacer.buckets.is_empty());
    }

    #[tokio::test]
    async fn a_throttled_answer_slows_the_pool_and_takes_its_burst() {
        let pacer = Pacer::new(&[], None);
        let pool = Some(Pool::LambdaControlPlane);
        let before = Instant::now();
        let wait = pacer.throttled_answer(pool, Some(Duration::from_secs(2)), 0);
        assert_eq!(wait, Some(Duration::from_secs(2)));
        {
            let mut b = bucket(&pacer, Pool::LambdaControlPlane);
            assert_eq!(b.rate, 11.25);
            // Throttled, the pool loses its burst: held for Retry-After, then paced.
            let first = b.reserve(Instant::now());
            assert!(first >= before + Duration::from_secs(2));
            assert_eq!(b.reserve(first), first + quota::spacing(11.25));
        }
        // A second 429 in the same second is the same signal: no second cut.
        pacer.throttled_answer(pool, None, 1);
        assert_eq!(bucket(&pacer, Pool::LambdaControlPlane).rate, 11.25);
        pacer.answered(pool);
        assert!(bucket(&pacer, Pool::LambdaControlPlane).rate > 11.25);
        assert_eq!(bucket(&pacer, Pool::LambdaControlPlane).burst(), 1);
        // Back at its ceiling, the pool has its burst again.
        for _ in 0..30 {
            pacer.answered(pool);
        }
        assert_eq!(bucket(&pacer, Pool::LambdaControlPlane).burst(), 12);
        assert_eq!(pacer.throttled(), 2);
        // Other pools are not slowed.
        assert_eq!(bucket(&pacer, Pool::LambdaGetFunction).rate, 100.0);
    }

    #[tokio::test]
    async fn at_most_32_requests_are_in_flight() {
        let pacer = Pacer::new(&[], None);
        let mut held = Vec::new();
        for _ in 0..IN_FLIGHT {
            held.push(pacer.slot(None).await);
        }
        let one_more = tokio::time::timeout(Duration::from_millis(50), pacer.slot(None)).await;
        assert!(one_more.is_err(), "a 33rd request got a place");
        held.pop();
        let _permit = pacer.slot(None).await;
        assert_eq!(IN_FLIGHT, 32);
    }

    #[tokio::test]
    async fn a_restore_skips_the_queue_and_retries_past_the_deadline() {
        let pacer = Pacer::new(
            &[(Pool::LambdaControlPlane, 1)],
            Some(Instant::now() + Duration::from_millis(10)),
        );
        let pool = Some(Pool::LambdaControlPlane);
        // Ten ordinary calls queued: the next ordinary slot is seconds away.
        for _ in 0..10 {
            bucket(&pacer, Pool::LambdaControlPlane).reserve(Instant::now());
        }
        pacer.restore_slot();
        assert_eq!(pacer.requests(), 1);
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert_eq!(pacer.throttled_answer(pool, None, 0), None);
        let wait = pacer.throttled_restore(pool, Some(Duration::from_millis(300)), 5);
        assert!(wait >= Duration::from_millis(300) && wait <= Duration::from_secs(1));
    }

    #[tokio::test]
    async fn no_retry_past_the_deadline() {
        let pacer = Pacer::new(&[], Some(Instant::now() + Duration::from_secs(1)));
        let pool = Some(Pool::LambdaGetFunction);
        let wait = pacer.throttled_answer(pool, Some(Duration::from_secs(5)), 0);
        assert_eq!(wait, None);
    }
}
