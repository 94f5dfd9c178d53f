//! Sends a report where people look: in action mode the log, annotations, job
//! summary and step outputs; on a terminal text or JSON on stdout.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::UsageError;
use crate::github::commands::{self, Annotation, Level};
use crate::github::files::RunnerFiles;
use crate::report::model::Report;
use crate::report::scrub::{Clean, MIN_LEN, Scrubber, Shared};
use crate::report::{annotations, json, markdown, outputs, text};
use crate::settings::{OutputFormat, Settings};

pub struct Emitter {
    action_mode: bool,
    output: OutputFormat,
    files: RunnerFiles,
    /// Every line and report leaves through it (see `scrub`).
    scrubber: Shared,
    /// The warning about secrets too short to scrub was given.
    warned_short: AtomicBool,
    /// Warnings about the run as a whole (an input's spelling), added to
    /// every report so the summary shows them too.
    run_warnings: std::sync::Mutex<Vec<String>>,
}

impl Emitter {
    /// `files`: the runner's output and summary files, used in action mode only;
    /// `scrubber`: the run's, which `main.rs` prints its last error through.
    pub fn new(settings: &Settings, files: &RunnerFiles, scrubber: Shared) -> Self {
        Self {
            action_mode: settings.action_mode,
            output: settings.output,
            files: if settings.action_mode {
                files.clone()
            } else {
                RunnerFiles::default()
            },
            scrubber,
            warned_short: AtomicBool::new(false),
            run_warnings: Default::default(),
        }
    }

    /// A warning now, and in the report's warnings when it is emitted.
    pub fn run_warning(&self, message: &str) {
        self.warning(message);
        if let Ok(mut w) = self.run_warnings.lock() {
            w.push(message.to_string());
        }
    }

    /// From now on, these values never leave in clear through this emitter.
    pub fn set_scrubber(&self, scrubber: Scrubber) {
        self.scrubber.set(scrubber);
        self.warn_short();
    }

    /// A secret received during the run (an OIDC token, assumed credentials):
    /// masked for the runner and scrubbed from everything this emitter sends.
    pub fn add_secret(&self, value: &str) {
        self.mask(value);
        self.scrubber.add(value);
        self.warn_short();
    }

    /// A value read from AWS that only this process knows (a Lambda environment
    /// value a check read): scrubbed from everything this emitter sends, but not
    /// announced with `::add-mask::`, which would itself print it in the raw log.
    pub fn learn_secret(&self, value: &str) {
        self.scrubber.add(value);
        self.warn_short();
    }

    /// A secret the run compares ignoring case (a CloudFront distribution id):
    /// scrubbed in any case.
    pub fn add_folded_secret(&self, value: &str) {
        self.mask(value);
        self.scrubber.add_folded(value);
        self.warn_short();
    }

    /// Once per run: a secret under 4 characters is not scrubbed (it would
    /// rewrite every such piece of every report), as GitHub does not mask it.
    fn warn_short(&self) {
        if self.scrubber.too_short() > 0 && !self.warned_short.swap(true, Ordering::Relaxed) {
            self.warning(&format!(
                "a secret value is shorter than {MIN_LEN} characters, so it is not hidden in what this run prints (docs/security.md, \"Security\")"
            ));
        }
    }

    /// `text` without secrets, for a channel that does not go through here (GitHub).
    pub fn scrub(&self, text: &str) -> String {
        self.scrubber.text(text)
    }

    /// The report without secrets in any of its strings: what every renderer takes.
    pub fn scrubbed(&self, report: &Report) -> Clean<Report> {
        self.scrubber.report(report)
    }

    pub fn action_mode(&self) -> bool {
        self.action_mode
    }

    /// `::add-mask::` so the runner hides the value in every later log line;
    /// one command per line, as the runner reads one line per command.
    pub fn mask(&self, value: &str) {
        if !self.action_mode {
            return;
        }
        for line in value.lines().map(str::trim).filter(|l| !l.is_empty()) {
            println!("{}", commands::add_mask(line));
        }
    }

