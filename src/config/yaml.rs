//! A generic YAML tree in which every node knows its line and column.
//!
//! serde stops at the first error, but the contract must report all of them at
//! once, so the file is first read into this tree (only YAML syntax can fail
//! here) and then converted by hand in `parse.rs`, collecting every problem.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

use super::model::Pos;

/// One YAML node with the position where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Yaml {
    pub at: Pos,
    pub node: Node,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<Yaml>),
    /// Entries in file order; keys keep their own positions.
    Map(Vec<(Yaml, Yaml)>),
}

impl Node {
    /// The YAML type name a user would recognise, for "expected X, found Y".
    pub fn kind(&self) -> &'static str {
        match self {
            Node::Null => "null",
            Node::Bool(_) => "a boolean",
            Node::Int(_) => "an integer",
            Node::Float(_) => "a number",
            Node::Str(_) => "a string",
            Node::Seq(_) => "a list",
            Node::Map(_) => "a mapping",
        }
    }
}

/// A YAML syntax error: the message and where it happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub at: Pos,
    pub message: String,
}

/// Reads `text` into a tree. An empty document is `Null` at 1:1.
pub fn read(text: &str) -> Result<Yaml, SyntaxError> {
    if text.trim().is_empty() {
        return Ok(Yaml {
            at: Pos { line: 1, col: 1 },
            node: Node::Null,
        });
    }
    // Strict YAML 1.2 booleans (`yes` stays a string), leading zeros kept (an
    // unquoted account `012345678901` stays the string it looks like), and
    // duplicate keys passed through so that `parse.rs` reports them with the rest.
    let options = serde_saphyr::options! {
        strict_booleans: true,
        leading_zero_numbers_as_strings: true,
        duplicate_keys: serde_saphyr::DuplicateKeyPolicy::PassThrough,
    };
    match serde_saphyr::from_str_with_options::<Spanned<Raw>>(text, options) {
        Ok(root) => Ok(Yaml::from(root)),
        Err(err) => {
            let at = err
                .location()
                .map(|l| pos(&l))
                .filter(|p| p.line > 0)
                .unwrap_or(Pos { line: 1, col: 1 });
            Err(SyntaxError {
                at,
                message: plain_message(&err),
            })
        }
    }
}

/// The error's text without the snippet and the "at line … column …" suffix,
/// since the diagnostic carries the position itself.
fn plain_message(err: &serde_saphyr::Error) -> String {
    let text = err.without_snippet().to_string();
    let first = text.lines().next().unwrap_or("").trim();
    let cut = first.find(" at line ").map_or(first, |i| &first[..i]);
    if cut.is_empty() {
        "invalid YAML".to_string()
    } else {
        cut.to_string()
    }
}

fn pos(l: &serde_saphyr::Location) -> Pos {
    Pos {
        line: u32::try_from(l.line()).unwrap_or(u32::MAX),
        col: u32::try_from(l.column()).unwrap_or(u32::MAX),
    }
}

/// The tree as serde builds it: every child wrapped in `Spanned`.
#[derive(Debug)]
enum Raw {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<Spanned<Raw>>),
    Map(Vec<(Spanned<Raw>, Spanned<Raw>)>),
}

