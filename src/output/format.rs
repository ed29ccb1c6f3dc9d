//! Deterministic number formatting for every output file.
//!
//! Fixed decimals, `.` as the decimal point, no thousands separators, and
//! never `-0.000`: a value that rounds to zero is written without a sign.
//! Non-finite values (which a verified plan should not contain) are written
//! as `NaN`, `inf` or `-inf` so they are visible rather than hidden.

/// `x` with exactly `decimals` digits after the point, e.g. `fixed(2.5, 3)`
/// is `2.500`. A result that rounds to zero never carries a minus sign.
pub fn fixed(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return non_finite(x);
    }
    let s = format!("{x:.decimals$}");
    if s.starts_with('-') && is_all_zero(&s[1..]) {
        s[1..].to_string()
    } else {
        s
    }
}

/// `x` with an explicit sign and `decimals` digits: `+1.25`, `-0.40`; a value
/// that rounds to zero is written `0.00` (no sign).
pub fn signed(x: f64, decimals: usize) -> String {
    let s = fixed(x, decimals);
    if !x.is_finite() || s.starts_with('-') || is_all_zero(&s) {
        s
    } else {
        format!("+{s}")
    }
}

/// A fraction as a signed percentage with `decimals` digits: `0.0123` ->
/// `+1.23` (no `%` sign; the column name says `pct`).
pub fn signed_pct(fraction: f64, decimals: usize) -> String {
    signed(fraction * 100.0, decimals)
}

/// A fraction as a percentage for people, trailing zeros dropped: `0.7` ->
/// `70 %`, `0.125` -> `12.5 %`.
pub fn share_pct(fraction: f64) -> String {
    let s = fixed(fraction * 100.0, 2);
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        &s
    };
    format!("{s} %")
}

/// `true` / `false`.
pub fn boolean(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}

/// A whole number with `,` between thousands, rounded: `1234567.6` ->
/// `1,234,568`. For the human summary only, never for CSV files.
pub fn thousands(x: f64) -> String {
    if !x.is_finite() {
        return non_finite(x);
    }
    let rounded = fixed(x, 0);
    let (sign, digits) = match rounded.strip_prefix('-') {
        Some(d) => ("-", d),
        None => ("", rounded.as_str()),
    };
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}")
}

fn is_all_zero(s: &str) -> bool {
    s.chars().all(|c| c == '0' || c == '.')
}

fn non_finite(x: f64) -> String {
    if x.is_nan() {
        "NaN".to_string()
    } else if x > 0.0 {
        "inf".to_string()
    } else {
        "-inf".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn share_pct_drops_trailing_zeros() {
        assert_eq!(share_pct(0.7), "70 %");
        assert_eq!(share_pct(0.125), "12.5 %");
        assert_eq!(share_pct(1.0 / 3.0), "33.33 %");
    }

    #[test]
    fn fixed_pads_and_rounds() {
        assert_eq!(fixed(2.5, 3), "2.500");
        assert_eq!(fixed(1234.56789, 2), "1234.57");
        assert_eq!(fixed(0.0, 3), "0.000");
        assert_eq!(fixed(7.0, 0), "7");
    }

    #[test]
    fn fixed_never_writes_negative_zero() {
        assert_eq!(fixed(-0.0, 3), "0.000");
        assert_eq!(fixed(-0.0004, 3), "0.000");
        assert_eq!(fixed(-0.0006, 3), "-0.001");
        assert_eq!(fixed(-0.4, 0), "0");
    }

    #[test]
    fn signed_has_explicit_sign_except_zero() {
        assert_eq!(signed(1.254, 2), "+1.25");
        assert_eq!(signed(-0.4, 2), "-0.40");
        assert_eq!(signed(0.0, 2), "0.00");
        assert_eq!(signed(-0.001, 2), "0.00");
        assert_eq!(signed_pct(0.0123, 2), "+1.23");
        assert_eq!(signed_pct(-0.05, 2), "-5.00");
    }

    #[test]
    fn non_finite_values_are_visible() {
        assert_eq!(fixed(f64::NAN, 2), "NaN");
        assert_eq!(fixed(f64::INFINITY, 2), "inf");
        assert_eq!(signed(f64::NEG_INFINITY, 2), "-inf");
    }

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0.0), "0");
        assert_eq!(thousands(999.4), "999");
        assert_eq!(thousands(1000.0), "1,000");
        assert_eq!(thousands(1234567.6), "1,234,568");
        assert_eq!(thousands(-1234567.0), "-1,234,567");
        assert_eq!(thousands(-0.2), "0");
    }

    #[test]
    fn booleans() {
        assert_eq!(boolean(true), "true");
        assert_eq!(boolean(false), "false");
    }
}
