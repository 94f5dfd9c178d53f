//! The README's inputs and outputs tables say exactly what `action.yml` says:
//! the same names, defaults and descriptions, so the docs cannot drift from the
//! action's metadata; and the code tables of docs/codes.md list exactly the finding and contract
//! error codes the binary has.

use std::collections::BTreeMap;
use std::path::Path;

use lambda_promote::diag::Code as ContractCode;
use lambda_promote::finding::{Code as FindingCode, Status};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Action {
    inputs: BTreeMap<String, Input>,
    outputs: BTreeMap<String, Output>,
}

#[derive(Debug, Deserialize)]
struct Input {
    description: String,
    default: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Output {
    description: String,
}

/// One documented input or output: its default (`None` for outputs) and its
/// description.
#[derive(Debug, PartialEq, Eq)]
struct Row {
    default: Option<String>,
    description: String,
}

fn read(file: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

fn action() -> Action {
    serde_saphyr::from_str(&read("action.yml")).unwrap_or_else(|e| panic!("action.yml: {e}"))
}

/// The cells of every body row of the first table under `## {heading}`.
fn table(readme: &str, heading: &str) -> Vec<Vec<String>> {
    let title = format!("## {heading}");
    let section = readme
        .split_once(&format!("\n{title}\n"))
        .map(|(_, rest)| rest)
        .unwrap_or_else(|| panic!("README has no `{title}` section"));
    let rows: Vec<Vec<String>> = section
        .lines()
        .skip_while(|line| !line.starts_with('|'))
        .take_while(|line| line.starts_with('|'))
        .map(cells)
        .collect();
    assert!(rows.len() > 2, "no table under `{title}`");
    assert!(
        rows[1]
            .iter()
            .all(|c| c.chars().all(|ch| ch == '-' || ch == ':')),
        "the second row under `{title}` is not a separator: {:?}",
        rows[1]
    );
    rows.into_iter().skip(2).collect()
}

/// Splits `| a | b |` into trimmed cells; `\|` stays inside a cell.
fn cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|');
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    let mut cells = vec![String::new()];
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                chars.next();
                push(&mut cells, '|');
            }
            '|' => cells.push(String::new()),
            c => push(&mut cells, c),
        }
    }
    cells.into_iter().map(|c| c.trim().to_owned()).collect()
}

fn push(cells: &mut [String], c: char) {
    if let Some(cell) = cells.last_mut() {
        cell.push(c);
    }
}

/// A name or default cell: code-formatted, or empty for "no default".
fn code(cell: &str, what: &str) -> String {
    cell.strip_prefix('`')
        .and_then(|c| c.strip_suffix('`'))
        .unwrap_or_else(|| panic!("{what} `{cell}` should be written as code"))
        .to_owned()
}

fn documented_inputs(readme: &str) -> BTreeMap<String, Row> {
    let mut documented = BTreeMap::new();
    for row in table(readme, "Inputs") {
        let [name, default, description] = row.as_slice() else {
            panic!("an inputs row has {} cells, not 3: {row:?}", row.len());
        };
        let name = code(name, "input name");
        let default = (!default.is_empty()).then(|| code(default, "default"));
        let row = Row {
            default,
            description: description.clone(),
        };
        assert!(
            documented.insert(name.clone(), row).is_none(),
            "input {name} is documented twice"
        );
    }
    documented
}

fn documented_outputs(readme: &str) -> BTreeMap<String, Row> {
    let mut documented = BTreeMap::new();
    for row in table(readme, "Outputs") {
        let [name, description] = row.as_slice() else {
            panic!("an outputs row has {} cells, not 2: {row:?}", row.len());
        };
        let name = code(name, "output name");
        let row = Row {
            default: None,
            description: description.clone(),
        };
        assert!(
            documented.insert(name.clone(), row).is_none(),
            "output {name} is documented twice"
        );
    }
    documented
}

