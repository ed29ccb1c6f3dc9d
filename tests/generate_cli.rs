//! `tplan generate` through the binary, and the shipped sample data in
//! `data/` (shape, config, and the properties its README promises).

use std::path::{Path, PathBuf};
use std::process::Command;

const ACCOUNT_COLUMNS: [&str; 12] = [
    "account_id",
    "name",
    "lat",
    "lon",
    "potential",
    "workload",
    "segment",
    "industry",
    "current_owner",
    "locked",
    "bookings_last_year",
    "pipeline",
];
const REP_COLUMNS: [&str; 9] = [
    "rep_id",
    "name",
    "lat",
    "lon",
    "segment",
    "capacity",
    "start_date",
    "manager",
    "region",
];

fn tplan_generate(accounts: usize, reps: usize, seed: u64, out: &Path) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_tplan"))
        .args(["generate", "--accounts", &accounts.to_string()])
        .args(["--reps", &reps.to_string()])
        .args(["--seed", &seed.to_string()])
        .arg("--out")
        .arg(out)
        .output()
        .expect("run tplan");
    assert!(
        output.status.success(),
        "tplan generate failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 stdout")
}

fn read(path: PathBuf) -> Vec<u8> {
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Header and records of a CSV file.
fn csv_rows(path: &Path) -> (Vec<String>, Vec<csv::StringRecord>) {
    let mut reader = csv::Reader::from_path(path).expect("open csv");
    let header = reader
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    let rows = reader.records().map(|r| r.expect("record")).collect();
    (header, rows)
}

#[test]
fn same_seed_gives_identical_files_and_another_seed_differs() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        dir.path().join("a"),
        dir.path().join("b"),
        dir.path().join("c"),
    );
    let summary = tplan_generate(1_500, 20, 42, &a);
    tplan_generate(1_500, 20, 42, &b);
    tplan_generate(1_500, 20, 43, &c);
    for file in ["accounts.csv", "reps.csv"] {
        assert_eq!(
            read(a.join(file)),
            read(b.join(file)),
            "{file} differs for one seed"
        );
        assert_ne!(
            read(a.join(file)),
            read(c.join(file)),
            "{file} ignores the seed"
        );
    }
    assert_eq!(summary.lines().count(), 1, "summary: {summary}");
    assert!(
        summary.contains("1500 accounts") && summary.contains("20 reps"),
        "{summary}"
    );
}

#[test]
fn row_counts_and_columns_match_the_request() {
    let dir = tempfile::tempdir().unwrap();
    for (n, r) in [(1, 1), (10, 2), (250, 3), (4_321, 17)] {
        // A nested folder that does not exist yet: generate creates it.
        let out = dir.path().join(format!("n{n}/r{r}"));
        tplan_generate(n, r, 7, &out);
        let (header, accounts) = csv_rows(&out.join("accounts.csv"));
        assert_eq!(header, ACCOUNT_COLUMNS);
        assert_eq!(accounts.len(), n);
        let (header, reps) = csv_rows(&out.join("reps.csv"));
        assert_eq!(header, REP_COLUMNS);
        assert_eq!(reps.len(), r);
        assert_eq!(&accounts[0][0], "A000001");
        assert_eq!(&reps[0][0], "R001");
    }
}

#[test]
fn generated_folder_passes_validation() {
    let dir = tempfile::tempdir().unwrap();
    tplan_generate(3_000, 30, 5, dir.path());
    let loaded = tplan::io::load_dataset(dir.path(), None).expect("generated data is valid");
    assert_eq!(loaded.dataset.accounts.len(), 3_000);
    assert_eq!(loaded.dataset.reps.len(), 30);
    // Regenerated in memory, the dataset reads back as written.
    let fresh = tplan::generate::generate(&tplan::generate::GenerateSpec::new(3_000, 30, 5));
    assert_eq!(loaded.dataset.accounts, fresh.accounts);
    assert_eq!(loaded.dataset.reps, fresh.reps);
}

#[test]
fn usage_errors_exit_with_status_2() {
    let output = Command::new(env!("CARGO_BIN_EXE_tplan"))
        .args(["generate", "--accounts", "ten", "--reps", "3", "--out", "x"])
        .output()
        .expect("run tplan");
    assert_eq!(output.status.code(), Some(2));
}

// ------------------------------------------------------------ data/

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

