//! One moto server per test on a free loopback port, with the docker-free Lambda backend and
//! ECR-checked image URIs; killed on drop. Behaviour notes: `tests/MOTO.md`.

use super::{free_port, http, repo_root};
use serde_json::{Value, json};
use std::fs::File;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

const READY_WITHIN: Duration = Duration::from_secs(20);
const REGION: &str = "us-east-1";

pub struct Moto {
    child: Child,
    port: u16,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Moto {
    /// Starts moto and waits until it answers; panics with its log if it does not.
    pub fn start() -> Moto {
        let root = repo_root();
        let server = root.join(".venv/bin/moto_server");
        assert!(
            server.exists(),
            "{} is missing: run scripts/dev/ensure-moto.sh",
            server.display()
        );
        // A port picked by binding :0 can be taken before moto binds it; try again then.
        let mut last_error = String::new();
        for _ in 0..3 {
            match Self::try_start(&server) {
                Ok(moto) => return moto,
                Err(e) => last_error = e,
            }
        }
        panic!("moto did not start: {last_error}");
    }

    fn try_start(server: &PathBuf) -> Result<Moto, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let log = dir.path().join("moto.log");
        let out = File::create(&log).map_err(|e| e.to_string())?;
        let err = out.try_clone().map_err(|e| e.to_string())?;
        let port = free_port();
        let child = Command::new(server)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            // Resolve image URIs in moto's ECR, so CodeSha256 is the image digest.
            .env("MOTO_LAMBDA_STUB_ECR", "false")
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|e| format!("spawn {}: {e}", server.display()))?;
        let mut moto = Moto {
            child,
            port,
            log,
            _dir: dir,
        };
        moto.wait_ready()?;
        moto.configure_docker_free_lambda();
        Ok(moto)
    }

    fn wait_ready(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + READY_WITHIN;
        let mut delay = Duration::from_millis(50);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("moto exited with {status}: {}", self.log_text()));
            }
            // moto answers this GET with 201.
            if let Ok((200..=299, _)) = http::request(self.port, "GET", "/moto-api/config", None) {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "no answer within {READY_WITHIN:?}: {}",
                    self.log_text()
                ));
            }
            sleep(delay);
            delay = (delay * 2).min(Duration::from_millis(500));
        }
    }

    /// Lambda without Docker. moto keeps these functions in a separate store, so this must
    /// happen before anything is seeded.
    fn configure_docker_free_lambda(&self) {
        let body = json!({"lambda": {"use_docker": false}}).to_string();
        let (status, text) = http::request(self.port, "POST", "/moto-api/config", Some(&body))
            .expect("POST /moto-api/config");
        assert!(status < 300, "moto config answered {status}: {text}");
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn region(&self) -> &'static str {
        REGION
    }

    /// Seeds moto with `scripts/dev/seed.py` (spec format documented there) and returns its
    /// JSON description of what was created.
    pub fn seed(&self, spec: Value) -> Value {
        let root = repo_root();
        let mut child = Command::new(root.join(".venv/bin/python"))
            .arg(root.join("scripts/dev/seed.py"))
            .args(["--endpoint", &self.endpoint(), "--region", REGION, "-"])
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

    /// Queues the payload the next Lambda invoke returns (docker-free backend, FIFO).
    pub fn queue_invoke_result(&self, payload: &str) {
        let body = json!({"results": [payload], "region": REGION}).to_string();
        let (status, text) = http::request(
            self.port,
            "POST",
            "/moto-api/static/lambda-simple/response",
            Some(&body),
        )
        .expect("POST lambda-simple response");
        assert_eq!(status, 201, "lambda-simple queue answered {status}: {text}");
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
