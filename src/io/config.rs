//! `plan.toml`: parse with serde (unknown keys refused), then check values
//! with `Config::validate`, naming the key, its line and value in each
//! problem.
//!
//! The toml crate reports a byte span; the line and the dotted key are
//! recovered from the source text so config problems read like CSV ones:
//! `plan.toml:4: column 'balance.potential_tolerance': value '1.5': ...`.

use crate::model::Config;
use crate::InputProblem;

/// Parse and validate config text. Returns the config (the default one
/// when it cannot be parsed, so the CSV checks still run) and its problems.
pub fn parse_config(file: &str, source: &str) -> (Config, Vec<InputProblem>) {
    let keys = key_lines(source);
    let config = match toml::from_str::<Config>(source) {
        Ok(config) => config,
        Err(err) => {
            let line = err.span().map(|s| line_of_offset(source, s.start));
            let entry = line.and_then(|l| keys.iter().find(|k| k.line == l));
            let problem = InputProblem {
                file: file.to_string(),
                line,
                column: entry.map(|k| k.key.clone()),
                value: entry.and_then(|k| k.value.clone()),
                message: describe_toml_error(err.message()),
            };
            return (Config::default(), vec![problem]);
        }
    };
    let problems = config
        .validate()
        .into_iter()
        .map(|mut p| {
            p.file = file.to_string();
            p.line = p.column.as_deref().and_then(|c| {
                line_of_column(&keys, c).or_else(|| line_of_inline_element(source, &keys, c))
            });
            p
        })
        .collect();
    (config, problems)
}

/// serde's wording, with a hint for the common case of a misspelt key.
fn describe_toml_error(message: &str) -> String {
    let message = message.trim();
    if message.starts_with("unknown field") {
        return format!(
            "unknown key ({message}); see the commented plan.toml in data/ for every key"
        );
    }
    // serde names Rust types ("expected u32"); say what they allow.
    for (rust, range) in INTEGER_RANGES {
        if let Some(head) = message.strip_suffix(&format!("expected {rust}")) {
            return format!("{head}expected a whole number from {range}");
        }
    }
    message.to_string()
}

/// The integer types of `Config`, in serde's words, and their ranges.
const INTEGER_RANGES: [(&str, &str); 4] = [
    ("u32", "0 to 4,294,967,295"),
    ("i32", "-2,147,483,648 to 2,147,483,647"),
    ("u64", "0 to 18,446,744,073,709,551,615"),
    ("usize", "0 to 18,446,744,073,709,551,615"),
];

/// A `key = value` line or a `[table]` header of the TOML source.
#[derive(Debug, Clone, PartialEq)]
struct KeyLine {
    line: u64,
    /// Full dotted key, table prefix included.
    key: String,
    /// The value as written; `None` for table headers.
    value: Option<String>,
}

/// A rough line scanner: enough to name the key on a given line and to
/// find the line of a dotted key. Multi-line values are rare in plan.toml
/// and only cost the line number, never correctness.
fn key_lines(source: &str) -> Vec<KeyLine> {
    let mut table = String::new();
    let mut keys = Vec::new();
    for (text, line) in source.lines().zip(1u64..) {
        let text = strip_comment(text).trim();
        if let Some(header) = text.strip_prefix('[') {
            let name = header.trim_start_matches('[').trim_end_matches(']');
            table = normalise_key(name);
            keys.push(KeyLine {
                line,
                key: table.clone(),
                value: None,
            });
        } else if let Some((key, value)) = text.split_once('=') {
            let key = normalise_key(key);
            let full = if table.is_empty() {
                key
            } else {
                format!("{table}.{key}")
            };
            keys.push(KeyLine {
                line,
                key: full,
                value: Some(value.trim().to_string()),
            });
        }
    }
    keys
}

/// `"balance" . potential_tolerance` -> `balance.potential_tolerance`.
fn normalise_key(key: &str) -> String {
    key.split('.')
        .map(|part| part.trim().trim_matches(['"', '\'']))
        .collect::<Vec<_>>()
        .join(".")
}

/// Drop a `#` comment that is not inside a string.
fn strip_comment(line: &str) -> &str {
    let mut quote: Option<char> = None;
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (None, '#') => return &line[..i],
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            _ => {}
        }
    }
    line
}

/// Line of the key a problem names, in `source`: a dotted key, or a key of
/// an array-of-tables entry written `restrict[2].values` (the third
/// `[[restrict]]`), or `rule:<name>` (the rule entry with that name).
pub fn line_in_source(source: &str, column: &str) -> Option<u64> {
    line_of_column(&key_lines(source), column)
}

fn line_of_column(keys: &[KeyLine], column: &str) -> Option<u64> {
    if let Some(name) = column.strip_prefix("rule:") {
        return keys
            .iter()
            .find(|k| k.key.ends_with(".name") && k.value.as_deref().map(unquote) == Some(name))
            .map(|k| k.line);
    }
    let Some((table, rest)) = column.split_once('[') else {
        return line_of_key(keys, column);
    };
    let (index, field) = rest.split_once(']')?;
    let index: usize = index.parse().ok()?;
    let field = field.trim_start_matches('.');
    let header = keys
        .iter()
        .enumerate()
        .filter(|(_, k)| k.value.is_none() && k.key == table)
        .nth(index)?;
    if field.is_empty() {
        return Some(header.1.line);
    }
    // The field's own line, else that of its longest written prefix
    // (`shares.ENT` inside an inline table `shares = { ENT = 1.2 }`).
    let body: Vec<&KeyLine> = keys[header.0 + 1..]
        .iter()
        .take_while(|k| k.value.is_some())
        .collect();
    let mut wanted = format!("{table}.{field}");
    loop {
        if let Some(k) = body.iter().find(|k| k.key == wanted) {
            return Some(k.line);
        }
        match wanted.rfind('.') {
            Some(dot) if dot > table.len() => wanted.truncate(dot),
            _ => return Some(header.1.line),
        }
    }
}

