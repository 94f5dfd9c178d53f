//! The forms a secret can take in text this program did not format: each line
//! of a multi-line value (a log line or an AWS message holds one line of it),
//! its JSON-escaped form (a JSON payload or error body quotes it) and its
//! URL-encoded form (a canonical request quotes `x-amz-security-token` that
//! way in a `SignatureDoesNotMatch` answer,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html>).

/// The shortest secret worth a pattern: GitHub's own masking ignores values
/// under 4 characters, which would otherwise rewrite every `a` or `42` in a report.
pub const MIN_LEN: usize = 4;

/// Every form of `secret` to look for, each at least [`MIN_LEN`] characters,
/// without duplicates. The first is the value itself.
pub fn forms(secret: &str) -> Vec<String> {
    let mut plain = vec![secret.to_string()];
    if secret.contains('\n') {
        plain.extend(
            secret
                .lines()
                .map(str::trim)
                .filter(|l| l.chars().count() >= MIN_LEN)
                .map(str::to_string),
        );
    }
    let mut out = Vec::new();
    for p in &plain {
        out.push(p.clone());
        out.push(json_escaped(p));
        out.push(url_encoded(p, false));
        out.push(url_encoded(p, true));
        out.push(url_encoded(p, false).replace("%20", "+"));
    }
    let mut seen = std::collections::BTreeSet::new();
    out.retain(|f| f.chars().count() >= MIN_LEN && seen.insert(f.clone()));
    out
}

/// The value as it appears inside a JSON string.
fn json_escaped(value: &str) -> String {
    let quoted = serde_json::to_string(value).unwrap_or_default();
    quoted
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(&quoted)
        .to_string()
}

/// RFC 3986 percent-encoding of everything but the unreserved characters, as
/// SigV4 encodes a query value; `lower` for the lowercase-hex spelling.
fn url_encoded(value: &str, lower: bool) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else if lower {
            out.push_str(&format!("%{b:02x}"));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_token_in_every_spelling() {
        let f = forms("IQoJb3Jp/Z2lu+X2Vj=");
        assert_eq!(f[0], "IQoJb3Jp/Z2lu+X2Vj=");
        assert!(
            f.contains(&"IQoJb3Jp%2FZ2lu%2BX2Vj%3D".to_string()),
            "{f:?}"
        );
        assert!(
            f.contains(&"IQoJb3Jp%2fZ2lu%2bX2Vj%3d".to_string()),
            "{f:?}"
        );
        assert!(f.contains(&r"IQoJb3Jp/Z2lu+X2Vj=".to_string()));
    }

    #[test]
    fn multi_line_values_by_line_and_json() {
        let f = forms("-----BEGIN KEY-----\nMIIEvQIBADANBg\nab\n-----END KEY-----");
        assert!(f.contains(&"MIIEvQIBADANBg".to_string()), "{f:?}");
        assert!(f.contains(&"-----END KEY-----".to_string()), "{f:?}");
        assert!(!f.contains(&"ab".to_string()), "too short: {f:?}");
        assert!(
            f.contains(&r"-----BEGIN KEY-----\nMIIEvQIBADANBg\nab\n-----END KEY-----".to_string()),
            "{f:?}"
        );
        assert_eq!(forms(r#"a"b\c"#)[1], r#"a\"b\\c"#);
    }
}
