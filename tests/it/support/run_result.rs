//! What one run of the binary left behind: exit code, stdout, stderr, the job summary and the
//! outputs the runner would read, with the readers the tests share.

use serde_json::Value;
use std::collections::BTreeMap;

#[derive(Debug)]
pub struct RunResult {
    /// `None` when killed by a signal.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// Contents of `GITHUB_STEP_SUMMARY`.
    pub summary: String,
    /// `GITHUB_OUTPUT` parsed into name → value (the last write of a name wins, as on the runner).
    pub outputs: BTreeMap<String, String>,
    pub outputs_raw: String,
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

    /// An output that must be there.
    pub fn out(&self, name: &str) -> &str {
        self.output(name)
            .unwrap_or_else(|| panic!("no output {name}: {:#?}", self.outputs))
    }

    /// The report's `error` text (empty when there is none).
    pub fn error(&self) -> String {
        self.report()["error"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// The first function's canary step records in the report.
    pub fn canary_records(&self) -> Vec<Value> {
        self.report()["promotion"]["functions"][0]["canary"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// The first function's steps in the report, as JSON text to search.
    pub fn steps(&self) -> String {
        self.report()["promotion"]["functions"][0]["steps"].to_string()
    }

    /// Asserts how the run ended: exit code, `result` and `rolled-back` outputs.
    pub fn assert_end(&self, code: i32, result: &str, rolled_back: bool) {
        self.assert_code(code);
        assert_eq!(self.output("result"), Some(result), "{}", self.stderr);
        let rolled_back = if rolled_back { "true" } else { "false" };
        assert_eq!(self.output("rolled-back"), Some(rolled_back));
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