/// Line of `table[i]...` written as an inline array (`steps = [ {...},
/// {...} ]`, one table per line or all on one): the line of its i-th `{`.
fn line_of_inline_element(source: &str, keys: &[KeyLine], column: &str) -> Option<u64> {
    let (table, rest) = column.split_once('[')?;
    let index: usize = rest.split_once(']')?.0.parse().ok()?;
    let start = keys
        .iter()
        .find(|k| k.key == table && k.value.as_deref().is_some_and(|v| v.starts_with('[')))?
        .line;
    let mut seen = 0;
    for (offset, text) in source.lines().skip(start as usize - 1).enumerate() {
        seen += text.matches('{').count();
        if seen > index {
            return Some(start + offset as u64);
        }
    }
    None
}

fn unquote(v: &str) -> &str {
    v.trim().trim_matches(['"', '\''])
}

/// Line of a dotted key; for keys inside an inline table
/// (`by_segment = { SMB = 20 }`) the line of the longest written prefix.
fn line_of_key(keys: &[KeyLine], dotted: &str) -> Option<u64> {
    let mut prefix = dotted;
    loop {
        if let Some(k) = keys.iter().find(|k| k.key == prefix) {
            return Some(k.line);
        }
        prefix = &prefix[..prefix.rfind('.')?];
    }
}

fn line_of_offset(source: &str, offset: usize) -> u64 {
    let end = offset.min(source.len());
    1 + source.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_config_parses() {
        let (config, problems) = parse_config(
            "plan.toml",
            "fiscal_year_start_month = 2\n[balance]\npotential_tolerance = 0.03 # tight\n",
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(config.fiscal_year_start_month, 2);
        assert_eq!(config.balance.potential_tolerance, 0.03);
        assert_eq!(config.balance.workload_tolerance, 0.10);
    }

    #[test]
    fn unknown_key_names_key_line_and_known_keys() {
        let (_, problems) = parse_config("plan.toml", "[balance]\npotential_tol = 0.1\n");
        assert_eq!(problems.len(), 1);
        let text = problems[0].to_string();
        assert!(
            text.starts_with("plan.toml:2: column 'balance.potential_tol': value '0.1'"),
            "{text}"
        );
        assert!(text.contains("potential_tolerance"), "{text}");
        assert!(text.contains("workload_tolerance"), "{text}");
    }

    #[test]
    fn wrong_type_names_key() {
        let (_, problems) = parse_config("p.toml", "[balance]\nworkload_tolerance = \"ten\"\n");
        let text = problems[0].to_string();
        assert!(
            text.starts_with("p.toml:2: column 'balance.workload_tolerance': value '\"ten\"'"),
            "{text}"
        );
    }

    #[test]
    fn bad_values_are_all_reported_with_lines() {
        let source = "fiscal_year_start_month = 13\n\n[balance]\npotential_tolerance = 1.5\nworkload_tolerance = 0\n\n[workload]\ndefault_hours = nan\nby_segment = { SMB = -1, MM = 60 }\n";
        let (_, problems) = parse_config("plan.toml", source);
        let texts: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(texts.len(), 5, "{texts:#?}");
        assert!(texts[0].starts_with("plan.toml:1: column 'fiscal_year_start_month': value '13'"));
        assert!(
            texts[1].starts_with("plan.toml:4: column 'balance.potential_tolerance': value '1.5'")
        );
        assert!(texts[2].starts_with("plan.toml:5: column 'balance.workload_tolerance': value '0'"));
        assert!(texts[3].starts_with("plan.toml:8: column 'workload.default_hours': value 'NaN'"));
        assert!(texts[4].starts_with("plan.toml:9: column 'workload.by_segment.SMB': value '-1'"));
    }

    /// Found by `io::fuzz::mutated_sample_plan_toml` on a clean clone: a
    /// segment default of 1e27 hours was accepted and gave every account
    /// of the segment without hours a workload no account may have.
    #[test]
    fn default_hours_beyond_an_accounts_limit_are_reported() {
        let source = "[workload]\ndefault_hours = 2e6\nby_segment = { ENT = 1e27, MM = 1e6 }\n";
        let (_, problems) = parse_config("plan.toml", source);
        let texts: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(texts.len(), 2, "{texts:#?}");
        assert!(
            texts[0].starts_with("plan.toml:2: column 'workload.default_hours': value '2000000'"),
            "{}",
            texts[0]
        );
        assert!(
            texts[1].starts_with("plan.toml:3: column 'workload.by_segment.ENT': value '1000000000000000000000000000'"),
            "{}",
            texts[1]
        );
        assert!(texts[1].contains("1e6"), "{}", texts[1]);
    }

    #[test]
    fn syntax_error_has_a_line() {
        let (config, problems) = parse_config("plan.toml", "a = 1\n[balance\n");
        assert_eq!(config, Config::default());
        assert_eq!(problems[0].line, Some(2));
    }
}
