//! Pure parts of the canary: which log stream prefixes hold the new version's
//! events in a time window, and how often to look.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// `YYYY/MM/DD/[VERSION]` for every UTC day from `start_ms` to `end_ms`: a
/// window that crosses midnight spans two dates.
pub fn stream_prefixes(version: &str, start_ms: i64, end_ms: i64) -> Vec<String> {
    const DAY_MS: i64 = 86_400_000;
    let first = start_ms.div_euclid(DAY_MS);
    let last = end_ms.max(start_ms).div_euclid(DAY_MS);
    (first..=last)
        .map(|day| {
            let (y, m, d) = civil_from_days(day);
            format!("{y:04}/{m:02}/{d:02}/[{version}]")
        })
        .collect()
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Milliseconds since the epoch of Lambda's `LastModified`
/// (`2026-12-01T21:13:45.123+0000`); `None` when it does not parse.
pub fn lambda_time_ms(s: &str) -> Option<i64> {
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if s.get(4..5) != Some("-") || s.get(10..11) != Some("T") || !(1..=12).contains(&mo) {
        return None;
    }
    let days = days_from_civil(y, mo as u32, d as u32);
    // The offset, when Lambda writes one other than +0000.
    let rest = s.get(19..).unwrap_or_default();
    let rest = rest
        .strip_prefix('.')
        .map_or(rest, |r| r.trim_start_matches(|c: char| c.is_ascii_digit()));
    let offset_min = match rest.as_bytes().first() {
        Some(b'+' | b'-') if rest.len() >= 5 => {
            let sign = if rest.starts_with('-') { -1 } else { 1 };
            let hh: i64 = rest.get(1..3)?.parse().ok()?;
            let mm: i64 = rest.get(rest.len() - 2..)?.parse().ok()?;
            sign * (hh * 60 + mm)
        }
        _ => 0,
    };
    Some(((days * 86_400 + h * 3_600 + mi * 60 + sec) - offset_min * 60) * 1_000)
}

/// How long after a step's end its last Logs read waits, so events ingested late (seconds,
/// usually) are still counted: ten seconds, or the interval when that is shorter.
pub fn ingestion_margin(interval: Duration) -> Duration {
    interval.min(Duration::from_secs(10))
}

/// How long after a step's end its last metrics read waits, so Lambda's per-minute
/// metrics are complete (they arrive a minute or two late): two minutes, or the interval
/// when that is shorter (README, "Canary verdicts").
pub fn metrics_lag(interval: Duration) -> Duration {
    interval.min(Duration::from_secs(120))
}

/// How long a step waits after its interval before it is judged: the logs' ingestion
/// margin, or the metrics' lag when the step reads metrics.
pub fn step_wait(interval: Duration, metrics: bool) -> Duration {
    let margin = ingestion_margin(interval);
    if metrics {
        margin.max(metrics_lag(interval))
    } else {
        margin
    }
}

/// How often to count errors during a step: a tenth of the interval, between
/// half a second and five seconds, so detection is quick but Logs calls stay few.
pub fn poll_every(interval: Duration) -> Duration {
    (interval / 10).clamp(Duration::from_millis(500), Duration::from_secs(5))
}

/// Progress lines on the runner's log, about every 30 seconds.
pub const PROGRESS_EVERY: Duration = Duration::from_secs(30);

/// Consecutive failed Logs reads after which the canary fails closed.
pub const MAX_LOG_FAILURES: u32 = 5;

/// Milliseconds since the Unix epoch, as Lambda and Logs count time.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_from_epoch_days() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_414), (2025, 11, 22));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    #[test]
    fn a_window_crossing_midnight_spans_two_dates() {
        let midnight = 20_414 * 86_400_000i64;
        assert_eq!(
            stream_prefixes("7", midnight - 60_000, midnight + 60_000),
            vec!["2025/11/21/[7]", "2025/11/22/[7]"]
        );
        assert_eq!(
            stream_prefixes("7", midnight + 1, midnight + 2),
            vec!["2025/11/22/[7]"]
        );
    }

    #[test]
    fn lambda_times_parse() {
        assert_eq!(
            lambda_time_ms("1970-01-02T00:00:01.500+0000"),
            Some(86_401_000)
        );
        assert_eq!(
            lambda_time_ms("2025-11-22T00:00:00.000+0000"),
            Some(20_414 * 86_400_000)
        );
        assert_eq!(
            lambda_time_ms("2025-11-22T02:00:00+0200"),
            Some(20_414 * 86_400_000)
        );
        assert_eq!(lambda_time_ms("yesterday"), None);
        assert_eq!(days_from_civil(2000, 2, 29), 11_016);
    }

    #[test]
    fn polling_is_bounded() {
        assert_eq!(
            poll_every(Duration::from_secs(2)),
            Duration::from_millis(500)
        );
        assert_eq!(poll_every(Duration::from_secs(20)), Duration::from_secs(2));
        assert_eq!(poll_every(Duration::from_secs(300)), Duration::from_secs(5));
    }
}
