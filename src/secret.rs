//! Values that must never be printed in clear: a value read from a job env var
//! named by the contract. `Display`, `Debug` and `Serialize` all redact it.

use std::fmt;

#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The clear value, for comparisons and AWS calls only.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `E2…ZL`: first and last two characters, only when the value is long
    /// enough (16 characters) that four characters do not give it away.
    pub fn redacted(&self) -> String {
        redact(&self.0)
    }
}

/// Below this many characters a redacted value shows none of them: four
/// characters of a twelve-character secret would be a third of it.
pub const SHOWN_FROM: usize = 16;

/// The redacted form of any sensitive string.
pub fn redact(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.is_empty() {
        "(empty)".to_string()
    } else if chars.len() < SHOWN_FROM {
        "***".to_string()
    } else {
        let head: String = chars[..2].iter().collect();
        let tail: String = chars[chars.len() - 2..].iter().collect();
        format!("{head}…{tail}")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({})", self.redacted())
    }
}

impl serde::Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.redacted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_keep_two_characters_each_side() {
        assert_eq!(Secret::new("E2ABCDEFGHIJKLZL").to_string(), "E2…ZL");
    }

    #[test]
    fn short_values_are_fully_hidden() {
        assert_eq!(redact("abc"), "***");
        assert_eq!(redact("fifteen-chars-x"), "***");
        assert_eq!(redact(""), "(empty)");
    }

    #[test]
    fn debug_and_json_never_show_the_value() {
        let s = Secret::new("supersecretvalue123");
        assert!(!format!("{s:?}").contains("supersecret"));
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"su…23\"");
    }
}
