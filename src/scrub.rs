//! The one place secret values are taken out of text before it reaches any
//! channel (log, summary, outputs, PR comment, Deployment). AWS and GitHub
//! put resource names and ARNs in their own error messages, so a secret can
//! arrive inside text this program never formatted; every report is passed
//! through here as it leaves, rather than each error where it is made.

use std::sync::{Arc, PoisonError, RwLock};

use crate::config::model::{Check, Contract, DistributionSelector};
use crate::finding::{Finding, Shown};
use crate::report::model::{FunctionRun, LeftMoved, Promotion, Report};
use crate::secret::redact;

/// Secret values to replace by their redacted form (`E2…ZL`).
#[derive(Clone, Debug, Default)]
pub struct Scrubber {
    /// Longest first, so a secret that contains another is replaced whole.
    values: Vec<String>,
}

impl Scrubber {
    /// Every non-empty value but those written in plain in the contract: a
    /// function name in the contract is not a secret even when a secret holds
    /// the same text (README "Choices").
    pub fn new<'a>(
        secrets: impl IntoIterator<Item = &'a str>,
        contract: Option<&Contract>,
    ) -> Self {
        let plain = contract.map(plain_values).unwrap_or_default();
        let mut values: Vec<String> = secrets
            .into_iter()
            .map(str::trim)
            .filter(|v| !v.is_empty() && !plain.iter().any(|p| p == v))
            .map(str::to_string)
            .collect();
        values.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        values.dedup();
        Self { values }
    }

    /// One more secret (a token or credential received during the run).
    pub fn add(&mut self, value: &str) {
        let v = value.trim();
        if v.is_empty() || self.values.iter().any(|x| x == v) {
            return;
        }
        self.values.push(v.to_string());
        self.values
            .sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    }

    /// `text` with every secret replaced by its redacted form.
    pub fn text(&self, text: &str) -> String {
        let mut out = text.to_string();
        for v in &self.values {
            if out.contains(v.as_str()) {
                out = out.replace(v.as_str(), &redact(v));
            }
        }
        out
    }

    fn in_place(&self, s: &mut String) {
        if self.values.iter().any(|v| s.contains(v.as_str())) {
            *s = self.text(s);
        }
    }

    fn all(&self, items: &mut [String]) {
        items.iter_mut().for_each(|s| self.in_place(s));
    }

    fn opt(&self, s: &mut Option<String>) {
        if let Some(s) = s {
            self.in_place(s);
        }
    }

    /// A copy of the report with every string scrubbed. The destructuring is
    /// exhaustive on purpose: a new field does not compile until it is scrubbed.
    pub fn report(&self, report: &Report) -> Report {
        let mut r = report.clone();
        let Report {
            command,
            result: _,
            environment,
            contract,
            findings,
            promotion,
            error,
            warnings,
            notices,
            rolled_back: _,
            left_moved,
        } = &mut r;
        for s in [command, environment, contract] {
            self.in_place(s);
        }
        findings.iter_mut().for_each(|f| self.finding(f));
        if let Some(p) = promotion {
            self.promotion(p);
        }
        self.opt(error);
        self.all(warnings);
        self.all(notices);
        left_moved.iter_mut().for_each(|l| self.left_moved(l));
        r
    }

    fn finding(&self, f: &mut Finding) {
        let Finding {
            environment,
            check,
            resource,
            // A code is a fixed text: no secret can be in it.
            code: _,
            status: _,
            expected,
            live,
            message,
            at: _,
        } = f;
        for s in [environment, check, resource, message] {
            self.in_place(s);
        }
        for shown in [expected, live] {
            if let Shown::Plain(s) | Shown::Redacted(s) = shown {
                self.in_place(s);
            }
        }
    }

    fn promotion(&self, p: &mut Promotion) {
        let Promotion {
            source,
            image_uri,
            image_digest,
            strategy,
            functions,
            invalidation_id,
        } = p;
        for s in [source, image_uri, image_digest, strategy] {
            self.in_place(s);
        }
        self.opt(invalidation_id);
        functions.iter_mut().for_each(|f| self.function(f));
    }

    fn function(&self, f: &mut FunctionRun) {
        let FunctionRun {
            function,
            alias,
            previous_version,
            version,
            steps,
            canary,
            links,
            error,
        } = f;
        for s in [
            function,
            alias,
            &mut links.function,
            &mut links.alias,
            &mut links.log_group,
        ] {
            self.in_place(s);
        }
        for s in [previous_version, version, error] {
            self.opt(s);
        }
        for step in steps {
            self.in_place(&mut step.detail);
        }
        for c in canary {
            self.in_place(&mut c.verdict);
            self.all(&mut c.first_errors);
        }
    }

    fn left_moved(&self, l: &mut LeftMoved) {
        let LeftMoved {
            function,
            alias,
            version,
            routing: _,
            fix,
        } = l;
        for s in [function, alias, fix] {
            self.in_place(s);
        }
        self.opt(version);
    }
}

