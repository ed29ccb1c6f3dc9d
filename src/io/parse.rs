//! Field parsers for CSV cells: numbers, booleans, dates, segment lists.
//!
//! Each parser takes an already trimmed, non-empty cell and returns either
//! the value or a short reason. The caller owns the column's "expected ..."
//! text and joins the two, so every message reads the same way. The rule
//! throughout is the data contract's: accept what is unambiguous, never
//! guess silently.

use chrono::NaiveDate;

/// Currency symbols accepted in front of money values.
const CURRENCY_SYMBOLS: [char; 3] = ['$', '€', '£'];

/// Which number spellings a column accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberKind {
    /// Plain decimals, optionally with unambiguous thousands separators.
    Plain,
    /// As `Plain`, plus one leading currency symbol ($, €, £).
    Money,
}

/// Why a cell is not a number. `None` detail means "just not a number".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotANumber {
    pub detail: Option<String>,
}

impl NotANumber {
    fn plain() -> NotANumber {
        NotANumber { detail: None }
    }

    fn because(detail: impl Into<String>) -> NotANumber {
        NotANumber {
            detail: Some(detail.into()),
        }
    }
}

/// Parse a trimmed cell as a finite number.
///
/// Accepted: `1234`, `-5`, `1234.5`, `1e6`, `1,234,567.89`, `1,234.5`,
/// `1,234,567` and, for money, `$1,234.50` / `-$5` / `€ 12`. Rejected:
/// NaN and infinity, decimal commas (`1234,5`), a single thousands group
/// without decimals (`1,234` could be 1234 or 1.234), spaces inside the
/// number, trailing symbols.
pub fn parse_number(cell: &str, kind: NumberKind) -> Result<f64, NotANumber> {
    let (negative, rest) = split_sign(cell);
    let rest = match kind {
        NumberKind::Money => strip_currency(rest),
        NumberKind::Plain => rest,
    };
    // A sign may also follow the currency symbol: "$-5".
    let (negative, rest) = match split_sign(rest) {
        (true, r) if !negative => (true, r),
        (false, r) => (negative, r),
        (true, _) => return Err(NotANumber::plain()),
    };
    if is_nan_or_infinity(rest) {
        return Err(NotANumber::because("NaN and infinity are not accepted"));
    }
    let digits = if rest.contains(',') {
        strip_thousands_separators(rest)?
    } else {
        rest.to_string()
    };
    if !is_plain_decimal(&digits) {
        return Err(NotANumber::plain());
    }
    let value: f64 = digits.parse().map_err(|_| NotANumber::plain())?;
    if !value.is_finite() {
        return Err(NotANumber::because("the number is too large"));
    }
    Ok(if negative { -value } else { value })
}

/// Split off one leading `+` or `-`; true when it was a minus.
fn split_sign(s: &str) -> (bool, &str) {
    if let Some(rest) = s.strip_prefix('-') {
        (true, rest)
    } else if let Some(rest) = s.strip_prefix('+') {
        (false, rest)
    } else {
        (false, s)
    }
}

/// Remove one leading currency symbol and the spaces after it.
fn strip_currency(s: &str) -> &str {
    match s.strip_prefix(CURRENCY_SYMBOLS) {
        Some(rest) => rest.trim_start(),
        None => s,
    }
}

fn is_nan_or_infinity(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    matches!(lower.as_str(), "nan" | "inf" | "infinity")
}

/// Remove thousands separators when their use is unambiguous.
///
/// The integer part must be groups of three after a first group of one to
/// three digits. With a single comma and no decimal point (`1,234`,
/// `12,345`) the comma might be a decimal comma, so it is refused.
fn strip_thousands_separators(s: &str) -> Result<String, NotANumber> {
    let (int_part, frac_part) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    if frac_part.is_some_and(|f| f.contains(',')) {
        return Err(NotANumber::because(
            "a comma after the decimal point: write 1234567.89 or 1,234,567.89",
        ));
    }
    let groups: Vec<&str> = int_part.split(',').collect();
    let first_ok = groups
        .first()
        .is_some_and(|g| (1..=3).contains(&g.len()) && all_digits(g));
    let rest_ok = groups[1..].iter().all(|g| g.len() == 3 && all_digits(g));
    if !first_ok || !rest_ok {
        return Err(NotANumber::because(
            "decimal commas are not accepted: write 1234.5 (thousands separators only as in 1,234,567.89)",
        ));
    }
    if groups.len() == 2 && frac_part.is_none() {
        return Err(NotANumber::because(format!(
            "ambiguous: it could mean {} or {}.{}; write it without the comma",
            groups.concat(),
            groups[0],
            groups[1]
        )));
    }
    let mut plain = groups.concat();
    if let Some(f) = frac_part {
        plain.push('.');
        plain.push_str(f);
    }
    Ok(plain)
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Digits with an optional decimal point and optional exponent, unsigned.
/// Stricter than `f64::from_str`, which also takes "inf", "NaN" and signs.
fn is_plain_decimal(s: &str) -> bool {
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some((i, f)) => {
            (all_digits(i) || i.is_empty())
                && (all_digits(f) || f.is_empty())
                && !(i.is_empty() && f.is_empty())
        }
        None => all_digits(mantissa),
    };
    let exponent_ok = match exponent {
        None => true,
        Some(e) => all_digits(e.strip_prefix(['+', '-']).unwrap_or(e)),
    };
    mantissa_ok && exponent_ok
}

