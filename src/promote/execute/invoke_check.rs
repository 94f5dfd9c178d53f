//! One synchronous invoke judged as a check: the smoke test (the new version, before any
//! traffic) and the post-traffic check (the alias, after 100 %). A `FunctionError` or a
//! payload with `errorMessage` fails it.

use tokio::time::Instant;

use super::job::Job;

/// Invokes `function:qualifier` with `payload`; `Ok(answer)` or `Err(why)`, where `what`
/// names the check in messages ("smoke test of version 7").
pub async fn invoke(
    job: &Job<'_>,
    qualifier: &str,
    payload: &str,
    what: &str,
) -> Result<String, String> {
    let r = job
        .write
        .invoke_version(
            &job.target.name,
            qualifier,
            payload,
            job.deadline.saturating_duration_since(Instant::now()),
        )
        .await
        .map_err(|e| match job.cancel.signal() {
            Some(sig) => format!("cancelled by signal {} during the {what}", sig.number()),
            None => e.to_string(),
        })?;
    match failure(r.function_error.as_deref(), &r.payload) {
        Some(why) => Err(format!("{what} failed{why}")),
        None => Ok(r.payload),
    }
}

/// Why an answer is a failure (` (Unhandled): message`), or `None`. The message is kept
/// whole: the report cuts it after scrubbing (`scrub::MESSAGE_CHARS`), so a cut never
/// leaves a piece of a secret the scrubber cannot recognise.
pub fn failure(function_error: Option<&str>, payload: &str) -> Option<String> {
    let error_message = serde_json::from_str::<serde_json::Value>(payload)
        .ok()
        .and_then(|v| {
            v.get("errorMessage").map(|m| {
                m.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| m.to_string())
            })
        });
    match (function_error, error_message) {
        (Some(kind), msg) => Some(format!(
            " ({kind}): {}",
            msg.unwrap_or_else(|| payload.to_string())
        )),
        (None, Some(msg)) => Some(format!(": {msg}")),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::failure;

    #[test]
    fn errors_and_error_messages_fail() {
        assert_eq!(failure(None, r#"{"ok":true}"#), None);
        assert_eq!(
            failure(None, r#"{"errorMessage":"boom"}"#).as_deref(),
            Some(": boom")
        );
        assert_eq!(
            failure(Some("Unhandled"), "not json").as_deref(),
            Some(" (Unhandled): not json")
        );
    }
}
