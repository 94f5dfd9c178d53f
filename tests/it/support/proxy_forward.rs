//! The proxy's exchanges with moto besides the request itself: the request as the rules
//! rewrite it, `GetMetricData` without percentiles, and the `ListAliases` the realism model
//! needs before a version delete.

use super::proxy_http::{Message, forward};
use super::proxy_request::RequestInfo;

/// Forwards to moto; a `GetMetricData` asks `Maximum` in place of any percentile, which
/// moto answers with a 500 (`realism/metrics.rs`).
pub async fn forward_to_moto(
    request: &Message,
    info: &RequestInfo,
    upstream: u16,
) -> std::io::Result<Message> {
    let rewritten = (info.op == "GetMetricData")
        .then(|| super::realism::without_percentiles(&request.body))
        .flatten();
    match rewritten {
        Some(body) => {
            let changed = Message {
                head: request.head.clone(),
                headers: request.headers.clone(),
                body,
            };
            forward(&changed, upstream).await
        }
        None => forward(request, upstream).await,
    }
}

/// The request as forwarded, with the rules' body replacements.
pub fn rewritten(request: &Message, replacements: &[(String, String)]) -> Message {
    let mut body = String::from_utf8_lossy(&request.body).into_owned();
    for (from, to) in replacements {
        body = body.replace(from.as_str(), to);
    }
    Message {
        head: request.head.clone(),
        headers: request.headers.clone(),
        body: if replacements.is_empty() {
            request.body.clone()
        } else {
            body.into_bytes()
        },
    }
}

/// moto's `ListAliases` of a function. moto routes a request to its service by the
/// credential scope of `Authorization` (it checks no signature), so the binary's is reused.
pub async fn list_aliases(
    upstream: u16,
    function: &str,
    original: &Message,
) -> std::io::Result<serde_json::Value> {
    let mut headers = vec![("Host".into(), format!("127.0.0.1:{upstream}"))];
    for name in ["authorization", "x-amz-date"] {
        if let Some(v) = original.header(name) {
            headers.push((name.to_owned(), v.to_owned()));
        }
    }
    let request = Message {
        head: format!("GET /2015-03-31/functions/{function}/aliases HTTP/1.1"),
        headers,
        body: Vec::new(),
    };
    let answer = forward(&request, upstream).await?;
    Ok(serde_json::from_slice(&answer.body).unwrap_or_default())
}