impl From<Spanned<Raw>> for Yaml {
    fn from(s: Spanned<Raw>) -> Self {
        let at = pos(&s.referenced);
        let node = match s.value {
            Raw::Null => Node::Null,
            Raw::Bool(b) => Node::Bool(b),
            Raw::Int(i) => Node::Int(i),
            Raw::Float(f) => Node::Float(f),
            Raw::Str(s) => Node::Str(s),
            Raw::Seq(items) => Node::Seq(items.into_iter().map(Yaml::from).collect()),
            Raw::Map(entries) => Node::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| (Yaml::from(k), Yaml::from(v)))
                    .collect(),
            ),
        };
        Yaml { at, node }
    }
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Raw;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Raw, D::Error> {
        Raw::deserialize(d)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Raw, E> {
        Ok(Raw::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Raw, E> {
        Ok(Raw::Int(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Raw, E> {
        Ok(Raw::Int(v.into()))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Raw, E> {
        Ok(Raw::Int(v))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Raw, E> {
        Ok(i128::try_from(v).map_or(Raw::Float(v as f64), Raw::Int))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Raw, E> {
        Ok(Raw::Float(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Raw, E> {
        Ok(Raw::Str(v.to_string()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Raw, E> {
        Ok(Raw::Str(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Raw>>()? {
            items.push(item);
        }
        Ok(Raw::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<Raw>>()? {
            let value = map.next_value::<Spanned<Raw>>()?;
            entries.push((key, value));
        }
        Ok(Raw::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: u32, col: u32) -> Pos {
        Pos { line, col }
    }

    fn map(y: &Yaml) -> &[(Yaml, Yaml)] {
        match &y.node {
            Node::Map(m) => m,
            other => panic!("not a map: {other:?}"),
        }
    }

    #[test]
    fn every_node_keeps_its_position_through_deserialize_any() {
        let text = "version: 1\nenvs:\n  dev:\n    list: [a, 2, true]\n    nothing:\n";
        let root = read(text).unwrap();
        assert_eq!(root.at.line, 1);
        let top = map(&root);
        assert_eq!(
            top[0].0,
            Yaml {
                at: at(1, 1),
                node: Node::Str("version".into())
            }
        );
        assert_eq!(
            top[0].1,
            Yaml {
                at: at(1, 10),
                node: Node::Int(1)
            }
        );
        assert_eq!(top[1].0.at, at(2, 1));
        let dev = map(&map(&top[1].1)[0].1);
        assert_eq!(dev[0].0.at, at(4, 5));
        let Node::Seq(items) = &dev[0].1.node else {
            panic!("not a seq")
        };
        assert_eq!(
            items[0],
            Yaml {
                at: at(4, 12),
                node: Node::Str("a".into())
            }
        );
        assert_eq!(
            items[1],
            Yaml {
                at: at(4, 15),
                node: Node::Int(2)
            }
        );
        assert_eq!(
            items[2],
            Yaml {
                at: at(4, 18),
                node: Node::Bool(true)
            }
        );
        assert_eq!(dev[1].1.node, Node::Null);
    }

    #[test]
    fn quoted_scalars_stay_strings() {
        let root = read("a: \"012\"\nb: '1.5'\nc: 1.5\nd: 7\n").unwrap();
        let m = map(&root);
        assert_eq!(m[0].1.node, Node::Str("012".into()));
        assert_eq!(m[1].1.node, Node::Str("1.5".into()));
        assert_eq!(m[2].1.node, Node::Float(1.5));
        assert_eq!(m[3].1.node, Node::Int(7));
    }

    #[test]
    fn leading_zeros_and_yaml_1_1_booleans_stay_strings() {
        let root = read("a: 012345678901\nb: yes\nc: True\nd: 123456789012\n").unwrap();
        let m = map(&root);
        assert_eq!(m[0].1.node, Node::Str("012345678901".into()));
        assert_eq!(m[1].1.node, Node::Str("yes".into()));
        assert_eq!(m[2].1.node, Node::Bool(true));
        assert_eq!(m[3].1.node, Node::Int(123_456_789_012));
    }

    #[test]
    fn duplicate_keys_reach_the_tree() {
        let root = read("a: 1\na: 2\n").unwrap();
        let m = map(&root);
        assert_eq!(m.len(), 2);
        assert_eq!(m[1].0.at, at(2, 1));
    }

    #[test]
    fn syntax_error_has_a_position_and_a_plain_message() {
        let err = read("a: 1\nb: [1, 2\nc: 3\n").unwrap_err();
        assert!(err.at.line >= 2, "{err:?}");
        assert!(!err.message.is_empty());
        assert!(!err.message.contains('\n'));
    }

    #[test]
    fn empty_text_is_null() {
        assert_eq!(read("  \n").unwrap().node, Node::Null);
    }
}
