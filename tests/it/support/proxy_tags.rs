//! What each run of the binary asked of a proxy, kept apart from the proxy's log (which
//! tests clear and which holds their own seeding and log writes too): the requests whose
//! User-Agent carries a run's `app/ID` (`run.rs` sets `AWS_SDK_UA_APP_ID` per run), as they
//! arrive, and the role session behind each access key `AssumeRoleWithWebIdentity` handed
//! out, so a call can be checked against the rights of the credentials that signed it
//! (`iam_check.rs`).
//!
//! Proxies register by port, so a run finds the proxy its `AWS_ENDPOINT_URL` names.

use super::RequestInfo;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, Weak};

/// One request of a run: what it says of itself and its body.
#[derive(Clone, Debug)]
pub struct Asked {
    pub request: RequestInfo,
    pub body: String,
}

/// The role session an access key acts as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// `arn:aws:iam::ACCOUNT:role/NAME`.
    pub role: String,
    pub name: String,
}

#[derive(Default)]
pub struct Tags {
    by_app: Mutex<BTreeMap<String, Vec<Asked>>>,
    sessions: Mutex<BTreeMap<String, Session>>,
}

impl Tags {
    /// A request has arrived: kept when a run tagged it.
    pub fn arrived(&self, request: &RequestInfo, body: &str) {
        if let Some(app) = &request.app {
            let asked = Asked {
                request: request.clone(),
                body: body.to_owned(),
            };
            let mut by_app = self.by_app.lock().expect("tags");
            by_app.entry(app.clone()).or_default().push(asked);
        }
    }

    /// An answer went back: an `AssumeRoleWithWebIdentity` answer names the access key of
    /// the session the request asked for
    /// (<https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html>).
    pub fn answered(&self, request: &RequestInfo, body: &str, answer: &[u8]) {
        if !request.op.starts_with("AssumeRole") {
            return;
        }
        let answer = String::from_utf8_lossy(answer);
        let key = between(&answer, "<AccessKeyId>", "</AccessKeyId>");
        let role = form_value(body, "RoleArn");
        let name = form_value(body, "RoleSessionName");
        if let (Some(key), Some(role), Some(name)) = (key, role, name) {
            let session = Session { role, name };
            let mut sessions = self.sessions.lock().expect("sessions");
            sessions.insert(key.trim().to_owned(), session);
        }
    }

    /// The requests tagged `app` so far.
    pub fn of(&self, app: &str) -> Vec<Asked> {
        let by_app = self.by_app.lock().expect("tags");
        by_app.get(app).cloned().unwrap_or_default()
    }

    /// The role session `access_key` acts as, if a role was assumed through this proxy.
    pub fn session(&self, access_key: &str) -> Option<Session> {
        self.sessions
            .lock()
            .expect("sessions")
            .get(access_key)
            .cloned()
    }
}

fn between<'a>(text: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = text.find(open)? + open.len();
    let len = text[start..].find(close)?;
    Some(&text[start..start + len])
}

/// One `key=value` of a form or query string, percent-decoded.
pub fn form_value(form: &str, key: &str) -> Option<String> {
    form.split('&')
        .find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
        .map(decode)
}

/// Percent-decoding (`%3A` → `:`, `+` stays: the SDKs encode spaces as `%20`).
pub fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Live proxies by port.
static PROXIES: Mutex<BTreeMap<u16, Weak<Tags>>> = Mutex::new(BTreeMap::new());

pub fn register(port: u16, tags: &Arc<Tags>) {
    let mut proxies = PROXIES.lock().expect("proxies");
    proxies.insert(port, Arc::downgrade(tags));
}

pub fn unregister(port: u16) {
    PROXIES.lock().expect("proxies").remove(&port);
}

/// The proxy listening at `endpoint` (`http://127.0.0.1:PORT`), if one of this process's is.
pub fn at(endpoint: &str) -> Option<Arc<Tags>> {
    let rest = endpoint.strip_prefix("http://127.0.0.1:")?;
    let port: u16 = rest.trim_end_matches('/').parse().ok()?;
    PROXIES.lock().expect("proxies").get(&port)?.upgrade()
}
