//! Branch and tag globs of the contract's `when:`, after GitHub's workflow
//! filter patterns (<https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax#filter-pattern-cheat-sheet>):
//! `*` any run of characters except `/`, `**` any run including `/`,
//! `?` exactly one character (not `/`), `[abc]` / `[a-z]` one character of a
//! class; everything else, including an unclosed `[`, is literal.
//!
//! GitHub gives `?` and `+` a regex-like meaning on the preceding character;
//! the contract keeps the shell meaning of `?` and a literal `+`, which is what
//! people expect of a glob on a ref name.

/// Does the whole `name` match `pattern`?
pub fn matches(pattern: &str, name: &str) -> bool {
    let tokens = tokenize(pattern);
    let chars: Vec<char> = name.chars().collect();
    matches_from(&tokens, &chars)
}

#[derive(Debug, PartialEq)]
enum Token {
    Literal(char),
    /// `*`: any run without `/`.
    Star,
    /// `**`: any run.
    DoubleStar,
    /// `?`: one character other than `/`.
    One,
    /// `[…]`: one character in one of the ranges (a single char is `c..=c`).
    Class(Vec<(char, char)>),
}

fn tokenize(pattern: &str) -> Vec<Token> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '*' if chars.get(i + 1) == Some(&'*') => {
                tokens.push(Token::DoubleStar);
                i += 2;
                // `***` and more mean the same as `**`.
                while chars.get(i) == Some(&'*') {
                    i += 1;
                }
            }
            '*' => {
                tokens.push(Token::Star);
                i += 1;
            }
            '?' => {
                tokens.push(Token::One);
                i += 1;
            }
            '[' => match class(&chars[i + 1..]) {
                Some((ranges, used)) => {
                    tokens.push(Token::Class(ranges));
                    i += 1 + used;
                }
                None => {
                    tokens.push(Token::Literal('['));
                    i += 1;
                }
            },
            c => {
                tokens.push(Token::Literal(c));
                i += 1;
            }
        }
    }
    tokens
}

/// Reads a class body after `[`; returns the ranges and the characters used
/// including the closing `]`, or `None` when it is not closed or empty.
fn class(body: &[char]) -> Option<(Vec<(char, char)>, usize)> {
    let end = body.iter().position(|&c| c == ']')?;
    if end == 0 {
        return None;
    }
    let inner = &body[..end];
    let mut ranges = Vec::new();
    let mut j = 0;
    while j < inner.len() {
        if j + 2 < inner.len() && inner[j + 1] == '-' {
            ranges.push((inner[j], inner[j + 2]));
            j += 3;
        } else {
            ranges.push((inner[j], inner[j]));
            j += 1;
        }
    }
    Some((ranges, end + 1))
}

fn matches_from(tokens: &[Token], name: &[char]) -> bool {
    let Some((first, rest)) = tokens.split_first() else {
        return name.is_empty();
    };
    match first {
        Token::Literal(c) => name.first() == Some(c) && matches_from(rest, &name[1..]),
        Token::One => name.first().is_some_and(|&c| c != '/') && matches_from(rest, &name[1..]),
        Token::Class(ranges) => {
            name.first()
                .is_some_and(|&c| ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi))
                && matches_from(rest, &name[1..])
        }
        Token::Star => {
            // Try every split up to the next `/`, which `*` never crosses.
            let limit = name.iter().position(|&c| c == '/').unwrap_or(name.len());
            (0..=limit).any(|k| matches_from(rest, &name[k..]))
        }
        Token::DoubleStar => (0..=name.len()).any(|k| matches_from(rest, &name[k..])),
    }
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn table() {
        let cases: &[(&str, &str, bool)] = &[
            // literal
            ("main", "main", true),
            ("main", "mainx", false),
            ("main", "xmain", false),
            ("", "", true),
            ("", "a", false),
            // *
            ("*", "main", true),
            ("*", "", true),
            ("*", "feature/x", false),
            ("feature/*", "feature/x", true),
            ("feature/*", "feature/x/y", false),
            ("feature/*", "feature/", true),
            ("release-*", "release-1.2", true),
            ("*-hotfix", "a-hotfix", true),
            ("v*.*.*", "v1.2.3", true),
            ("v*.*.*", "v1.2", false),
            ("v*.*.*", "v1.2.3.4", true),
            ("v*.*.*", "v1.2.3-rc.1", true),
            ("v*.*.*", "x1.2.3", false),
            // **
            ("**", "a/b/c", true),
            ("**", "", true),
            ("feature/**", "feature/a/b", true),
            ("**/x", "a/b/x", true),
            ("**/x", "a/b/y", false),
            ("releases/**-alpha", "releases/beta/3-alpha", true),
            ("***", "a/b", true),
            // ?
            ("v?", "v1", true),
            ("v?", "v", false),
            ("v?", "v12", false),
            ("a?b", "a/b", false),
            // classes
            ("v[0-9]", "v7", true),
            ("v[0-9]", "va", false),
            ("[abc]x", "bx", true),
            ("[abc]x", "dx", false),
            ("[a-cx-z]", "y", true),
            ("[a-]", "-", true),
            // unclosed or empty classes are literal
            ("[abc", "[abc", true),
            ("[]", "[]", true),
            // everything else is literal
            ("a+b", "a+b", true),
            ("a+b", "aab", false),
            ("a.b", "axb", false),
            ("!main", "!main", true),
            ("ünï*", "ünïcode", true),
        ];
        for &(pattern, name, want) in cases {
            assert_eq!(matches(pattern, name), want, "{pattern:?} vs {name:?}");
        }
    }
}
