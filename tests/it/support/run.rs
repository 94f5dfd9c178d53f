//! Runs the real `lambda-promote` binary as a subprocess, either exactly as the GitHub runner
//! starts a container action (cleared env, `INPUT_*`, `GITHUB_*`, output and summary files)
//! or as a terminal command with argv.

use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread::{JoinHandle, sleep};
use std::time::{Duration, Instant};

/// Where AWS and GitHub calls go when a test sets no endpoint: the discard port, so a
/// forgotten endpoint fails fast instead of reaching the real services.
const NOWHERE: &str = "http://127.0.0.1:9";
const DEFAULT_CONTRACT: &str = ".github/lambda-promote.yml";

pub struct Run {
    action: bool,
    argv: Vec<String>,
    inputs: Vec<(String, String)>,
    env: Vec<(String, String)>,
    endpoint: String,
    region: String,
    event_name: String,
    event: Value,
    git_ref: String,
    sha: String,
    contract: Option<(String, String)>,
    files: Vec<(String, String)>,
    timeout: Duration,
}

impl Run {
    /// The binary as a Docker action on the runner: configuration only through env.
    pub fn action() -> Run {
        Run {
            action: true,
            argv: Vec::new(),
            inputs: Vec::new(),
            env: Vec::new(),
            endpoint: NOWHERE.to_owned(),
            region: "us-east-1".to_owned(),
            event_name: "pull_request".to_owned(),
            event: json!({"pull_request": {"number": 7, "head": {"repo": {"fork": false}}}}),
            git_ref: "refs/pull/7/merge".to_owned(),
            sha: "0123456789abcdef0123456789abcdef01234567".to_owned(),
            contract: None,
            files: Vec::new(),
            timeout: Duration::from_secs(120),
        }
    }

    /// The binary on a terminal: `lambda-promote ARGS…`, run in the workspace directory.
    pub fn cli<I, S>(args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Run {
            action: false,
            argv: args.into_iter().map(Into::into).collect(),
            ..Run::action()
        }
    }

    /// `INPUT_<NAME>` as the runner spells it: upper-cased, spaces to `_`, hyphens kept.
    pub fn input(mut self, name: &str, value: &str) -> Run {
        let key = format!("INPUT_{}", name.replace(' ', "_").to_uppercase());
        self.inputs.push((key, value.to_owned()));
        self
    }

    /// Any other variable (job secrets, overrides of the defaults set here).
    pub fn env(mut self, key: &str, value: &str) -> Run {
        self.env.push((key.to_owned(), value.to_owned()));
        self
    }

    /// `AWS_ENDPOINT_URL` (a `Moto` or a `Recorder`).
    pub fn endpoint(mut self, url: &str) -> Run {
        self.endpoint = url.to_owned();
        self
    }

    pub fn region(mut self, region: &str) -> Run {
        self.region = region.to_owned();
        self
    }

    /// `GITHUB_EVENT_NAME` and the JSON written to `GITHUB_EVENT_PATH`.
    pub fn event(mut self, name: &str, payload: Value) -> Run {
        self.event_name = name.to_owned();
        self.event = payload;
        self
    }

    /// A `push` of `refs/heads/BRANCH`.
    pub fn push_branch(self, branch: &str) -> Run {
        let git_ref = format!("refs/heads/{branch}");
        self.event("push", json!({"ref": git_ref}))
            .git_ref(&git_ref)
    }

    /// A `push` of `refs/tags/TAG`.
    pub fn push_tag(self, tag: &str) -> Run {
        let git_ref = format!("refs/tags/{tag}");
        self.event("push", json!({"ref": git_ref}))
            .git_ref(&git_ref)
    }

    pub fn git_ref(mut self, git_ref: &str) -> Run {
        self.git_ref = git_ref.to_owned();
        self
    }

    pub fn sha(mut self, sha: &str) -> Run {
        self.sha = sha.to_owned();
        self
    }

    /// Copies a contract file into the workspace at `.github/lambda-promote.yml`.
    pub fn contract(self, file: impl AsRef<Path>) -> Run {
        let text = std::fs::read_to_string(file.as_ref())
            .unwrap_or_else(|e| panic!("read contract {}: {e}", file.as_ref().display()));
        self.contract_text(&text)
    }

