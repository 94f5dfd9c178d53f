//! The `secrets.NAME` and `vars.NAME` a repository's workflows use
//! (`.github/workflows/*.yml` and `*.yaml`), found by their expression syntax
//! (<https://docs.github.com/en/actions/learn-github-actions/contexts#secrets-context>).

use std::collections::BTreeSet;
use std::path::Path;

/// Every name used in the workflow files under `dir`, sorted, once each.
/// No directory means no names; an unreadable file is an error.
pub fn scan(dir: &Path) -> anyhow::Result<Vec<String>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(Vec::new());
    };
    let mut names = BTreeSet::new();
    for entry in entries {
        let path = entry?.path();
        let is_workflow = path.extension().is_some_and(|e| e == "yml" || e == "yaml");
        if is_workflow {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
            names.extend(names_in(&text));
        }
    }
    Ok(names.into_iter().collect())
}

/// `secrets.X` and `vars.X` in one file's text. `GITHUB_TOKEN` is GitHub's own,
/// not one a contract maps.
pub fn names_in(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for context in ["secrets.", "vars."] {
        for (at, _) in text.match_indices(context) {
            let before = text[..at].chars().next_back();
            if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.') {
                continue;
            }
            let rest = &text[at + context.len()..];
            let len = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            let name = &rest[..len];
            if !name.is_empty() && name != "GITHUB_TOKEN" {
                out.insert(format!("{context}{name}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_secrets_and_vars_but_not_lookalikes() {
        let text = "env:\n  A: ${{ secrets.CF_ID }}\n  B: ${{vars.REGION}}\n  C: ${{ github.secrets.X }}\n  D: ${{ secrets.GITHUB_TOKEN }}\n  E: mysecrets.Y\n";
        let got: Vec<String> = names_in(text).into_iter().collect();
        assert_eq!(got, ["secrets.CF_ID", "vars.REGION"]);
    }
}
