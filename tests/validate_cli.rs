//! `tplan validate` end to end: the binary on small fixtures. Bad inputs
//! must exit 1 and name file, line, column and value on stderr; good ones
//! (including BOM, CRLF, `;` and tab variants) must exit 0.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Run `tplan validate DIR [extra args]` from the crate root.
fn validate(dir: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tplan"))
        .current_dir(manifest_dir())
        .arg("validate")
        .arg(dir)
        .args(extra)
        .output()
        .expect("run tplan")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Validate `tests/fixtures/<case>`, expect exit 1 and every `needles`
/// text on stderr (each prefixed with the fixture's folder).
fn assert_rejected(case: &str, needles: &[&str]) {
    let dir = PathBuf::from("tests/fixtures").join(case);
    let out = validate(&dir, &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{case}: stderr:\n{err}");
    assert!(err.starts_with("error: "), "{case}: {err}");
    for needle in needles {
        let expected = format!("tests/fixtures/{case}/{needle}");
        assert!(
            err.contains(&expected),
            "{case}: expected\n  {expected}\nin stderr:\n{err}"
        );
    }
}

#[test]
fn missing_required_column_lists_the_columns_found() {
    assert_rejected(
        "bad_missing_column",
        &["accounts.csv:1: column 'potential': required column is missing; columns found: account_id, name, lat, lon, segment"],
    );
}

#[test]
fn duplicate_id_names_the_first_line() {
    assert_rejected(
        "bad_duplicate_id",
        &["accounts.csv:4: column 'account_id': value 'A002': duplicate account_id: first used on line 3"],
    );
}

#[test]
fn unparseable_number() {
    assert_rejected(
        "bad_number",
        &["accounts.csv:3: column 'potential': value 'lots': expected a number >= 0 (annual opportunity in currency)"],
    );
}

#[test]
fn negative_number() {
    assert_rejected(
        "bad_negative",
        &["accounts.csv:4: column 'potential': value '-5': expected a number >= 0 (annual opportunity in currency)"],
    );
}

#[test]
fn nan() {
    assert_rejected(
        "bad_nan",
        &["accounts.csv:3: column 'potential': value 'NaN': expected a number >= 0"],
    );
}

#[test]
fn ambiguous_thousands_separator() {
    assert_rejected(
        "bad_thousands",
        &["accounts.csv:2: column 'potential': value '120,000': expected a number >= 0 (annual opportunity in currency); ambiguous"],
    );
}

#[test]
fn latitude_out_of_range() {
    assert_rejected(
        "bad_lat",
        &["accounts.csv:4: column 'lat': value '95.5': expected a latitude in degrees between -90 and 90"],
    );
}

#[test]
fn longitude_out_of_range() {
    assert_rejected(
        "bad_lon",
        &["accounts.csv:2: column 'lon': value '-189.0940': expected a longitude in degrees between -180 and 180"],
    );
}

#[test]
fn empty_file() {
    assert_rejected(
        "bad_empty",
        &["accounts.csv: the file is empty: expected a header row naming the columns (required: account_id, lat, lon, potential;"],
    );
}

#[test]
fn header_only_file() {
    assert_rejected(
        "bad_header_only",
        &["accounts.csv: no accounts: the file has a header but no data rows"],
    );
}

#[test]
fn ragged_row() {
    assert_rejected(
        "bad_ragged",
        &["accounts.csv:3: value 'A002,Bolt,42.0451,-87.6877,95,000,SMB,R01,false': expected 8 fields as in the header, found 9; a value containing a comma"],
    );
}

#[test]
fn invalid_utf8() {
    assert_rejected(
        "bad_utf8",
        &["accounts.csv:3: column 'name': value 'Caf\u{FFFD} M\u{FFFD}ller': invalid UTF-8"],
    );
}

#[test]
fn bad_boolean() {
    assert_rejected(
        "bad_boolean",
        &["accounts.csv:4: column 'locked': value 'maybe': expected true/false, yes/no, y/n or 1/0"],
    );
}

#[test]
fn unknown_current_owner() {
    assert_rejected(
        "bad_unknown_owner",
        &["accounts.csv:4: column 'current_owner': value 'R99': unknown current_owner: expected a rep_id from tests/fixtures/bad_unknown_owner/reps.csv"],
    );
}

#[test]
fn lock_without_owner() {
    assert_rejected(
        "bad_lock_no_owner",
        &["accounts.csv:3: column 'locked': value 'true': a locked account must stay with its current_owner, but current_owner is empty"],
    );
}

#[test]
fn lock_to_rep_with_zero_capacity() {
    assert_rejected(
        "bad_lock_zero_capacity",
        &["accounts.csv:2: column 'current_owner': value 'R03': the account is locked to rep 'R03' whose capacity is 0 (tests/fixtures/bad_lock_zero_capacity/reps.csv:4)"],
    );
}

#[test]
fn lock_to_rep_not_covering_the_segment() {
    assert_rejected(
        "bad_lock_segment",
        &["accounts.csv:3: column 'current_owner': value 'R02': the account is locked to rep 'R02' whose segments (ENT;MM) do not include the account's segment 'SMB'"],
    );
}

#[test]
fn segment_no_rep_covers() {
    assert_rejected(
        "bad_segment_uncovered",
        &["accounts.csv:6: column 'segment': value 'GOV': no rep with capacity > 0 covers segment 'GOV' (2 accounts, the first on this line); reps with capacity cover: ENT, MM, SMB"],
    );
}

#[test]
fn zero_total_capacity() {
    assert_rejected(
        "bad_zero_capacity",
        &["reps.csv: column 'capacity': value '0': total capacity is 0"],
    );
}

#[test]
fn zero_reps() {
    assert_rejected(
        "bad_zero_reps",
        &["reps.csv: no reps: the file has a header but no data rows"],
    );
}

#[test]
fn bad_rep_values_are_all_reported() {
    assert_rejected(
        "bad_rep_values",
        &[
            "reps.csv:3: column 'start_date': value '2024-13-01': no such date: expected a calendar date written YYYY-MM-DD",
            "reps.csv:4: column 'capacity': value '-1': expected a number >= 0 (FTE",
            "reps.csv:6: column 'rep_id': value 'R01': duplicate rep_id: first used on line 2",
            "reps.csv:6: column 'capacity': value 'half'",
        ],
    );
}

#[test]
fn bad_config_values_name_key_line_and_value() {
    assert_rejected(
        "bad_config",
        &[
            "plan.toml:5: column 'balance.potential_tolerance': value '1.5': expected a fraction strictly between 0 and 1",
            "plan.toml:9: column 'workload.default_hours': value '-3': expected hours per year: a finite number from 0 to 1e6 (the most one account may have",
        ],
    );
}

#[test]
fn unknown_config_key_lists_the_known_keys() {
    assert_rejected(
        "bad_config_key",
        &["plan.toml:2: column 'balance.potential_tolerence': value '0.05': unknown key (unknown field `potential_tolerence`, expected one of `potential_tolerance`, `workload_tolerance`, `account_tolerance`, `groups`, `region_tolerance`)"],
    );
}

#[test]
fn many_problems_are_capped_with_a_count() {
    let tmp = tempfile::tempdir().unwrap();
    let mut accounts = String::from("account_id,lat,lon,potential\n");
    for i in 0..70 {
        accounts.push_str(&format!("A{i},41,-87,-{i}\n"));
    }
    std::fs::write(tmp.path().join("accounts.csv"), accounts).unwrap();
    std::fs::write(tmp.path().join("reps.csv"), "rep_id,lat,lon\nR1,41,-87\n").unwrap();
    let out = validate(tmp.path(), &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1));
    // A0 has potential -0 = 0, which is fine: 69 problems, 50 listed.
    assert!(err.contains("69 problems in the input:"), "{err}");
    assert!(
        err.contains("accounts.csv:3: column 'potential': value '-1'"),
        "{err}"
    );
    assert!(err.contains("\n  ... and 19 more"), "{err}");
    assert_eq!(err.matches("column 'potential'").count(), 50);
}

#[test]
fn tiny_fixture_is_valid() {
    let out = validate(Path::new("tests/fixtures/tiny"), &[]);
    assert_eq!(out.status.code(), Some(0), "stderr:\n{}", stderr(&out));
    let report = stdout(&out);
    assert!(
        report.contains("12 accounts, 4 reps (3.5 FTE), 0 warnings"),
        "{report}"
    );
    assert!(
        report.contains("1 locked account; 11 of 12 accounts have a current owner"),
        "{report}"
    );
    let segment_line = |name: &str| {
        report
            .lines()
            .find(|l| l.trim_start().starts_with(name))
            .map(|l| l.split_whitespace().collect::<Vec<_>>())
            .unwrap_or_default()
    };
    assert_eq!(segment_line("ENT"), vec!["ENT", "3", "2,470,000", "1", "1"]);
    assert_eq!(segment_line("MM"), vec!["MM", "4", "1,210,000", "2", "2"]);
    assert_eq!(segment_line("SMB"), vec!["SMB", "5", "490,000", "2", "1.5"]);
    assert!(
        report.contains("read tests/fixtures/tiny/accounts.csv ("),
        "{report}"
    );
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}

#[test]
fn explicit_config_is_used() {
    let out = validate(
        Path::new("tests/fixtures/tiny"),
        &["--config", "tests/fixtures/bad_config/plan.toml"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out)
        .contains("tests/fixtures/bad_config/plan.toml:5: column 'balance.potential_tolerance'"));
}

/// Re-encode a CSV file with another delimiter, quoting as needed.
fn with_delimiter(bytes: &[u8], delimiter: u8) -> Vec<u8> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes);
    let mut writer = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(Vec::new());
    for record in reader.records() {
        writer.write_record(&record.unwrap()).unwrap();
    }
    writer.into_inner().unwrap()
}

