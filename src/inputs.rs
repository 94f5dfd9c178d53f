//! Action inputs from `INPUT_*` environment variables, read the way the
//! Actions toolkit reads them (`getInput` / `getBooleanInput` in
//! <https://github.com/actions/toolkit/blob/main/packages/core/src/core.ts>):
//! the variable is `INPUT_` + the input name upper-cased with spaces turned
//! into `_` and hyphens kept (`INPUT_DRY-RUN`), values are trimmed, and a
//! boolean is one of `true|True|TRUE|false|False|FALSE`.
//!
//! One difference on purpose: an empty value means "not set", so the default
//! applies (the toolkit's `getBooleanInput` would throw on it).

use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::error::UsageError;

/// Raw strings from the inputs or the CLI; nothing is interpreted yet except
/// that booleans are known to be valid.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct RawArgs {
    pub command: Option<String>,
    pub contract: Option<String>,
    pub environment: Option<String>,
    pub image: Option<String>,
    pub to_version: Option<String>,
    pub dry_run: Option<String>,
    pub timeout: Option<String>,
    pub github_token: Option<String>,
    pub pr_comment: Option<String>,
    pub github_deployment: Option<String>,
    pub output: Option<String>,
    /// `ENVIRONMENT/ACCOUNT/REGION`: promote or roll back one shard only.
    pub shard: Option<String>,
    /// `iam-policy --pull-request-trust` (CLI only, never an input).
    #[serde(skip)]
    pub pull_request_trust: bool,
    /// promote: go on when the image a rollback would return to is gone from ECR.
    pub allow_no_rollback: Option<String>,
}

const PREFIX: &str = "INPUT_";

/// The environment variable the runner sets for input `name` (toolkit rule): the tests'
/// check that reading follows it.
#[cfg(test)]
pub fn env_name(name: &str) -> String {
    format!("{PREFIX}{}", name.replace(' ', "_").to_uppercase())
}

/// Reads the action inputs from the given environment.
pub fn from_env(vars: impl IntoIterator<Item = (String, String)>) -> Result<RawArgs, UsageError> {
    let raw: RawArgs = read(vars).map_err(|e| UsageError::input("inputs", e.to_string()))?;
    for (name, value) in [
        ("dry-run", &raw.dry_run),
        ("pr-comment", &raw.pr_comment),
        ("github-deployment", &raw.github_deployment),
        ("allow-no-rollback", &raw.allow_no_rollback),
    ] {
        if let Some(v) = value {
            parse_bool(name, v)?;
        }
    }
    Ok(raw)
}

/// The toolkit's boolean: only the YAML 1.2 core spellings.
pub fn parse_bool(name: &str, value: &str) -> Result<bool, UsageError> {
    match value.trim() {
        "true" | "True" | "TRUE" => Ok(true),
        "false" | "False" | "FALSE" => Ok(false),
        other => Err(UsageError::input(
            name,
            format!(
                "`{other}` is not a boolean; use one of true | True | TRUE | false | False | FALSE"
            ),
        )),
    }
}