    /// Writes contract text into the workspace at `.github/lambda-promote.yml`.
    pub fn contract_text(self, text: &str) -> Run {
        self.contract_text_at(DEFAULT_CONTRACT, text)
    }

    /// Writes contract text at another workspace-relative path (pair with the `contract` input).
    pub fn contract_text_at(mut self, relative: &str, text: &str) -> Run {
        self.contract = Some((relative.to_owned(), text.to_owned()));
        self
    }

    /// Any other file in the workspace.
    pub fn file(mut self, relative: &str, text: &str) -> Run {
        self.files.push((relative.to_owned(), text.to_owned()));
        self
    }

    /// Bound on the whole run; the process is killed past it and the test fails.
    pub fn timeout(mut self, timeout: Duration) -> Run {
        self.timeout = timeout;
        self
    }

    /// Runs to completion.
    pub fn execute(self) -> RunResult {
        self.spawn().wait()
    }

    /// Starts the process and returns at once (for signal tests).
    pub fn spawn(self) -> Running {
        let dir = tempfile::tempdir().expect("temp dir");
        let workspace = dir.path().join("workspace");
        let runner_temp = dir.path().join("runner");
        std::fs::create_dir_all(&workspace).expect("create workspace");
        std::fs::create_dir_all(&runner_temp).expect("create runner temp");
        for (relative, text) in self.contract.iter().chain(self.files.iter()) {
            let path = workspace.join(relative);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).expect("create workspace subdir");
            }
            std::fs::write(&path, text).expect("write workspace file");
        }
        let output_file = runner_temp.join("github_output");
        let summary_file = runner_temp.join("step_summary");
        let event_file = runner_temp.join("event.json");
        std::fs::write(&output_file, "").expect("create GITHUB_OUTPUT");
        std::fs::write(&summary_file, "").expect("create GITHUB_STEP_SUMMARY");
        std::fs::write(&event_file, self.event.to_string()).expect("write event");

        let mut command = Command::new(env!("CARGO_BIN_EXE_lambda-promote"));
        command.env_clear().current_dir(&workspace);
        for key in ["PATH", "HOME"] {
            if let Ok(value) = std::env::var(key) {
                command.env(key, value);
            }
        }
        command
            .env("AWS_ENDPOINT_URL", &self.endpoint)
            .env("AWS_REGION", &self.region)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            // No ~/.aws of the developer's leaks into a test.
            .env("AWS_CONFIG_FILE", dir.path().join("no-aws-config"))
            .env(
                "AWS_SHARED_CREDENTIALS_FILE",
                dir.path().join("no-aws-credentials"),
            );
        if self.action {
            let repository = "octo-org/worker";
            command
                .env("GITHUB_ACTIONS", "true")
                .env("CI", "true")
                .env("GITHUB_WORKSPACE", &workspace)
                .env("GITHUB_EVENT_NAME", &self.event_name)
                .env("GITHUB_EVENT_PATH", &event_file)
                .env("GITHUB_REF", &self.git_ref)
                .env("GITHUB_SHA", &self.sha)
                .env("GITHUB_REPOSITORY", repository)
                .env("GITHUB_REPOSITORY_OWNER", "octo-org")
                .env("GITHUB_RUN_ID", "4242")
                .env("GITHUB_RUN_ATTEMPT", "1")
                .env("GITHUB_ACTOR", "octocat")
                .env("GITHUB_SERVER_URL", "https://github.com")
                .env("GITHUB_API_URL", NOWHERE)
                .env("GITHUB_OUTPUT", &output_file)
                .env("GITHUB_STEP_SUMMARY", &summary_file)
                .env("RUNNER_TEMP", &runner_temp);
            if let Some(name) = self.git_ref.strip_prefix("refs/heads/") {
                command
                    .env("GITHUB_REF_NAME", name)
                    .env("GITHUB_REF_TYPE", "branch");
            } else if let Some(name) = self.git_ref.strip_prefix("refs/tags/") {
                command
                    .env("GITHUB_REF_NAME", name)
                    .env("GITHUB_REF_TYPE", "tag");
            }
        }
        command
            .envs(self.inputs.iter().cloned())
            .envs(self.env.iter().cloned());
        command
            .args(&self.argv)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());

        let mut child = command.spawn().expect("spawn lambda-promote");
        let stdout = drain(child.stdout.take());
        let stderr = drain(child.stderr.take());
        Running {
            child,
            stdout,
            stderr,
            deadline: Instant::now() + self.timeout,
            output_file,
            summary_file,
            workspace,
            dir,
        }
    }
}

