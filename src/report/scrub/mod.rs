//! The one place secret values are taken out of text before it reaches any
//! channel (log, summary, outputs, PR comment, Deployment). AWS and GitHub
//! put resource names, ARNs and even request headers in their own error
//! messages, so a secret can arrive inside text this program never
//! formatted; every report is passed through here as it leaves, rather than
//! each error where it is made. The renderers take only a [`Clean`] report,
//! which nothing but this module can make (docs/security.md, "Security").

mod fields;
mod forms;

use std::sync::{Arc, PoisonError, RwLock};

pub use fields::{DETAIL_CHARS, ERROR_LINE_CHARS, MESSAGE_CHARS, RUN_ERROR_CHARS};
pub use forms::MIN_LEN;

use crate::config::model::Contract;
use crate::secret::redact;

/// A value that has been through the scrubber. Only this module makes one, so
/// a renderer that takes `&Clean<Report>` cannot be handed an unscrubbed field.
#[derive(Clone, Debug, PartialEq)]
pub struct Clean<T>(T);

impl<T> std::ops::Deref for Clean<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> Clean<T> {
    pub fn into_inner(self) -> T {
        self.0
    }

    /// For the renderers' own unit tests, whose samples hold no secret.
    #[cfg(test)]
    pub(crate) fn trusted(value: T) -> Self {
        Clean(value)
    }
}

/// Secret values to replace by their redacted form (`E2…ZL`, or `***`).
#[derive(Clone, Debug, Default)]
pub struct Scrubber {
    /// The values themselves, for their redacted form.
    secrets: Vec<String>,
    /// Every form of every secret (see `forms.rs`).
    patterns: Vec<Pattern>,
    /// Secrets shorter than [`MIN_LEN`]: not patterns (the emitter warns once).
    too_short: usize,
}

#[derive(Clone, Debug)]
struct Pattern {
    /// As it is searched for: lowercase when `folded`.
    needle: String,
    /// Matched ignoring ASCII case, as the value is compared (a CloudFront id).
    folded: bool,
    /// Index into `secrets`, when this is the value itself (another form,
    /// or a line of it, is replaced by `***`: its redacted form would show
    /// characters of the whole value, not of what was matched).
    secret: Option<usize>,
}

/// One range of the text to replace; `secret` when it is a match of that one.
#[derive(Clone, Copy, Debug)]
struct Hit {
    start: usize,
    end: usize,
    secret: Option<usize>,
}