/// `INPUT_*` variables into `T`: only upper-case names (the runner never sets
/// others, and the toolkit's lookup is case-sensitive), values trimmed,
/// empty values left out. envy lower-cases the rest of the name, so a field
/// `dry_run` renamed `dry-run` receives `INPUT_DRY-RUN`.
fn read<T: DeserializeOwned>(vars: impl IntoIterator<Item = (String, String)>) -> envy::Result<T> {
    let inputs = vars.into_iter().filter_map(|(key, value)| {
        let name = key.strip_prefix(PREFIX)?;
        if name.is_empty() || name != name.to_uppercase() {
            return None;
        }
        let value = value.trim();
        (!value.is_empty()).then(|| (name.to_string(), value.to_string()))
    });
    envy::from_iter(inputs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn reads_every_input_by_its_hyphenated_name() {
        let raw = from_env(vars(&[
            ("INPUT_COMMAND", "plan"),
            ("INPUT_CONTRACT", "deploy/contract.yml"),
            ("INPUT_ENVIRONMENT", "dev, staging"),
            ("INPUT_IMAGE", "1.dkr.ecr.r.amazonaws.com/a:b"),
            ("INPUT_TO-VERSION", "7"),
            ("INPUT_DRY-RUN", "true"),
            ("INPUT_TIMEOUT", "20m"),
            ("INPUT_GITHUB-TOKEN", "ghs_x"),
            ("INPUT_PR-COMMENT", "False"),
            ("INPUT_GITHUB-DEPLOYMENT", "TRUE"),
            ("INPUT_OUTPUT", "json"),
            ("PATH", "/bin"),
        ]))
        .unwrap();
        assert_eq!(
            raw,
            RawArgs {
                command: Some("plan".into()),
                contract: Some("deploy/contract.yml".into()),
                environment: Some("dev, staging".into()),
                image: Some("1.dkr.ecr.r.amazonaws.com/a:b".into()),
                to_version: Some("7".into()),
                dry_run: Some("true".into()),
                timeout: Some("20m".into()),
                github_token: Some("ghs_x".into()),
                pr_comment: Some("False".into()),
                github_deployment: Some("TRUE".into()),
                output: Some("json".into()),
                shard: None,
                pull_request_trust: false,
                allow_no_rollback: None,
            }
        );
    }

    #[test]
    fn underscored_or_lower_case_names_are_not_ours() {
        let raw = from_env(vars(&[
            ("INPUT_DRY_RUN", "true"),
            ("INPUT_dry-run", "true"),
            ("input_command", "plan"),
        ]))
        .unwrap();
        assert_eq!(raw, RawArgs::default());
    }

    #[test]
    fn empty_values_mean_not_set() {
        let raw = from_env(vars(&[("INPUT_COMMAND", ""), ("INPUT_DRY-RUN", "  ")])).unwrap();
        assert_eq!(raw, RawArgs::default());
    }

    #[test]
    fn a_bad_boolean_names_the_input_not_the_variable() {
        for name in ["dry-run", "pr-comment", "github-deployment"] {
            let err = from_env(vars(&[(&env_name(name), "yes")])).unwrap_err();
            match err {
                UsageError::Input { name: n, message } => {
                    assert_eq!(n, name);
                    assert!(message.contains("`yes`"), "{message}");
                }
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    // Ported from actions/toolkit packages/core/__tests__/core.test.ts
    // (`getInput` and `getBooleanInput` cases), against the same reader.

    #[derive(Debug, Default, PartialEq, Deserialize)]
    struct Toolkit {
        my_input: Option<String>,
        #[serde(rename = "special_chars_'\t\"\\")]
        special_chars: Option<String>,
        multiple_spaces_variable: Option<String>,
        with_trailing_whitespace: Option<String>,
        boolean_input: Option<String>,
    }

    fn toolkit_env() -> Vec<(String, String)> {
        vars(&[
            ("INPUT_MY_INPUT", "val"),
            ("INPUT_MISSING", ""),
            ("INPUT_SPECIAL_CHARS_'\t\"\\", "'\t\"\\ response "),
            ("INPUT_MULTIPLE_SPACES_VARIABLE", "I have multiple spaces"),
            ("INPUT_WITH_TRAILING_WHITESPACE", "  some val  "),
            ("INPUT_BOOLEAN_INPUT", "true"),
        ])
    }

    #[test]
    fn toolkit_get_input_cases() {
        let t: Toolkit = read(toolkit_env()).unwrap();
        // getInput gets non-required input / required input
        assert_eq!(t.my_input.as_deref(), Some("val"));
        // getInput is case insensitive (in the name asked for)
        assert_eq!(env_name("My InPuT"), "INPUT_MY_INPUT");
        // getInput handles special characters (and trims, as by default)
        assert_eq!(
            env_name("special chars_'\t\"\\"),
            "INPUT_SPECIAL_CHARS_'\t\"\\"
        );
        assert_eq!(t.special_chars.as_deref(), Some("'\t\"\\ response"));
        // getInput handles multiple spaces
        assert_eq!(
            env_name("multiple spaces variable"),
            "INPUT_MULTIPLE_SPACES_VARIABLE"
        );
        assert_eq!(
            t.multiple_spaces_variable.as_deref(),
            Some("I have multiple spaces")
        );
        // getInput trims whitespace by default
        assert_eq!(t.with_trailing_whitespace.as_deref(), Some("some val"));
        // getInput does not throw on missing non-required input
        assert_eq!(env_name("missing"), "INPUT_MISSING");
        // getBooleanInput gets non-required boolean input
        assert_eq!(t.boolean_input.as_deref(), Some("true"));
    }

    #[test]
    fn toolkit_get_boolean_input_cases() {
        // getBooleanInput handles boolean input
        for (value, want) in [
            ("true", true),
            ("True", true),
            ("TRUE", true),
            ("false", false),
            ("False", false),
            ("FALSE", false),
            (" true ", true),
        ] {
            assert_eq!(parse_bool("boolean input", value).unwrap(), want, "{value}");
        }
        // getBooleanInput handles wrong boolean input
        for value in ["wrong", "yes", "1", "tRue", "on", ""] {
            assert!(parse_bool("wrong boolean input", value).is_err(), "{value}");
        }
    }

    #[test]
    fn hyphens_are_kept_in_variable_names() {
        assert_eq!(env_name("github-token"), "INPUT_GITHUB-TOKEN");
        assert_eq!(env_name("to-version"), "INPUT_TO-VERSION");
    }
}