/// Parse a `locked`-style flag: true/false, yes/no, y/n, 1/0, any case.
/// An empty cell is handled by the caller (it means false).
pub fn parse_bool(cell: &str) -> Option<bool> {
    match cell.to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" => Some(true),
        "false" | "no" | "n" | "0" => Some(false),
        _ => None,
    }
}

/// Parse a date written as YYYY-MM-DD.
pub fn parse_date(cell: &str) -> Option<NaiveDate> {
    // chrono's %Y also accepts signs and more digits; insist on the shape.
    if !is_date_shaped(cell) {
        return None;
    }
    NaiveDate::parse_from_str(cell, "%Y-%m-%d").ok()
}

/// Written as YYYY-MM-DD, whether or not the day exists (2027-02-30 is
/// shaped right but no date: the message says so rather than "expected
/// YYYY-MM-DD").
pub fn is_date_shaped(cell: &str) -> bool {
    cell.len() == 10
        && cell.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        })
}

/// Parse a rep's `;`-separated segment list: trimmed, de-duplicated,
/// sorted. Empty means the rep covers every segment.
pub fn parse_segment_list(cell: &str) -> Vec<String> {
    let mut segments: Vec<String> = cell
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    segments.sort();
    segments.dedup();
    segments
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(s: &str) -> Result<f64, NotANumber> {
        parse_number(s, NumberKind::Plain)
    }

    fn money(s: &str) -> Result<f64, NotANumber> {
        parse_number(s, NumberKind::Money)
    }

    #[test]
    fn plain_decimals_parse() {
        assert_eq!(plain("1234"), Ok(1234.0));
        assert_eq!(plain("-5"), Ok(-5.0));
        assert_eq!(plain("+5"), Ok(5.0));
        assert_eq!(plain("0.25"), Ok(0.25));
        assert_eq!(plain(".5"), Ok(0.5));
        assert_eq!(plain("5."), Ok(5.0));
        assert_eq!(plain("1e6"), Ok(1e6));
        assert_eq!(plain("2.5E-3"), Ok(0.0025));
        assert_eq!(plain("-73.9857"), Ok(-73.9857));
    }

    #[test]
    fn garbage_is_rejected() {
        for s in [
            "abc", "1.2.3", "1 234", "5%", "(5)", "--5", "1e", ".", "0x10", "5USD", "1_000",
        ] {
            assert!(plain(s).is_err(), "{s} should be rejected");
        }
    }

    #[test]
    fn nan_and_infinity_are_rejected_with_a_reason() {
        for s in ["NaN", "nan", "inf", "-inf", "Infinity", "+INF"] {
            let err = plain(s).unwrap_err();
            assert!(err.detail.unwrap().contains("NaN"), "{s}");
        }
        assert!(plain("1e400").is_err());
    }

    #[test]
    fn unambiguous_thousands_separators_are_accepted() {
        assert_eq!(plain("1,234,567.89"), Ok(1_234_567.89));
        assert_eq!(plain("1,234.5"), Ok(1234.5));
        assert_eq!(plain("1,234,567"), Ok(1_234_567.0));
        assert_eq!(plain("-12,345.00"), Ok(-12345.0));
    }

    #[test]
    fn ambiguous_or_decimal_commas_are_rejected() {
        for s in [
            "1,234",
            "12,345",
            "1234,5",
            "1,23",
            "1,2345.6",
            ",123",
            "1,234.5,6",
            "1.234,56",
        ] {
            let err = plain(s).unwrap_err();
            assert!(err.detail.is_some(), "{s} should say why");
        }
        assert!(plain("1,234")
            .unwrap_err()
            .detail
            .unwrap()
            .contains("ambiguous"));
    }

    #[test]
    fn currency_symbols_only_for_money() {
        assert_eq!(money("$1,234.50"), Ok(1234.5));
        assert_eq!(money("€ 12"), Ok(12.0));
        assert_eq!(money("£0.99"), Ok(0.99));
        assert_eq!(money("-$5"), Ok(-5.0));
        assert_eq!(money("$-5"), Ok(-5.0));
        assert!(money("-$-5").is_err());
        assert!(money("$$5").is_err());
        assert!(money("5$").is_err());
        assert!(money("USD 5").is_err());
        assert!(plain("$5").is_err());
    }

    #[test]
    fn booleans() {
        for s in ["true", "TRUE", "Yes", "y", "1"] {
            assert_eq!(parse_bool(s), Some(true), "{s}");
        }
        for s in ["false", "No", "N", "0", "FALSE"] {
            assert_eq!(parse_bool(s), Some(false), "{s}");
        }
        for s in ["t", "2", "locked", "oui", "-1"] {
            assert_eq!(parse_bool(s), None, "{s}");
        }
    }

    #[test]
    fn dates() {
        assert_eq!(
            parse_date("2024-02-29"),
            NaiveDate::from_ymd_opt(2024, 2, 29)
        );
        for s in [
            "2023-02-29",
            "2024-2-1",
            "01/02/2024",
            "20240201",
            "+2024-02-01",
            "2024-13-01",
        ] {
            assert_eq!(parse_date(s), None, "{s}");
        }
    }

    #[test]
    fn segment_lists_are_trimmed_sorted_and_unique() {
        assert_eq!(parse_segment_list(" MM ; ENT;MM;"), vec!["ENT", "MM"]);
        assert!(parse_segment_list(" ; ").is_empty());
    }
}
