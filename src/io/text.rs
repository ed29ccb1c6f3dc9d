//! Raw bytes to text: UTF-8 checking with line numbers, BOM removal, and
//! delimiter detection from the header line.
//!
//! Spreadsheet exports differ in exactly these ways (Excel writes a BOM and
//! CRLF, European locales use `;`, some tools use tabs), so they are settled
//! here before any CSV parsing happens.

use std::borrow::Cow;

/// The UTF-8 byte order mark Excel puts at the start of "CSV UTF-8" files.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The delimiters tplan recognises, in order of preference on a tie.
pub const DELIMITERS: [u8; 3] = [b',', b';', b'\t'];

/// A file's text after BOM removal, with where its UTF-8 was broken.
#[derive(Debug)]
pub struct DecodedText<'a> {
    /// The text; invalid sequences replaced by U+FFFD so parsing can go on
    /// and report the other problems too.
    pub text: Cow<'a, str>,
    /// 1-based lines holding invalid UTF-8, in order.
    pub invalid_utf8_lines: Vec<u64>,
}

/// Strip a UTF-8 BOM and decode, recording lines with invalid UTF-8.
pub fn decode(bytes: &[u8]) -> DecodedText<'_> {
    let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => DecodedText {
            text: Cow::Borrowed(text),
            invalid_utf8_lines: Vec::new(),
        },
        Err(_) => DecodedText {
            text: String::from_utf8_lossy(bytes),
            invalid_utf8_lines: invalid_utf8_lines(bytes),
        },
    }
}

/// Line numbers (1-based) of lines that are not valid UTF-8.
fn invalid_utf8_lines(bytes: &[u8]) -> Vec<u64> {
    bytes
        .split(|&b| b == b'\n')
        .zip(1u64..)
        .filter(|(line, _)| std::str::from_utf8(line).is_err())
        .map(|(_, n)| n)
        .collect()
}

/// The delimiter chosen for a file, and the alternatives the header also
/// contained (non-empty means the choice was not obvious).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DelimiterChoice {
    pub delimiter: u8,
    pub also_present: Vec<u8>,
}

/// Pick the delimiter from the header line.
///
/// Counts each candidate outside double quotes. When only one occurs it
/// wins. When several occur, the one that splits the header into the most
/// known column names wins (then the most frequent, then the order of
/// `DELIMITERS`), and the others are reported so the caller can warn.
/// A header with none of them is a single column; comma is as good as any.
pub fn detect_delimiter(header_line: &str, known_columns: &[&str]) -> DelimiterChoice {
    let counts: Vec<(u8, usize)> = DELIMITERS
        .iter()
        .map(|&d| (d, count_outside_quotes(header_line, d)))
        .filter(|&(_, n)| n > 0)
        .collect();
    let best = counts
        .iter()
        .enumerate()
        .max_by_key(|&(order, &(d, n))| {
            let matches = known_column_matches(header_line, d, known_columns);
            // Prefer more matches, then more occurrences, then earlier in DELIMITERS.
            (matches, n, std::cmp::Reverse(order))
        })
        .map(|(_, &(d, _))| d)
        .unwrap_or(b',');
    DelimiterChoice {
        delimiter: best,
        also_present: counts
            .iter()
            .map(|&(d, _)| d)
            .filter(|&d| d != best)
            .collect(),
    }
}

/// The first line of the text (the header), without its line ending.
pub fn first_line(text: &str) -> &str {
    let line = text.split('\n').next().unwrap_or("");
    line.strip_suffix('\r').unwrap_or(line)
}

/// A delimiter as users would name it in a message.
pub fn delimiter_name(d: u8) -> &'static str {
    match d {
        b',' => "',' (comma)",
        b';' => "';' (semicolon)",
        b'\t' => "tab",
        _ => "unknown",
    }
}

fn count_outside_quotes(line: &str, delimiter: u8) -> usize {
    let mut in_quotes = false;
    let mut count = 0;
    for b in line.bytes() {
        if b == b'"' {
            in_quotes = !in_quotes;
        } else if b == delimiter && !in_quotes {
            count += 1;
        }
    }
    count
}

fn known_column_matches(line: &str, delimiter: u8, known_columns: &[&str]) -> usize {
    line.split(char::from(delimiter))
        .map(|name| name.trim().trim_matches('"').trim().to_ascii_lowercase())
        .filter(|name| known_columns.contains(&name.as_str()))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: [&str; 4] = ["account_id", "lat", "lon", "potential"];

    #[test]
    fn bom_is_stripped() {
        let d = decode(b"\xEF\xBB\xBFaccount_id,lat\n");
        assert_eq!(d.text, "account_id,lat\n");
        assert!(d.invalid_utf8_lines.is_empty());
    }

    #[test]
    fn invalid_utf8_is_located_by_line() {
        let d = decode(b"a,b\nok,1\nM\xFCnchen,2\nfine,3\n\xE9,4\n");
        assert_eq!(d.invalid_utf8_lines, vec![3, 5]);
        assert!(d.text.contains("M\u{FFFD}nchen"));
    }

    #[test]
    fn single_delimiter_is_detected() {
        for (line, d) in [
            ("account_id,lat,lon", b','),
            ("account_id;lat;lon", b';'),
            ("account_id\tlat\tlon", b'\t'),
        ] {
            let choice = detect_delimiter(line, &KNOWN);
            assert_eq!(choice.delimiter, d, "{line}");
            assert!(choice.also_present.is_empty());
        }
    }

    #[test]
    fn no_delimiter_means_comma() {
        assert_eq!(detect_delimiter("account_id", &KNOWN).delimiter, b',');
    }

    #[test]
    fn quoted_delimiters_do_not_count() {
        let choice = detect_delimiter("account_id;\"a,b\";lat;lon", &KNOWN);
        assert_eq!(choice.delimiter, b';');
        assert!(choice.also_present.is_empty());
    }

    #[test]
    fn ambiguous_header_prefers_known_column_names() {
        // Two semicolons but three commas: the commas split out known names.
        let choice = detect_delimiter("account_id,lat,lon,notes;x;y", &KNOWN);
        assert_eq!(choice.delimiter, b',');
        assert_eq!(choice.also_present, vec![b';']);
        let choice = detect_delimiter("account_id;lat;lon;potential;a,b,c,d,e", &KNOWN);
        assert_eq!(choice.delimiter, b';');
        assert_eq!(choice.also_present, vec![b',']);
    }

    #[test]
    fn first_line_drops_crlf() {
        assert_eq!(first_line("a,b\r\nc,d\r\n"), "a,b");
        assert_eq!(first_line(""), "");
    }
}
