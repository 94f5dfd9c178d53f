//! Stable kebab-case codes (finding codes, contract error codes): one macro
//! declares the enum, the list of every variant and each variant's text, so no
//! variant can be missing from the list. The README tables list them all.

/// Declares a `Copy` enum whose variants each carry their kebab-case text,
/// with `ALL` (every variant, in declaration order), `as_str`, `Display` and a
/// `Serialize` that writes the text.
macro_rules! kebab_codes {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The stable text, as written in reports and the README.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $text, )+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

pub(crate) use kebab_codes;

/// Whether `texts` are all distinct, lowercase kebab-case words.
#[cfg(test)]
pub(crate) fn assert_kebab_and_unique(texts: &[&str]) {
    let mut seen = std::collections::BTreeSet::new();
    for t in texts {
        assert!(
            !t.is_empty()
                && !t.starts_with('-')
                && !t.ends_with('-')
                && !t.contains("--")
                && t.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "`{t}` is not kebab-case"
        );
        assert!(seen.insert(*t), "`{t}` is used twice");
    }
}
