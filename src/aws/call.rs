//! Every SDK call goes through `Clients::call`: it waits for its quota pool's
//! slot, sends, and retries a throttled answer (429, `TooManyRequestsException`,
//! `Rate exceeded`) with jittered backoff, honouring `Retry-After`, until the
//! run's deadline. The SDK's own retry stays for other transient errors
//! (bounded attempts); `retry_classifier.rs` takes throttling away from it so
//! throttled retries are paced too and never exhaust its attempt count. Restores take the
//! pacer's restore lane (`Clients::restoring`): no queue, retried within their own budget.

use std::future::Future;
use std::time::Duration;

use aws_sdk_lambda::config::http::HttpResponse;
use aws_sdk_lambda::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_async::future::pagination_stream::PaginationStream;

use super::clients::Clients;
use super::error::{AwsError, ErrorKind};
use super::next_page::NextPage;
use super::operations::Operation;
use super::quota;

impl Clients {
    /// Sends `send()` paced by `op`'s pool, retrying throttled answers until the deadline.
    pub(super) async fn call<T, E, F, Fut>(
        &self,
        op: Operation,
        resource: &str,
        mut send: F,
    ) -> Result<T, AwsError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let pool = quota::pool_of(op.action);
        let mut attempt = 0;
        loop {
            let result = if self.restoring {
                self.pacer.restore_slot();
                send().await
            } else {
                let Some(_permit) = self.until_cancelled(self.pacer.slot(pool)).await else {
                    return Err(cancelled(op, resource));
                };
                send().await
            };
            let e = match result {
                Ok(v) => {
                    self.pacer.answered(pool);
                    return Ok(v);
                }
                Err(e) => e,
            };
            let err = AwsError::classify(op, resource, &e);
            if !is_throttled(&err, &e) {
                self.pacer.answered(pool);
                return Err(err);
            }
            let wait = if self.restoring {
                Some(self.pacer.throttled_restore(pool, retry_after(&e), attempt))
            } else {
                self.pacer.throttled_answer(pool, retry_after(&e), attempt)
            };
            match wait {
                Some(wait) => {
                    if self
                        .until_cancelled(tokio::time::sleep(wait))
                        .await
                        .is_none()
                    {
                        return Err(err);
                    }
                }
                None => return Err(err),
            }
            attempt += 1;
        }
    }

    /// Every page of a listing, each paced (a slot only for a page the previous one
    /// announced); a throttled page restarts the listing (through `call`), as listings
    /// are short.
    pub(super) async fn pages<O, E, F>(
        &self,
        op: Operation,
        resource: &str,
        start: F,
    ) -> Result<Vec<O>, AwsError>
    where
        F: Fn() -> PaginationStream<Result<O, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
        O: NextPage,
    {
        self.pages_until(op, resource, start, |_| false).await
    }

    /// The pages of a listing up to the first after which `enough` holds.
    pub(super) async fn pages_until<O, E, F>(
        &self,
        op: Operation,
        resource: &str,
        start: F,
        enough: impl Fn(&[O]) -> bool,
    ) -> Result<Vec<O>, AwsError>
    where
        F: Fn() -> PaginationStream<Result<O, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
        O: NextPage,
    {
        let pool = quota::pool_of(op.action);
        self.call(op, resource, || async {
            let mut stream = start();
            let mut out: Vec<O> = Vec::new();
            loop {
                // The first page's slot was taken by `call`; the paginator ends
                // without a request after a page with no next token.
                if let Some(last) = out.last() {
                    if !last.has_next() {
                        return Ok(out);
                    }
                    match self.restoring {
                        true => self.pacer.restore_slot(),
                        false => drop(self.pacer.slot(pool).await),
                    }
                }
                match stream.next().await {
                    Some(page) => out.push(page?),
                    None => return Ok(out),
                }
                if enough(&out) {
                    return Ok(out);
                }
            }
        })
        .await
    }
}

impl Clients {
    /// `fut`, or `None` once the job is cancelled (on the cancellable clients only): a run
    /// queued behind the pacer, or backing off a throttled answer, stops at once.
    async fn until_cancelled<T>(&self, fut: impl Future<Output = T>) -> Option<T> {
        match &self.cancel {
            None => Some(fut.await),
            Some(cancel) => tokio::select! {
                v = fut => Some(v),
                _ = cancel.cancelled() => None,
            },
        }
    }
}

/// The error of a call that a signal stopped before it was sent.
fn cancelled(op: Operation, resource: &str) -> AwsError {
    AwsError {
        kind: ErrorKind::Network,
        action: op.action,
        resource: resource.to_string(),
        code: "Cancelled".to_string(),
        message: "the job was cancelled before the call was sent".to_string(),
    }
}

fn is_throttled<E>(err: &AwsError, e: &SdkError<E, HttpResponse>) -> bool {
    err.kind == ErrorKind::Throttled || e.raw_response().is_some_and(|r| r.status().as_u16() == 429)
}

/// `Retry-After` (Lambda's `retryAfterSeconds` travels in this header), in seconds.
fn retry_after<E>(e: &SdkError<E, HttpResponse>) -> Option<Duration> {
    let value = e.raw_response()?.headers().get("retry-after")?;
    let secs: f64 = value.trim().parse().ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(60.0)))
}

#[cfg(test)]
mod tests {
    /// Every SDK call in the adapters is sent inside `Clients::call` or `Clients::pages*`
    /// (so paced and retried when throttled), or carries an `unpaced:` comment saying why.
    #[test]
    fn every_sdk_call_goes_through_the_pacer() {
        let mut dirs = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src/aws"
        ))];
        let mut files = Vec::new();
        // The adapters' families have folders (`lambda/`, `policy/`, `oidc/`): walk them all.
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).expect("src/aws") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    dirs.push(path);
                } else {
                    files.push(path);
                }
            }
        }
        let mut bypass = Vec::new();
        for path in files {
            let text = std::fs::read_to_string(&path).expect("source");
            for (at, _) in text.match_indices(".send()") {
                // The statement holding the send: from the last `;` before it.
                let statement = &text[text[..at].rfind(';').unwrap_or(0)..at];
                let paced = [".call(", ".pages(", ".pages_until(", "unpaced:"]
                    .iter()
                    .any(|w| statement.contains(w));
                if !paced && !path.ends_with("call.rs") {
                    let line = text[..at].lines().count();
                    bypass.push(format!("{}:{line}", path.display()));
                }
            }
        }
        assert!(
            bypass.is_empty(),
            "AWS calls bypassing the pacer: {bypass:?}"
        );
    }
}
