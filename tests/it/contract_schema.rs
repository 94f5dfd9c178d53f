//! The contract's JSON Schema (`schema/lambda-promote.schema.json`) stays in step with the
//! parser: every contract in the repository that the parser accepts, the schema accepts; the
//! schema's keys are the parser's keys at every level; and a few wrong contracts are refused.

mod validator;

use std::path::{Path, PathBuf};

use serde_json::Value;

const SCHEMA: &str = "schema/lambda-promote.schema.json";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn schema() -> Value {
    let text = std::fs::read_to_string(root().join(SCHEMA)).expect("the schema file");
    serde_json::from_str(&text).expect("the schema is JSON")
}

fn to_json(yaml: &str) -> Value {
    serde_saphyr::from_str::<Value>(yaml).expect("YAML that the parser accepted")
}

/// The schema's complaints about `yaml`.
fn refusals(schema: &Value, yaml: &str) -> Vec<String> {
    validator::errors(schema, schema, &to_json(yaml), "contract")
}

fn parses(yaml: &str) -> bool {
    lambda_promote::config::parse("c.yml", yaml).is_ok()
}

/// Files under `dir` (recursively) whose name ends with one of `exts`.
fn files(dir: &Path, exts: &[&str], out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, exts, out);
        } else if exts.iter().any(|x| p.to_string_lossy().ends_with(x)) {
            out.push(p);
        }
    }
}

/// A text that is a contract (not a workflow or a fragment): a top-level `environments:`.
fn is_contract(text: &str) -> bool {
    text.lines().any(|l| l.starts_with("environments:")) && text.contains("version:")
}

/// The ```yaml blocks of the README that are whole contracts.
fn readme_contracts() -> Vec<String> {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let mut out = Vec::new();
    let mut block: Option<String> = None;
    for line in readme.lines() {
        match &mut block {
            None if line.trim_start().starts_with("```yaml")
                || line.trim_start().starts_with("```yml") =>
            {
                block = Some(String::new())
            }
            Some(b) if line.trim_start().starts_with("```") => {
                if is_contract(b) {
                    out.push(std::mem::take(b));
                }
                block = None;
            }
            Some(b) => {
                b.push_str(line);
                b.push('\n');
            }
            None => {}
        }
    }
    out
}

/// The contents of raw string literals (`r#"…"#`) in the Rust test sources that are contracts.
fn literal_contracts() -> Vec<(PathBuf, String)> {
    let mut sources = Vec::new();
    files(&root().join("tests"), &[".rs"], &mut sources);
    files(&root().join("src/config"), &[".rs"], &mut sources);
    let mut out = Vec::new();
    for path in sources {
        let text = std::fs::read_to_string(&path).unwrap();
        for (i, _) in text.match_indices("r#\"") {
            let body = &text[i + 3..];
            if let Some(end) = body.find("\"#") {
                let lit = &body[..end];
                if is_contract(lit) {
                    out.push((path.clone(), lit.to_string()));
                }
            }
        }
        for (i, _) in text.match_indices("\"version: 1") {
            if let Some(lit) = plain_literal(&text[i + 1..]).filter(|l| is_contract(l)) {
                out.push((path.clone(), lit));
            }
        }
    }
    out
}

/// The text of a plain string literal whose body starts `body`, with its escapes undone
/// (`\n`, `\"`, `\\`, and a line continuation); `None` for an escape it does not know.
fn plain_literal(body: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out),
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                '"' => out.push('"'),
                '\\' => out.push('\\'),
                '\n' => {
                    let rest: String = chars.clone().collect();
                    let skipped = rest.len() - rest.trim_start().len();
                    if skipped > 0 {
                        chars.nth(skipped - 1);
                    }
                }
                _ => return None,
            },
            c => out.push(c),
        }
    }
    None
}

