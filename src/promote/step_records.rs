//! Records each promotion step with its duration for the report.

use std::time::Instant;

use crate::report::model::{StepRecord, StepStatus};
use crate::step::Step;

#[derive(Default)]
pub struct Steps {
    pub records: Vec<StepRecord>,
}

impl Steps {
    /// Runs one step, recording its duration and whether it failed.
    pub async fn run<T, E: std::fmt::Display>(
        &mut self,
        step: Step,
        fut: impl Future<Output = Result<T, E>>,
        detail: impl FnOnce(&T) -> String,
    ) -> Result<T, E> {
        let start = Instant::now();
        let r = fut.await;
        let duration_ms = start.elapsed().as_millis() as u64;
        let (status, detail) = match &r {
            Ok(v) => (StepStatus::Done, detail(v)),
            Err(e) => (StepStatus::Failed, e.to_string()),
        };
        self.records.push(StepRecord {
            step,
            status,
            duration_ms,
            detail,
        });
        r
    }

    pub fn note(&mut self, step: Step, status: StepStatus, detail: impl Into<String>) {
        self.records.push(StepRecord {
            step,
            status,
            duration_ms: 0,
            detail: detail.into(),
        });
    }
}
