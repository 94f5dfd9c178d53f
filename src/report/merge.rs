//! One report for a command that acted shard by shard (`rollback` of an
//! environment spanning regions): the shards' reports folded into one, so the
//! outputs and the summary tell about the whole run, not the last shard.
//! Pure.

use super::model::{Outcome, Report};

/// How bad a result is: the merged report says the worst.
fn rank(o: Outcome) -> u8 {
    match o {
        Outcome::Skipped => 0,
        Outcome::Planned => 1,
        Outcome::NoOp => 2,
        Outcome::Success => 3,
        Outcome::RolledBack => 4,
        Outcome::Drift => 5,
        Outcome::Failed => 6,
        Outcome::Error => 7,
    }
}

/// Folds `part` into `into`; the first part's report is `into` itself.
pub fn merge(into: &mut Report, part: Report) {
    // Success beats no-op: something was done somewhere.
    if rank(part.result) > rank(into.result) {
        into.result = part.result;
    }
    into.findings.extend(part.findings);
    into.warnings.extend(part.warnings);
    into.notices.extend(part.notices);
    into.left_moved.extend(part.left_moved);
    into.rolled_back = into.rolled_back && part.rolled_back;
    into.error = match (into.error.take(), part.error) {
        (Some(a), Some(b)) => Some(format!("{a}; {b}")),
        (a, b) => a.or(b),
    };
    match (&mut into.promotion, part.promotion) {
        (Some(p), Some(q)) => p.functions.extend(q.functions),
        (p @ None, q) => *p = q,
        (Some(_), None) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(result: Outcome, error: Option<&str>) -> Report {
        let mut r = Report::new(
            crate::settings::Command::Rollback,
            "production".into(),
            "c.yml".into(),
        );
        r.result = result;
        r.error = error.map(str::to_string);
        r
    }

    #[test]
    fn the_worst_result_and_every_error_win() {
        let mut r = report(Outcome::NoOp, None);
        merge(&mut r, report(Outcome::Success, None));
        assert_eq!(r.result, Outcome::Success);
        merge(&mut r, report(Outcome::Failed, Some("eu: refused")));
        merge(&mut r, report(Outcome::Success, Some("us: slow")));
        assert_eq!(r.result, Outcome::Failed);
        assert_eq!(r.error.as_deref(), Some("eu: refused; us: slow"));
    }
}
