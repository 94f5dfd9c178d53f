//! Words, icons and durations shared by the markdown and text renderers.

use crate::finding::Status;
use crate::report::model::{CanaryVerdict, Outcome, StepRecord, StepStatus};

/// `350 ms`, `4.2 s`, `5m 03s`, `1h 02m`.
pub fn duration(ms: u64) -> String {
    let secs = ms / 1000;
    if ms < 1000 {
        format!("{ms} ms")
    } else if secs < 60 {
        format!("{}.{} s", secs, (ms % 1000) / 100)
    } else if secs < 3600 {
        format!("{}m {:02}s", secs / 60, secs % 60)
    } else {
        format!("{}h {:02}m", secs / 3600, (secs % 3600) / 60)
    }
}

pub fn status_icon(status: Status) -> &'static str {
    match status {
        Status::Pass => "✅",
        Status::Error => "❌",
        Status::Warning => "⚠️",
        Status::Skipped => "⏭️",
    }
}

pub fn status_word(status: Status) -> &'static str {
    match status {
        Status::Pass => "pass",
        Status::Error => "error",
        Status::Warning => "warning",
        Status::Skipped => "skipped",
    }
}

/// Errors first: when a table must be shortened, what needs fixing stays.
pub fn status_rank(status: Status) -> u8 {
    match status {
        Status::Error => 0,
        Status::Warning => 1,
        Status::Skipped => 2,
        Status::Pass => 3,
    }
}

pub fn outcome_icon(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Success | Outcome::NoOp => "✅",
        Outcome::Drift | Outcome::Failed | Outcome::Error => "❌",
        Outcome::RolledBack => "↩️",
        Outcome::Skipped => "⏭️",
        Outcome::Planned => "📝",
    }
}

pub fn step_icon(status: StepStatus) -> &'static str {
    match status {
        StepStatus::Done => "✅",
        StepStatus::Skipped => "⏭️",
        StepStatus::Failed => "❌",
        StepStatus::Planned => "📝",
    }
}

pub fn step_word(status: StepStatus) -> &'static str {
    match status {
        StepStatus::Done => "done",
        StepStatus::Skipped => "skipped",
        StepStatus::Failed => "failed",
        StepStatus::Planned => "planned",
    }
}

/// A planned step has not run, and a skipped one took no time worth showing.
pub fn shows_no_duration(s: &StepRecord) -> bool {
    s.status == StepStatus::Planned || (s.status == StepStatus::Skipped && s.duration_ms == 0)
}

pub fn verdict_icon(verdict: CanaryVerdict) -> &'static str {
    match verdict {
        CanaryVerdict::Passed => "✅",
        CanaryVerdict::Failed => "❌",
        CanaryVerdict::Inconclusive | CanaryVerdict::Aborted => "⚠️",
    }
}

/// `12 checks: 10 pass, 2 fail, 1 warning, 1 skipped` (zero counts left out).
pub fn check_counts(pass: usize, error: usize, warning: usize, skipped: usize) -> String {
    let total = pass + error + warning + skipped;
    let mut parts = Vec::new();
    if pass > 0 {
        parts.push(format!("{pass} pass"));
    }
    if error > 0 {
        parts.push(format!("{error} fail"));
    }
    if warning > 0 {
        parts.push(format!(
            "{warning} {}",
            plural(warning, "warning", "warnings")
        ));
    }
    if skipped > 0 {
        parts.push(format!("{skipped} skipped"));
    }
    format!(
        "{total} {}: {}",
        plural(total, "check", "checks"),
        parts.join(", ")
    )
}

pub fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// "row" or "rows", for the "N more rows not shown" lines.
pub fn rows(n: usize) -> &'static str {
    plural(n, "row", "rows")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        let cases = [
            (0, "0 ms"),
            (350, "350 ms"),
            (1_000, "1.0 s"),
            (4_250, "4.2 s"),
            (59_999, "59.9 s"),
            (60_000, "1m 00s"),
            (303_000, "5m 03s"),
            (3_600_000, "1h 00m"),
            (3_720_000, "1h 02m"),
        ];
        for (ms, expected) in cases {
            assert_eq!(duration(ms), expected, "{ms}");
        }
    }

    #[test]
    fn counts_leave_out_zeros() {
        assert_eq!(check_counts(12, 0, 0, 0), "12 checks: 12 pass");
        assert_eq!(check_counts(1, 0, 0, 0), "1 check: 1 pass");
        assert_eq!(
            check_counts(10, 2, 1, 1),
            "14 checks: 10 pass, 2 fail, 1 warning, 1 skipped"
        );
    }

    #[test]
    fn errors_rank_first() {
        let mut s = [
            Status::Pass,
            Status::Skipped,
            Status::Error,
            Status::Warning,
        ];
        s.sort_by_key(|s| status_rank(*s));
        assert_eq!(
            s,
            [
                Status::Error,
                Status::Warning,
                Status::Skipped,
                Status::Pass
            ]
        );
    }
}
