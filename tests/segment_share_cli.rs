//! `[[segment_share]]` end to end on `tests/fixtures/shares` (96 MM and 48
//! ENT accounts in eight eastern and southern cities; MM reps M1 and M2,
//! ENT reps E1 and E2, hybrid MM;ENT reps H1 and H2). With H1 at 75 % ENT
//! and H2 at 25 % ENT, each hybrid's accounts of a segment must hold its
//! share of capacity times that segment's potential per FTE, recomputed
//! here from the fixture and assignments.csv alone; without the rule the
//! hybrids are only balanced in total against each other and the parts
//! are far off.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::read_table;

const TOLERANCES: &str = "[balance]\npotential_tolerance = 0.1\nworkload_tolerance = 0.2\n";

/// TOLERANCES with H1 at 75 % ENT and H2 at 25 % ENT (shared with
/// tests/rebalance_cli.rs).
fn shares_config() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/shares_plan.toml");
    fs::read_to_string(path).unwrap()
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/shares")
}

fn tplan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tplan"))
        .args(args)
        .output()
        .unwrap()
}

fn plan_with(config: &str) -> (Output, PathBuf, tempfile::TempDir) {
    common::plan_with_config(&fixture(), config)
}

/// (account id -> (segment, potential)).
fn accounts() -> BTreeMap<String, (String, f64)> {
    read_table(&fixture().join("accounts.csv"))
        .into_iter()
        .map(|row| {
            (
                row["account_id"].clone(),
                (row["segment"].clone(), row["potential"].parse().unwrap()),
            )
        })
        .collect()
}

fn owners(out: &Path) -> BTreeMap<String, String> {
    read_table(&out.join("assignments.csv"))
        .into_iter()
        .map(|row| (row["account_id"].clone(), row["rep_id"].clone()))
        .collect()
}

/// Capacity per (rep, segment) as the rule splits it; whole reps cover one
/// segment with their full FTE.
fn parts() -> Vec<(&'static str, &'static str, f64)> {
    vec![
        ("M1", "MM", 1.0),
        ("M2", "MM", 1.0),
        ("E1", "ENT", 1.0),
        ("E2", "ENT", 1.0),
        ("H1", "ENT", 0.75),
        ("H1", "MM", 0.25),
        ("H2", "ENT", 0.25),
        ("H2", "MM", 0.75),
    ]
}

/// Potential deviation of every (rep, segment) part from its capacity
/// times the segment's potential per FTE.
fn part_deviations(out: &Path) -> BTreeMap<(String, String), f64> {
    let accounts = accounts();
    let owners = owners(out);
    let mut held: HashMap<(String, String), f64> = HashMap::new();
    let mut segment_total: HashMap<String, f64> = HashMap::new();
    for (id, (segment, potential)) in &accounts {
        *held
            .entry((owners[id].clone(), segment.clone()))
            .or_default() += potential;
        *segment_total.entry(segment.clone()).or_default() += potential;
    }
    let mut segment_fte: HashMap<&str, f64> = HashMap::new();
    for (_, segment, fte) in parts() {
        *segment_fte.entry(segment).or_default() += fte;
    }
    parts()
        .into_iter()
        .map(|(rep, segment, fte)| {
            let target = fte * segment_total[segment] / segment_fte[segment];
            let load = held
                .get(&(rep.to_string(), segment.to_string()))
                .copied()
                .unwrap_or(0.0);
            ((rep.to_string(), segment.to_string()), load / target - 1.0)
        })
        .collect()
}

#[test]
fn each_part_holds_its_share_of_its_segment() {
    let (output, out, _tmp) = plan_with(&shares_config());
    assert!(output.status.success(), "{output:?}");
    for ((rep, segment), dev) in part_deviations(&out) {
        assert!(
            dev.abs() <= 0.1 + 1e-9,
            "{rep} {segment}: potential {:+.2} % of its share",
            dev * 100.0
        );
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("segment shares: 4 part(s) of 2 hybrid rep(s), 0 outside tolerance"),
        "{stdout}"
    );
}

#[test]
fn without_the_rule_the_hybrids_split_their_time_otherwise() {
    let (output, out, _tmp) = plan_with(TOLERANCES);
    assert!(output.status.success(), "{output:?}");
    assert!(!out.join("segment_shares.csv").exists());
    let devs = part_deviations(&out);
    let worst = devs
        .iter()
        .filter(|((rep, _), _)| rep.starts_with('H'))
        .map(|(_, d)| d.abs())
        .fold(0.0, f64::max);
    assert!(
        worst > 0.5,
        "a hybrid part should be far from a share it was never given: {devs:?}"
    );
}