/// Every value the contract writes in plain (names, groups, comments, paths).
fn plain_values(contract: &Contract) -> Vec<String> {
    let mut out: Vec<String> = contract.region.iter().cloned().collect();
    out.extend(contract.account.iter().map(|a| a.value.clone()));
    for env in &contract.environments {
        out.push(env.name.clone());
        for f in &env.functions {
            out.push(f.name.clone());
            out.push(f.alias.clone());
        }
        for check in &env.checks {
            match &check.value {
                Check::Cloudfront { by, .. } => match by {
                    DistributionSelector::Comment(s) | DistributionSelector::Alias(s) => {
                        out.push(s.clone())
                    }
                },
                Check::FunctionEnv { function, keys, .. } => {
                    out.push(function.clone());
                    out.extend(keys.iter().cloned());
                }
                Check::LogGroup { name } => out.push(name.clone()),
                Check::Function { .. } => {}
            }
        }
        if let Some(inv) = &env.invalidate {
            out.extend(inv.paths.iter().cloned());
        }
    }
    out
}

/// One scrubber shared by the emitter and `main.rs`, which prints the error or panic that
/// ends a run: set as soon as the secrets are known, so that last line leaves scrubbed too.
#[derive(Clone, Debug, Default)]
pub struct Shared(Arc<RwLock<Scrubber>>);

impl Shared {
    pub fn set(&self, scrubber: Scrubber) {
        *self.0.write().unwrap_or_else(PoisonError::into_inner) = scrubber;
    }

    /// One more secret (a token or credential received during the run).
    pub fn add(&self, value: &str) {
        self.0
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .add(value);
    }

    /// `text` with every secret known so far replaced by its redacted form.
    pub fn text(&self, text: &str) -> String {
        self.0
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .text(text)
    }

    /// A copy of the report with every string scrubbed.
    pub fn report(&self, report: &Report) -> Report {
        self.0
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .report(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::samples;

    #[test]
    fn secrets_in_aws_messages_are_redacted() {
        let s = Scrubber::new(["secret-function-name", ""], None);
        let msg = "User: arn:aws:sts::123456789012:assumed-role/r/s is not authorized to perform: \
                   lambda:GetFunction on resource: arn:aws:lambda:us-east-1:123456789012:function:secret-function-name";
        let out = s.text(msg);
        assert!(!out.contains("secret-function-name"), "{out}");
        assert!(out.ends_with("function:se…me"), "{out}");
    }

    #[test]
    fn the_longer_secret_is_replaced_whole() {
        let s = Scrubber::new(["abcdefghijkl", "abcdefghijklmnop"], None);
        assert_eq!(s.text("x abcdefghijklmnop y"), "x ab…op y");
    }

    #[test]
    fn every_string_of_a_report_is_scrubbed() {
        let mut r = samples::rolled_back();
        let secret = "leaky-secret-value-42";
        r.error = Some(format!("boom {secret}"));
        r.warnings.push(secret.into());
        r.findings[0].message = format!("x {secret}");
        if let Some(p) = &mut r.promotion {
            p.functions[0].steps[0].detail = secret.into();
            p.functions[0].error = Some(secret.into());
        }
        let out = Scrubber::new([secret], None).report(&r);
        let json = serde_json::to_string(&out).unwrap();
        assert!(!json.contains(secret), "{json}");
        assert!(json.contains("le…42"), "{json}");
    }

    #[test]
    fn a_shared_scrubber_set_later_scrubs_for_every_holder() {
        let shared = Shared::default();
        let main = shared.clone();
        assert_eq!(
            main.text("x leaky-secret-value-42"),
            "x leaky-secret-value-42"
        );
        shared.set(Scrubber::new(["leaky-secret-value-42"], None));
        assert_eq!(main.text("x leaky-secret-value-42"), "x le…42");
    }
}