/// The tiny fixture, transformed, must still validate with the same counts.
fn assert_tiny_variant_passes(name: &str, transform: impl Fn(&[u8]) -> Vec<u8>) {
    let tiny = manifest_dir().join("tests/fixtures/tiny");
    let tmp = tempfile::tempdir().unwrap();
    for file in ["accounts.csv", "reps.csv"] {
        let bytes = std::fs::read(tiny.join(file)).unwrap();
        std::fs::write(tmp.path().join(file), transform(&bytes)).unwrap();
    }
    let out = validate(tmp.path(), &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{name}: stderr:\n{}",
        stderr(&out)
    );
    assert!(
        stdout(&out).contains("12 accounts, 4 reps (3.5 FTE), 0 warnings"),
        "{name}"
    );
}

#[test]
fn utf8_bom_is_accepted() {
    assert_tiny_variant_passes("bom", |b| [b"\xEF\xBB\xBF".as_slice(), b].concat());
}

#[test]
fn crlf_is_accepted() {
    assert_tiny_variant_passes("crlf", |b| {
        String::from_utf8_lossy(b)
            .replace('\n', "\r\n")
            .into_bytes()
    });
}

#[test]
fn semicolon_delimiter_is_accepted() {
    assert_tiny_variant_passes("semicolon", |b| with_delimiter(b, b';'));
}

