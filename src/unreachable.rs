//! Credential and transport failures, said once per run: without credentials every check
//! fails the same way, and a report of the SDK's chain dump per check (kilobytes each)
//! hides the one fix. They become the run's single `error` line, result `error`, never
//! `drift` (README, "Exit codes and results").

use crate::aws::{AwsError, ErrorKind};
use crate::finding::Code;
use crate::report::model::{Outcome, Report};

/// Moves the report's `aws-unreachable` findings into one error line and the `error`
/// result; `false` (the report untouched) when there are none.
pub fn collapse(report: &mut Report) -> bool {
    let Some(first) = report
        .findings
        .iter()
        .find(|f| f.code == Code::AwsUnreachable)
    else {
        return false;
    };
    let line = line(&first.message);
    report.findings.retain(|f| f.code != Code::AwsUnreachable);
    report.result = Outcome::Error;
    report.error = Some(line);
    true
}

/// The run's one line for an AWS call that could not be made (`ErrorKind::Network`): the
/// fix for missing credentials, else what failed; `None` for any other error.
pub fn of_error(e: &AwsError) -> Option<String> {
    (e.kind == ErrorKind::Network).then(|| line(&e.message))
}

/// The line for the first failure: the fix for missing credentials, else what failed.
/// The SDK says it several ways: no provider gave any, or the chain's last one (the
/// instance metadata service, off a cloud machine) failed while loading them.
fn line(message: &str) -> String {
    let no_credentials = [
        "no credentials",
        "credential provider",
        "loading credentials",
    ];
    if no_credentials.iter().any(|m| message.contains(m)) {
        return "no AWS credentials: add aws-actions/configure-aws-credentials before this step, \
                or set the contract's `role` and give the job `permissions: id-token: write` \
                (docs/security.md, \"Creating the roles\"); nothing was checked or changed"
            .to_string();
    }
    // The SDK's message repeats its whole error chain; its first clause says what failed.
    let short: String = message.chars().take(200).collect();
    format!(
        "AWS could not be reached ({short}…); check the network, the region and AWS_ENDPOINT_URL; nothing was checked or changed"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Finding, Shown};

    fn finding(code: Code, message: &str) -> Finding {
        Finding {
            environment: "dev".into(),
            check: "function".into(),
            resource: "f".into(),
            code,
            status: code.status(),
            expected: Shown::None,
            live: Shown::None,
            message: message.into(),
            at: None,
        }
    }

    #[test]
    fn unreachable_findings_become_one_error_line() {
        let mut r = Report::new(
            crate::settings::Command::Validate,
            "dev".into(),
            "c.yml".into(),
        );
        let dump = "lambda:GetFunction on f failed: Unreachable: dispatch failure: other: the credential provider was not enabled: no credentials found in chain";
        r.findings = vec![
            finding(Code::AwsUnreachable, dump),
            finding(Code::AwsUnreachable, dump),
            finding(Code::Ok, "matches"),
        ];
        assert!(collapse(&mut r));
        assert_eq!(r.result, Outcome::Error);
        assert_eq!(r.findings.len(), 1);
        let e = r.error.unwrap();
        assert!(e.starts_with("no AWS credentials"), "{e}");
        assert!(e.contains("id-token: write"), "{e}");
    }

    #[test]
    fn other_reports_are_untouched() {
        let mut r = Report::new(
            crate::settings::Command::Validate,
            "dev".into(),
            "c.yml".into(),
        );
        r.findings = vec![finding(Code::AwsError, "boom")];
        assert!(!collapse(&mut r));
        assert_eq!(r.result, Outcome::Success);
    }
}
