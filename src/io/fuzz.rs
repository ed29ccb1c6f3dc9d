//! Bounded fuzzing of the readers (issue 18): arbitrary bytes and
//! structured mutations of the tiny fixture and the sample plan.toml go
//! through `load_dataset` and `load_config`. Whatever the bytes, reading
//! must end in a dataset or a list of problems, never a panic, and a
//! dataset that passes holds only finite values within the model's limits.
//! The case counts keep this to a few seconds of `cargo test`.

use std::path::Path;

use proptest::prelude::*;

use super::*;

/// Cases per property in `cargo test`; `TPLAN_FUZZ_CASES` runs more.
fn cases() -> u32 {
    std::env::var("TPLAN_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(512)
}

/// Cells a hostile user would type, spliced into real files.
const HOSTILE: [&str; 16] = [
    "1e308",
    "-1e308",
    "NaN",
    "inf",
    "\0",
    "\"",
    "\"\"\"",
    ",",
    ";",
    "\n",
    "\r\n",
    "=1+1",
    "99999999999999999999999999",
    "2027-02-30",
    "\u{feff}",
    "é",
];

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(name)).unwrap()
}

/// Apply (position, insert, delete) edits to `base`.
fn mutate(base: &[u8], edits: &[(usize, Vec<u8>, usize)]) -> Vec<u8> {
    let mut bytes = base.to_vec();
    for (at, insert, delete) in edits {
        let at = at % (bytes.len() + 1);
        let end = (at + delete).min(bytes.len());
        bytes.splice(at..end, insert.iter().copied());
    }
    bytes
}

fn edit() -> impl Strategy<Value = (usize, Vec<u8>, usize)> {
    let insert = prop_oneof![
        proptest::sample::select(&HOSTILE[..]).prop_map(|s| s.as_bytes().to_vec()),
        proptest::collection::vec(any::<u8>(), 0..4),
    ];
    (any::<usize>(), insert, 0usize..6)
}

/// Load a folder of the given files; must not panic. A dataset that loads
/// has finite values within the limits.
fn load_must_not_panic(accounts: &[u8], reps: &[u8], config: Option<&[u8]>) {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join(ACCOUNTS_FILE), accounts).unwrap();
    std::fs::write(tmp.path().join(REPS_FILE), reps).unwrap();
    if let Some(config) = config {
        std::fs::write(tmp.path().join(CONFIG_FILE), config).unwrap();
    }
    if let Ok(loaded) = load_dataset(tmp.path(), None) {
        for a in &loaded.dataset.accounts {
            assert!(a.potential.is_finite() && a.potential <= MAX_MONEY, "{a:?}");
            assert!(
                a.workload.is_finite() && a.workload <= MAX_WORKLOAD_HOURS,
                "{a:?}"
            );
            assert!(!a.id.contains('\0'), "{a:?}");
        }
        for r in &loaded.dataset.reps {
            assert!(
                r.capacity.is_finite() && r.capacity <= MAX_CAPACITY,
                "{r:?}"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn arbitrary_bytes_as_csv_files(accounts in proptest::collection::vec(any::<u8>(), 0..400),
                                    reps in proptest::collection::vec(any::<u8>(), 0..200)) {
        load_must_not_panic(&accounts, &reps, None);
    }

    #[test]
    fn mutated_fixture_csv_files(account_edits in proptest::collection::vec(edit(), 1..6),
                                 rep_edits in proptest::collection::vec(edit(), 0..4)) {
        let accounts = mutate(&fixture("tests/fixtures/tiny/accounts.csv"), &account_edits);
        let reps = mutate(&fixture("tests/fixtures/tiny/reps.csv"), &rep_edits);
        load_must_not_panic(&accounts, &reps, None);
    }

    #[test]
    fn mutated_sample_plan_toml(edits in proptest::collection::vec(edit(), 1..6)) {
        let config = mutate(&fixture("data/plan.toml"), &edits);
        load_must_not_panic(
            &fixture("tests/fixtures/tiny/accounts.csv"),
            &fixture("tests/fixtures/tiny/reps.csv"),
            Some(&config),
        );
    }

    #[test]
    fn arbitrary_text_as_plan_toml(text in "[a-z_\\[\\]=.\"0-9 \\n{},-]{0,200}") {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join(CONFIG_FILE);
        std::fs::write(&path, text).unwrap();
        let _ = load_config(&path);
    }
}