#[test]
fn inputs_table_matches_action_yml() {
    let declared: BTreeMap<String, Row> = action()
        .inputs
        .into_iter()
        .map(|(name, input)| {
            let row = Row {
                // An empty default and no default read the same to a user.
                default: input.default.filter(|d| !d.is_empty()),
                description: input.description.trim().to_owned(),
            };
            (name, row)
        })
        .collect();
    assert_eq!(documented_inputs(&read("README.md")), declared);
}

#[test]
fn outputs_table_matches_action_yml() {
    let declared: BTreeMap<String, Row> = action()
        .outputs
        .into_iter()
        .map(|(name, output)| {
            let row = Row {
                default: None,
                description: output.description.trim().to_owned(),
            };
            (name, row)
        })
        .collect();
    assert_eq!(documented_outputs(&read("README.md")), declared);
}

#[test]
fn action_yml_declares_every_spec_input_and_output() {
    let action = action();
    let inputs: Vec<&str> = action.inputs.keys().map(String::as_str).collect();
    let outputs: Vec<&str> = action.outputs.keys().map(String::as_str).collect();
    let mut spec_inputs = [
        "command",
        "contract",
        "environment",
        "image",
        "to-version",
        "dry-run",
        "timeout",
        "github-token",
        "pr-comment",
        "github-deployment",
        "shard",
        "allow-no-rollback",
    ];
    let mut spec_outputs = [
        "result",
        "environment",
        "image-uri",
        "image-digest",
        "version",
        "previous-version",
        "drift",
        "rolled-back",
        "report",
        "matrix",
    ];
    spec_inputs.sort_unstable();
    spec_outputs.sort_unstable();
    assert_eq!(inputs, spec_inputs);
    assert_eq!(outputs, spec_outputs);
    let token = &action.inputs["github-token"];
    assert_eq!(token.default.as_deref(), Some("${{ github.token }}"));
}

/// The first word of a severity cell (`error (skipped on …)` reads `error`).
fn severity(cell: &str) -> String {
    cell.split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned()
}

fn status_text(status: Status) -> String {
    match serde_json::to_value(status) {
        Ok(serde_json::Value::String(s)) => s,
        other => panic!("{status:?} serialized as {other:?}"),
    }
}

#[test]
fn finding_codes_table_lists_every_code_with_its_severity() {
    let mut documented = BTreeMap::new();
    for row in table(&read("docs/codes.md"), "Finding codes") {
        let [name, sev, meaning] = row.as_slice() else {
            panic!(
                "a finding codes row has {} cells, not 3: {row:?}",
                row.len()
            );
        };
        let name = code(name, "finding code");
        assert!(!meaning.is_empty(), "finding code {name} has no meaning");
        assert!(
            documented.insert(name.clone(), severity(sev)).is_none(),
            "finding code {name} is documented twice"
        );
    }
    let declared: BTreeMap<String, String> = FindingCode::ALL
        .iter()
        .map(|c| (c.as_str().to_owned(), status_text(c.status())))
        .collect();
    assert_eq!(documented, declared);
}

#[test]
fn contract_error_codes_table_lists_every_code() {
    let mut documented = Vec::new();
    for row in table(&read("docs/codes.md"), "Contract error codes") {
        let [name, meaning] = row.as_slice() else {
            panic!(
                "a contract error codes row has {} cells, not 2: {row:?}",
                row.len()
            );
        };
        let name = code(name, "contract error code");
        assert!(
            !meaning.is_empty(),
            "contract error code {name} has no meaning"
        );
        assert!(!documented.contains(&name), "{name} is documented twice");
        documented.push(name);
    }
    documented.sort_unstable();
    let mut declared: Vec<String> = ContractCode::ALL
        .iter()
        .map(|c| c.as_str().to_owned())
        .collect();
    declared.sort_unstable();
    assert_eq!(documented, declared);
}

#[test]
fn cells_split_on_unescaped_pipes() {
    assert_eq!(cells("| `a` | x \\| y |  |"), ["`a`", "x | y", ""]);
}
