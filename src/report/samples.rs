//! Sample reports shared by the renderers' tests.

use crate::aws::types::VersionStats;
use crate::config::model::Pos;
use crate::finding::{Code, Finding, Shown, Status};
use crate::report::model::{
    CanaryRecord, CanaryVerdict, FunctionRun, Links, Outcome, Promotion, Report, Rollout,
    StepMetrics, StepRecord, StepStatus,
};
use crate::settings::Command;
use crate::step::Step;

const CONTRACT: &str = ".github/lambda-promote.yml";

#[allow(
    clippy::too_many_arguments,
    reason = "one argument per column of the table it fills"
)]
pub fn finding(
    env: &str,
    check: &str,
    resource: &str,
    code: Code,
    status: Status,
    expected: Shown,
    live: Shown,
    message: &str,
    line: u32,
) -> Finding {
    Finding {
        environment: env.into(),
        check: check.into(),
        resource: resource.into(),
        code,
        status,
        expected,
        live,
        message: message.into(),
        at: Some(Pos { line, col: 9 }),
    }
}

fn pass(env: &str, check: &str, resource: &str, line: u32) -> Finding {
    finding(
        env,
        check,
        resource,
        Code::Ok,
        Status::Pass,
        Shown::None,
        Shown::None,
        "passed",
        line,
    )
}

pub fn clean_validate() -> Report {
    let mut r = Report::new(Command::Validate, "dev,staging".into(), CONTRACT.into());
    r.findings = vec![
        finding(
            "dev",
            "cloudfront",
            "comment=app-dev",
            Code::Ok,
            Status::Pass,
            Shown::Redacted("E2…ZL".into()),
            Shown::Plain("E2ABCDEFGHIJZL".into()),
            "the distribution id matches",
            11,
        ),
        pass("dev", "function-env", "worker-dev", 14),
        pass("dev", "log-group", "/aws/lambda/worker-dev", 18),
        pass("staging", "function", "worker-staging", 25),
    ];
    r
}

pub fn drift() -> Report {
    let mut r = Report::new(Command::Validate, "dev".into(), CONTRACT.into());
    r.result = Outcome::Drift;
    r.findings = vec![
        pass("dev", "log-group", "/aws/lambda/worker-dev", 18),
        finding(
            "dev",
            "cloudfront",
            "comment=app-dev",
            Code::CloudfrontIdMismatch,
            Status::Error,
            Shown::Redacted("E2…ZL".into()),
            Shown::Plain("E3QWERTYUIOPXY".into()),
            "CLOUDFRONT_DISTRIBUTION_ID does not name the distribution with comment app-dev",
            11,
        ),
        finding(
            "dev",
            "function-env",
            "worker-dev",
            Code::FunctionEnvMismatch,
            Status::Error,
            Shown::Redacted("db…om".into()),
            Shown::Hidden,
            "AURORA_HOST on worker-dev differs from the job's AURORA_HOST",
            14,
        ),
        finding(
            "dev",
            "function-env",
            "worker-dev",
            Code::FunctionEnvMissing,
            Status::Error,
            Shown::Plain("OPENROUTER_API_KEY".into()),
            Shown::None,
            "worker-dev has no OPENROUTER_API_KEY",
            14,
        ),
        finding(
            "dev",
            "function",
            "name|with<script>alert(1)</script>`tick`",
            Code::FunctionNotFound,
            Status::Warning,
            Shown::Plain("a|b & <c>\nnext line".into()),
            Shown::None,
            "no function named like that\nsecond line",
            21,
        ),
        finding(
            "dev",
            "function",
            "WORKER_FUNCTION_NAME",
            Code::SecretUnset,
            Status::Skipped,
            Shown::None,
            Shown::None,
            "WORKER_FUNCTION_NAME is empty (pull request from a fork)",
            22,
        ),
    ];
    r.warnings = vec!["secrets are empty on a pull request from a fork: 1 check skipped".into()];
    r
}

fn step(step: Step, status: StepStatus, duration_ms: u64, detail: &str) -> StepRecord {
    StepRecord {
        step,
        status,
        duration_ms,
        detail: detail.into(),
    }
}

fn prod_promotion(functions: Vec<FunctionRun>) -> Promotion {
    Promotion {
        source: "from staging".into(),
        image_uri: "123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:0f3c9a".into(),
        image_digest: "sha256:0f3c9a".into(),
        strategy: Rollout::Canary(vec![10, 50]),
        functions,
        invalidation_id: None,
    }
}

