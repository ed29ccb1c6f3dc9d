//! Tests of `load_dataset` / `write_dataset` on whole folders.

use std::path::{Path, PathBuf};

use super::*;
use crate::model::{Account, Rep, WorkloadSource};

fn tiny_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny")
}

fn write_files(dir: &Path, accounts: &[u8], reps: &[u8]) {
    std::fs::write(dir.join(ACCOUNTS_FILE), accounts).unwrap();
    std::fs::write(dir.join(REPS_FILE), reps).unwrap();
}

/// Load a folder made of two CSV texts.
fn load_texts(accounts: &str, reps: &str) -> Result<Loaded> {
    let tmp = tempfile::tempdir().unwrap();
    write_files(tmp.path(), accounts.as_bytes(), reps.as_bytes());
    load_dataset(tmp.path(), None)
}

/// The problems of a failed load, as displayed.
fn problems_of(result: Result<Loaded>) -> Vec<String> {
    match result {
        Err(Error::Input { problems, .. }) => problems.iter().map(|p| p.to_string()).collect(),
        Err(other) => panic!("expected input problems, got {other}"),
        Ok(_) => panic!("expected input problems, the load succeeded"),
    }
}

/// Re-encode a CSV file with another delimiter (quoting as needed).
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

const REPS: &str =
    "rep_id,lat,lon,segment,capacity\nR1,41.88,-87.63,SMB,1\nR2,42.33,-83.05,SMB,1\n";

#[test]
fn tiny_fixture_loads() {
    let loaded = load_dataset(&tiny_dir(), None).unwrap();
    let d = &loaded.dataset;
    assert_eq!(d.accounts.len(), 12);
    assert_eq!(d.reps.len(), 4);
    assert_eq!(d.account_extra_columns, vec!["territory_note"]);
    assert!(d.rep_extra_columns.is_empty());
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);

    let a001 = &d.accounts[0];
    assert_eq!(a001.id, "A001");
    assert_eq!(a001.workload, 20.0);
    assert_eq!(a001.workload_source, WorkloadSource::SegmentDefault);
    assert_eq!(a001.bookings_last_year, Some(80000.0));
    let a003 = &d.accounts[2];
    assert_eq!(
        (a003.workload, a003.workload_source),
        (12.0, WorkloadSource::Data)
    );
    let a010 = &d.accounts[9];
    assert!(a010.locked);
    assert_eq!(a010.extra, vec!["named account"]);
    assert_eq!(d.accounts.iter().filter(|a| a.locked).count(), 1);
    assert_eq!(d.accounts[11].current_owner, None);

    assert_eq!(d.reps[3].segments, vec!["ENT", "MM"]);
    assert_eq!(d.reps[1].capacity, 0.5);
    assert_eq!(
        d.reps[1].start_date,
        chrono::NaiveDate::from_ymd_opt(2025, 2, 1)
    );

    assert_eq!(loaded.inputs.len(), 2);
    assert!(loaded.inputs[0].path.ends_with("tiny/accounts.csv"));
    let hash = &loaded.inputs[0].sha256;
    assert_eq!(hash.len(), 64);
    assert!(hash
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
    let on_disk = std::fs::read(tiny_dir().join(ACCOUNTS_FILE)).unwrap();
    assert_eq!(loaded.inputs[0].bytes, on_disk.len() as u64);
    assert_eq!(*hash, sha256_hex(&on_disk));
}

