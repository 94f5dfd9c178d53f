//! Making text from AWS or the user safe where it is shown: in a markdown
//! table cell or HTML (the job summary and PR comment are not escaped for
//! us), inside a link target, and on a terminal.

use super::shorten::shorten;

/// Longest value shown in a markdown table cell; the rest is in the JSON report.
pub const CELL: usize = 200;
/// Longest markdown message or list item.
pub const LINE: usize = 1_000;

/// Safe in a markdown table cell and in HTML: `|` cannot split the cell,
/// `<`/`>`/`&` cannot open a tag or an entity, a backtick cannot open a code
/// span, `[`/`]` cannot open a link or an image (`](javascript:…)`), `*`,
/// `~` and `#` cannot start emphasis, strikethrough or a heading, a backslash
/// cannot escape what follows, and a line break cannot end the row. An `@`
/// that would start a mention (not after a letter or digit, as in
/// `repo@sha256:…`) is followed by a zero-width joiner, so `@someone` in a
/// log line pings nobody. Entities, not backslashes, so the text reads the
/// same in HTML.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev: Option<char> = None;
    for c in s.chars() {
        let after_word = prev.is_some_and(char::is_alphanumeric);
        prev = Some(c);
        match c {
            '[' => out.push_str("&#91;"),
            ']' => out.push_str("&#93;"),
            '*' => out.push_str("&#42;"),
            '~' => out.push_str("&#126;"),
            '#' => out.push_str("&#35;"),
            '@' if !after_word => out.push_str("@\u{200d}"),
            '|' => out.push_str("&#124;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '`' => out.push_str("&#96;"),
            '\\' => out.push_str("&#92;"),
            '\r' | '\n' | '\t' => out.push(' '),
            c if c.is_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Shortened, then escaped, so an entity is never cut in half.
pub fn cell(s: &str, max_chars: usize) -> String {
    escape(&shorten(s, max_chars))
}

/// Safe as the target of a markdown link `[text](…)`: characters that would
/// end the target or open markup are percent-encoded; `%`, `#`, `?`, `/`
/// stay, so an already-encoded URL keeps its meaning.
pub fn url(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_graphic() && !"()<>[]|`\"'\\{}^".contains(c) {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// One line for a terminal: line breaks become spaces and other control
/// characters (ANSI escapes from a log line) cannot reach the terminal.
pub fn terminal(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\r' | '\n' | '\t' => ' ',
            c if c.is_control() => '\u{fffd}',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_table() {
        let cases = [
            ("plain text 123", "plain text 123"),
            ("a|b", "a&#124;b"),
            (
                "<script>alert(1)</script>",
                "&lt;script&gt;alert(1)&lt;/script&gt;",
            ),
            ("&amp;", "&amp;amp;"),
            ("`code`", "&#96;code&#96;"),
            ("line1\nline2\r\nline3", "line1 line2  line3"),
            ("tab\there", "tab here"),
            ("esc\u{1b}[31m", "esc\u{fffd}&#91;31m"),
            ("back\\|slash", "back&#92;&#124;slash"),
            ("<!-- marker -->", "&lt;!-- marker --&gt;"),
            ("E2…ZL", "E2…ZL"),
            (
                "![x](javascript:alert(1))",
                "!&#91;x&#93;(javascript:alert(1))",
            ),
            (
                "**bold** ~~gone~~ # head",
                "&#42;&#42;bold&#42;&#42; &#126;&#126;gone&#126;&#126; &#35; head",
            ),
            ("cc @octocat", "cc @\u{200d}octocat"),
            ("@team", "@\u{200d}team"),
            ("repo@sha256:0f", "repo@sha256:0f"),
            ("", ""),
        ];
        for (input, expected) in cases {
            assert_eq!(escape(input), expected, "{input:?}");
        }
    }

    #[test]
    fn escaped_text_has_no_markup_left() {
        let nasty = "x|y<z>&`\\\n\r[a](b)*~#@me";
        let e = escape(nasty);
        assert!(
            !e.contains(['|', '<', '>', '`', '\\', '\n', '\r', '[', ']', '*', '~']),
            "{e}"
        );
        assert!(!e.contains("@me"), "{e}");
    }

    #[test]
    fn cell_shortens_before_escaping() {
        assert_eq!(cell("a<b<c<d", 4), "a&lt;b…");
    }

    #[test]
    fn url_cannot_end_a_link() {
        assert_eq!(
            url("https://x.test/a b)(c]?q=1#/f/%2Fa"),
            "https://x.test/a%20b%29%28c%5D?q=1#/f/%2Fa"
        );
        assert_eq!(url("é"), "%C3%A9");
    }

    #[test]
    fn terminal_keeps_one_line() {
        assert_eq!(terminal("a\nb\u{1b}[0m"), "a b\u{fffd}[0m");
    }
}
