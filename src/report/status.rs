//! `status` as a person reads it: one line per function, on a terminal (text) and in the
//! job summary (a markdown table); `--output json` is the rows themselves.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::report::escape;

/// One environment (or the part of it in one account and region).
#[derive(Clone, Debug, Default, Serialize)]
pub struct EnvironmentStatus {
    pub environment: String,
    pub region: String,
    pub functions: Vec<FunctionStatus>,
    /// Failing contract checks that are not about one function (`code: resource`).
    pub drift: Vec<String>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct FunctionStatus {
    pub function: String,
    pub alias: String,
    /// The version the alias serves; `None` when the alias does not exist.
    pub version: Option<String>,
    /// A canary under way: version → share of traffic.
    pub weights: BTreeMap<String, f64>,
    pub image_digest: Option<String>,
    pub commit: Option<String>,
    pub run: Option<String>,
    pub published: Option<String>,
    /// The version `rollback` (without `to-version`) would return to.
    pub rollback_to: Option<String>,
    /// Whether the rollback target's image is still in ECR (`None`: unknown).
    pub rollback_image: Option<bool>,
    /// Failing contract checks of this function (`code: message`).
    pub drift: Vec<String>,
    /// A read that failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

const HEADER: [&str; 9] = [
    "environment",
    "function",
    "serves",
    "digest",
    "commit",
    "run",
    "published",
    "rollback to",
    "drift",
];

/// The cells of one function's row.
fn cells(env: &EnvironmentStatus, f: &FunctionStatus) -> [String; 9] {
    let or_dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
    let serves = match &f.version {
        None => format!("{}: no alias", f.alias),
        Some(v) if f.weights.is_empty() => format!("{} → {v}", f.alias),
        Some(v) => {
            let shares: Vec<String> = f
                .weights
                .iter()
                .map(|(k, w)| format!("{k} {:.0}%", w * 100.0))
                .collect();
            format!("{} → {v} + {} (canary)", f.alias, shares.join(", "))
        }
    };
    let digest = f.image_digest.as_deref().map_or("—".into(), |d| {
        d.chars().take(19).collect::<String>() + "…"
    });
    let back = match (&f.rollback_to, f.rollback_image) {
        (None, _) => "—".to_string(),
        (Some(v), Some(true)) => format!("{v} (image present)"),
        (Some(v), Some(false)) => format!("{v} (image GONE)"),
        (Some(v), None) => format!("{v} (image unknown)"),
    };
    let mut drift: Vec<&str> = f
        .drift
        .iter()
        .map(|d| d.split(':').next().unwrap_or(d))
        .collect();
    if let Some(e) = &f.error {
        drift.push(e);
    }
    [
        format!("{} ({})", env.environment, env.region),
        f.function.clone(),
        serves,
        digest,
        or_dash(&f.commit),
        or_dash(&f.run),
        or_dash(&f.published),
        back,
        if drift.is_empty() {
            "none".into()
        } else {
            drift.join(", ")
        },
    ]
}

fn rows(all: &[EnvironmentStatus]) -> Vec<[String; 9]> {
    all.iter()
        .flat_map(|e| e.functions.iter().map(move |f| cells(e, f)))
        .collect()
}

fn env_drift(all: &[EnvironmentStatus]) -> Vec<String> {
    all.iter()
        .flat_map(|e| {
            e.drift
                .iter()
                .map(move |d| format!("{}: {d}", e.environment))
        })
        .collect()
}

/// Aligned columns for a terminal or the log.
pub fn text(all: &[EnvironmentStatus]) -> String {
    let rows = rows(all);
    let mut width = HEADER.map(|h| h.chars().count());
    for r in &rows {
        for (w, c) in width.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: &[String]| -> String {
        let padded: Vec<String> = cells
            .iter()
            .zip(width)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        padded.join("  ").trim_end().to_string()
    };
    let mut out = vec![line(&HEADER.map(str::to_string))];
    out.extend(rows.iter().map(|r| line(r)));
    for d in env_drift(all) {
        out.push(format!("drift {d}"));
    }
    out.join("\n")
}

/// The job summary's table.
pub fn markdown(all: &[EnvironmentStatus]) -> String {
    let mut out = String::from("### lambda-promote status\n\n| ");
    out.push_str(&HEADER.join(" | "));
    out.push_str(" |\n|");
    out.push_str(&"---|".repeat(HEADER.len()));
    out.push('\n');
    for r in rows(all) {
        let cells: Vec<String> = r.iter().map(|c| escape::cell(c, 200)).collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    for d in env_drift(all) {
        out.push_str(&format!("\n- drift {}", escape::cell(&d, 300)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_canary_under_way_shows_its_weights_and_a_gone_image_says_so() {
        let env = EnvironmentStatus {
            environment: "prod".into(),
            region: "us-east-1".into(),
            functions: vec![FunctionStatus {
                function: "api".into(),
                alias: "live".into(),
                version: Some("3".into()),
                weights: [("4".to_string(), 0.1)].into(),
                rollback_to: Some("2".into()),
                rollback_image: Some(false),
                ..FunctionStatus::default()
            }],
            drift: vec![],
        };
        let t = text(std::slice::from_ref(&env));
        assert!(t.contains("live → 3 + 4 10% (canary)"), "{t}");
        assert!(t.contains("2 (image GONE)"), "{t}");
        assert!(markdown(&[env]).contains("| prod (us-east-1) | api |"));
    }
}
