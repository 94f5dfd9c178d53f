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

/// A walk over the name with the set of pattern positions it may be at (an
/// NFA simulation): time `O(pattern × name)`, where trying every split of each
/// `*` took time exponential in the number of stars (`*a*a*a*a…b`).
fn matches_from(tokens: &[Token], name: &[char]) -> bool {
    let mut at = vec![false; tokens.len() + 1];
    at[0] = true;
    close(tokens, &mut at);
    for &c in name {
        let mut next = vec![false; tokens.len() + 1];
        for (i, token) in tokens.iter().enumerate().filter(|(i, _)| at[*i]) {
            match token {
                Token::Literal(l) if *l == c => next[i + 1] = true,
                Token::One if c != '/' => next[i + 1] = true,
                Token::Class(ranges) if ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) => {
                    next[i + 1] = true
                }
                // A star takes one more character and stays.
                Token::Star if c != '/' => next[i] = true,
                Token::DoubleStar => next[i] = true,
                _ => {}
            }
        }
        close(tokens, &mut next);
        if !next.iter().any(|&b| b) {
            return false;
        }
        at = next;
    }
    at[tokens.len()]
}

/// A star may also match nothing: being before it is being after it too.
fn close(tokens: &[Token], at: &mut [bool]) {
    for i in 0..tokens.len() {
        if at[i] && matches!(tokens[i], Token::Star | Token::DoubleStar) {
            at[i + 1] = true;
        }
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

    #[test]
    fn many_stars_take_linear_time() {
        let pattern = format!("{}b", "*a".repeat(40));
        let name = "a".repeat(5_000);
        let start = std::time::Instant::now();
        assert!(!matches(&pattern, &name));
        assert!(matches(&format!("{}**", "**a".repeat(40)), &name));
        assert!(
            start.elapsed() < std::time::Duration::from_secs(2),
            "{:?}",
            start.elapsed()
        );
    }
}