#[test]
fn every_contract_in_the_repository_satisfies_the_schema() {
    let schema = schema();
    let mut yml = Vec::new();
    for dir in ["tests", "examples", "scripts"] {
        files(&root().join(dir), &[".yml", ".yaml"], &mut yml);
    }
    let mut checked = 0;
    let mut failures = Vec::new();
    let mut judge = |label: String, text: &str, must_parse: bool| {
        if !parses(text) {
            assert!(!must_parse, "{label}: the parser refuses it");
            return;
        }
        checked += 1;
        for e in refusals(&schema, text) {
            failures.push(format!("{label}: {e}"));
        }
    };
    for path in &yml {
        let text = std::fs::read_to_string(path).unwrap();
        if is_contract(&text) {
            judge(path.display().to_string(), &text, true);
        }
    }
    for (i, text) in readme_contracts().iter().enumerate() {
        judge(format!("README.md contract block {}", i + 1), text, true);
    }
    // Test literals include deliberate mistakes: those the parser accepts must pass the schema.
    for (path, text) in literal_contracts() {
        judge(format!("literal in {}", path.display()), &text, false);
    }
    assert!(
        failures.is_empty(),
        "the schema refuses valid contracts:\n{}",
        failures.join("\n")
    );
    assert!(
        checked >= 10,
        "only {checked} contracts found; the search is broken"
    );
}

/// A contract touching every map the parser reads; `# @NAME` marks where an unknown key goes.
const EVERY_MAP: &str = r#"version: 1
# @top
limits:
  lambda-control-plane: 5
  # @limits
environments:
  dev:
    # @environment
    when:
      branch: dev
      # @when
    image: input
    functions:
      - name: worker-dev
        # @function
    checks:
      - cloudfront:
          comment: app
          # @cloudfront
      - function-env:
          function: worker-dev
          keys: [A]
          # @function-env
      - function:
          name-env: FN
          # @function-check
      - log-group: /aws/lambda/worker-dev
      # @check-kind
    smoke-test:
      payload: '{}'
      # @smoke-test
    post-traffic:
      payload: '{}'
      # @post-traffic
    strategy:
      canary:
        steps: [10]
        # @canary
        metrics:
          max-throttles: 0
          # @metrics
      # @strategy
    invalidate:
      distribution-id-env: D
      paths: ["/*"]
      # @invalidate
  prod:
    image:
      from: dev
      # @image
    functions: [{ name: worker-prod }]
    strategy:
      linear:
        step: 10
        # @linear
"#;

/// The keys the parser expects where `marker` is, read from its unknown-key message.
fn parser_keys(marker: &str) -> Vec<String> {
    let key = if marker == "check-kind" {
        "- zz-unknown: 1"
    } else {
        "zz-unknown: 1"
    };
    let text = EVERY_MAP.replace(&format!("# @{marker}\n"), &format!("{key}\n"));
    assert_ne!(text, EVERY_MAP, "marker {marker}");
    let diags = lambda_promote::config::parse("c.yml", &text).expect_err(marker);
    let msg = diags
        .iter()
        .find(|d| d.message.contains("zz-unknown"))
        .unwrap_or_else(|| panic!("{marker}: no unknown-key error in {diags:?}"))
        .message
        .clone();
    let list = msg
        .split("expected one of: ")
        .nth(1)
        .expect("the list of keys");
    let mut keys: Vec<String> = list.split(", ").map(|k| k.trim().to_string()).collect();
    keys.sort();
    keys
}

/// The property names of the schema object at `pointer` (or the keys its alternatives require).
fn schema_keys(schema: &Value, pointer: &str) -> Vec<String> {
    let node = schema
        .pointer(pointer)
        .unwrap_or_else(|| panic!("{pointer}"));
    let mut keys: Vec<String> = match node.get("properties") {
        Some(p) => p.as_object().unwrap().keys().cloned().collect(),
        None => node["oneOf"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|alt| alt.get("required"))
            .flat_map(|r| {
                r.as_array()
                    .unwrap()
                    .iter()
                    .map(|k| k.as_str().unwrap().to_string())
            })
            .collect(),
    };
    keys.sort();
    keys
}

