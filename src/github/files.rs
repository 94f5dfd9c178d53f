//! The runner's file commands: step outputs appended to `GITHUB_OUTPUT` in the
//! heredoc form, and markdown appended to `GITHUB_STEP_SUMMARY` within
//! GitHub's per-step size limit.
//!
//! The output form follows `actions/toolkit` `packages/core/src/file-command.ts`
//! (`prepareKeyValueMessage`).

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

/// GitHub refuses a step summary larger than 1 MiB.
/// <https://docs.github.com/en/actions/reference/workflow-commands-for-github-actions#step-isolation-and-limits>
pub const SUMMARY_LIMIT: u64 = 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum FileCommandError {
    #[error("output `{name}`: the {what} contains the delimiter {delimiter}")]
    Delimiter {
        name: String,
        what: &'static str,
        delimiter: String,
    },
    #[error("no randomness for the output delimiter: {0}")]
    Random(getrandom::Error),
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// `name<<ghadelimiter_…\nvalue\nghadelimiter_…\n`, with a fresh random
/// delimiter, so a multi-line value cannot end the entry early.
pub fn output_entry(name: &str, value: &str) -> Result<String, FileCommandError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(FileCommandError::Random)?;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    entry_with_delimiter(name, value, &format!("ghadelimiter_{hex}"))
}

fn entry_with_delimiter(
    name: &str,
    value: &str,
    delimiter: &str,
) -> Result<String, FileCommandError> {
    let refuse = |what| FileCommandError::Delimiter {
        name: name.to_string(),
        what,
        delimiter: delimiter.to_string(),
    };
    // As the toolkit does: practically impossible, but a value that carries
    // the delimiter could otherwise set outputs of its own choosing.
    if name.contains(delimiter) {
        return Err(refuse("name"));
    }
    if value.contains(delimiter) {
        return Err(refuse("value"));
    }
    Ok(format!("{name}<<{delimiter}\n{value}\n{delimiter}\n"))
}

/// How [`RunnerFiles::append_summary`] wrote the summary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SummaryWrite {
    /// No `GITHUB_STEP_SUMMARY`: nothing written.
    NoFile,
    Complete,
    /// Cut to stay under the limit; this many bytes of the markdown were left out.
    Shortened {
        omitted_bytes: usize,
    },
}

/// The paths of the runner's file commands; `None` outside a workflow.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunnerFiles {
    pub output: Option<PathBuf>,
    pub summary: Option<PathBuf>,
}

impl RunnerFiles {
    /// From `GITHUB_OUTPUT` and `GITHUB_STEP_SUMMARY`; an empty value counts as unset.
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var_os(name).map(PathBuf::from))
    }

    fn from_lookup(lookup: impl Fn(&str) -> Option<PathBuf>) -> Self {
        let path = |name| lookup(name).filter(|p| !p.as_os_str().is_empty());
        Self {
            output: path("GITHUB_OUTPUT"),
            summary: path("GITHUB_STEP_SUMMARY"),
        }
    }

    /// Appends every output in one write; does nothing outside a workflow.
    pub fn append_outputs<N, V>(&self, outputs: &[(N, V)]) -> Result<(), FileCommandError>
    where
        N: AsRef<str>,
        V: AsRef<str>,
    {
        let Some(path) = &self.output else {
            return Ok(());
        };
        let mut text = String::new();
        for (name, value) in outputs {
            text.push_str(&output_entry(name.as_ref(), value.as_ref())?);
        }
        append(path, &text)
    }

    /// Appends the markdown, shortened with a note when the file would grow
    /// past [`SUMMARY_LIMIT`]: a summary cut short is better than none.
    pub fn append_summary(&self, markdown: &str) -> Result<SummaryWrite, FileCommandError> {
        let Some(path) = &self.summary else {
            return Ok(SummaryWrite::NoFile);
        };
        let existing = match std::fs::metadata(path) {
            Ok(meta) => meta.len(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => 0,
            Err(source) => {
                return Err(FileCommandError::Io {
                    path: path.clone(),
                    source,
                });
            }
        };
        let room = usize::try_from(SUMMARY_LIMIT.saturating_sub(existing)).unwrap_or(usize::MAX);
        let (text, write) = fit_summary(markdown, room);
        if !text.is_empty() {
            append(path, &text)?;
        }
        Ok(write)
    }
}

/// The markdown (ending in a newline) within `room` bytes, cut at a line
/// boundary with a note when it does not fit.
fn fit_summary(markdown: &str, room: usize) -> (String, SummaryWrite) {
    let mut text = markdown.to_string();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    if text.len() <= room {
        return (text, SummaryWrite::Complete);
    }
    // The note's length depends on the count it states; a generous estimate
    // for the digits keeps the arithmetic simple.
    let note = |omitted: usize| {
        format!(
            "\n\n> **Summary shortened:** {omitted} bytes were left out to stay under GitHub's 1 MiB step-summary limit.\n"
        )
    };
    let reserve = note(usize::MAX).len();
    let budget = room.saturating_sub(reserve);
    let mut cut = floor_char_boundary(&text, budget);
    // Prefer a whole line, so a table keeps only complete rows.
    if let Some(nl) = text[..cut].rfind('\n') {
        cut = nl + 1;
    }
    let omitted = text.len() - cut;
    let mut out = text[..cut].to_string();
    let note = note(omitted);
    if out.len() + note.len() <= room {
        out.push_str(&note);
    }
    (
        out,
        SummaryWrite::Shortened {
            omitted_bytes: omitted,
        },
    )
}

