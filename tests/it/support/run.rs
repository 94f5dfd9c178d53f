//! Runs the real `lambda-promote` binary as a subprocess, either exactly as the GitHub runner
//! starts a container action (cleared env, `INPUT_*`, `GITHUB_*`, output and summary files)
//! or as a terminal command with argv.

use super::github_stand_in::REPOSITORY;
use super::iam_check::{self, Exempt, Pending};
use super::run_result::{RunResult, parse_outputs};
use serde_json::{Value, json};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::{JoinHandle, sleep};
use std::time::{Duration, Instant};

/// Where AWS and GitHub calls go when a test sets no endpoint: the discard port, so a
/// forgotten endpoint fails fast instead of reaching the real services.
const NOWHERE: &str = "http://127.0.0.1:9";
const DEFAULT_CONTRACT: &str = ".github/lambda-promote.yml";
/// The commit every run is on (its first 12 characters are in version descriptions).
const SHA: &str = "0123456789abcdef0123456789abcdef01234567";

pub struct Run {
    action: bool,
    argv: Vec<String>,
    inputs: Vec<(String, String)>,
    env: Vec<(String, String)>,
    endpoint: String,
    event_name: String,
    event: Value,
    git_ref: String,
    contract: Option<(String, String)>,
    timeout: Duration,
    /// Calls of this run not checked against iam-policy, each with why (`iam_check.rs`).
    unchecked: Vec<Exempt>,
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
            event_name: "pull_request".to_owned(),
            event: json!({"pull_request": {"number": 7, "head": {"repo": {"fork": false}}}}),
            git_ref: "refs/pull/7/merge".to_owned(),
            contract: None,
            timeout: Duration::from_secs(120),
            unchecked: Vec::new(),
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

    /// The job's GitHub API at `api_url` (a stand-in), for repository `acme/app`, with `token`.
    pub fn github(self, api_url: &str, token: &str) -> Run {
        self.env("GITHUB_API_URL", api_url)
            .env("GITHUB_REPOSITORY", REPOSITORY)
            .input("github-token", token)
    }

    /// A `pull_request` event of `acme/app`'s own pull request #7 (not from a fork).
    pub fn own_pull_request(self) -> Run {
        self.event(
            "pull_request",
            json!({"number": 7, "pull_request": {"number": 7,
                "head": {"repo": {"full_name": REPOSITORY, "fork": false}},
                "base": {"repo": {"full_name": REPOSITORY}}}}),
        )
    }