#[test]
fn the_schema_knows_every_key_the_parser_accepts() {
    assert!(
        parses(EVERY_MAP),
        "{:?}",
        lambda_promote::config::parse("c.yml", EVERY_MAP)
    );
    let schema = schema();
    let check = "/$defs/check/oneOf";
    for (marker, pointer) in [
        ("top", String::new()),
        ("limits", "/properties/limits".into()),
        ("environment", "/$defs/environment".into()),
        ("when", "/$defs/when".into()),
        (
            "image",
            "/$defs/environment/properties/image/oneOf/1".into(),
        ),
        ("function", "/$defs/function".into()),
        ("check-kind", "/$defs/check".into()),
        ("cloudfront", format!("{check}/0/properties/cloudfront")),
        ("function-env", format!("{check}/1/properties/function-env")),
        ("function-check", format!("{check}/3/properties/function")),
        ("smoke-test", "/$defs/invocation".into()),
        ("post-traffic", "/$defs/invocation".into()),
        ("strategy", "/$defs/strategy".into()),
        ("canary", "/$defs/canary".into()),
        ("linear", "/$defs/linear".into()),
        ("metrics", "/$defs/metrics/oneOf/1".into()),
        (
            "invalidate",
            "/$defs/environment/properties/invalidate".into(),
        ),
    ] {
        assert_eq!(
            schema_keys(&schema, &pointer),
            parser_keys(marker),
            "at `{marker}` ({pointer})"
        );
        let node = schema.pointer(&pointer).unwrap();
        if node.get("properties").is_some() {
            assert_eq!(
                node["additionalProperties"],
                Value::Bool(false),
                "{pointer} refuses unknown keys"
            );
        }
    }
}

#[test]
fn the_schema_refuses_wrong_contracts() {
    let schema = schema();
    let good =
        "version: 1\nenvironments:\n  dev:\n    image: input\n    functions: [{ name: w }]\n";
    assert!(
        refusals(&schema, good).is_empty(),
        "{:?}",
        refusals(&schema, good)
    );
    let tail = "environments:\n  dev:\n    image: input\n    functions: [{ name: w }]\n";
    let with = |extra: &str| format!("{good}{extra}");
    for (wrong, why) in [
        (format!("version: 2\n{tail}"), "must be 1"),
        ("version: 1\n".to_string(), "missing [\"environments\"]"),
        (
            format!("version: 1\nregoin: eu-west-1\n{tail}"),
            "unknown key `regoin`",
        ),
        (
            format!("version: 1\naccount: \"1234\"\n{tail}"),
            "does not match",
        ),
        (
            with("    strategy: { canary: { steps: [10], interval: 20 } }\n"),
            "not of type",
        ),
        (
            with("    strategy: { canary: { steps: [10], interval: 5x } }\n"),
            "does not match",
        ),
        (
            with("    strategy: { canary: { steps: [100] } }\n"),
            "above 99",
        ),
        (with("    strategy: rolling\n"), "alternatives match"),
        (
            "version: 1\nenvironments:\n  dev:\n    image: latest\n    functions: [{ name: w }]\n"
                .to_string(),
            "alternatives match",
        ),
        (
            with("    checks: [{ cloudfront: { comment: a, alias: b } }]\n"),
            "alternatives match",
        ),
        (with("    keep-versions: 0\n"), "below 1"),
        (
            with("    invalidate: { distribution-id-env: D, paths: [images/*] }\n"),
            "does not match",
        ),
        (
            with("    when: { prerelease: true }\n"),
            "alternatives match",
        ),
    ] {
        let text = wrong;
        let errs = refusals(&schema, &text);
        assert!(
            errs.iter().any(|e| e.contains(why)),
            "{text}\nexpected `{why}`, got {errs:?}"
        );
        assert!(
            !parses(&text),
            "the parser accepts what the schema refuses:\n{text}"
        );
    }
}