#[test]
fn tab_delimiter_is_accepted() {
    assert_tiny_variant_passes("tab", |b| with_delimiter(b, b'\t'));
}

#[test]
fn line_numbers_stay_right_in_crlf_files() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("accounts.csv"),
        "\u{FEFF}account_id;lat;lon;potential\r\nA1;41;-87;10\r\n\r\nA2;95.5;-87;10\r\n",
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("reps.csv"),
        "rep_id\tlat\tlon\r\nR1\t41\t-87\r\n",
    )
    .unwrap();
    let out = validate(tmp.path(), &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        err.contains("accounts.csv:4: column 'lat': value '95.5'"),
        "{err}"
    );
}

#[test]
fn warnings_go_to_stderr_and_do_not_fail() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("accounts.csv"),
        "account_id,lat,lon,potential\nA1,41.9,-87.6,100\nA2,41.9,-87.6,5000\n",
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("reps.csv"),
        "rep_id,lat,lon\nR1,41.88,-87.63\nR2,21.31,-157.86\n",
    )
    .unwrap();
    let out = validate(tmp.path(), &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("warning: ")
            && err.contains("accounts.csv:3: column 'potential': value '5000'"),
        "{err}"
    );
    assert!(err.contains("exact balance is impossible"), "{err}");
    assert!(err.contains("rep 'R2' lives"), "{err}");
    assert!(stdout(&out).contains("2 accounts, 2 reps (2 FTE), 2 warnings"));
}
