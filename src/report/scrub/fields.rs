//! The report walk: every string of a [`Report`] through the scrubber, then
//! (and only then) cut to the length a channel shows. The destructuring is
//! exhaustive on purpose: a new field does not compile until it is scrubbed.

use super::{Clean, Scrubber};
use crate::config::model::{Check, Contract, DistributionSelector};
use crate::finding::{Finding, Shown};
use crate::report::model::{CanaryRecord, FunctionRun, LeftMoved, Promotion, Report};
use crate::report::shorten::shorten;

/// A canary's first error lines are cut to this many characters, after scrubbing.
pub const ERROR_LINE_CHARS: usize = 200;
/// A step's detail (a smoke test's answer) is cut to this many characters, after scrubbing.
pub const DETAIL_CHARS: usize = 200;
/// A function's error (a smoke test's `errorMessage`) is cut to this many characters,
/// after scrubbing.
pub const MESSAGE_CHARS: usize = 600;
/// The run's error line (every function's error, joined) is cut to this many characters,
/// after scrubbing.
pub const RUN_ERROR_CHARS: usize = 4000;

impl Scrubber {
    fn in_place(&self, s: &mut String) {
        *s = self.text(s);
    }

    fn all(&self, items: &mut [String]) {
        items.iter_mut().for_each(|s| self.in_place(s));
    }

    fn opt(&self, s: &mut Option<String>) {
        if let Some(s) = s {
            self.in_place(s);
        }
    }

    /// Scrubbed, then cut: a cut made first could leave a piece of a secret too short
    /// to recognise.
    fn cut(&self, s: &mut Option<String>, max_chars: usize) {
        if let Some(s) = s {
            *s = shorten(&self.text(s), max_chars);
        }
    }

    /// A copy of the report with every string scrubbed: the only way to get
    /// the [`Clean`] report every renderer takes.
    pub fn report(&self, report: &Report) -> Clean<Report> {
        let mut r = report.clone();
        let Report {
            // A word of a fixed list.
            command: _,
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
        for s in [environment, contract] {
            self.in_place(s);
        }
        findings.iter_mut().for_each(|f| self.finding(f));
        if let Some(p) = promotion {
            self.promotion(p);
        }
        self.cut(error, RUN_ERROR_CHARS);
        self.all(warnings);
        self.all(notices);
        left_moved.iter_mut().for_each(|l| self.left_moved(l));
        Clean(r)
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
            // Typed: a word and the contract's percentages, no text to scrub.
            strategy: _,
            functions,
            invalidation_id,
        } = p;
        for s in [source, image_uri, image_digest] {
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
        for s in [previous_version, version] {
            self.opt(s);
        }
        self.cut(error, MESSAGE_CHARS);
        for step in steps {
            step.detail = shorten(&self.text(&step.detail), DETAIL_CHARS);
        }
        canary.iter_mut().for_each(|c| self.canary(c));
    }

    fn canary(&self, c: &mut CanaryRecord) {
        let CanaryRecord {
            percent: _,
            duration_ms: _,
            events_examined: _,
            errors: _,
            // A word of a fixed list.
            verdict: _,
            first_errors,
            // Numbers only.
            metrics: _,
            reason,
        } = c;
        self.opt(reason);
        for line in first_errors {
            *line = shorten(&self.text(line), ERROR_LINE_CHARS);
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
pub(super) fn plain_values(contract: &Contract) -> Vec<String> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::samples;

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
        let json = serde_json::to_string(&*out).unwrap();
        assert!(!json.contains(secret), "{json}");
        assert!(json.contains("le…42"), "{json}");
    }

    #[test]
    fn a_canary_line_is_cut_after_it_is_scrubbed() {
        let secret = "s3cr3t-db-password-0123456789";
        let mut r = samples::rolled_back();
        let mut c = CanaryRecord::new(10);
        // The secret straddles the cut at 200 characters.
        c.first_errors = vec![format!("ERROR {} {secret} tail", "x".repeat(185))];
        c.reason = Some(format!("AccessDenied for {secret}"));
        if let Some(p) = &mut r.promotion {
            p.functions[0].canary = vec![c];
        }
        let out = Scrubber::new([secret], None).report(&r);
        let c = &out.promotion.as_ref().unwrap().functions[0].canary[0];
        assert!(c.first_errors[0].chars().count() <= ERROR_LINE_CHARS);
        assert!(
            !c.first_errors[0].contains("s3cr3t"),
            "{}",
            c.first_errors[0]
        );
        assert_eq!(c.reason.as_deref(), Some("AccessDenied for s3…89"));
    }

    #[test]
    fn a_smoke_answer_is_cut_after_it_is_scrubbed() {
        // The last three characters before each cut were the secret's first three, too
        // short for the scrubber's cut rule: cut first, they would show.
        let secret = "s3cr3t-db-password-0123456789";
        let at = |n: usize| format!("{}{secret} tail", "x".repeat(n - 4));
        let mut r = samples::rolled_back();
        r.error = Some(at(RUN_ERROR_CHARS));
        if let Some(p) = &mut r.promotion {
            p.functions[0].steps[0].detail = at(DETAIL_CHARS);
            p.functions[0].error = Some(at(MESSAGE_CHARS));
        }
        let out = Scrubber::new([secret], None).report(&r);
        let f = &out.promotion.as_ref().unwrap().functions[0];
        for (text, max) in [
            (f.steps[0].detail.as_str(), DETAIL_CHARS),
            (f.error.as_deref().unwrap(), MESSAGE_CHARS),
            (out.error.as_deref().unwrap(), RUN_ERROR_CHARS),
        ] {
            assert!(text.chars().count() <= max, "{} > {max}", text.len());
            assert!(!text.contains("s3c"), "{text}");
        }
    }
}
