//! What a run did, as data. Renderers turn it into markdown, text or JSON;
//! the step outputs are derived from it.

use serde::Serialize;

use crate::code::kebab_codes;
use crate::finding::{Finding, Status};
use crate::settings::Command;
use crate::step::Step;

kebab_codes! {
    /// The `result` output (README, "Outputs").
    pub enum Outcome {
        Success = "success",
        NoOp = "no-op",
        Drift = "drift",
        Failed = "failed",
        RolledBack = "rolled-back",
        Skipped = "skipped",
        Planned = "planned",
        /// AWS could not be reached (no credentials, the network): nothing was judged.
        Error = "error",
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// `validate`, `plan` (also a dry run's), `promote`, `rollback`, `status`.
    pub command: Command,
    pub result: Outcome,
    /// The environment acted on (promote/plan/rollback), or the validated ones joined by `,`.
    pub environment: String,
    /// Contract path, for links and annotations.
    pub contract: String,
    pub findings: Vec<Finding>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub promotion: Option<Promotion>,
    /// Why the run failed, when it did (one paragraph, no secrets).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Non-fatal problems a person should see (GitHub permissions, skipped checks, …).
    pub warnings: Vec<String>,
    /// Informational lines (skipped ref, no-op, …).
    pub notices: Vec<String>,
    pub rolled_back: bool,
    /// Aliases a failed restore left as this run had moved them, with the fix.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub left_moved: Vec<LeftMoved>,
}

/// An alias the run moved and could not put back.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LeftMoved {
    pub function: String,
    pub alias: String,
    /// What the alias serves as read back after the failed restore: its
    /// version and the share of each additional version; `None` when it could
    /// not be read.
    pub version: Option<String>,
    pub routing: std::collections::BTreeMap<String, f64>,
    /// The AWS CLI command that puts it back as it was before the run.
    pub fix: String,
}

impl LeftMoved {
    /// One sentence for a person: where the alias is and how to put it back.
    pub fn sentence(&self) -> String {
        let state = match &self.version {
            Some(v) if self.routing.is_empty() => format!("on version {v}"),
            Some(v) => {
                let shares: Vec<String> = self
                    .routing
                    .iter()
                    .map(|(k, w)| format!("{}% on version {k}", (w * 100.0).round()))
                    .collect();
                format!("split: version {v} with {}", shares.join(", "))
            }
            None => "in an unknown state".to_string(),
        };
        format!(
            "alias {} of {} is left {state}; put it back with: {}",
            self.alias, self.function, self.fix
        )
    }
}

impl Report {
    pub fn new(command: Command, environment: String, contract: String) -> Self {
        Self {
            command,
            result: Outcome::Success,
            environment,
            contract,
            findings: Vec::new(),
            promotion: None,
            error: None,
            warnings: Vec::new(),
            notices: Vec::new(),
            rolled_back: false,
            left_moved: Vec::new(),
        }
    }

    /// What a `rollback` moved where (`alias live of worker: version 3 → 1`), for the
    /// summary's first lines; `None` for any other command, or when nothing is known.
    pub fn rollback_moves(&self) -> Option<String> {
        let p = self
            .promotion
            .as_ref()
            .filter(|_| self.command == Command::Rollback)?;
        let moves: Vec<String> = p
            .functions
            .iter()
            .filter_map(|f| {
                let (from, to) = (f.previous_version.as_deref()?, f.version.as_deref()?);
                Some(format!(
                    "alias {} of {}: version {from} → {to}",
                    f.alias, f.function
                ))
            })
            .collect();
        (!moves.is_empty()).then(|| format!("Rolled back {}", moves.join("; ")))
    }

    /// True when any finding fails the run.
    pub fn drift(&self) -> bool {
        self.findings.iter().any(Finding::fails)
    }

    pub fn count(&self, status: Status) -> usize {
        self.findings.iter().filter(|f| f.status == status).count()
    }
}

/// The promotion part of a report (`plan`, `promote`, `rollback`).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Promotion {
    /// Where the image came from: `input`, or `from dev`.
    pub source: String,
    /// `REPO@sha256:…`
    pub image_uri: String,
    /// `sha256:…`
    pub image_digest: String,
    pub strategy: Rollout,
    pub functions: Vec<FunctionRun>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invalidation_id: Option<String>,
}

/// How a promotion moved its aliases, as the report names it: `all-at-once`, or `canary`
/// with its steps (`canary [10, 50]`). A rollback moves them all at once.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Rollout {
    #[default]
    AllAtOnce,
    /// The canary's steps, in percent of traffic on the new version.
    Canary(Vec<u8>),
}

impl std::fmt::Display for Rollout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rollout::AllAtOnce => f.write_str("all-at-once"),
            Rollout::Canary(steps) => write!(f, "canary {steps:?}"),
        }
    }
}

impl Serialize for Rollout {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// One function's part in a promotion or rollback.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct FunctionRun {
    pub function: String,
    pub alias: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_version: Option<String>,
    /// The version the alias points to at the end of the run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    pub steps: Vec<StepRecord>,
    pub canary: Vec<CanaryRecord>,
    pub links: Links,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepStatus {
    Done,
    Skipped,
    Failed,
    /// `plan`: what would happen.
    Planned,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StepRecord {
    pub step: Step,
    pub status: StepStatus,
    pub duration_ms: u64,
    pub detail: String,
}

kebab_codes! {
    /// How a canary step ended.
    pub enum CanaryVerdict {
        Passed = "passed",
        Failed = "failed",
        Inconclusive = "inconclusive",
        /// Cut short: a signal, the deadline, a sibling's failure.
        Aborted = "aborted",
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CanaryRecord {
    pub percent: u8,
    pub duration_ms: u64,
    pub events_examined: u64,
    pub errors: u64,
    pub verdict: CanaryVerdict,
    /// First error lines of the new version (already shortened).
    pub first_errors: Vec<String>,
    /// The step's per-version metrics, when they were read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metrics: Option<StepMetrics>,
    /// Why the step failed or was inconclusive, when a gate said so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl CanaryRecord {
    /// A step that has just started: passed until something says otherwise.
    pub fn new(percent: u8) -> Self {
        CanaryRecord {
            percent,
            duration_ms: 0,
            events_examined: 0,
            errors: 0,
            verdict: CanaryVerdict::Passed,
            first_errors: Vec::new(),
            metrics: None,
            reason: None,
        }
    }
}

/// The `ExecutedVersion` metrics of a step: the new version and the one it replaces.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StepMetrics {
    pub new: crate::aws::types::VersionStats,
    pub old: crate::aws::types::VersionStats,
}

impl StepMetrics {
    pub fn from_pair(
        (new, old): &(
            crate::aws::types::VersionStats,
            crate::aws::types::VersionStats,
        ),
    ) -> Self {
        StepMetrics {
            new: new.clone(),
            old: old.clone(),
        }
    }
}

/// AWS console links for a person reading the summary.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Links {
    pub function: String,
    pub alias: String,
    pub log_group: String,
}

impl Links {
    pub fn new(region: &str, function: &str, alias: &str) -> Self {
        let base = format!("https://{region}.console.aws.amazon.com");
        Self {
            function: format!("{base}/lambda/home?region={region}#/functions/{function}"),
            alias: format!(
                "{base}/lambda/home?region={region}#/functions/{function}/aliases/{alias}"
            ),
            log_group: format!(
                "{base}/cloudwatch/home?region={region}#logsV2:log-groups/log-group/{}",
                "%2Faws%2Flambda%2F".to_string() + function
            ),
        }
    }
}
