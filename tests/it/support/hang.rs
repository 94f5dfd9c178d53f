//! The proxy's `Action::Hang`: the request is read, logged, and never answered; the
//! connection stays open. AWS does this when a call stalls (a synchronous `Invoke` runs as
//! long as the function does, up to its timeout of at most 15 minutes:
//! <https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html>), and a network path
//! can do it to any call. moto always answers at once.
//!
//! `Action::Delay` is the other half: a call that is slow but lands. AWS applies a write
//! whose client has given up (a timeout or a signal cuts the client, not the service), so
//! the write takes effect after the client saw no answer —
//! <https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html> ("the
//! request may have been processed").

use std::sync::Mutex;
use std::time::Instant;

use super::{RequestInfo, Seen};

/// The log entry of a hung request: status 0, injected, never done.
fn seen(info: &RequestInfo, at: Instant, body: String) -> Seen {
    Seen {
        at,
        done: at,
        path: info.path.clone(),
        op: info.op.clone(),
        request: info.clone(),
        status: 0,
        injected: true,
        landed: false,
        body,
        update_status: None,
    }
}

/// Logs the request, then holds the connection until the proxy shuts down.
pub async fn forever(
    log: &Mutex<Vec<Seen>>,
    info: &RequestInfo,
    at: Instant,
    body: String,
) -> std::io::Result<()> {
    log.lock().expect("log").push(seen(info, at, body));
    std::future::pending::<()>().await;
    Ok(())
}