#[test]
fn sha256_is_lower_case_hex() {
    assert_eq!(
        sha256_hex(b"abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

#[test]
fn bom_crlf_semicolon_and_tab_variants_load_the_same() {
    let reference = load_dataset(&tiny_dir(), None).unwrap().dataset;
    let accounts = std::fs::read(tiny_dir().join(ACCOUNTS_FILE)).unwrap();
    let reps = std::fs::read(tiny_dir().join(REPS_FILE)).unwrap();
    let crlf = |b: &[u8]| {
        String::from_utf8(b.to_vec())
            .unwrap()
            .replace('\n', "\r\n")
            .into_bytes()
    };
    let bom = |b: &[u8]| [b"\xEF\xBB\xBF".as_slice(), b].concat();
    let variants: Vec<(&str, Vec<u8>, Vec<u8>)> = vec![
        ("bom", bom(&accounts), bom(&reps)),
        ("crlf", crlf(&accounts), crlf(&reps)),
        ("bom+crlf", bom(&crlf(&accounts)), bom(&crlf(&reps))),
        (
            "semicolon",
            with_delimiter(&accounts, b';'),
            with_delimiter(&reps, b';'),
        ),
        (
            "tab",
            with_delimiter(&accounts, b'\t'),
            with_delimiter(&reps, b'\t'),
        ),
    ];
    for (name, a, r) in variants {
        let tmp = tempfile::tempdir().unwrap();
        write_files(tmp.path(), &a, &r);
        let loaded = load_dataset(tmp.path(), None).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(loaded.dataset.accounts, reference.accounts, "{name}");
        assert_eq!(loaded.dataset.reps, reference.reps, "{name}");
        assert_eq!(
            loaded.dataset.account_extra_columns,
            reference.account_extra_columns
        );
        assert!(loaded.warnings.is_empty(), "{name}: {:?}", loaded.warnings);
    }
}

#[test]
fn header_names_are_trimmed_and_case_insensitive() {
    let loaded = load_texts(
        " Account_ID ,LAT, Lon ,POTENTIAL,Region Code\n007 , 41.9,-87.6,\"$1,234,567.89\",north\n",
        " REP_ID ,Lat,LON\n 0042 ,41.9,-87.6\n",
    )
    .unwrap();
    let a = &loaded.dataset.accounts[0];
    assert_eq!(a.id, "007");
    assert_eq!(a.potential, 1_234_567.89);
    assert_eq!(loaded.dataset.account_extra_columns, vec!["Region Code"]);
    assert_eq!(a.extra, vec!["north"]);
    let r = &loaded.dataset.reps[0];
    assert_eq!(r.id, "0042");
    assert_eq!(r.capacity, DEFAULT_CAPACITY);
    assert!(r.segments.is_empty());
}

#[test]
fn blank_lines_keep_line_numbers_and_empty_rows_are_skipped() {
    let problems = problems_of(load_texts(
        "account_id,lat,lon,potential\nA1,41,-87,10\n\nA2,41,-87,x\n,,,\n",
        REPS,
    ));
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains("accounts.csv:4: column 'potential': value 'x'"),
        "{problems:?}"
    );
}

#[test]
fn every_problem_is_collected_and_sorted_by_file_and_line() {
    let problems = problems_of(load_texts(
        "account_id,lat,lon,potential,current_owner\nA1,91,-87,10,R9\nA1,41,-87,-1,\n",
        "rep_id,lat,lon,capacity\nR1,41,-187,1\n",
    ));
    let expected = [
        "accounts.csv:2: column 'lat': value '91'",
        "accounts.csv:3: column 'account_id': value 'A1': duplicate account_id: first used on line 2",
        "accounts.csv:3: column 'potential': value '-1'",
        "reps.csv:2: column 'lon': value '-187'",
    ];
    assert_eq!(problems.len(), expected.len(), "{problems:#?}");
    for (p, e) in problems.iter().zip(expected) {
        assert!(p.contains(e), "{p} should contain {e}");
    }
}

#[test]
fn unknown_owner_is_reported_even_when_the_owner_row_is_bad() {
    // R2's row has a bad lat; it still exists, so A1's owner is not "unknown".
    let problems = problems_of(load_texts(
        "account_id,lat,lon,potential,current_owner\nA1,41,-87,10,R2\n",
        "rep_id,lat,lon\nR1,41,-87\nR2,x,-87\n",
    ));
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("reps.csv:3: column 'lat'"));
}

#[test]
fn the_list_is_capped_and_says_how_many_more() {
    let mut accounts = String::from("account_id,lat,lon,potential\n");
    for i in 0..60 {
        accounts.push_str(&format!("A{i},41,-87,bad\n"));
    }
    match load_texts(&accounts, REPS) {
        Err(Error::Input { problems, more }) => {
            assert_eq!(problems.len(), crate::error::MAX_LISTED_PROBLEMS);
            assert_eq!(more, 10);
        }
        other => panic!("expected input problems, got {other:?}"),
    }
}

#[test]
fn missing_folder_names_both_files() {
    let problems = problems_of(load_dataset(Path::new("/nonexistent/tplan-input"), None));
    assert_eq!(problems.len(), 2);
    assert!(problems[0].starts_with("/nonexistent/tplan-input/accounts.csv: cannot read the file"));
    assert!(problems[1].starts_with("/nonexistent/tplan-input/reps.csv: cannot read the file"));
}

#[test]
fn ambiguous_delimiter_is_a_warning() {
    let loaded = load_texts("account_id;lat;lon;potential;a,b\nA1;41;-87;10;x\n", REPS).unwrap();
    assert_eq!(loaded.dataset.account_extra_columns, vec!["a,b"]);
    let w = loaded.warnings[0].to_string();
    assert!(w.contains("read as ';' (semicolon)-delimited"), "{w}");
}

#[test]
fn european_decimal_commas_are_refused_not_guessed() {
    let problems = problems_of(load_texts(
        "account_id;lat;lon;potential\nA1;41,5;-87;10\n",
        REPS,
    ));
    assert!(
        problems[0].contains("accounts.csv:2: column 'lat': value '41,5'"),
        "{problems:?}"
    );
    assert!(
        problems[0].contains("decimal commas are not accepted"),
        "{problems:?}"
    );
}

#[test]
fn workload_defaults_come_from_the_config() {
    let tmp = tempfile::tempdir().unwrap();
    write_files(
        tmp.path(),
        b"account_id,lat,lon,potential,segment,workload\nA1,41,-87,10,SMB,\nA2,41,-87,10,XX,\nA3,41,-87,10,,7\n",
        b"rep_id,lat,lon\nR1,41,-87\n",
    );
    std::fs::write(
        tmp.path().join(CONFIG_FILE),
        "[workload]\ndefault_hours = 11\nby_segment = { SMB = 33 }\n",
    )
    .unwrap();
    let loaded = load_dataset(tmp.path(), None).unwrap();
    let w: Vec<f64> = loaded.dataset.accounts.iter().map(|a| a.workload).collect();
    assert_eq!(w, vec![33.0, 11.0, 7.0]);
    assert_eq!(loaded.inputs.len(), 3);
    assert!(loaded.inputs[2].path.ends_with("plan.toml"));

    // --config wins over DIR/plan.toml; a missing one is a problem.
    let other = tmp.path().join("other.toml");
    std::fs::write(&other, "[workload]\ndefault_hours = 5\n").unwrap();
    let loaded = load_dataset(tmp.path(), Some(&other)).unwrap();
    assert_eq!(loaded.dataset.accounts[0].workload, 20.0);
    assert_eq!(loaded.dataset.accounts[1].workload, 5.0);
    let problems = problems_of(load_dataset(
        tmp.path(),
        Some(&tmp.path().join("none.toml")),
    ));
    assert!(problems[0].contains("none.toml: cannot read the file"));
}

#[test]
fn load_config_reports_values() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("plan.toml");
    std::fs::write(&path, "[balance]\npotential_tolerance = 0.02\n").unwrap();
    assert_eq!(
        load_config(&path).unwrap().balance.potential_tolerance,
        0.02
    );
    std::fs::write(&path, "[balance]\npotential_tolerance = 0\n").unwrap();
    let err = load_config(&path).unwrap_err().to_string();
    assert!(
        err.contains("plan.toml:2: column 'balance.potential_tolerance': value '0'"),
        "{err}"
    );
}

