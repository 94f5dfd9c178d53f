//! Errors between environments: `from:` references and cycles, duplicated triggers, image values.

use super::*;

#[test]
fn from_must_name_an_environment() {
    let text = "version: 1\nenvironments:\n  a:\n    image: { from: nope }\n    functions: [{ name: f }]\n";
    let d = errors(text);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].code, Code::UnknownEnvironment);
    assert_eq!(d[0].at, at(4, 20));
    assert!(d[0].message.contains("`nope`"));
}

#[test]
fn from_naming_a_broken_environment_is_not_unknown() {
    let text = "version: 1\nenvironments:\n  a:\n    image: input\n  b:\n    image: { from: a }\n    functions: [{ name: f }]\n";
    assert_eq!(codes(text), ["missing-key"]);
}

#[test]
fn from_cycle_is_reported_at_each_from() {
    let text = "version: 1
environments:
  a:
    image: { from: c }
    functions: [{ name: f }]
  b:
    image: { from: a }
    functions: [{ name: f }]
  c:
    image: { from: b }
    functions: [{ name: f }]
  d:
    image: { from: a }
    functions: [{ name: f }]
";
    let d = errors(text);
    let got: Vec<(&str, u32)> = d.iter().map(|d| (d.code.as_str(), d.at.line)).collect();
    assert_eq!(
        got,
        [("from-cycle", 4), ("from-cycle", 7), ("from-cycle", 10)]
    );
    assert!(d[0].message.contains("a → c → b → a"), "{}", d[0].message);
}

#[test]
fn self_reference_is_a_cycle() {
    let text =
        "version: 1\nenvironments:\n  a:\n    image: { from: a }\n    functions: [{ name: f }]\n";
    assert_eq!(codes(text), ["from-cycle"]);
}

#[test]
fn duplicate_triggers_are_reported_at_both() {
    let text = "version: 1
environments:
  a:
    when: { branch: main, tag: 'v*' }
    image: input
    functions: [{ name: f }]
  b:
    when: { branch: main }
    image: input
    functions: [{ name: f }]
  c:
    when: { branch: dev, tag: 'v*' }
    image: input
    functions: [{ name: f }]
";
    let d = errors(text);
    let got: Vec<(&str, Pos)> = d.iter().map(|d| (d.code.as_str(), d.at)).collect();
    assert_eq!(
        got,
        [
            ("duplicate-trigger", at(4, 21)),
            ("duplicate-trigger", at(4, 32)),
            ("duplicate-trigger", at(8, 21)),
            ("duplicate-trigger", at(12, 31)),
        ]
    );
    assert!(d[2].message.contains("`a` (line 4)"), "{}", d[2].message);
}

#[test]
fn image_values() {
    assert_eq!(
        codes(&with_env("image: latest\nfunctions: [{ name: f }]\n")),
        ["bad-value"]
    );
    assert_eq!(
        codes(&with_env(
            "image: { form: dev }\nfunctions: [{ name: f }]\n"
        )),
        ["missing-key", "unknown-key"]
    );
}
