//! Errors in the file's shape: YAML syntax, version, unknown, mistyped, missing and duplicated keys, names.

use super::*;

#[test]
fn bad_account_suggests_quotes_when_unquoted() {
    let d = errors(&format!("account: 12345\n{}", with_env(MINIMAL_ENV)));
    assert_eq!(d[0].code, Code::BadAccount);
    assert!(d[0].message.contains("quotes"), "{}", d[0].message);
    let d = errors(&format!(
        "account: \"12345abcdefg\"\n{}",
        with_env(MINIMAL_ENV)
    ));
    assert_eq!(d[0].code, Code::BadAccount);
    assert!(!d[0].message.contains("quotes"), "{}", d[0].message);
}

#[test]
fn yaml_syntax_is_one_diagnostic_with_its_place() {
    let d = errors("version: 1\nenvironments: [a, b\n");
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].code, Code::YamlSyntax);
    assert!(d[0].at.line >= 2);
    assert_eq!(d[0].file, "c.yml");
}

#[test]
fn version_rules() {
    assert_eq!(
        codes(&with_env(MINIMAL_ENV).replace("version: 1", "version: 2")),
        ["unsupported-version"]
    );
    assert_eq!(
        codes(&with_env(MINIMAL_ENV).replace("version: 1", "version: \"1\"")),
        ["wrong-type"]
    );
    assert_eq!(
        codes(&with_env(MINIMAL_ENV).replace("version: 1\n", "")),
        ["missing-key"]
    );
}

#[test]
fn empty_file_and_non_mapping() {
    assert_eq!(codes(""), ["missing-key"]);
    assert_eq!(codes("- a\n"), ["wrong-type"]);
}

#[test]
fn unknown_keys_anywhere() {
    let d = errors(
        "version: 1\nregoin: x\nenvironments:\n  dev:\n    image: input\n    functions: [{ name: f, alais: x }]\n    strategy: { canary: { steps: [5], jitter: 1 } }\n",
    );
    let got: Vec<(&str, Pos)> = d.iter().map(|d| (d.code.as_str(), d.at)).collect();
    assert_eq!(
        got,
        [
            ("unknown-key", at(2, 1)),
            ("unknown-key", at(6, 28)),
            ("unknown-key", at(7, 39))
        ]
    );
    assert!(d[0].message.contains("`regoin`") && d[0].message.contains("region"));
}

#[test]
fn wrong_types() {
    let d = errors(&with_env(
        "when: { branch: 2024 }\nimage: 3\nfunctions: { name: f }\nkeep-versions: ten\n",
    ));
    let got: Vec<&str> = d.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(got, ["wrong-type"; 4]);
    assert!(d[0].message.contains("quote it"), "{}", d[0].message);
}

#[test]
fn missing_keys() {
    assert_eq!(codes("version: 1\n"), ["missing-key"]);
    assert_eq!(
        codes(&with_env("functions: [{ name: f }]\n")),
        ["missing-key"]
    );
    assert_eq!(codes(&with_env("image: input\n")), ["missing-key"]);
    assert_eq!(
        codes(&with_env("image: input\nfunctions: [{ alias: x }]\n")),
        ["missing-key"]
    );
    assert_eq!(
        codes(&with_env(&format!("{MINIMAL_ENV}when: {{}}\n"))),
        ["missing-key"]
    );
    assert_eq!(
        codes(&with_env("image: { }\nfunctions: [{ name: f }]\n")),
        ["missing-key"]
    );
}

#[test]
fn duplicates_in_mappings_and_functions() {
    assert_eq!(
        codes(&with_env(
            "image: input\nimage: input\nfunctions: [{ name: f }]\n"
        )),
        ["duplicate-key"]
    );
    assert_eq!(
        codes(&with_env(
            "image: input\nfunctions: [{ name: f }, { name: f, alias: live }]\n"
        )),
        ["duplicate-function"]
    );
    assert!(
        parse(
            "c.yml",
            &with_env("image: input\nfunctions: [{ name: f }, { name: f, alias: beta }]\n")
        )
        .is_ok()
    );
}

#[test]
fn environment_names() {
    let text = "version: 1\nenvironments:\n  'prod east':\n    image: input\n    functions: [{ name: f }]\n";
    let d = errors(text);
    assert_eq!(d[0].code, Code::BadName);
    assert_eq!(d[0].at, at(3, 3));
    assert_eq!(codes("version: 1\nenvironments: {}\n"), ["empty-value"]);
}