fn floor_char_boundary(s: &str, index: usize) -> usize {
    if index >= s.len() {
        return s.len();
    }
    (0..=index)
        .rev()
        .find(|&i| s.is_char_boundary(i))
        .unwrap_or(0)
}

fn append(path: &Path, text: &str) -> Result<(), FileCommandError> {
    let io = |source| FileCommandError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(io)?;
    file.write_all(text.as_bytes()).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(dir: &tempfile::TempDir) -> RunnerFiles {
        RunnerFiles {
            output: Some(dir.path().join("output")),
            summary: Some(dir.path().join("summary")),
        }
    }

    #[test]
    fn output_entry_uses_a_random_heredoc_delimiter() {
        let entry = output_entry("report", "{\"a\":1}\nsecond line").unwrap();
        let lines: Vec<&str> = entry.lines().collect();
        let delimiter = lines[0].strip_prefix("report<<").unwrap();
        assert!(delimiter.starts_with("ghadelimiter_"));
        assert_eq!(delimiter.len(), "ghadelimiter_".len() + 32);
        assert_eq!(lines[1..], ["{\"a\":1}", "second line", delimiter]);
        assert!(entry.ends_with('\n'));
        let other = output_entry("report", "x").unwrap();
        assert_ne!(other.lines().next(), entry.lines().next());
    }

    #[test]
    fn a_value_or_name_holding_the_delimiter_is_refused() {
        let d = "ghadelimiter_abc";
        let err = entry_with_delimiter("x", "a\nghadelimiter_abc\nb", d).unwrap_err();
        assert!(matches!(
            err,
            FileCommandError::Delimiter { what: "value", .. }
        ));
        let err = entry_with_delimiter("xghadelimiter_abc", "v", d).unwrap_err();
        assert!(matches!(
            err,
            FileCommandError::Delimiter { what: "name", .. }
        ));
        assert_eq!(
            entry_with_delimiter("x", "", d).unwrap(),
            "x<<ghadelimiter_abc\n\nghadelimiter_abc\n"
        );
    }

    #[test]
    fn from_lookup_reads_both_paths_and_ignores_empty_ones() {
        let f = RunnerFiles::from_lookup(|name| match name {
            "GITHUB_OUTPUT" => Some(PathBuf::from("/tmp/out")),
            "GITHUB_STEP_SUMMARY" => Some(PathBuf::new()),
            _ => None,
        });
        assert_eq!(f.output, Some(PathBuf::from("/tmp/out")));
        assert_eq!(f.summary, None);
    }

    #[test]
    fn outputs_are_appended_after_existing_content() {
        let dir = tempfile::tempdir().unwrap();
        let f = files(&dir);
        std::fs::write(f.output.as_ref().unwrap(), "earlier<<EOF\nv\nEOF\n").unwrap();
        f.append_outputs(&[("result", "success"), ("drift", "false")])
            .unwrap();
        let text = std::fs::read_to_string(f.output.as_ref().unwrap()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3 + 6);
        assert!(lines[3].starts_with("result<<ghadelimiter_"));
        assert_eq!(lines[4], "success");
        assert!(lines[6].starts_with("drift<<ghadelimiter_"));
        assert_eq!(lines[7], "false");
    }

    #[test]
    fn without_files_nothing_is_written() {
        let f = RunnerFiles::default();
        f.append_outputs(&[("result", "success")]).unwrap();
        assert_eq!(f.append_summary("# hi").unwrap(), SummaryWrite::NoFile);
    }

    #[test]
    fn summary_that_fits_is_appended_whole() {
        let dir = tempfile::tempdir().unwrap();
        let f = files(&dir);
        assert_eq!(f.append_summary("# one").unwrap(), SummaryWrite::Complete);
        assert_eq!(f.append_summary("# two\n").unwrap(), SummaryWrite::Complete);
        let text = std::fs::read_to_string(f.summary.as_ref().unwrap()).unwrap();
        assert_eq!(text, "# one\n# two\n");
    }

    #[test]
    fn summary_is_shortened_to_the_room_the_existing_file_leaves() {
        let dir = tempfile::tempdir().unwrap();
        let f = files(&dir);
        let path = f.summary.clone().unwrap();
        std::fs::write(&path, "x".repeat(1024 * 1024 - 10_000)).unwrap();
        let row = "| a | b | c |\n";
        let markdown = row.repeat(2_000);
        let write = f.append_summary(&markdown).unwrap();
        let SummaryWrite::Shortened { omitted_bytes } = write else {
            panic!("expected a shortened summary, got {write:?}");
        };
        let len = std::fs::metadata(&path).unwrap().len();
        assert!(len <= SUMMARY_LIMIT, "{len}");
        let text = std::fs::read_to_string(&path).unwrap();
        let added = &text[1024 * 1024 - 10_000..];
        assert!(added.contains(&format!("{omitted_bytes} bytes were left out")));
        // Only whole rows were kept.
        let kept = added.split("\n\n>").next().unwrap();
        assert!(kept.lines().all(|l| l == row.trim_end()));
        assert_eq!(kept.len() + omitted_bytes, markdown.len());
    }

    #[test]
    fn summary_with_no_room_left_writes_nothing() {
        let (text, write) = fit_summary("# a long heading", 3);
        assert_eq!(text, "");
        assert_eq!(write, SummaryWrite::Shortened { omitted_bytes: 17 });
    }

    #[test]
    fn cutting_never_splits_a_character() {
        let (text, _) = fit_summary(&"é".repeat(500), 300);
        assert!(text.len() <= 300);
        assert!(text.chars().all(|c| c == 'é' || c.is_ascii()));
    }
}
