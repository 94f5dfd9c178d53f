//! Many accounts in one moto, and a stand-in for GitHub's OIDC token endpoint.
//!
//! moto keeps the account of an assumed role with the temporary access key it hands
//! out (`moto/sts/models.py`, `_create_access_key` parses the account from the role
//! ARN), and every later request signed with that key acts in that account
//! (`moto/iam/models.py`, `get_account_id_from`). So credentials from
//! `AssumeRoleWithWebIdentity` into a role of account B act in account B, as on AWS.
//! moto does not check the web identity token at all: a rejected token is modelled
//! with a proxy rule (AWS answers `InvalidIdentityToken`,
//! <https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html>).

use super::{Moto, free_port, repo_root};
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Seeds `spec` (the `scripts/dev/seed.py` format) in `account` and `region`.
pub fn seed_in(moto: &Moto, account: &str, region: &str, spec: &Value) -> Value {
    let root = repo_root();
    let mut child = Command::new(root.join(".venv/bin/python"))
        .arg(root.join("scripts/dev/seed.py"))
        .args(["--endpoint", &moto.endpoint(), "--region", region])
        .args(["--account", account, "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn scripts/dev/seed.py");
    child
        .stdin
        .take()
        .expect("seed stdin")
        .write_all(spec.to_string().as_bytes())
        .expect("write seed spec");
    let out = child.wait_with_output().expect("wait for seed.py");
    assert!(
        out.status.success(),
        "seed.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("seed.py printed JSON")
}

/// An alias in `account` as moto holds it: (version, description).
pub fn alias_in(
    endpoint: &str,
    account: &str,
    region: &str,
    function: &str,
    alias: &str,
) -> (String, String) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let base = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .endpoint_url(endpoint)
            .region(aws_config::Region::new(region.to_string()))
            .credentials_provider(aws_sdk_lambda::config::Credentials::new(
                "testing", "testing", None, None, "test",
            ))
            .load()
            .await;
        let sts = aws_sdk_sts::Client::new(&base);
        let role = format!("arn:aws:iam::{account}:role/reader");
        let out = sts
            .assume_role()
            .role_arn(role)
            .role_session_name("reader")
            .send()
            .await
            .expect("assume reader role");
        let c = out.credentials().expect("credentials");
        let conf = aws_sdk_lambda::config::Builder::from(&base)
            .credentials_provider(aws_sdk_lambda::config::Credentials::new(
                c.access_key_id(),
                c.secret_access_key(),
                Some(c.session_token().to_string()),
                None,
                "assumed",
            ))
            .build();
        let a = aws_sdk_lambda::Client::from_conf(conf)
            .get_alias()
            .function_name(function)
            .name(alias)
            .send()
            .await
            .expect("get alias");
        (
            a.function_version().unwrap_or_default().to_string(),
            a.description().unwrap_or_default().to_string(),
        )
    })
}

/// GitHub's token endpoint as the runner reaches it: `GET URL&audience=…` with
/// `Authorization: Bearer REQUEST_TOKEN` answers `{"value": JWT}`; any other
/// request token gets 401.
pub struct OidcStandIn {
    port: u16,
    pub bearer: String,
    pub jwt: String,
    requests: Arc<AtomicUsize>,
    audiences: Arc<Mutex<Vec<String>>>,
}

impl OidcStandIn {
    pub fn start() -> OidcStandIn {
        let port = free_port();
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind OIDC stand-in");
        let bearer = "oidc-request-token-Zq81KxN3vP".to_string();
        let jwt =
            "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOm9jdG8tb3JnL3dvcmtlciJ9.c2lnbmF0dXJlX0pXVF85OQ"
                .to_string();
        let requests = Arc::new(AtomicUsize::new(0));
        let audiences = Arc::new(Mutex::new(Vec::new()));
        let (want, value, count, seen) = (
            bearer.clone(),
            jwt.clone(),
            requests.clone(),
            audiences.clone(),
        );
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut reader = BufReader::new(&stream);
                let mut lines = Vec::new();
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                    lines.push(line.trim_end().to_string());
                    line.clear();
                }
                count.fetch_add(1, Ordering::SeqCst);
                let target = lines.first().cloned().unwrap_or_default();
                if let Some((_, aud)) = target.split_once("audience=") {
                    seen.lock()
                        .unwrap()
                        .push(aud.split([' ', '&']).next().unwrap_or("").into());
                }
                let authorized = lines.iter().any(|l| {
                    l.to_ascii_lowercase().starts_with("authorization:")
                        && l.split_whitespace().last() == Some(want.as_str())
                });
                let (status, body) = if authorized {
                    ("200 OK", format!("{{\"value\":\"{value}\"}}"))
                } else {
                    (
                        "401 Unauthorized",
                        "{\"message\":\"Bad credentials\"}".to_string(),
                    )
                };
                let mut s = &stream;
                let _ = write!(
                    s,
                    "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        OidcStandIn {
            port,
            bearer,
            jwt,
            requests,
            audiences,
        }
    }

    /// `ACTIONS_ID_TOKEN_REQUEST_URL` (with the runner's own query).
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/_apis/token?api-version=2.0", self.port)
    }

    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    pub fn audiences(&self) -> Vec<String> {
        self.audiences.lock().unwrap().clone()
    }
}