#[test]
fn segment_shares_csv_and_territories_agree_with_the_assignments() {
    let (output, out, _tmp) = plan_with(&shares_config());
    assert!(output.status.success(), "{output:?}");
    let rows = read_table(&out.join("segment_shares.csv"));
    let keys: Vec<(String, String, String)> = rows
        .iter()
        .map(|r| {
            (
                r["rep_id"].clone(),
                r["segment"].clone(),
                r["share"].clone(),
            )
        })
        .collect();
    let expected: Vec<(String, String, String)> = [
        ("H1", "ENT", "0.7500"),
        ("H1", "MM", "0.2500"),
        ("H2", "ENT", "0.2500"),
        ("H2", "MM", "0.7500"),
    ]
    .iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .collect();
    assert_eq!(keys, expected);
    let devs = part_deviations(&out);
    for r in &rows {
        let dev = devs[&(r["rep_id"].clone(), r["segment"].clone())];
        let written: f64 = r["potential_dev_pct"].parse().unwrap();
        assert!(
            (written - dev * 100.0).abs() < 0.006,
            "{r:?} vs {:.4}",
            dev * 100.0
        );
        assert_eq!(r["within_tolerance"], "true");
    }
    // territories.csv: a split rep is the sum of its parts.
    let territories = read_table(&out.join("territories.csv"));
    for rep in ["H1", "H2"] {
        let t = territories.iter().find(|t| t["rep_id"] == rep).unwrap();
        assert_eq!(t["group"], "ENT + MM");
        let of_rep: Vec<&HashMap<String, String>> =
            rows.iter().filter(|r| r["rep_id"] == rep).collect();
        let sum = |k: &str| -> f64 { of_rep.iter().map(|r| r[k].parse::<f64>().unwrap()).sum() };
        let num = |k: &str| -> f64 { t[k].parse().unwrap() };
        assert!((num("potential") - sum("potential")).abs() < 0.02);
        assert!((num("potential_target") - sum("potential_target")).abs() < 0.02);
        let accounts: usize = of_rep
            .iter()
            .map(|r| r["accounts"].parse::<usize>().unwrap())
            .sum();
        assert_eq!(t["accounts"], accounts.to_string());
        assert_eq!(t["within_tolerance"], "true");
    }
    // The review page shows the parts.
    let report = tplan(&["report", out.to_str().unwrap()]);
    assert!(report.status.success(), "{report:?}");
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("Segment shares of hybrid reps"));
    assert!(html.contains("href=\"segment_shares.csv\""));
}

#[test]
fn explain_names_the_part_of_a_split_rep() {
    let (output, out, _tmp) = plan_with(&shares_config());
    assert!(output.status.success(), "{output:?}");
    let accounts = accounts();
    let owners = owners(&out);
    let (id, _) = accounts
        .iter()
        .find(|(id, (segment, _))| segment == "ENT" && owners[*id] == "H2")
        .expect("H2 holds ENT accounts");
    let explained = tplan(&["explain", out.to_str().unwrap(), id]);
    assert!(explained.status.success(), "{explained:?}");
    let text = String::from_utf8_lossy(&explained.stdout);
    assert!(text.contains("owner in the plan: H2[ENT]"), "{text}");
    assert!(text.contains("balance group ENT: 4"), "{text}");
}

#[test]
fn shares_that_do_not_add_up_are_refused_with_file_and_line() {
    let config = format!(
        "{TOLERANCES}\n[[segment_share]]\nname = \"off\"\nreps = [\"H1\"]\nshares = {{ ENT = 0.7, MM = 0.2 }}\n"
    );
    let (output, out, tmp) = plan_with(&config);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(!out.exists());
    let stderr = String::from_utf8_lossy(&output.stderr);
    let line = format!(
        "{}:8: column 'segment_share[0].shares': value '0.9': expected shares that add up to 1 (this is their sum)",
        tmp.path().join("plan.toml").display()
    );
    assert!(stderr.contains(&line), "{stderr}");
}

#[test]
fn a_rep_whose_segments_differ_from_the_shares_is_refused() {
    let config = format!(
        "{TOLERANCES}\n[[segment_share]]\nname = \"wrong\"\nreps = [\"H1\", \"M1\"]\nshares = {{ ENT = 0.5, MM = 0.5 }}\n"
    );
    let (output, _out, _tmp) = plan_with(&config);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("M1 covers MM: expected a share for exactly the segments the rep covers"),
        "{stderr}"
    );
}

#[test]
fn an_infeasible_share_is_named_with_its_rule() {
    // Three ENT accounts pinned to H1, whose ENT part is 5 % of an FTE.
    let config = format!(
        "{TOLERANCES}\n[[named]]\nname = \"boston-keys\"\nrep = \"H1\"\naccounts = [\"S099\", \"S100\", \"S101\"]\n\n\
         [[segment_share]]\nname = \"tiny-ent\"\nreps = [\"H1\"]\nshares = {{ ENT = 0.05, MM = 0.95 }}\n"
    );
    let (output, out, _tmp) = plan_with(&config);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(!out.exists());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("rep H1[ENT] (covers ENT, 0.05 FTE)"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "H1[ENT] is the ENT part of H1: [[segment_share]] 'tiny-ent' gives it 5 % of its 1 FTE"
        ),
        "{stderr}"
    );
}

#[test]
fn validate_lists_each_split() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = tmp.path().join("plan.toml");
    fs::write(&cfg, shares_config()).unwrap();
    let output = tplan(&[
        "validate",
        fixture().to_str().unwrap(),
        "--config",
        cfg.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    for line in [
        "rule enterprise-first: segment shares ENT 75 % / MM 25 % for 1 rep(s) (H1)",
        "rule midmarket-first: segment shares ENT 25 % / MM 75 % for 1 rep(s) (H2)",
    ] {
        assert!(stdout.contains(line), "{stdout}");
    }
}
