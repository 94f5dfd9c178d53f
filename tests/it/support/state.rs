//! The Lambda state of some functions in moto (`scripts/dev/lambda_state.py`), to prove what a
//! run wrote, or that it wrote nothing.

use super::{Moto, repo_root};
use serde_json::Value;
use std::process::Command;

impl Moto {
    /// `{FUNCTION: {latest, versions: {N: {code_sha256, description}}, aliases: {NAME:
    /// {version, weights, description}}} | null}` for each function named.
    pub fn lambda_state(&self, functions: &[&str]) -> Value {
        let root = repo_root();
        let out = Command::new(root.join(".venv/bin/python"))
            .arg(root.join("scripts/dev/lambda_state.py"))
            .args(["--endpoint", &self.endpoint(), "--region", self.region()])
            .args(functions)
            .output()
            .expect("spawn scripts/dev/lambda_state.py");
        assert!(
            out.status.success(),
            "lambda_state.py failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("lambda_state.py printed JSON")
    }

    /// The version and description of one alias.
    pub fn alias(&self, function: &str, alias: &str) -> (String, String) {
        let state = self.lambda_state(&[function]);
        let a = &state[function]["aliases"][alias];
        (
            a["version"].as_str().unwrap_or_default().to_owned(),
            a["description"].as_str().unwrap_or_default().to_owned(),
        )
    }

    /// The published version numbers of a function, ascending.
    pub fn versions(&self, function: &str) -> Vec<u64> {
        let state = self.lambda_state(&[function]);
        let mut numbers: Vec<u64> = state[function]["versions"]
            .as_object()
            .map(|m| m.keys().filter_map(|k| k.parse().ok()).collect())
            .unwrap_or_default();
        numbers.sort_unstable();
        numbers
    }
}