impl Scrubber {
    /// Every non-empty value but those written in plain in the contract: a
    /// function name in the contract is not a secret even when a secret holds
    /// the same text (docs/choices.md "Choices").
    pub fn new<'a>(
        secrets: impl IntoIterator<Item = &'a str>,
        contract: Option<&Contract>,
    ) -> Self {
        let plain = contract.map(fields::plain_values).unwrap_or_default();
        let mut s = Self::default();
        for v in secrets {
            if !plain.iter().any(|p| p == v.trim()) {
                s.add(v);
            }
        }
        s
    }

    /// One more secret (a token or credential received during the run).
    pub fn add(&mut self, value: &str) {
        self.learn(value, false);
    }

    /// One more secret compared ignoring ASCII case, so found in any case.
    pub fn add_folded(&mut self, value: &str) {
        self.learn(value, true);
    }

    fn learn(&mut self, value: &str, folded: bool) {
        let v = value.trim();
        if v.is_empty() {
            return;
        }
        if v.chars().count() < MIN_LEN {
            self.too_short += 1;
            return;
        }
        let known = self.secrets.iter().position(|s| s == v);
        let folded_already = |i| {
            self.patterns
                .iter()
                .any(|p| p.secret == Some(i) && p.folded)
        };
        if known.is_some_and(|i| !folded || folded_already(i)) {
            return;
        }
        let secret = known.unwrap_or_else(|| {
            self.secrets.push(v.to_string());
            self.secrets.len() - 1
        });
        for (n, form) in forms::forms(v).into_iter().enumerate() {
            let needle = if folded {
                form.to_ascii_lowercase()
            } else {
                form
            };
            self.patterns.push(Pattern {
                needle,
                folded,
                secret: (n == 0).then_some(secret),
            });
        }
    }

    /// How many secrets were too short to look for.
    pub fn too_short(&self) -> usize {
        self.too_short
    }

    /// `text` with every secret replaced by its redacted form.
    pub fn clean(&self, text: &str) -> Clean<String> {
        Clean(self.text(text))
    }

    /// `text` with every match of every form of every secret replaced, in one
    /// pass over the union of the ranges: overlapping secrets become one `***`
    /// rather than one replaced after the other (which showed the second's tail).
    pub fn text(&self, text: &str) -> String {
        let mut hits = self.hits(text);
        if hits.is_empty() {
            return text.to_string();
        }
        hits.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        let mut i = 0;
        while i < hits.len() {
            let (start, mut end, mut secret) = (hits[i].start, hits[i].end, hits[i].secret);
            i += 1;
            // The first hit is the longest of those that start here: when it
            // covers the whole group, its own redacted form stands for it.
            while i < hits.len() && hits[i].start < end {
                if hits[i].end > end {
                    end = hits[i].end;
                    secret = None;
                }
                i += 1;
            }
            out.push_str(&text[at..start]);
            out.push_str(&secret.map_or_else(|| "***".to_string(), |s| redact(&self.secrets[s])));
            at = end;
        }
        out.push_str(&text[at..]);
        out
    }

    /// Every match, and every secret's beginning cut off by a `…`: text
    /// shortened before it reached here still shows no piece of a secret.
    fn hits(&self, text: &str) -> Vec<Hit> {
        let lower = self
            .patterns
            .iter()
            .any(|p| p.folded)
            .then(|| text.to_ascii_lowercase());
        let cuts: Vec<usize> = text.match_indices('…').map(|(i, _)| i).collect();
        let mut hits = Vec::new();
        for p in &self.patterns {
            let hay = match (&lower, p.folded) {
                (Some(l), true) => l.as_str(),
                _ => text,
            };
            for start in occurrences(hay, &p.needle) {
                hits.push(Hit {
                    start,
                    end: start + p.needle.len(),
                    secret: p.secret,
                });
            }
            for &cut in &cuts {
                if let Some(len) = cut_prefix(&hay[..cut], &p.needle) {
                    hits.push(Hit {
                        start: cut - len,
                        end: cut,
                        secret: None,
                    });
                }
            }
        }
        hits
    }
}

/// Every start of `needle` in `hay`, overlapping ones included.
fn occurrences<'a>(hay: &'a str, needle: &'a str) -> impl Iterator<Item = usize> + 'a {
    let step = needle.chars().next().map_or(1, char::len_utf8);
    let mut from = 0;
    std::iter::from_fn(move || {
        let i = from + hay.get(from..)?.find(needle)?;
        from = i + step;
        Some(i)
    })
}

/// The length in bytes of the longest beginning of `needle` (at least
/// [`MIN_LEN`] characters) that `before` ends with.
fn cut_prefix(before: &str, needle: &str) -> Option<usize> {
    let ends: Vec<usize> = needle
        .char_indices()
        .map(|(i, _)| i)
        .skip(MIN_LEN)
        .chain(std::iter::once(needle.len()))
        .collect();
    ends.into_iter()
        .rev()
        .find(|&b| before.ends_with(&needle[..b]))
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
        self.write(|s| s.add(value));
    }

    /// One more secret compared ignoring ASCII case.
    pub fn add_folded(&self, value: &str) {
        self.write(|s| s.add_folded(value));
    }

    fn write(&self, f: impl FnOnce(&mut Scrubber)) {
        f(&mut self.0.write().unwrap_or_else(PoisonError::into_inner));
    }

    fn read<T>(&self, f: impl FnOnce(&Scrubber) -> T) -> T {
        f(&self.0.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// `text` with every secret known so far replaced by its redacted form.
    pub fn text(&self, text: &str) -> String {
        self.read(|s| s.text(text))
    }

    /// A copy of the report with every string scrubbed.
    pub fn report(
        &self,
        report: &crate::report::model::Report,
    ) -> Clean<crate::report::model::Report> {
        self.read(|s| s.report(report))
    }

    /// How many secrets were too short to look for.
    pub fn too_short(&self) -> usize {
        self.read(Scrubber::too_short)
    }
}

#[cfg(test)]
mod tests;