#[test]
fn warnings_for_oversized_far_away_and_zero_potential_accounts() {
    let loaded = load_texts(
        "account_id,lat,lon,potential,segment\nA1,41.9,-87.6,100,SMB\nA2,41.9,-87.6,0,SMB\nA3,41.9,-87.6,1000,SMB\nA4,41.9,-87.6,0,SMB\n",
        "rep_id,lat,lon,segment,capacity\nR1,41.88,-87.63,SMB,1\nR2,21.31,-157.86,SMB,1\nR3,40,-80,GOV,1\n",
    )
    .unwrap();
    let w: Vec<String> = loaded.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(w.len(), 4, "{w:#?}");
    // Fair share = 1 x 1100 / 2 = 550; 1000 > 1.05 x 550.
    assert!(
        w[0].contains("accounts.csv:4: column 'potential': value '1000'"),
        "{}",
        w[0]
    );
    assert!(
        w[0].contains("(550 for rep 'R1' at capacity 1)"),
        "{}",
        w[0]
    );
    assert!(w[0].contains("exact balance is impossible"), "{}", w[0]);
    assert!(
        w[1].contains("reps.csv:3") && w[1].contains("rep 'R2' lives 6,"),
        "{}",
        w[1]
    );
    assert!(
        w[2].contains("reps.csv:4") && w[2].contains("no account has a segment it covers"),
        "{}",
        w[2]
    );
    assert!(
        w[3].contains("accounts.csv:3: column 'potential': value '0': 2 accounts have potential 0"),
        "{}",
        w[3]
    );
}

#[test]
fn locked_accounts_are_measured_against_their_owner() {
    // R2 (0.5 FTE) has fair share 0.5 x 200/1.5 = 66.7: the lock to R2 is
    // over, while the same account unlocked would fit R1's 133.
    let loaded = load_texts(
        "account_id,lat,lon,potential,current_owner,locked\nA1,41.9,-87.6,100,R2,true\nA2,41.9,-87.6,100,,\n",
        "rep_id,lat,lon,capacity\nR1,41.88,-87.63,1\nR2,41.88,-87.63,0.5\n",
    )
    .unwrap();
    assert_eq!(loaded.warnings.len(), 1, "{:?}", loaded.warnings);
    assert!(loaded.warnings[0].to_string().contains("accounts.csv:2"));
}