pub fn promotion() -> Report {
    let mut r = Report::new(Command::Promote, "production".into(), CONTRACT.into());
    r.findings = vec![pass("production", "function", "worker-prod", 40)];
    let mut p = prod_promotion(vec![FunctionRun {
        function: "worker-prod".into(),
        alias: "live".into(),
        previous_version: Some("12".into()),
        version: Some("13".into()),
        steps: vec![
            step(
                Step::UpdateCode,
                StepStatus::Done,
                1_200,
                "app@sha256:0f3c9a",
            ),
            step(
                Step::Wait,
                StepStatus::Done,
                34_500,
                "LastUpdateStatus Successful",
            ),
            step(
                Step::Verify,
                StepStatus::Done,
                180,
                "resolves to sha256:0f3c9a",
            ),
            step(Step::Publish, StepStatus::Done, 900, "version 13"),
            step(Step::SmokeTest, StepStatus::Done, 2_300, "status 200"),
            step(
                Step::MoveAlias,
                StepStatus::Done,
                603_000,
                "canary 10% → 50% → 100%",
            ),
            step(
                Step::Prune,
                StepStatus::Done,
                1_100,
                "deleted versions 1, 2",
            ),
            step(Step::Invalidate, StepStatus::Done, 800, "/*"),
        ],
        canary: vec![
            CanaryRecord {
                percent: 10,
                duration_ms: 300_000,
                events_examined: 1_204,
                errors: 1,
                verdict: CanaryVerdict::Passed,
                first_errors: vec![
                    "2025-01-01T10:00:03Z ERROR timeout calling <upstream> | retrying".into(),
                ],
                metrics: Some(metrics((120.0, 1.0, 180.0), (1080.0, 9.0, 175.0))),
                reason: None,
            },
            CanaryRecord {
                percent: 50,
                duration_ms: 300_000,
                events_examined: 6_020,
                errors: 0,
                verdict: CanaryVerdict::Passed,
                first_errors: vec![],
                metrics: Some(metrics((600.0, 3.0, 182.0), (600.0, 4.0, 176.0))),
                reason: None,
            },
        ],
        links: Links::new("us-east-1", "worker-prod", "live"),
        error: None,
    }]);
    p.invalidation_id = Some("I2J0I21PCUYOIK".into());
    r.promotion = Some(p);
    r.notices = vec!["pruned 2 versions of worker-prod".into()];
    r
}

pub fn rolled_back() -> Report {
    let mut r = Report::new(Command::Promote, "production".into(), CONTRACT.into());
    r.result = Outcome::RolledBack;
    r.rolled_back = true;
    r.error = Some(
        "canary at 50% saw 7 error events of version 13 (max-errors 0); the alias live of worker-prod was restored to version 12".into(),
    );
    r.findings = vec![pass("production", "function", "worker-prod", 40)];
    r.promotion = Some(prod_promotion(vec![FunctionRun {
        function: "worker-prod".into(),
        alias: "live".into(),
        previous_version: Some("12".into()),
        version: Some("12".into()),
        steps: vec![
            step(Step::UpdateCode, StepStatus::Done, 1_200, ""),
            step(Step::Wait, StepStatus::Done, 20_000, ""),
            step(Step::Publish, StepStatus::Done, 700, "version 13"),
            step(
                Step::MoveAlias,
                StepStatus::Failed,
                360_000,
                "canary failed at 50%",
            ),
            step(
                Step::Rollback,
                StepStatus::Done,
                400,
                "alias live → 12, routing cleared",
            ),
            step(Step::Prune, StepStatus::Skipped, 0, "after a rollback"),
        ],
        canary: vec![
            CanaryRecord {
                percent: 10,
                duration_ms: 300_000,
                events_examined: 900,
                errors: 0,
                verdict: CanaryVerdict::Passed,
                first_errors: vec![],
                metrics: Some(metrics((90.0, 0.0, 170.0), (810.0, 2.0, 171.0))),
                reason: None,
            },
            CanaryRecord {
                percent: 50,
                duration_ms: 60_000,
                events_examined: 2_400,
                errors: 7,
                verdict: CanaryVerdict::Failed,
                first_errors: vec![
                    "[ERROR] KeyError: 'OPENROUTER_API_KEY'".into(),
                    "[ERROR] Traceback (most recent call last): File \"/var/task/app.py\", line 3"
                        .into(),
                ],
                metrics: Some(metrics((400.0, 31.0, 240.0), (400.0, 1.0, 172.0))),
                reason: Some("the new version's error rate is 7.8% (31 of 400) against 0.3% for the old version".into()),
            },
        ],
        links: Links::new("us-east-1", "worker-prod", "live"),
        error: Some("canary failed at 50%: 7 errors > max-errors 0".into()),
    }]));
    r
}

/// A validation with `n` findings, most failing, with long values.
pub fn huge(n: usize) -> Report {
    let mut r = Report::new(Command::Validate, "dev".into(), CONTRACT.into());
    r.result = Outcome::Drift;
    r.findings = (0..n)
        .map(|i| {
            finding(
                "dev",
                "function-env",
                &format!("worker-{i}-{}", "x".repeat(150)),
                Code::FunctionEnvMissing,
                if i % 3 == 0 {
                    Status::Pass
                } else {
                    Status::Error
                },
                Shown::Plain(format!("KEY_{i}_{}", "<&>|".repeat(40))),
                Shown::Hidden,
                &"a long message about what is missing ".repeat(20),
                i as u32,
            )
        })
        .collect();
    r.warnings = (0..n)
        .map(|i| format!("warning {i}: {}", "w".repeat(100)))
        .collect();
    r
}

/// A step's metrics: `(invocations, errors, p99 ms)` of the new and the old version.
fn metrics(new: (f64, f64, f64), old: (f64, f64, f64)) -> StepMetrics {
    let v = |(invocations, errors, p99): (f64, f64, f64)| VersionStats {
        invocations,
        errors,
        throttles: 0.0,
        p99_ms: Some(p99),
    };
    StepMetrics {
        new: v(new),
        old: v(old),
    }
}
