//! Tests of `parse`: the example of the README's "The contract file", defaults, and one case per
//! diagnostic code, by topic in the files below; here the helpers they share and the snapshot.

use std::collections::BTreeMap;
use std::time::Duration;

use super::parse;
use crate::config::model::*;
use crate::diag::{Code, Diagnostic};

mod document;
mod example;
mod links;
mod values;

fn at(line: u32, col: u32) -> Pos {
    Pos { line, col }
}

fn errors(text: &str) -> Vec<Diagnostic> {
    match parse("c.yml", text) {
        Ok(c) => panic!("expected errors, parsed {c:#?}"),
        Err(d) => d,
    }
}

/// The codes' stable texts, as a user reads them.
fn codes(text: &str) -> Vec<&'static str> {
    errors(text).into_iter().map(|d| d.code.as_str()).collect()
}

/// A valid contract with one environment whose body is `env` (indented 4).
fn with_env(env: &str) -> String {
    let body: String = env.lines().map(|l| format!("    {l}\n")).collect();
    format!("version: 1\nenvironments:\n  dev:\n{body}")
}

const MINIMAL_ENV: &str = "image: input\nfunctions: [{ name: f }]\n";

const MANY_ERRORS: &str = r#"version: 1
region: us-east-1
account: 12345
color: blue
environments:
  dev:
    when: { branch: main }
    image: latest
    functions: []
    checks:
      - cloudfront: { comment: app, alias: cdn.example.com }
      - log-group: /aws/lambda/dev
        function: { name-env: FN }
  staging:
    when: { branch: main }
    image: { from: prod }
    functions: [{ name: worker-staging, alais: live }]
    strategy:
      canary:
        steps: [50, 10, 120]
        interval: soon
  prod:
    when: { tag: "v*.*.*" }
    image: { from: staging }
    functions: [{ name: worker-prod }]
    smoke-test: { payload: "{smoke: true}" }
    keep-versions: 0
    invalidate: { distribution-id-env: CF-ID, paths: [index.html] }
"#;

#[test]
fn snapshot_of_a_file_with_many_errors() {
    let rendered: Vec<String> = errors(MANY_ERRORS).iter().map(|d| d.to_string()).collect();
    insta::assert_snapshot!(rendered.join("\n"));
}

#[test]
fn diagnostics_are_sorted_by_position() {
    let d = errors(MANY_ERRORS);
    let places: Vec<Pos> = d.iter().map(|d| d.at).collect();
    let mut sorted = places.clone();
    sorted.sort();
    assert_eq!(places, sorted);
}
