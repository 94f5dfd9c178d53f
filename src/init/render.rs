//! The commented contract `init` writes (pure: what was found in, YAML text out).
//! Every value is written as a double-quoted JSON string, which YAML reads as
//! the same string whatever characters it holds.

use std::fmt::Write as _;

use super::group::{self, Group};
use super::{Found, FoundFunction};
use crate::aws::types::Distribution;

/// The contract text: `version: 1`, the found environments, and comments for
/// what `init` could not place.
pub fn render(found: &Found) -> String {
    let grouping = group::group(&found.functions);
    let mut out = String::new();
    out.push_str(
        "# Written by `lambda-promote init` from what runs in the account: read it, then edit\n\
         # it (README, \"The contract file\"), and check it with `lambda-promote validate`.\n",
    );
    out.push_str("version: 1\n");
    let _ = writeln!(out, "region: {}", q(&found.region));
    if !found.account.is_empty() {
        let _ = writeln!(out, "account: {}", q(&found.account));
    }
    out.push_str("environments:\n");
    for (i, g) in grouping.groups.iter().enumerate() {
        let from = i.checked_sub(1).map(|p| grouping.groups[p].name);
        environment(&mut out, g, from, &found.distributions);
    }
    if !grouping.unplaced.is_empty() {
        out.push_str(
            "\n# Image functions no naming pattern (-dev, -staging, -prod) placed; move them\n\
             # into an environment above to promote them:\n",
        );
        for f in &grouping.unplaced {
            let _ = writeln!(out, "#      - name: {}", q(&f.name));
        }
    }
    let zips: Vec<&FoundFunction> = found.functions.iter().filter(|f| !f.image).collect();
    if !zips.is_empty() {
        out.push_str("\n# Zip functions (only image functions can be promoted):\n");
        for f in zips {
            let _ = writeln!(out, "#   {}", f.name);
        }
    }
    distributions(&mut out, &found.distributions);
    workflow_names(&mut out, &found.workflow_names);
    out
}

fn environment(out: &mut String, g: &Group<'_>, from: Option<&str>, dists: &[Distribution]) {
    let _ = writeln!(out, "  {}:", g.name);
    let _ = writeln!(out, "    when: {}  # the ref that promotes here", g.when);
    match from {
        None => out.push_str("    image: input\n"),
        Some(p) => {
            let _ = writeln!(out, "    image: {{ from: {p} }}");
        }
    }
    out.push_str("    functions:\n");
    for f in &g.functions {
        let _ = writeln!(out, "      - name: {}", q(&f.name));
        alias(out, f);
    }
    let mut checks = Vec::new();
    let mut notes = Vec::new();
    for f in &g.functions {
        if f.log_group_exists {
            checks.push(format!("- log-group: {}", q(&f.log_group)));
        } else {
            notes.push(format!(
                "- log-group: {}  # not found yet: it appears on the first invocation",
                q(&f.log_group)
            ));
        }
    }
    if let Some(check) = cloudfront_check(g.name, dists) {
        checks.push(check);
    }
    if !checks.is_empty() {
        out.push_str("    checks:\n");
        for c in &checks {
            let _ = writeln!(out, "      {c}");
        }
    }
    for n in &notes {
        let _ = writeln!(out, "      # {n}");
    }
}

/// `live` when it exists (the default), else the first alias found, else none:
/// the first promotion creates `live`.
fn alias(out: &mut String, f: &FoundFunction) {
    if f.aliases.iter().any(|a| a == "live") {
        let _ = writeln!(out, "        alias: live");
    } else if let Some(first) = f.aliases.first() {
        let _ = writeln!(out, "        alias: {}", q(first));
        if f.aliases.len() > 1 {
            let _ = writeln!(
                out,
                "        # other aliases: {}",
                f.aliases[1..].join(", ")
            );
        }
    } else {
        out.push_str("        # no alias yet: the first promotion creates `live`\n");
    }
}

/// A `cloudfront` check when exactly one enabled distribution's comment or
/// CNAME names the environment, by its comment when no other distribution shares it.
fn cloudfront_check(env: &str, dists: &[Distribution]) -> Option<String> {
    let token = if env == "production" { "prod" } else { env };
    let names_env = |d: &&Distribution| {
        d.enabled
            && std::iter::once(&d.comment)
                .chain(&d.aliases)
                .any(|t| t.to_ascii_lowercase().contains(token))
    };
    let matching: Vec<&Distribution> = dists.iter().filter(names_env).collect();
    let [d] = matching.as_slice() else {
        return None;
    };
    let shared = dists.iter().filter(|o| o.comment == d.comment).count() > 1;
    if !d.comment.is_empty() && !shared {
        return Some(format!("- cloudfront: {{ comment: {} }}", q(&d.comment)));
    }
    let alias = d.aliases.first()?;
    Some(format!("- cloudfront: {{ alias: {} }}", q(alias)))
}

fn distributions(out: &mut String, dists: &[Distribution]) {
    if dists.is_empty() {
        return;
    }
    out.push_str(
        "\n# CloudFront distributions in the account (a `cloudfront` check finds one by\n\
         # `comment` or `alias`; `invalidate.distribution-id-env` names a secret holding its Id):\n",
    );
    for d in dists {
        let state = if d.enabled { "" } else { " (disabled)" };
        let _ = writeln!(
            out,
            "#   {}{state}: comment {}, aliases [{}]",
            d.id,
            q(&d.comment),
            d.aliases.join(", ")
        );
    }
}

fn workflow_names(out: &mut String, names: &[String]) {
    if names.is_empty() {
        return;
    }
    out.push_str(
        "\n# Secrets and variables your workflows use (.github/workflows): pass the ones a\n\
         # check needs to the job as env vars and name them in `id-env`, `equals-env`,\n\
         # `name-env` or `invalidate.distribution-id-env`:\n",
    );
    for n in names {
        let _ = writeln!(out, "#   {n}");
    }
}

/// A YAML double-quoted scalar (JSON's string syntax is a subset of it).
fn q(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

#[cfg(test)]
#[path = "render_tests.rs"]
mod tests;