fn sample_dataset() -> Dataset {
    let account = |id: &str, workload: Option<f64>, segment: Option<&str>| Account {
        id: id.to_string(),
        name: Some(format!("Name, \"quoted\" {id}")),
        lat: 40.123457,
        lon: -74.000001,
        potential: 1234.5,
        workload: workload.unwrap_or(Config::default().workload.hours_for(segment)),
        workload_source: if workload.is_some() {
            WorkloadSource::Data
        } else {
            WorkloadSource::SegmentDefault
        },
        segment: segment.map(str::to_string),
        industry: None,
        current_owner: Some("007".to_string()),
        locked: workload.is_some(),
        bookings_last_year: Some(99.99),
        pipeline: None,
        extra: vec!["x".to_string(), String::new()],
    };
    Dataset {
        accounts: vec![
            account("0001", Some(12.5), Some("SMB")),
            account("0002", None, Some("ENT")),
            account("0003", None, None),
        ],
        reps: vec![Rep {
            id: "007".to_string(),
            name: None,
            lat: -33.868820,
            lon: 151.209296,
            segments: vec!["ENT".to_string(), "SMB".to_string()],
            capacity: 1.0 / 3.0,
            start_date: chrono::NaiveDate::from_ymd_opt(2025, 7, 1),
            manager: Some("M".to_string()),
            region: None,
            extra: vec!["e1".to_string()],
        }],
        config: Config::default(),
        account_extra_columns: vec!["note".to_string(), "tag".to_string()],
        rep_extra_columns: vec!["team".to_string()],
        rules: Default::default(),
    }
}

#[test]
fn write_then_load_round_trips() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("new/folder");
    let dataset = sample_dataset();
    write_dataset(&out, &dataset).unwrap();
    let loaded = load_dataset(&out, None).unwrap();
    assert_eq!(loaded.dataset.accounts, dataset.accounts);
    assert_eq!(loaded.dataset.reps, dataset.reps);
    assert_eq!(
        loaded.dataset.account_extra_columns,
        dataset.account_extra_columns
    );
    assert_eq!(loaded.dataset.rep_extra_columns, dataset.rep_extra_columns);

    // The tiny fixture too, and writing is deterministic.
    let tiny = load_dataset(&tiny_dir(), None).unwrap().dataset;
    write_dataset(&out, &tiny).unwrap();
    let first = std::fs::read(out.join(ACCOUNTS_FILE)).unwrap();
    let again = load_dataset(&out, None).unwrap().dataset;
    assert_eq!(again.accounts, tiny.accounts);
    assert_eq!(again.reps, tiny.reps);
    write_dataset(&out, &again).unwrap();
    assert_eq!(std::fs::read(out.join(ACCOUNTS_FILE)).unwrap(), first);
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn written_files_use_the_contract_order_and_fixed_formats() {
    let tmp = tempfile::tempdir().unwrap();
    write_dataset(tmp.path(), &sample_dataset()).unwrap();
    let accounts = std::fs::read_to_string(tmp.path().join(ACCOUNTS_FILE)).unwrap();
    let mut lines = accounts.lines();
    assert_eq!(
        lines.next().unwrap(),
        "account_id,name,lat,lon,potential,workload,segment,industry,current_owner,locked,bookings_last_year,pipeline,note,tag"
    );
    assert_eq!(
        lines.next().unwrap(),
        "0001,\"Name, \"\"quoted\"\" 0001\",40.123457,-74.000001,1234.50,12.5,SMB,,007,true,99.99,,x,"
    );
    let reps = std::fs::read_to_string(tmp.path().join(REPS_FILE)).unwrap();
    assert_eq!(
        reps,
        "rep_id,name,lat,lon,segment,capacity,start_date,manager,region,team\n007,,-33.868820,151.209296,ENT;SMB,0.3333333333333333,2025-07-01,M,,e1\n"
    );
}

#[test]
fn writing_mismatched_extras_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let mut dataset = sample_dataset();
    dataset.accounts[1].extra.pop();
    let err = write_dataset(tmp.path(), &dataset).unwrap_err().to_string();
    assert!(err.contains("account '0002'"), "{err}");
}

#[test]
fn empty_reps_file_does_not_flag_every_owner() {
    let problems = problems_of(load_texts(
        "account_id,lat,lon,potential,current_owner\nA1,41,-87,10,R1\nA2,41,-87,10,R1\n",
        "rep_id,lat,lon\n",
    ));
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("reps.csv: no reps"));
}