    /// A line for the run log (stderr on a terminal, so `--output json` stays clean).
    pub fn log(&self, line: &str) {
        let line = self.scrub(line);
        if self.action_mode {
            println!("{line}");
        } else {
            eprintln!("{line}");
        }
    }

    /// One more step output (plan's `matrix`); on a terminal a log line.
    pub fn output(&self, name: &str, value: &str) -> anyhow::Result<()> {
        let value = self.scrub(value);
        if self.action_mode {
            self.files.append_outputs(&[(name, value)])?;
        } else {
            eprintln!("{name}: {value}");
        }
        Ok(())
    }

    pub fn notice(&self, message: &str) {
        let message = self.scrub(message);
        let message = message.as_str();
        if self.action_mode {
            println!("{}", commands::notice(message));
        } else {
            eprintln!("notice: {message}");
        }
    }

    pub fn warning(&self, message: &str) {
        let message = self.scrub(message);
        let message = message.as_str();
        if self.action_mode {
            println!(
                "{}",
                commands::annotation(&Annotation {
                    level: Level::Warning,
                    message: message.to_string(),
                    title: None,
                    file: None,
                    line: None,
                    col: None,
                })
            );
        } else {
            eprintln!("warning: {message}");
        }
    }

    /// Contract errors become annotations on the contract file, one per error,
    /// and the job summary lists them all.
    pub fn contract_error(&self, err: &UsageError) {
        let UsageError::Contract(diags) = err else {
            return;
        };
        if !self.action_mode {
            return;
        }
        for d in diags {
            println!(
                "{}",
                commands::annotation(&Annotation {
                    level: Level::Error,
                    message: self.scrub(&d.message),
                    title: Some(format!("contract: {}", d.code)),
                    file: Some(d.file.clone()),
                    line: Some(d.at.line),
                    col: Some(d.at.col),
                })
            );
        }
        let summary = self.scrub(&crate::report::markdown::contract::summary(diags));
        if let Err(e) = self.files.append_summary(&summary) {
            eprintln!("warning: the job summary was not written: {e}");
        }
    }

    /// A read-only document (`status`): on a terminal its text or JSON; in the action the
    /// text in the log, the markdown in the job summary and the JSON as output `report`.
    pub fn document(&self, text: &str, json: &str, markdown: &str) -> anyhow::Result<()> {
        let (text, json) = (self.scrub(text), self.scrub(json));
        if !self.action_mode {
            let out = match self.output {
                OutputFormat::Text => &text,
                OutputFormat::Json => &json,
            };
            writeln!(std::io::stdout().lock(), "{out}")?;
            return Ok(());
        }
        println!("{text}");
        self.files.append_summary(&self.scrub(markdown))?;
        self.files
            .append_outputs(&[("result", "success".to_string()), ("report", json)])?;
        Ok(())
    }

    /// The whole report, on every channel of the mode.
    pub fn report(&self, report: &Report) -> anyhow::Result<()> {
        // The run's early warnings join the report before it is scrubbed: the
        // scrubbed report is the only one the renderers accept.
        let mut whole = report.clone();
        if let Ok(early) = self.run_warnings.lock() {
            let early = early.iter().filter(|w| !whole.warnings.contains(w));
            let early: Vec<String> = early.cloned().collect();
            whole.warnings.splice(0..0, early);
        }
        let report = &self.scrubbed(&whole);
        if !self.action_mode {
            let out = match self.output {
                OutputFormat::Text => text::render(report),
                OutputFormat::Json => json::render(report),
            };
            let mut stdout = std::io::stdout().lock();
            writeln!(stdout, "{out}")?;
            return Ok(());
        }
        println!("{}", text::render(report));
        for a in annotations::annotations(report) {
            println!("{}", commands::annotation(&a));
        }
        self.files.append_summary(&markdown::summary(report))?;
        let outs = outputs::outputs(report);
        let pairs: Vec<(&str, String)> = outs.iter().map(|(k, v)| (*k, v.clone())).collect();
        self.files.append_outputs(&pairs)?;
        Ok(())
    }
}
