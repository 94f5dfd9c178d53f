//! Workflow commands (`::name k=v,…::message`) with the Actions toolkit's
//! escaping, so no value from AWS or the user can end a command early or
//! start a new one. Each function returns the line without its newline.
//!
//! Escaping follows `actions/toolkit` `packages/core/src/command.ts`
//! (`escapeData`, `escapeProperty`); the runner reverses it when it reads the
//! command. <https://docs.github.com/en/actions/reference/workflow-commands-for-github-actions>

/// An annotation's severity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
    Notice,
}

impl Level {
    pub fn command(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Notice => "notice",
        }
    }
}

/// A message GitHub shows on the run page, and on the file when `file` is set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Annotation {
    pub level: Level,
    pub message: String,
    pub title: Option<String>,
    pub file: Option<String>,
    pub line: Option<u32>,
    pub col: Option<u32>,
}

impl Annotation {
    pub fn new(level: Level, message: impl Into<String>) -> Self {
        Self {
            level,
            message: message.into(),
            title: None,
            file: None,
            line: None,
            col: None,
        }
    }
}

/// `::error file=…,line=…,col=…,title=…::message`
pub fn annotation(a: &Annotation) -> String {
    let line = a.line.map(|n| n.to_string());
    let col = a.col.map(|n| n.to_string());
    let props = [
        ("file", a.file.as_deref()),
        ("line", line.as_deref()),
        ("col", col.as_deref()),
        ("title", a.title.as_deref()),
    ];
    command(a.level.command(), &props, &a.message)
}

/// Tells the runner to replace `value` with `***` in every later log line.
pub fn add_mask(value: &str) -> String {
    command("add-mask", &[], value)
}

/// Starts a collapsible group in the log.
pub fn group(title: &str) -> String {
    command("group", &[], title)
}

pub fn endgroup() -> String {
    command("endgroup", &[], "")
}

/// A notice without a file position.
pub fn notice(message: &str) -> String {
    command("notice", &[], message)
}

/// Any workflow command. Properties whose value is `None` or empty are left
/// out, as the toolkit does.
pub fn command(name: &str, properties: &[(&str, Option<&str>)], message: &str) -> String {
    let mut out = format!("::{name}");
    let mut first = true;
    for (key, value) in properties {
        let Some(value) = value.filter(|v| !v.is_empty()) else {
            continue;
        };
        out.push(if first { ' ' } else { ',' });
        first = false;
        out.push_str(key);
        out.push('=');
        out.push_str(&escape_property(value));
    }
    out.push_str("::");
    out.push_str(&escape_data(message));
    out
}

/// `%`, CR and LF, in that order so an escape is never escaped twice.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Data escaping, plus `:` and `,`, which separate properties.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    type Props<'a> = &'a [(&'a str, Option<&'a str>)];

    /// Ported from `actions/toolkit` `packages/core/__tests__/command.test.ts`.
    #[test]
    fn toolkit_command_cases() {
        let cases: &[(&str, Props, &str, &str)] = &[
            ("command only", &[], "", "::some-command::"),
            (
                "escapes message",
                &[],
                "percent % percent % cr \r cr \r lf \n lf \n",
                "::some-command::percent %25 percent %25 cr %0D cr %0D lf %0A lf %0A",
            ),
            (
                "escapes literal escape sequences in message",
                &[],
                "%25 %25 %0D %0D %0A %0A",
                "::some-command::%2525 %2525 %250D %250D %250A %250A",
            ),
            (
                "escapes property",
                &[(
                    "name",
                    Some(
                        "percent % percent % cr \r cr \r lf \n lf \n colon : colon : comma , comma ,",
                    ),
                )],
                "",
                "::some-command name=percent %25 percent %25 cr %0D cr %0D lf %0A lf %0A colon %3A colon %3A comma %2C comma %2C::",
            ),
            (
                "escapes literal escape sequences, colons and commas stay in message",
                &[],
                "%25 %25 %0D %0D %0A %0A %3A %3A %2C %2C",
                "::some-command::%2525 %2525 %250D %250D %250A %250A %253A %253A %252C %252C",
            ),
            (
                "with message",
                &[],
                "some message",
                "::some-command::some message",
            ),
            (
                "with message and properties",
                &[("prop1", Some("value 1")), ("prop2", Some("value 2"))],
                "some message",
                "::some-command prop1=value 1,prop2=value 2::some message",
            ),
            (
                "one property",
                &[("prop1", Some("value 1"))],
                "",
                "::some-command prop1=value 1::",
            ),
            (
                "two properties",
                &[("prop1", Some("value 1")), ("prop2", Some("value 2"))],
                "",
                "::some-command prop1=value 1,prop2=value 2::",
            ),
            (
                "three properties",
                &[
                    ("prop1", Some("value 1")),
                    ("prop2", Some("value 2")),
                    ("prop3", Some("value 3")),
                ],
                "",
                "::some-command prop1=value 1,prop2=value 2,prop3=value 3::",
            ),
            (
                "empty and missing properties are left out",
                &[("a", None), ("b", Some("")), ("c", Some("x"))],
                "m",
                "::some-command c=x::m",
            ),
        ];
        for (name, props, message, expected) in cases {
            assert_eq!(command("some-command", props, message), *expected, "{name}");
        }
    }

    #[test]
    fn annotation_with_every_property() {
        let a = Annotation {
            level: Level::Error,
            message: "drift: 2 checks\nfail".into(),
            title: Some("cloudfront-id-mismatch".into()),
            file: Some(".github/lambda-promote.yml".into()),
            line: Some(12),
            col: Some(7),
        };
        assert_eq!(
            annotation(&a),
            "::error file=.github/lambda-promote.yml,line=12,col=7,title=cloudfront-id-mismatch::drift: 2 checks%0Afail"
        );
    }

    #[test]
    fn annotation_levels_and_optional_properties() {
        let cases = [
            (Level::Error, "::error::m"),
            (Level::Warning, "::warning::m"),
            (Level::Notice, "::notice::m"),
        ];
        for (level, expected) in cases {
            assert_eq!(annotation(&Annotation::new(level, "m")), expected);
        }
        let mut a = Annotation::new(Level::Warning, "m");
        a.title = Some("a: b, c".into());
        assert_eq!(annotation(&a), "::warning title=a%3A b%2C c::m");
    }

    #[test]
    fn simple_commands() {
        assert_eq!(add_mask("s3cr%t\nline2"), "::add-mask::s3cr%25t%0Aline2");
        assert_eq!(group("Validate dev"), "::group::Validate dev");
        assert_eq!(endgroup(), "::endgroup::");
        assert_eq!(
            notice("no environment matches refs/heads/x"),
            "::notice::no environment matches refs/heads/x"
        );
    }

    #[test]
    fn a_message_cannot_inject_a_second_command() {
        let line = notice("ok\n::add-mask::x");
        assert_eq!(line.lines().count(), 1);
        assert_eq!(line, "::notice::ok%0A::add-mask::x");
    }
}
