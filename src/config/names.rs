//! Lambda's own grammar for the names the contract writes: function names (or
//! ARNs) and alias names, checked as the contract is read, so a name that
//! Lambda would refuse (or that would reshape a console link or a log line)
//! is a contract error with its position, not an AWS error later.
//! <https://docs.aws.amazon.com/lambda/latest/api/API_GetFunction.html#API_GetFunction_RequestSyntax>,
//! <https://docs.aws.amazon.com/lambda/latest/api/API_CreateAlias.html#lambda-CreateAlias-request-Name>

use super::access::{Sink, string};
use super::yaml::Yaml;
use crate::diag::Code;

/// Letters, digits, `-` and `_`: a function's or an alias's own name.
fn is_word(s: &str, max: usize) -> bool {
    (1..=max).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// `NAME` (up to 64 characters), or `arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME`.
pub fn is_function_name(s: &str) -> bool {
    if is_word(s, 64) {
        return true;
    }
    let parts: Vec<&str> = s.split(':').collect();
    matches!(
        parts.as_slice(),
        ["arn", partition, "lambda", region, account, "function", name]
            if partition.starts_with("aws")
                && !region.is_empty()
                && account.len() == 12
                && account.bytes().all(|b| b.is_ascii_digit())
                && is_word(name, 64)
    )
}

/// Up to 128 letters, digits, `-` and `_`, not all digits (that is a version).
pub fn is_alias_name(s: &str) -> bool {
    is_word(s, 128) && !s.bytes().all(|b| b.is_ascii_digit())
}

/// The string at `y`, when `valid`; else a `bad-name` error at its position.
pub fn checked(
    sink: &mut Sink,
    y: &Yaml,
    path: &str,
    valid: fn(&str) -> bool,
    what: &str,
) -> Option<String> {
    let value = string(sink, y, path)?;
    if valid(&value) {
        return Some(value);
    }
    sink.error(
        y.at,
        Code::BadName,
        format!("`{path}` must be {what}, found `{}`", value.escape_debug()),
    );
    None
}

/// The rule of a function name, for messages.
pub const FUNCTION_RULE: &str =
    "a Lambda function name (up to 64 letters, digits, `-` and `_`) or function ARN";
/// The rule of an alias name, for messages.
pub const ALIAS_RULE: &str =
    "a Lambda alias name (up to 128 letters, digits, `-` and `_`, not only digits)";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lambda_grammar() {
        assert!(is_function_name("worker-prod_2"));
        assert!(is_function_name(
            "arn:aws:lambda:eu-west-1:123456789012:function:worker"
        ));
        for bad in [
            "",
            "a b",
            "x\ny",
            "w/x",
            "f:1",
            &"a".repeat(65),
            "arn:aws:lambda:eu-west-1:1:function:w",
        ] {
            assert!(!is_function_name(bad), "{bad:?}");
        }
        assert!(is_alias_name("live"));
        assert!(!is_alias_name("42"));
        assert!(!is_alias_name("li ve"));
    }
}
