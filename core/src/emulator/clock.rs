//! Wall-clock dates for the emulator's answers: RFC 3339 in and out, and when a key's limit next resets.
//!
//! Written here rather than shared with the client's date code (`auth_code::rfc3339_utc`), so a bug in
//! one side shows up as a disagreement instead of being agreed on; and small enough not to need a date
//! crate.

use std::time::{SystemTime, UNIX_EPOCH};

const DAY_MS: i64 = 86_400_000;

/// Milliseconds since the Unix epoch, now.
pub(crate) fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ`, with `.mmm` before the `Z` only when there are milliseconds — the shape
/// JavaScript's `Date.prototype.toISOString` and OpenRouter's examples share.
pub(crate) fn format_ms(ms: i64) -> String {
    let (days, rem) = (ms.div_euclid(DAY_MS), ms.rem_euclid(DAY_MS));
    let (y, mo, d) = civil_from_days(days);
    let (secs, millis) = (rem / 1000, rem % 1000);
    let (h, mi, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    let frac = if millis == 0 { String::new() } else { format!(".{millis:03}") };
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{frac}Z")
}

/// Why [`parse_rfc3339`] refused a date-time.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum DateError {
    /// `HH:MM` without seconds — OpenRouter refuses minute precision.
    NoSeconds,
    /// Anything else that is not an RFC 3339 date-time with an offset.
    Invalid,
}

/// The value of a run of ASCII digits (`None` if empty or anything else is in it).
fn digits(b: Option<&[u8]>) -> Option<i64> {
    let b = b.filter(|b| !b.is_empty() && b.iter().all(u8::is_ascii_digit))?;
    Some(b.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0')))
}

/// An RFC 3339 date-time (`2027-12-31T23:59:59Z`, `…59.5+02:00`) as Unix milliseconds: seconds required,
/// any number of fraction digits (rounded to milliseconds), an explicit `Z` or `±HH:MM` offset.
pub(crate) fn parse_rfc3339(text: &str) -> Result<i64, DateError> {
    use DateError::Invalid;
    let b = text.as_bytes();
    if b.len() < 16 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't') || b[13] != b':' {
        return Err(Invalid);
    }
    let field = |from: usize, to: usize| digits(b.get(from..to)).ok_or(Invalid);
    let (y, mo, d, h, mi) = (field(0, 4)?, field(5, 7)?, field(8, 10)?, field(11, 13)?, field(14, 16)?);
    let mut i = 16;
    let mut seconds = None;
    let mut millis = 0;
    if b.get(i) == Some(&b':') {
        seconds = Some(field(17, 19)?);
        i = 19;
        if b.get(i) == Some(&b'.') {
            let start = i + 1;
            let end = start + b[start..].iter().take_while(|c| c.is_ascii_digit()).count();
            if end == start {
                return Err(Invalid);
            }
            // Tenths of a millisecond from the first four digits, rounded to the nearest millisecond.
            let mut tenths = [b'0'; 4];
            for (slot, digit) in tenths.iter_mut().zip(&b[start..end]) {
                *slot = *digit;
            }
            millis = (digits(Some(&tenths)).ok_or(Invalid)? + 5) / 10;
            i = end;
        }
    }
    let offset_min = match &b[i..] {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let (oh, om) = (field(i + 1, i + 3)?, field(i + 4, i + 6)?);
            if oh > 23 || om > 59 {
                return Err(Invalid);
            }
            if *sign == b'+' { oh * 60 + om } else { -(oh * 60 + om) }
        }
        _ => return Err(Invalid),
    };
    let Some(s) = seconds else { return Err(DateError::NoSeconds) };
    if !(1..=12).contains(&mo) || !(1..=days_in_month(y, mo)).contains(&d) || h > 23 || mi > 59 || s > 59 {
        return Err(Invalid);
    }
    let local = days_from_civil(y, mo, d) * DAY_MS + ((h * 60 + mi) * 60 + s) * 1000 + millis;
    Ok(local - offset_min * 60_000)
}

/// When a limit that resets `daily`, `weekly` (weeks start on Monday) or `monthly` next resets after
/// `now_ms`, all in UTC; `None` for anything else (a lifetime limit).
pub(crate) fn next_reset_ms(interval: &str, now_ms: i64) -> Option<i64> {
    let today = now_ms.div_euclid(DAY_MS);
    let next_day = match interval {
        "daily" => today + 1,
        // 1970-01-01 (day 0) was a Thursday, so `(day + 3) % 7` counts days since Monday.
        "weekly" => today + 7 - (today + 3).rem_euclid(7),
        "monthly" => {
            let (y, m, _) = civil_from_days(today);
            let (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
            days_from_civil(y, m, 1)
        }
        _ => return None,
    };
    Some(next_day * DAY_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_round_trip() {
        assert_eq!(format_ms(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_ms(1_830_297_599_000), "2027-12-31T23:59:59Z");
        assert_eq!(format_ms(951_782_400_123), "2000-02-29T00:00:00.123Z");
        for ms in [0, 1_830_297_599_000, 951_782_400_123, 4_102_444_800_000] {
            assert_eq!(parse_rfc3339(&format_ms(ms)), Ok(ms));
        }
    }

    #[test]
    fn parses_offsets_and_fractions() {
        let base = parse_rfc3339("2027-12-31T23:59:59Z").unwrap();
        assert_eq!(parse_rfc3339("2028-01-01T01:59:59+02:00"), Ok(base));
        assert_eq!(parse_rfc3339("2027-12-31T22:59:59-01:00"), Ok(base));
        assert_eq!(parse_rfc3339("2027-12-31t23:59:59z"), Ok(base));
        assert_eq!(parse_rfc3339("2027-12-31T23:59:59.000000+00:00"), Ok(base));
        assert_eq!(parse_rfc3339("2027-12-31T23:59:59.5Z"), Ok(base + 500));
        assert_eq!(parse_rfc3339("2027-12-31T23:59:59.1236Z"), Ok(base + 124));
    }

    #[test]
    fn refuses_minutes_and_garbage() {
        assert_eq!(parse_rfc3339("2027-12-31T23:59Z"), Err(DateError::NoSeconds));
        assert_eq!(parse_rfc3339("2027-12-31T23:59+01:00"), Err(DateError::NoSeconds));
        for bad in [
            "",
            "2027-12-31",
            "2027-12-31T23:59:59",
            "2027-12-31 23:59:59Z",
            "2027-13-01T00:00:00Z",
            "2027-02-29T00:00:00Z",
            "2027-12-31T24:00:00Z",
            "2027-12-31T23:59:59.Z",
            "2027-12-31T23:59:59+1:00",
            "27-12-31T23:59:59Z",
            "2027-12-31T23:59:59Zjunk",
            "２０２７-12-31T23:59:59Z",
        ] {
            assert_eq!(parse_rfc3339(bad), Err(DateError::Invalid), "{bad}");
        }
    }

    #[test]
    fn next_resets() {
        // Wednesday 2025-08-27 10:30:00 UTC.
        let now = parse_rfc3339("2025-08-27T10:30:00Z").unwrap();
        let at = |i| next_reset_ms(i, now).map(format_ms);
        assert_eq!(at("daily").as_deref(), Some("2025-08-28T00:00:00Z"));
        assert_eq!(at("weekly").as_deref(), Some("2025-09-01T00:00:00Z"));
        assert_eq!(at("monthly").as_deref(), Some("2025-09-01T00:00:00Z"));
        assert_eq!(at("yearly"), None);
        // A Monday resets on the next Monday; December rolls the year.
        let monday = parse_rfc3339("2025-12-29T00:00:00Z").unwrap();
        assert_eq!(next_reset_ms("weekly", monday).map(format_ms).as_deref(), Some("2026-01-05T00:00:00Z"));
        assert_eq!(next_reset_ms("monthly", monday).map(format_ms).as_deref(), Some("2026-01-01T00:00:00Z"));
    }
}
