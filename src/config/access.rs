//! Typed access to YAML nodes that records a diagnostic for every mismatch
//! and carries on, so one pass over the file finds every error.

use super::model::Pos;
use super::yaml::{Node, Yaml};
use crate::diag::{Code, Diagnostic};

/// Collects the diagnostics of one contract file.
pub struct Sink {
    file: String,
    diags: Vec<Diagnostic>,
}

impl Sink {
    pub fn new(file: &str) -> Self {
        Sink {
            file: file.to_string(),
            diags: Vec::new(),
        }
    }

    pub fn error(&mut self, at: Pos, code: Code, message: impl Into<String>) {
        self.diags.push(Diagnostic {
            file: self.file.clone(),
            at,
            code,
            message: message.into(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.diags.is_empty()
    }

    /// Every diagnostic, in file order (ties by code text, then message).
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.diags.sort_by(|a, b| {
            (a.at, a.code.as_str(), &a.message).cmp(&(b.at, b.code.as_str(), &b.message))
        });
        self.diags.dedup();
        self.diags
    }

    /// `wrong-type` with a hint to quote scalars that YAML read as something else.
    pub fn wrong_type(&mut self, y: &Yaml, path: &str, expected: &str) {
        let hint = match (&y.node, expected) {
            (Node::Int(_) | Node::Float(_) | Node::Bool(_), "a string") => {
                " (quote it to make it a string)"
            }
            _ => "",
        };
        let found = y.node.kind();
        self.error(
            y.at,
            Code::WrongType,
            format!("`{path}` must be {expected}, found {found}{hint}"),
        );
    }
}

/// The entries of a mapping whose keys were checked against the allowed set.
pub struct Fields<'a> {
    pub at: Pos,
    pub path: String,
    entries: Vec<(&'a str, &'a Yaml, &'a Yaml)>,
}

impl<'a> Fields<'a> {
    /// The value under `key`, if present (the first one when duplicated).
    pub fn get(&self, key: &str) -> Option<&'a Yaml> {
        self.entries
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, _, v)| *v)
    }

    /// The value under `key`, or a `missing-key` diagnostic at the mapping.
    pub fn require(&self, sink: &mut Sink, key: &str) -> Option<&'a Yaml> {
        let found = self.get(key);
        if found.is_none() {
            sink.error(
                self.at,
                Code::MissingKey,
                format!("`{}` is missing the required key `{key}`", self.path),
            );
        }
        found
    }

    /// Where `key` itself was written.
    pub fn key_at(&self, key: &str) -> Option<Pos> {
        self.entries
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, k, _)| k.at)
    }

    /// `path.key`, for messages about the value under `key`.
    pub fn child(&self, key: &str) -> String {
        format!("{}.{key}", self.path)
    }

    /// All entries in file order, for mappings with free-form keys.
    pub fn entries(&self) -> impl Iterator<Item = (&'a str, &'a Yaml, &'a Yaml)> + '_ {
        self.entries.iter().copied()
    }
}

/// Reads a mapping with free-form string keys (duplicate keys reported).
pub fn mapping<'a>(sink: &mut Sink, y: &'a Yaml, path: &str) -> Option<Fields<'a>> {
    let Node::Map(pairs) = &y.node else {
        sink.wrong_type(y, path, "a mapping");
        return None;
    };
    let mut entries: Vec<(&'a str, &'a Yaml, &'a Yaml)> = Vec::new();
    for (k, v) in pairs {
        let Node::Str(name) = &k.node else {
            sink.error(
                k.at,
                Code::WrongType,
                format!("keys of `{path}` must be strings, found {}", k.node.kind()),
            );
            continue;
        };
        if let Some((_, first, _)) = entries.iter().find(|(n, _, _)| *n == name.as_str()) {
            sink.error(
                k.at,
                Code::DuplicateKey,
                format!(
                    "`{path}` has the key `{name}` twice (first at line {})",
                    first.at.line
                ),
            );
            continue;
        }
        entries.push((name.as_str(), k, v));
    }
    Some(Fields {
        at: y.at,
        path: path.to_string(),
        entries,
    })
}

/// Reads a mapping whose keys must be among `allowed`; others are `unknown-key`.
pub fn fields<'a>(
    sink: &mut Sink,
    y: &'a Yaml,
    path: &str,
    allowed: &[&str],
) -> Option<Fields<'a>> {
    let f = mapping(sink, y, path)?;
    for (name, key, _) in f.entries() {
        if !allowed.contains(&name) {
            sink.error(
                key.at,
                Code::UnknownKey,
                format!(
                    "unknown key `{name}` in `{path}`; expected one of: {}",
                    allowed.join(", ")
                ),
            );
        }
    }
    Some(f)
}