/// Reads a pipe on its own thread so a chatty child never blocks on a full pipe.
fn drain<R: Read + Send + 'static>(pipe: Option<R>) -> JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut text);
        }
        String::from_utf8_lossy(&text).into_owned()
    })
}

pub struct Running {
    child: Child,
    stdout: JoinHandle<String>,
    stderr: JoinHandle<String>,
    deadline: Instant,
    output_file: PathBuf,
    summary_file: PathBuf,
    workspace: PathBuf,
    dir: tempfile::TempDir,
}

impl Running {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends a signal by name (`INT`, `TERM`) the way the runner cancels a job.
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.child.id().to_string())
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{name} {} failed", self.child.id());
    }

    /// Waits for exit (killing the process past the timeout) and collects the result.
    pub fn wait(mut self) -> RunResult {
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait for lambda-promote") {
                break status;
            }
            if Instant::now() > self.deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                let stderr = self.stderr.join().unwrap_or_default();
                panic!("lambda-promote did not finish in time; stderr:\n{stderr}");
            }
            sleep(Duration::from_millis(20));
        };
        let stdout = self.stdout.join().unwrap_or_default();
        let stderr = self.stderr.join().unwrap_or_default();
        let outputs_raw = std::fs::read_to_string(&self.output_file).unwrap_or_default();
        RunResult {
            status,
            code: status.code(),
            stdout,
            stderr,
            summary: std::fs::read_to_string(&self.summary_file).unwrap_or_default(),
            outputs: parse_outputs(&outputs_raw),
            outputs_raw,
            workspace: self.workspace,
            _dir: self.dir,
        }
    }
}

#[derive(Debug)]
pub struct RunResult {
    pub status: ExitStatus,
    /// `None` when killed by a signal.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// Contents of `GITHUB_STEP_SUMMARY`.
    pub summary: String,
    /// `GITHUB_OUTPUT` parsed into name → value (the last write of a name wins, as on the runner).
    pub outputs: BTreeMap<String, String>,
    pub outputs_raw: String,
    pub workspace: PathBuf,
    _dir: tempfile::TempDir,
}

impl RunResult {
    pub fn output(&self, name: &str) -> Option<&str> {
        self.outputs.get(name).map(String::as_str)
    }

    /// The `report` output parsed as JSON.
    pub fn report(&self) -> Value {
        let raw = self
            .output("report")
            .unwrap_or_else(|| panic!("no report output; {self:#?}"));
        serde_json::from_str(raw).expect("report output is JSON")
    }

    /// Asserts the exit code, showing everything the run printed when it differs.
    pub fn assert_code(&self, expected: i32) -> &RunResult {
        assert_eq!(
            self.code,
            Some(expected),
            "exit code\n--- stdout\n{}\n--- stderr\n{}\n--- outputs\n{:#?}",
            self.stdout,
            self.stderr,
            self.outputs
        );
        self
    }
}

/// Parses the runner's file-command format: `name=value` lines and `name<<DELIM` heredocs.
pub fn parse_outputs(text: &str) -> BTreeMap<String, String> {
    let mut outputs = BTreeMap::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if let Some((name, delimiter)) = line.split_once("<<") {
            let mut value = Vec::new();
            for body in lines.by_ref() {
                if body == delimiter {
                    break;
                }
                value.push(body);
            }
            outputs.insert(name.to_owned(), value.join("\n"));
        } else if let Some((name, value)) = line.split_once('=') {
            outputs.insert(name.to_owned(), value.to_owned());
        }
    }
    outputs
}
