//! Independent check of `tplan plan` outputs: the binary plans generated and
//! hand-made instances, and `common` re-reads the input CSV files and
//! `assignments.csv` on its own, checks every rule and every rep's balance,
//! and compares the plan's objective with the optimum of the full LP (every
//! eligible pair) that it builds and solves itself with good_lp + Clarabel.
//!
//! `TPLAN_SOLVER=highs` makes the planner use that backend; the
//! checker's own LP always uses Clarabel.

mod common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The single-owner plan must be within this share of the LP optimum.
const MAX_GAP: f64 = 0.01;

/// The sample's limit with the default solver: the best of its 16
/// roundings was 0.61 % above the LP optimum, where the two plain ones
/// reached 0.91 % (session 5), so losing the extra roundings fails here.
/// Since its three reps starting in February-April are balanced on the
/// months they work (issue 17) the instance is a different one, and its
/// best rounding is 0.76 % above its LP optimum: the limit is 0.80 %.
/// Other backends round from another optimal vertex: the general limit.
fn sample_max_gap() -> f64 {
    match std::env::var("TPLAN_SOLVER").as_deref() {
        Ok("") | Ok("clarabel") | Err(_) => 0.0080,
        Ok(_) => MAX_GAP,
    }
}

fn tplan(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tplan"))
        .args(args)
        .output()
        .expect("run tplan")
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// `tplan plan input --out out [--solver $TPLAN_SOLVER]`, asserting success.
fn plan(input: &Path, out: &Path) {
    let mut args = vec!["plan", path_str(input), "--out", path_str(out)];
    let solver = std::env::var("TPLAN_SOLVER").unwrap_or_default();
    if !solver.is_empty() {
        args.extend(["--solver", solver.as_str()]);
    }
    let o = tplan(&args);
    assert!(
        o.status.success(),
        "tplan plan {} failed ({}):\n{}\n{}",
        input.display(),
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

fn generate(accounts: usize, reps: usize, seed: u64, out: &Path) {
    let o = tplan(&[
        "generate",
        "--accounts",
        &accounts.to_string(),
        "--reps",
        &reps.to_string(),
        "--seed",
        &seed.to_string(),
        "--out",
        path_str(out),
    ]);
    assert!(
        o.status.success(),
        "tplan generate failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn check_generated(accounts: usize, reps: usize, seed: u64) {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("input");
    let out = tmp.path().join("out");
    generate(accounts, reps, seed, &input);
    plan(&input, &out);
    let report = common::check_folder(&input, &out, true, MAX_GAP);
    eprintln!(
        "{accounts} x {reps} seed {seed}: objective {:.0}, LP optimum {:.0}, gap {:.3} %",
        report.objective,
        report.lp_optimum.unwrap(),
        100.0 * report.gap().unwrap()
    );
}

#[test]
fn generated_300_accounts_8_reps() {
    check_generated(300, 8, 1);
}

#[test]
fn generated_600_accounts_12_reps() {
    check_generated(600, 12, 2);
}

#[test]
fn generated_400_accounts_10_reps() {
    check_generated(400, 10, 3);
}

/// The shipped sample data: rules, balance and the full LP (about 33,000
/// eligible pairs, a few seconds with Clarabel).
#[test]
fn sample_data() {
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data");
    if !data.join("accounts.csv").exists() {
        eprintln!("no data/accounts.csv: skipped");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    plan(&data, &out);
    let report = common::check_folder(&data, &out, true, sample_max_gap());
    eprintln!(
        "data/: objective {:.0}, LP optimum {:.0}, gap {:.3} %",
        report.objective,
        report.lp_optimum.unwrap(),
        100.0 * report.gap().unwrap()
    );
}

/// Metro centres of the lower 48 (lat, lon) for the hand-made instance.
const METROS: [(f64, f64); 12] = [
    (47.61, -122.33), // Seattle
    (45.52, -122.68), // Portland
    (37.77, -122.42), // San Francisco
    (34.05, -118.24), // Los Angeles
    (33.45, -112.07), // Phoenix
    (39.74, -104.99), // Denver
    (32.78, -96.80),  // Dallas
    (41.88, -87.63),  // Chicago
    (33.75, -84.39),  // Atlanta
    (40.71, -74.01),  // New York
    (42.36, -71.06),  // Boston
    (25.76, -80.19),  // Miami
];

/// A hand-made instance with an SMB rep in Honolulu among mainland SMB
/// reps, mainland MM reps, and no account in Hawaii: balance forces the
/// Honolulu rep to take mainland accounts (a fixed k-nearest candidate set
/// would never offer them).
fn write_honolulu_instance(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let mut accounts =
        String::from("account_id,lat,lon,potential,workload,segment,current_owner,locked\n");
    for i in 0..360 {
        let (lat, lon) = METROS[rng.gen_range(0..METROS.len())];
        let lat = lat + rng.gen_range(-0.8..0.8);
        let lon = lon + rng.gen_range(-0.8..0.8);
        let segment = if i % 4 == 0 { "MM" } else { "SMB" };
        // Heavy-ish tail, capped well below one rep's fair share.
        let u: f64 = rng.gen_range(0.0..1.0);
        let base = if segment == "MM" { 300_000.0 } else { 60_000.0 };
        let potential = (base * (0.3 + 2.0 * u * u * u)).round();
        let workload = if i % 3 == 0 {
            String::new() // segment default
        } else {
            format!("{:.1}", rng.gen_range(10.0..80.0))
        };
        writeln!(
            accounts,
            "H{i:04},{lat:.5},{lon:.5},{potential:.2},{workload},{segment},,false"
        )
        .unwrap();
    }
    std::fs::write(dir.join("accounts.csv"), accounts).unwrap();
    let reps = "rep_id,lat,lon,segment,capacity\n\
                S01,47.61,-122.33,SMB,1\n\
                S02,37.77,-122.42,SMB,1\n\
                S03,34.05,-118.24,SMB,1.5\n\
                S04,39.74,-104.99,SMB,1\n\
                S05,41.88,-87.63,SMB,1\n\
                S06,40.71,-74.01,SMB,1\n\
                S07,33.75,-84.39,SMB,0.5\n\
                HNL,21.30,-157.86,SMB,1\n\
                M01,37.77,-122.42,MM,1\n\
                M02,41.88,-87.63,MM,1\n\
                M03,40.71,-74.01,MM,1\n";
    std::fs::write(dir.join("reps.csv"), reps).unwrap();
}

#[test]
fn honolulu_rep_gets_mainland_accounts_and_balance() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("input");
    let out = tmp.path().join("out");
    write_honolulu_instance(&input);
    plan(&input, &out);
    let report = common::check_folder(&input, &out, true, MAX_GAP);

    let hnl = report.balance.iter().find(|b| b.rep == "HNL").unwrap();
    assert!(
        hnl.potential > 0.9 * hnl.potential_target,
        "Honolulu rep holds {} of a {} target",
        hnl.potential,
        hnl.potential_target
    );
    let inst = common::read_instance(&input);
    let rows = common::read_assignments(&out);
    let owner = common::owners_from_rows(&inst, &rows).unwrap();
    let hnl_index = inst.reps.iter().position(|r| r.id == "HNL").unwrap();
    let hnl_accounts: Vec<_> = owner
        .iter()
        .enumerate()
        .filter(|(_, &r)| r == hnl_index)
        .map(|(i, _)| &inst.accounts[i])
        .collect();
    assert!(!hnl_accounts.is_empty());
    assert!(hnl_accounts
        .iter()
        .all(|a| a.lon > -125.0 && a.segment.as_deref() == Some("SMB")));
    eprintln!(
        "honolulu: {} accounts for HNL, objective {:.0}, LP optimum {:.0}, gap {:.3} %",
        hnl_accounts.len(),
        report.objective,
        report.lp_optimum.unwrap(),
        100.0 * report.gap().unwrap()
    );
}

/// The checker itself: an obviously unbalanced plan (everything to the
/// nearest rep) must be caught, and its haversine must match a reference.
#[test]
fn checker_catches_a_bad_plan() {
    let d = common::haversine(40.6413, -73.7781, 33.9416, -118.4085);
    assert!((d - 3974.2).abs() < 1.0, "JFK-LAX {d}");

    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("input");
    write_honolulu_instance(&input);
    let inst = common::read_instance(&input);
    let nearest: Vec<usize> = inst
        .accounts
        .iter()
        .enumerate()
        .map(|(i, a)| {
            (0..inst.reps.len())
                .filter(|&r| common::eligible(&inst, i, r))
                .min_by(|&r, &s| {
                    let dr = common::haversine(a.lat, a.lon, inst.reps[r].lat, inst.reps[r].lon);
                    let ds = common::haversine(a.lat, a.lon, inst.reps[s].lat, inst.reps[s].lon);
                    dr.total_cmp(&ds)
                })
                .unwrap()
        })
        .collect();
    assert!(common::rule_violations(&inst, &nearest).is_empty());
    let broken = common::balance_violations(&inst, &nearest);
    assert!(
        broken.iter().any(|l| l.starts_with("rep HNL:")),
        "{broken:?}"
    );
    // Without balance rows every account goes to its nearest eligible rep,
    // so that plan's objective can only be at or below the LP optimum.
    let lp = common::full_lp_optimum(&inst).unwrap();
    assert!(common::objective(&inst, &nearest) <= lp * (1.0 + 1e-9));

    // Duplicate and unknown ids are caught.
    let mut rows: Vec<(String, String)> = inst
        .accounts
        .iter()
        .zip(&nearest)
        .map(|(a, &r)| (a.id.clone(), inst.reps[r].id.clone()))
        .collect();
    rows.push(rows[0].clone());
    rows[1].1 = "NOPE".to_string();
    let err = common::owners_from_rows(&inst, &rows).unwrap_err();
    assert!(err.contains("more than once"), "{err}");
    assert!(err.contains("unknown rep 'NOPE'"), "{err}");
    assert!(err.contains("not assigned"), "{err}");
}
