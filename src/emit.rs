//! Sends a report where people look: in action mode the log, annotations, job
//! summary and step outputs; on a terminal text or JSON on stdout.

use std::io::Write;

use crate::error::UsageError;
use crate::github::commands::{self, Annotation, Level};
use crate::github::files::RunnerFiles;
use crate::report::model::Report;
use crate::report::{annotations, json, markdown, outputs, text};
use crate::settings::{OutputFormat, Settings};

pub struct Emitter {
    action_mode: bool,
    output: OutputFormat,
    files: RunnerFiles,
}

impl Emitter {
    pub fn new(settings: &Settings) -> Self {
        Self {
            action_mode: settings.action_mode,
            output: settings.output,
            files: if settings.action_mode {
                RunnerFiles::from_env()
            } else {
                RunnerFiles::default()
            },
        }
    }

    pub fn action_mode(&self) -> bool {
        self.action_mode
    }

    /// `::add-mask::` so the runner hides the value in every later log line.
    pub fn mask(&self, value: &str) {
        if self.action_mode && !value.trim().is_empty() {
            println!("{}", commands::add_mask(value));
        }
    }

    /// A line for the run log (stderr on a terminal, so `--output json` stays clean).
    pub fn log(&self, line: &str) {
        if self.action_mode {
            println!("{line}");
        } else {
            eprintln!("{line}");
        }
    }

    pub fn notice(&self, message: &str) {
        if self.action_mode {
            println!("{}", commands::notice(message));
        } else {
            eprintln!("notice: {message}");
        }
    }

    pub fn warning(&self, message: &str) {
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

    /// Contract errors become annotations on the contract file, one per error.
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
                    message: d.message.clone(),
                    title: Some(format!("contract: {}", d.code)),
                    file: Some(d.file.clone()),
                    line: Some(d.at.line),
                    col: Some(d.at.col),
                })
            );
        }
    }

    /// The whole report, on every channel of the mode.
    pub fn report(&self, report: &Report) -> anyhow::Result<()> {
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
