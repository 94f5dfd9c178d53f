//! The names of `INPUT_*` variables, checked before they are read: the runner
//! spells a hyphenated input with its hyphen (`INPUT_TO-VERSION`), but shells
//! and other CIs cannot, and write `INPUT_TO_VERSION`. That spelling is
//! honoured, with a warning naming the runner's; any other `INPUT_*` the
//! action does not know is a warning naming the closest input (README,
//! "Inputs"). Nothing is silently ignored.

use crate::error::UsageError;

/// Every input `inputs::RawArgs` reads (`action.yml`'s inputs, plus `output`).
pub const KNOWN: &[&str] = &[
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
    "output",
    "shard",
    "allow-no-rollback",
];

const PREFIX: &str = "INPUT_";

/// Environment variables as (name, value).
pub type Vars = Vec<(String, String)>;

/// `vars` with the underscore spellings of hyphenated inputs renamed to the
/// runner's, and one warning per variable renamed or not known. The same
/// input given both ways with different values is an input error.
pub fn spell(
    vars: impl IntoIterator<Item = (String, String)>,
) -> Result<(Vars, Vec<String>), UsageError> {
    let vars: Vars = vars.into_iter().collect();
    let mut out = Vec::with_capacity(vars.len());
    let mut warnings = Vec::new();
    for (key, value) in &vars {
        let Some(name) = key.strip_prefix(PREFIX) else {
            out.push((key.clone(), value.clone()));
            continue;
        };
        let lower = name.to_lowercase();
        if KNOWN.contains(&lower.as_str()) {
            // The toolkit's lookup is case-sensitive: `INPUT_dry-run` is not read.
            if name != name.to_uppercase() {
                warnings.push(format!(
                    "{key} is ignored; the runner spells it {PREFIX}{}",
                    name.to_uppercase()
                ));
            }
            out.push((key.clone(), value.clone()));
            continue;
        }
        let hyphenated = lower.replace('_', "-");
        if name == name.to_uppercase() && KNOWN.contains(&hyphenated.as_str()) {
            let runner_key = format!("{PREFIX}{}", hyphenated.to_uppercase());
            if let Some((_, other)) = vars.iter().find(|(k, _)| *k == runner_key)
                && other.trim() != value.trim()
            {
                return Err(UsageError::input(
                    &hyphenated,
                    format!(
                        "set twice with different values, as {runner_key} and as {key}; keep {runner_key}"
                    ),
                ));
            }
            warnings.push(format!(
                "{key} is read as input `{hyphenated}`; the runner spells it {runner_key} (hyphen kept)"
            ));
            out.push((runner_key, value.clone()));
            continue;
        }
        warnings.push(unknown(key, &hyphenated));
        out.push((key.clone(), value.clone()));
    }
    Ok((out, warnings))
}

fn unknown(key: &str, name: &str) -> String {
    let hint = match closest(name) {
        Some(known) => format!("did you mean `{known}` ({PREFIX}{})?", known.to_uppercase()),
        None => format!("the inputs are {}", KNOWN.join(", ")),
    };
    format!("{key} is not an input of lambda-promote and is ignored; {hint}")
}

/// The known input at the smallest edit distance, if it is close (at most a
/// third of the name's letters differ).
fn closest(name: &str) -> Option<&'static str> {
    KNOWN
        .iter()
        .map(|k| (distance(name, k), *k))
        .filter(|(d, k)| *d <= k.len().max(3) / 3)
        .min()
        .map(|(_, k)| k)
}

/// Levenshtein distance over bytes (input names are ASCII).
fn distance(a: &str, b: &str) -> usize {
    let b = b.as_bytes();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.bytes().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (row[j + 1] + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn underscore_spellings_are_renamed_with_a_warning() {
        let (vars, warnings) = spell(pairs(&[
            ("INPUT_TO_VERSION", "2"),
            ("INPUT_DRY_RUN", "true"),
        ]))
        .unwrap();
        assert_eq!(
            vars,
            pairs(&[("INPUT_TO-VERSION", "2"), ("INPUT_DRY-RUN", "true")])
        );
        assert_eq!(warnings.len(), 2);
        assert!(warnings[0].contains("INPUT_TO-VERSION"), "{warnings:?}");
    }

    #[test]
    fn both_spellings_must_agree() {
        let same = spell(pairs(&[
            ("INPUT_TO-VERSION", "2"),
            ("INPUT_TO_VERSION", "2"),
        ]));
        assert!(same.is_ok());
        let err = spell(pairs(&[
            ("INPUT_TO-VERSION", "2"),
            ("INPUT_TO_VERSION", "3"),
        ]))
        .unwrap_err()
        .to_string();
        assert!(err.contains("to-version") && err.contains("twice"), "{err}");
    }

    #[test]
    fn unknown_inputs_name_the_closest() {
        let (vars, warnings) = spell(pairs(&[
            ("INPUT_ENVIROMENT", "prod"),
            ("INPUT_COLOUR", "x"),
            ("PATH", "/bin"),
            ("INPUT_COMMAND", "plan"),
        ]))
        .unwrap();
        assert_eq!(vars.len(), 4);
        assert!(
            warnings[0].contains("did you mean `environment`"),
            "{warnings:?}"
        );
        assert!(
            warnings[1].contains("the inputs are command"),
            "{warnings:?}"
        );
        assert_eq!(warnings.len(), 2);
    }

    #[test]
    fn known_matches_action_yml() {
        let text = include_str!("../action.yml");
        let inputs = text.split("\ninputs:\n").nth(1).unwrap();
        let inputs = inputs.split("\noutputs:").next().unwrap();
        let mut declared: Vec<&str> = inputs
            .lines()
            .filter(|l| l.starts_with("  ") && !l.starts_with("   ") && l.ends_with(':'))
            .map(|l| l.trim().trim_end_matches(':'))
            .collect();
        declared.push("output");
        declared.sort_unstable();
        let mut known = KNOWN.to_vec();
        known.sort_unstable();
        assert_eq!(declared, known);
    }
}
