//! Reading one canary step's events of the new version: every stream of that version
//! dated from the day it was published (a stream is dated by the day its execution
//! environment started, which may be before the step), in the group the function logs
//! to, counted once each across polls.

use std::collections::HashSet;

use crate::aws::{AwsError, Read};
use crate::promote::canary::matching::{DEFAULT_PATTERN, is_error};
use crate::promote::canary::window::stream_prefixes;

/// Error lines kept per step for the summary.
const KEEP_LINES: usize = 5;
/// Events read per poll, at most.
const READ_CAP: usize = 100_000;
/// Streams dated more than two days before the step are not read: an execution
/// environment that old no longer serves traffic.
const MAX_STREAM_AGE_MS: i64 = 2 * 86_400_000;
/// Each poll reads again the last minute before the newest event seen, so an event
/// ingested late with an older timestamp is still read; ids keep each counted once.
const OVERLAP_MS: i64 = 60_000;

pub struct StepLog<'a> {
    pub read: &'a Read,
    pub group: &'a str,
    pub version: &'a str,
    /// When the version was published: no stream of it is dated earlier.
    pub published_ms: i64,
    /// Events before the step's start belong to earlier steps.
    pub start_ms: i64,
    pub pattern: &'a str,
    seen: HashSet<String>,
    newest_ms: i64,
    pub errors: u64,
    pub examined: u64,
    pub first: Vec<String>,
}

impl<'a> StepLog<'a> {
    pub fn new(
        read: &'a Read,
        group: &'a str,
        version: &'a str,
        published_ms: i64,
        start_ms: i64,
        pattern: &'a str,
    ) -> StepLog<'a> {
        StepLog {
            read,
            group,
            version,
            published_ms,
            start_ms,
            pattern,
            seen: HashSet::new(),
            newest_ms: start_ms,
            errors: 0,
            examined: 0,
            first: Vec::new(),
        }
    }

    async fn streams(&self) -> Result<Vec<String>, AwsError> {
        let mut streams = Vec::new();
        // Bounded, so an old version returned by `PublishVersion` does not cost a Logs
        // call per day of its age on every poll.
        let first_day = self
            .published_ms
            .min(self.start_ms)
            .max(self.start_ms - MAX_STREAM_AGE_MS);
        for prefix in stream_prefixes(
            self.version,
            first_day,
            crate::promote::canary::window::now_ms(),
        ) {
            streams.extend(self.read.log_streams(self.group, &prefix).await?);
        }
        Ok(streams)
    }

    /// One poll: brings `errors`, `examined` and `first` up to date.
    pub async fn read(&mut self) -> Result<(), AwsError> {
        let streams = self.streams().await?;
        if streams.is_empty() {
            return Ok(());
        }
        if self.pattern != DEFAULT_PATTERN {
            // A pattern of the user's own: CloudWatch Logs matches it.
            let m = self
                .read
                .count_events(
                    self.group,
                    &streams,
                    self.pattern,
                    self.start_ms,
                    u64::MAX,
                    KEEP_LINES,
                )
                .await?;
            self.errors = m.count;
            self.first = m.first;
            return Ok(());
        }
        let from = self.start_ms.max(self.newest_ms - OVERLAP_MS);
        let events = self
            .read
            .events(self.group, &streams, from, READ_CAP)
            .await?;
        for e in events {
            let key = if e.id.is_empty() {
                format!("{}:{}", e.timestamp, e.message)
            } else {
                e.id.clone()
            };
            if !self.seen.insert(key) {
                continue;
            }
            self.examined += 1;
            self.newest_ms = self.newest_ms.max(e.timestamp);
            if is_error(&e.message) {
                self.errors += 1;
                if self.first.len() < KEEP_LINES {
                    self.first.push(e.message);
                }
            }
        }
        Ok(())
    }

    /// Events of the new version the step saw, for the summary (capped); a failed read
    /// gives 0 and does not change the verdict.
    pub async fn examined(&self, cap: u64) -> u64 {
        if self.pattern == DEFAULT_PATTERN {
            return self.examined.min(cap);
        }
        let Ok(streams) = self.streams().await else {
            return 0;
        };
        if streams.is_empty() {
            return 0;
        }
        self.read
            .count_events(self.group, &streams, "", self.start_ms, cap, 0)
            .await
            .map(|m| m.count.min(cap))
            .unwrap_or(0)
    }
}
