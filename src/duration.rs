//! Human durations as written in the contract and the `timeout` input:
//! `90s`, `5m`, `1h30m`, `500ms`, `2m30s`, always with a unit. A bare number
//! (`interval: 20`, `timeout: 30`) reads as seconds to some and minutes to
//! others, so both places refuse it with the same words.

use std::time::Duration;

/// The longest duration accepted: 35 days, the longest a GitHub workflow run
/// may last. Anything longer means nothing to a run and, far enough out,
/// cannot be added to a clock at all (it would panic mid-promotion).
pub const MAX: Duration = Duration::from_secs(35 * 24 * 3600);

/// Parses a duration of at most [`MAX`]. Units run from largest to smallest, each at most once
/// (`1h30m`, not `30m1h`), so a typo cannot silently mean something else.
/// Whether zero is acceptable is for the caller to decide.
pub fn parse(s: &str) -> Result<Duration, String> {
    let d = parse_any(s)?;
    if d > MAX {
        return Err(format!(
            "duration `{}` is too long: at most {} (35 days)",
            s.trim(),
            display(MAX)
        ));
    }
    Ok(d)
}

fn parse_any(s: &str) -> Result<Duration, String> {
    let text = s.trim();
    if text.is_empty() {
        return Err("empty duration; write e.g. `90s`, `5m` or `1h30m`".to_string());
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "`{text}` has no unit; write `{text}m` or `{text}s`"
        ));
    }

    let mut total = Duration::ZERO;
    let mut rest = text;
    // Rank of the last unit seen; each next unit must be strictly smaller.
    let mut last_rank = usize::MAX;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(invalid(text));
        }
        let number: u64 = rest[..digits]
            .parse()
            .map_err(|_| format!("duration `{text}` is too large"))?;
        rest = &rest[digits..];
        let unit_len = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let (rank, one) = match unit {
            "h" => (0, Duration::from_secs(3600)),
            "m" => (1, Duration::from_secs(60)),
            "s" => (2, Duration::from_secs(1)),
            "ms" => (3, Duration::from_millis(1)),
            _ => return Err(invalid(text)),
        };
        if last_rank != usize::MAX && rank <= last_rank {
            return Err(format!(
                "invalid duration `{text}`: units must go from hours to milliseconds, each once"
            ));
        }
        last_rank = rank;
        let part = u32::try_from(number)
            .ok()
            .and_then(|n| one.checked_mul(n))
            .ok_or_else(|| format!("duration `{text}` is too large"))?;
        total = total
            .checked_add(part)
            .ok_or_else(|| format!("duration `{text}` is too large"))?;
    }
    Ok(total)
}

fn invalid(text: &str) -> String {
    format!("invalid duration `{text}`; write e.g. `90s`, `5m`, `1h30m` or `500ms`")
}

/// The shortest spelling `parse` reads back to the same value, for messages.
pub fn display(d: Duration) -> String {
    let ms = d.as_millis();
    if ms == 0 {
        return "0s".to_string();
    }
    let mut out = String::new();
    let (h, rem) = (ms / 3_600_000, ms % 3_600_000);
    let (m, rem) = (rem / 60_000, rem % 60_000);
    let (s, ms) = (rem / 1000, rem % 1000);
    for (n, unit) in [(h, "h"), (m, "m"), (s, "s"), (ms, "ms")] {
        if n > 0 {
            out.push_str(&format!("{n}{unit}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_documented_forms() {
        let cases = [
            ("90s", 90_000),
            ("5m", 300_000),
            ("1h30m", 5_400_000),
            ("500ms", 500),
            ("2m30s", 150_000),
            ("1h2m3s4ms", 3_723_004),
            (" 15m ", 900_000),
            ("0s", 0),
        ];
        for (input, ms) in cases {
            assert_eq!(parse(input), Ok(Duration::from_millis(ms)), "{input}");
        }
    }

    #[test]
    fn rejects_everything_else() {
        for input in [
            "",
            "  ",
            "m",
            "5x",
            "5 m",
            "1.5m",
            "-5s",
            "30m1h",
            "5m5m",
            "5mm",
            "s5",
            "99999999999999999999",
            "10000000000000000000",
            "841h1ms",
            "5M",
            "42",
            "0",
        ] {
            assert!(parse(input).is_err(), "{input:?} should fail");
        }
    }

    #[test]
    fn the_longest_accepted_duration_fits_any_clock() {
        assert_eq!(parse("840h"), Ok(MAX));
        assert_eq!(parse("50400m"), Ok(MAX));
        let err = parse("3024001s").unwrap_err();
        assert!(err.contains("too long"), "{err}");
        assert!(std::time::Instant::now().checked_add(MAX).is_some());
    }

    #[test]
    fn a_bare_number_names_both_units_once() {
        assert_eq!(
            parse(" 30 ").unwrap_err(),
            "`30` has no unit; write `30m` or `30s`"
        );
    }

    #[test]
    fn error_names_the_value() {
        let err = parse("5x").unwrap_err();
        assert!(err.contains("`5x`"), "{err}");
    }

    #[test]
    fn display_round_trips() {
        for input in ["90s", "5m", "1h30m", "500ms", "2m30s", "0s"] {
            let d = parse(input).unwrap();
            assert_eq!(parse(&display(d)), Ok(d));
        }
        assert_eq!(display(Duration::from_secs(90)), "1m30s");
    }
}