#[test]
fn sample_plan_toml_parses_into_the_config_with_every_field() {
    let text = std::fs::read_to_string(data_dir().join("plan.toml")).unwrap();
    let config: tplan::model::Config = toml::from_str(&text).expect("plan.toml matches Config");
    assert_eq!(config.fiscal_year_start_month, 1);
    assert_eq!(config.fiscal_year, Some(2027));
    assert_eq!(config.balance.potential_tolerance, 0.05);
    assert_eq!(config.balance.workload_tolerance, 0.10);
    assert_eq!(config.workload.by_segment.len(), 3);
    assert!(config.validate().is_empty());
    // Every key is documented: a comment block sits above each key (or
    // above the run of keys it belongs to, e.g. one table's segments).
    let lines: Vec<&str> = text.lines().collect();
    let is_key =
        |l: &str| !l.trim_start().starts_with('#') && l.contains('=') && !l.starts_with(' ');
    for (i, line) in lines.iter().enumerate().filter(|(_, l)| is_key(l)) {
        let above = lines[..i]
            .iter()
            .rev()
            .find(|l| !is_key(l))
            .copied()
            .unwrap_or("");
        assert!(
            above.trim_start().starts_with('#'),
            "key without a comment above it: {line}"
        );
    }
    // The quota keys the sample sets, so `plan data/` shows quotas.
    assert_eq!(config.quota.company_target, Some(180_000_000.0));
    assert!(config.quota.components.expansion > 0.0);
    // Every section is set explicitly (each key is documented in a comment
    // above it). A fixed key count went stale with every new section.
    for header in [
        "[balance]",
        "[workload]",
        "[ramp]",
        "[quota]",
        "[scenarios]",
    ] {
        assert!(text.lines().any(|l| l.trim() == header), "{header} missing");
    }
}

#[test]
fn sample_data_is_valid_and_has_the_promised_shape() {
    let loaded = tplan::io::load_dataset(&data_dir(), None).expect("data/ is valid");
    // The sample's only warnings are its three planned hires of February to
    // April, whose territories are balanced on the months they work.
    let late: Vec<&str> = loaded
        .warnings
        .iter()
        .filter(|w| w.column.as_deref() == Some("start_date"))
        .filter_map(|w| w.value.as_deref())
        .collect();
    assert_eq!(late, ["2027-02-01", "2027-04-05", "2027-03-01"]);
    assert_eq!(
        loaded.warnings.len(),
        late.len(),
        "warnings on the sample: {:?}",
        loaded.warnings
    );
    let d = &loaded.dataset;
    assert!(d.accounts.len() >= 2_000);
    assert!(d.reps.len() >= 25);
    assert_eq!(d.account_extra_columns, ["city", "state"]);

    let count = |seg: &str| {
        d.accounts
            .iter()
            .filter(|a| a.segment.as_deref() == Some(seg))
            .count()
    };
    assert!(count("SMB") > count("MM") && count("MM") > count("ENT") && count("ENT") > 100);
    for cov in [&["SMB"][..], &["MM"], &["ENT"], &["ENT", "MM"]] {
        assert!(d.reps.iter().any(|r| r.segments == cov), "no {cov:?} rep");
    }
    for cap in [0.5, 1.5] {
        assert!(d.reps.iter().any(|r| r.capacity == cap));
    }
    let fy = chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
    assert!(d.reps.iter().any(|r| r.start_date.unwrap() >= fy));
    // One rep based in Honolulu.
    assert!(d
        .reps
        .iter()
        .any(|r| (r.lat - 21.3).abs() < 0.2 && (r.lon + 157.86).abs() < 0.2));

    // About 2 % locked, each to a rep covering the segment.
    let locked: Vec<_> = d.accounts.iter().filter(|a| a.locked).collect();
    let share = locked.len() as f64 / d.accounts.len() as f64;
    assert!((0.015..=0.025).contains(&share), "{share}");
    for a in locked {
        let rep = &d.reps[d.rep_index(a.current_owner.as_deref().unwrap()).unwrap()];
        assert!(rep.covers(a.segment.as_deref()));
    }
    // About 10 % of workloads come from the segment defaults.
    let defaulted = d
        .accounts
        .iter()
        .filter(|a| a.workload_source == tplan::model::WorkloadSource::SegmentDefault)
        .count();
    assert!((150..=350).contains(&defaulted), "{defaulted}");

    // No account above 30 % of a 1.0-FTE fair share of its segment.
    for seg in ["SMB", "MM", "ENT"] {
        let fair = tplan::generate::fair_share_per_fte(&d.accounts, &d.reps, seg, |a| a.potential)
            .unwrap();
        for a in d
            .accounts
            .iter()
            .filter(|a| a.segment.as_deref() == Some(seg))
        {
            assert!(a.potential <= 0.30 * fair, "{} is too lumpy", a.id);
        }
    }
}

#[test]
fn sample_status_quo_is_visibly_unbalanced() {
    let d = tplan::io::load_dataset(&data_dir(), None).unwrap().dataset;
    // Potential held today per rep against cap x the group's potential per FTE.
    let mut ratios = Vec::new();
    for rep in &d.reps {
        let peers: Vec<_> = d
            .reps
            .iter()
            .filter(|r| r.coverage_key() == rep.coverage_key())
            .collect();
        let held = |id: &str| -> f64 {
            d.accounts
                .iter()
                .filter(|a| a.current_owner.as_deref() == Some(id))
                .map(|a| a.potential)
                .sum()
        };
        let group: f64 = peers.iter().map(|r| held(&r.id)).sum();
        let fte: f64 = peers.iter().map(|r| r.capacity).sum();
        ratios.push(held(&rep.id) / (group / fte * rep.capacity));
    }
    assert!(
        ratios.iter().filter(|&&x| x >= 2.0).count() >= 2,
        "{ratios:?}"
    );
    assert!(
        ratios.iter().filter(|&&x| x > 0.0 && x <= 0.5).count() >= 2,
        "{ratios:?}"
    );
}