    pub fn git_ref(mut self, git_ref: &str) -> Run {
        self.git_ref = git_ref.to_owned();
        self
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

    /// Bound on the whole run; the process is killed past it and the test fails.
    pub fn timeout(mut self, timeout: Duration) -> Run {
        self.timeout = timeout;
        self
    }

    /// Leaves this run's calls of `action` on a resource containing `resource` unchecked
    /// against `iam-policy` for its contract, for the stated reason: only for calls the
    /// policy is meant not to grant (`iam_check.rs`); every other call is still checked.
    pub fn unchecked_call(mut self, action: &str, resource: &str, reason: &str) -> Run {
        assert!(
            !reason.trim().is_empty(),
            "an unchecked call needs a reason"
        );
        self.unchecked.push(Exempt {
            action: action.to_owned(),
            resource: resource.to_owned(),
            reason: reason.to_owned(),
        });
        self
    }

    /// The last value this run gives `key`, `INPUT_*` or other.
    fn var(&self, key: &str) -> Option<&str> {
        let mut all = self.inputs.iter().chain(&self.env);
        all.rfind(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// The check of this run's AWS calls, when they go through a proxy; the contract is
    /// the one written, unless the run names another file (then it fails to read it).
    fn check(&self, app: &str) -> Option<Pending> {
        let endpoint = self.var("AWS_ENDPOINT_URL").unwrap_or(&self.endpoint);
        let named = self.var("INPUT_CONTRACT").map(str::trim).or_else(|| {
            let at = self.argv.iter().position(|a| a == "--contract")?;
            self.argv.get(at + 1).map(String::as_str)
        });
        let contract = self
            .contract
            .as_ref()
            .filter(|(relative, _)| named.is_none_or(|n| n.trim_start_matches("./") == relative));
        let region = self.var("AWS_REGION").unwrap_or("us-east-1");
        let text = contract.map(|(_, text)| text.as_str());
        let pull_request = self.action && self.event_name == "pull_request";
        iam_check::pending(app, endpoint, text, region, &self.unchecked, pull_request)
    }

    /// Runs to completion.
    pub fn execute(self) -> RunResult {
        self.spawn().wait()
    }

    /// Starts the process and returns at once (for signal tests).
    pub fn spawn(self) -> Running {
        let dir = tempfile::tempdir().expect("temp dir");
        let files = self.write_files(dir.path());
        let mut command = Command::new(env!("CARGO_BIN_EXE_lambda-promote"));
        command.env_clear().current_dir(&files.workspace);
        for key in ["PATH", "HOME"] {
            if let Ok(value) = std::env::var(key) {
                command.env(key, value);
            }
        }
        command
            .env("AWS_ENDPOINT_URL", &self.endpoint)
            .env("AWS_REGION", "us-east-1")
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
            self.runner_env(&mut command, &files);
        }
        // Tags the run's requests, for the proxy to tell them from any other's.
        let app = iam_check::app_id();
        command
            .envs(self.inputs.iter().cloned())
            .envs(self.env.iter().cloned())
            .env("AWS_SDK_UA_APP_ID", &app);
        let check = self.check(&app);
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
            output_file: files.output_file,
            summary_file: files.summary_file,
            app,
            check,
            _dir: dir,
        }
    }

    /// The workspace with the contract, and the runner's file-command files.
    fn write_files(&self, root: &Path) -> Files {
        let workspace = root.join("workspace");
        let runner_temp = root.join("runner");
        std::fs::create_dir_all(&workspace).expect("create workspace");
        std::fs::create_dir_all(&runner_temp).expect("create runner temp");
        if let Some((relative, text)) = &self.contract {
            let path = workspace.join(relative);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).expect("create workspace subdir");
            }
            std::fs::write(&path, text).expect("write workspace file");
        }
        let files = Files {
            output_file: runner_temp.join("github_output"),
            summary_file: runner_temp.join("step_summary"),
            event_file: runner_temp.join("event.json"),
            workspace,
            runner_temp,
        };
        std::fs::write(&files.output_file, "").expect("create GITHUB_OUTPUT");
        std::fs::write(&files.summary_file, "").expect("create GITHUB_STEP_SUMMARY");
        std::fs::write(&files.event_file, self.event.to_string()).expect("write event");
        files
    }

    /// The variables the runner sets for a container action.
    fn runner_env(&self, command: &mut Command, files: &Files) {
        let repository = "octo-org/worker";
        command
            .env("GITHUB_ACTIONS", "true")
            .env("CI", "true")
            .env("GITHUB_WORKSPACE", &files.workspace)
            .env("GITHUB_EVENT_NAME", &self.event_name)
            .env("GITHUB_EVENT_PATH", &files.event_file)
            .env("GITHUB_REF", &self.git_ref)
            .env("GITHUB_SHA", SHA)
            .env("GITHUB_REPOSITORY", repository)
            .env("GITHUB_REPOSITORY_OWNER", "octo-org")
            .env("GITHUB_RUN_ID", "4242")
            .env("GITHUB_RUN_ATTEMPT", "1")
            .env("GITHUB_ACTOR", "octocat")
            .env("GITHUB_SERVER_URL", "https://github.com")
            .env("GITHUB_API_URL", NOWHERE)
            .env("GITHUB_OUTPUT", &files.output_file)
            .env("GITHUB_STEP_SUMMARY", &files.summary_file)
            .env("RUNNER_TEMP", &files.runner_temp);
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
}

/// Where one run's files live.
struct Files {
    workspace: PathBuf,
    runner_temp: PathBuf,
    output_file: PathBuf,
    summary_file: PathBuf,
    event_file: PathBuf,
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
    /// The run's `AWS_SDK_UA_APP_ID`, in the User-Agent of its AWS requests.
    app: String,
    /// Checked once the run has ended.
    check: Option<Pending>,
    /// The workspace and the runner's files, removed once the result is read.
    _dir: tempfile::TempDir,
}

impl Running {
    /// Sends a signal by name (`INT`, `TERM`) the way the runner cancels a job.
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.child.id().to_string())
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{name} {} failed", self.child.id());
    }

    /// Sends a signal unless the process has already ended; true when it was sent.
    pub fn try_signal(&mut self, name: &str) -> bool {
        if !matches!(self.child.try_wait(), Ok(None)) {
            return false;
        }
        Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.child.id().to_string())
            .status()
            .is_ok_and(|s| s.success())
    }

    /// The id in the User-Agent of this run's AWS requests (`iam_check.rs`).
    pub fn app(&self) -> &str {
        &self.app
    }

    /// Whether the process is still running.
    pub fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
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
        if let Some(check) = self.check.take() {
            check.verify(&stderr);
        }
        RunResult {
            code: status.code(),
            stdout,
            stderr,
            summary: std::fs::read_to_string(&self.summary_file).unwrap_or_default(),
            outputs: parse_outputs(&outputs_raw),
            outputs_raw,
        }
    }
}