/// A non-empty string.
pub fn string(sink: &mut Sink, y: &Yaml, path: &str) -> Option<String> {
    match &y.node {
        Node::Str(s) if s.trim().is_empty() => {
            sink.error(
                y.at,
                Code::EmptyValue,
                format!("`{path}` must not be empty"),
            );
            None
        }
        Node::Str(s) => Some(s.clone()),
        _ => {
            sink.wrong_type(y, path, "a string");
            None
        }
    }
}

/// The items of a list, or `None` after a `wrong-type`.
pub fn list<'a>(sink: &mut Sink, y: &'a Yaml, path: &str) -> Option<&'a [Yaml]> {
    match &y.node {
        Node::Seq(items) => Some(items),
        _ => {
            sink.wrong_type(y, path, "a list");
            None
        }
    }
}

/// A non-empty list.
pub fn non_empty_list<'a>(sink: &mut Sink, y: &'a Yaml, path: &str) -> Option<&'a [Yaml]> {
    let items = list(sink, y, path)?;
    if items.is_empty() {
        sink.error(
            y.at,
            Code::EmptyValue,
            format!("`{path}` must not be empty"),
        );
        return None;
    }
    Some(items)
}

/// An integer (a float with no fraction, as YAML may write `10.0`, is not one).
pub fn integer(sink: &mut Sink, y: &Yaml, path: &str) -> Option<i128> {
    match &y.node {
        Node::Int(i) => Some(*i),
        _ => {
            sink.wrong_type(y, path, "an integer");
            None
        }
    }
}

/// A job environment variable name as the runner passes it on: letters,
/// digits and `_`, not starting with a digit.
pub fn env_var(sink: &mut Sink, y: &Yaml, path: &str) -> Option<String> {
    let name = string(sink, y, path)?;
    let ok = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    if !ok {
        sink.error(
            y.at,
            Code::BadEnvName,
            format!(
                "`{path}`: `{name}` is not an environment variable name (letters, digits and `_`, not starting with a digit)"
            ),
        );
        return None;
    }
    Some(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::yaml::read;

    fn codes(sink: Sink) -> Vec<Code> {
        sink.into_sorted().into_iter().map(|d| d.code).collect()
    }

    #[test]
    fn fields_reports_unknown_duplicate_and_non_string_keys() {
        let y = read("a: 1\nb: 2\na: 3\n7: x\n").unwrap();
        let mut sink = Sink::new("f.yml");
        let f = fields(&mut sink, &y, "top", &["a"]).unwrap();
        assert_eq!(f.get("a").map(|v| v.node.clone()), Some(Node::Int(1)));
        assert_eq!(
            codes(sink),
            [Code::UnknownKey, Code::DuplicateKey, Code::WrongType]
        );
    }

    #[test]
    fn require_reports_at_the_mapping() {
        let y = read("x:\n  a: 1\n").unwrap();
        let mut sink = Sink::new("f.yml");
        let top = fields(&mut sink, &y, "top", &["x"]).unwrap();
        let x = fields(&mut sink, top.get("x").unwrap(), "top.x", &["a", "b"]).unwrap();
        assert!(x.require(&mut sink, "b").is_none());
        let d = sink.into_sorted();
        assert_eq!(d[0].code, Code::MissingKey);
        assert_eq!(d[0].at, Pos { line: 2, col: 3 });
        assert!(d[0].message.contains("`top.x`"), "{}", d[0].message);
    }

    #[test]
    fn wrong_type_suggests_quoting_scalars() {
        let y = read("2024").unwrap();
        let mut sink = Sink::new("f.yml");
        assert_eq!(string(&mut sink, &y, "when.branch"), None);
        let d = sink.into_sorted();
        assert_eq!(d[0].code, Code::WrongType);
        assert!(d[0].message.contains("quote it"), "{}", d[0].message);
    }

    #[test]
    fn env_var_names_are_checked() {
        let mut sink = Sink::new("f.yml");
        for (text, ok) in [("A_B1", true), ("_X", true), ("1A", false), ("A-B", false)] {
            let y = read(text).unwrap();
            assert_eq!(env_var(&mut sink, &y, "id-env").is_some(), ok, "{text}");
        }
        assert_eq!(codes(sink), [Code::BadEnvName; 2]);
    }

    #[test]
    fn empty_strings_and_lists_are_reported() {
        let mut sink = Sink::new("f.yml");
        assert_eq!(string(&mut sink, &read("''").unwrap(), "x"), None);
        assert!(non_empty_list(&mut sink, &read("[]").unwrap(), "y").is_none());
        assert_eq!(codes(sink), [Code::EmptyValue; 2]);
    }
}
