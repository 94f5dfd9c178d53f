//! The canary's default error detection (`error-pattern: ERROR`, the default), matched on
//! the fetched events rather than by a CloudWatch filter pattern: one pattern cannot OR
//! text terms with a JSON condition, and the local emulator ignores both `?term` and
//! `{ … }` patterns, so matching here behaves the same against AWS and the emulator.
//! Pure.

/// The default `error-pattern`; any other pattern goes to CloudWatch Logs as written.
pub const DEFAULT_PATTERN: &str = "ERROR";

/// Text terms that mark an error line: the application's own (`ERROR`, `FATAL`), and
/// Lambda's failures, which carry no `ERROR` (timeouts, a runtime that exited or ran out
/// of memory, failed initialisation).
const TERMS: &[&str] = &[
    "ERROR",
    "FATAL",
    "Task timed out",
    "Runtime exited",
    "Runtime.ExitError",
    "Runtime.OutOfMemory",
    "Sandbox.Timedout",
    "Status: error",
    "Status: timeout",
];

/// Whether one log line is an error by the default detection. A JSON line is judged by
/// its `level` (`ERROR`, `FATAL`) or, for Lambda's own JSON records, by a `record.status`
/// of `error`, `failure` or `timeout`; a JSON line with neither, and any other line, by the
/// text terms.
pub fn is_error(message: &str) -> bool {
    let m = message.trim();
    if m.starts_with('{')
        && let Ok(v) = serde_json::from_str::<serde_json::Value>(m)
    {
        let level = v.get("level").and_then(|l| l.as_str());
        if let Some(level) = level {
            return level.eq_ignore_ascii_case("ERROR") || level.eq_ignore_ascii_case("FATAL");
        }
        if let Some(status) = v.pointer("/record/status").and_then(|s| s.as_str()) {
            return matches!(status, "error" | "failure" | "timeout");
        }
    }
    TERMS.iter().any(|t| m.contains(t)) || m.contains("INIT_REPORT") && m.contains("Error Type")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_errors_and_lambdas_own_failures() {
        assert!(is_error("2026-01-01 ERROR boom"));
        assert!(is_error("[FATAL] gone"));
        assert!(is_error(
            "2026-12-01T10:00:00.000Z 1f2e Task timed out after 3.00 seconds"
        ));
        assert!(is_error(
            "RequestId: 1f2e Error: Runtime exited with error: signal: killed"
        ));
        assert!(is_error("Runtime.OutOfMemory"));
        assert!(is_error(
            "INIT_REPORT Init Duration: 10000.00 ms Phase: init Status: timeout"
        ));
        assert!(!is_error("INFO all fine"));
        assert!(!is_error("START RequestId: 1f2e Version: 2"));
        assert!(!is_error("REPORT RequestId: 1f2e Duration: 2.00 ms"));
    }

    #[test]
    fn json_lines_by_level_or_record_status() {
        assert!(is_error(r#"{"level":"ERROR","message":"boom"}"#));
        assert!(is_error(r#"{"level":"fatal","message":"boom"}"#));
        assert!(!is_error(r#"{"level":"INFO","message":"no ERROR here"}"#));
        assert!(is_error(
            r#"{"type":"platform.report","record":{"status":"timeout"}}"#
        ));
        assert!(!is_error(
            r#"{"type":"platform.report","record":{"status":"success"}}"#
        ));
        // JSON without either falls back to the terms.
        assert!(is_error(r#"{"msg":"ERROR x"}"#));
    }
}
