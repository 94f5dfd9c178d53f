//! Input and contract errors: exit 2 with positions, and no AWS request.

use super::*;

/// Three contract errors on known lines: all reported at once, as annotations.
const BAD_CONTRACT: &str = r#"version: 1
colour: blue
environments:
  dev:
    when: { branch: dev }
    image: latest
    functions:
      - name: api-dev
        alais: live
"#;

#[test]
fn a_bad_contract_exits_2_with_positions_and_no_aws_request() {
    let recorder = Recorder::start();
    let result = recorder
        .action(BAD_CONTRACT)
        .input("command", "validate")
        .execute();
    result.assert_code(2);
    for (line, col, word) in [(2, 1, "colour"), (6, 12, "latest"), (9, 9, "alais")] {
        let prefix = format!("::error file=.github/lambda-promote.yml,line={line},col={col},");
        let annotation = result
            .stdout
            .lines()
            .find(|l| l.starts_with(&prefix))
            .unwrap_or_else(|| panic!("no annotation at {line}:{col}:\n{}", result.stdout));
        assert!(annotation.contains(word), "{annotation}");
        assert!(
            result
                .stderr
                .contains(&format!("lambda-promote.yml:{line}:{col}")),
            "stderr lacks {line}:{col}:\n{}",
            result.stderr
        );
    }
    assert_eq!(
        result.output("result"),
        None,
        "no report after a usage error"
    );
    recorder.assert_no_requests();
}

#[test]
fn a_bad_input_exits_2_naming_it_and_no_aws_request() {
    for (input, value) in [("dry-run", "yes"), ("pr-comment", "maybe")] {
        let recorder = Recorder::start();
        let result = recorder
            .action(CLEAN)
            .input("command", "validate")
            .input(input, value)
            .execute();
        result.assert_code(2);
        assert!(
            result.stderr.contains(input) && result.stderr.contains(value),
            "{input}: {}",
            result.stderr
        );
        assert!(result.stdout.contains("::error::"), "{}", result.stdout);
        recorder.assert_no_requests();
    }
}

#[test]
fn an_unknown_environment_exits_2_and_makes_no_aws_request() {
    let recorder = Recorder::start();
    let result = recorder
        .action(CLEAN)
        .input("command", "validate")
        .input("environment", "dev,qa")
        .execute();
    result.assert_code(2);
    assert!(result.stderr.contains("qa"), "{}", result.stderr);
    assert!(result.stderr.contains("environment"), "{}", result.stderr);
    recorder.assert_no_requests();
}
