//! Credential and transport failures, said once per run: without credentials every check
//! fails the same way, and a report of the SDK's chain dump per check (kilobytes each)
//! hides the one fix. They become the run's single `error` line, result `error`, never
//! `drift` (README, "Exit codes and results").

use crate::aws::{AwsError, ErrorKind};
use crate::finding::Code;
use crate::report::model::{Outcome, Report};

/// The run's scrubber (`Emitter::scrub`): a message is cut only after it went through it.
pub type Scrub<'a> = &'a dyn Fn(&str) -> String;

/// Moves the report's `aws-unreachable` findings into one error line and the `error`
/// result; `false` (the report untouched) when there are none.
pub fn collapse(report: &mut Report, scrub: Scrub<'_>) -> bool {
    let Some(first) = report
        .findings
        .iter()
        .find(|f| f.code == Code::AwsUnreachable)
    else {
        return false;
    };
    let line = line(&first.message, scrub);
    report.findings.retain(|f| f.code != Code::AwsUnreachable);
    report.result = Outcome::Error;
    report.error = Some(line);
    true
}

/// The run's one line for an AWS call that could not be made (`ErrorKind::Network`): the
/// fix for missing credentials, else what failed; `None` for any other error.
pub fn of_error(e: &AwsError, scrub: Scrub<'_>) -> Option<String> {
    (e.kind == ErrorKind::Network).then(|| line(&e.message, scrub))
}

/// The line for the first failure: the fix for missing credentials, else what failed.
/// The SDK says it several ways: no provider gave any, or the chain's last one (the
/// instance metadata service, off a cloud machine) failed while loading them.
fn line(message: &str, scrub: Scrub<'_>) -> String {
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
    // Scrubbed before the cut, as the report walk does (`scrub::MESSAGE_CHARS`): a secret
    // cut at the edge could be too short a piece to recognise. The report walk scrubs the
    // whole line again as it leaves, with every secret known by then.
    let short: String = scrub(message).chars().take(200).collect();
    format!(
        "AWS could not be reached ({short}…); check the network, the region and AWS_ENDPOINT_URL; nothing was checked or changed"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Finding, Shown};
    use crate::report::scrub::Scrubber;

    fn plain(text: &str) -> String {
        text.to_string()
    }

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
        assert!(collapse(&mut r, &plain));
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
        assert!(!collapse(&mut r, &plain));
        assert_eq!(r.result, Outcome::Success);
    }

    /// A secret across the 200th character of the SDK's message is replaced whole before
    /// the message is cut: a cut first would leave a piece too short to recognise.
    #[test]
    fn a_secret_across_the_cut_is_scrubbed_before_it() {
        let secret = "wJalrXUtnFEMI9K7MDENGbPxRfiCYEXAMPLEKEY";
        let head = "lambda:GetFunction on f failed: dispatch failure: io error: ";
        let message = format!("{head}{}{secret} more", "x".repeat(190 - head.len()));
        let at = message.find(secret).unwrap();
        assert!(at < 200 && at + secret.len() > 200, "{at}");
        let scrubber = Scrubber::new([secret], None);
        let scrub = |t: &str| scrubber.text(t);
        let e = of_error(
            &AwsError {
                kind: ErrorKind::Network,
                action: "lambda:GetFunction",
                resource: "f".into(),
                code: "DispatchFailure".into(),
                message,
            },
            &scrub,
        )
        .unwrap();
        assert!(
            e.starts_with("AWS could not be reached (lambda:GetFunction"),
            "{e}"
        );
        assert!(e.contains("wJ…EY"), "{e}");
        assert!(!e.contains("wJalrXUtn"), "{e}");
        // An ordinary message is shown whole, as before.
        let short = "lambda:GetFunction on f failed: dispatch failure: connection refused";
        let mut r = Report::new(
            crate::settings::Command::Validate,
            "dev".into(),
            "c.yml".into(),
        );
        r.findings = vec![finding(Code::AwsUnreachable, short)];
        assert!(collapse(&mut r, &scrub));
        assert_eq!(
            r.error.as_deref(),
            Some(format!("AWS could not be reached ({short}…); check the network, the region and AWS_ENDPOINT_URL; nothing was checked or changed").as_str())
        );
    }
}
