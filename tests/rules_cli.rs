//! Territory rules of plan.toml end to end on `tests/fixtures/rules` (48
//! SMB accounts in five Midwest states, four reps in two regions): each
//! rule changes the plan in a way checked here from the input files and
//! assignments.csv alone, against the same run without the rule. Conflicts
//! must name the rules and entities involved, with file and line.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::Output;

use common::{haversine, read_table};

/// Looser than the defaults: 48 lumpy accounts over four reps, and each
/// rule below narrows the choice further.
const LOOSE: &str = "[balance]\npotential_tolerance = 0.2\nworkload_tolerance = 0.3\n";

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules")
}

fn plan_with(config: &str) -> (Output, PathBuf, tempfile::TempDir) {
    common::plan_with_config(&fixture(), config)
}

struct Account {
    lat: f64,
    lon: f64,
    industry: String,
    state: String,
}

struct Fixture {
    accounts: BTreeMap<String, Account>,
    reps: BTreeMap<String, (f64, f64)>,
}

fn read_fixture() -> Fixture {
    let num = |row: &HashMap<String, String>, k: &str| row[k].parse::<f64>().unwrap();
    let accounts = read_table(&fixture().join("accounts.csv"))
        .into_iter()
        .map(|row| {
            (
                row["account_id"].clone(),
                Account {
                    lat: num(&row, "lat"),
                    lon: num(&row, "lon"),
                    industry: row["industry"].clone(),
                    state: row["state"].clone(),
                },
            )
        })
        .collect();
    let reps = read_table(&fixture().join("reps.csv"))
        .into_iter()
        .map(|row| (row["rep_id"].clone(), (num(&row, "lat"), num(&row, "lon"))))
        .collect();
    Fixture { accounts, reps }
}

/// account_id -> (rep_id, reason) from assignments.csv.
fn owners(out: &Path) -> BTreeMap<String, (String, String)> {
    read_table(&out.join("assignments.csv"))
        .into_iter()
        .map(|row| {
            (
                row["account_id"].clone(),
                (row["rep_id"].clone(), row["reason"].clone()),
            )
        })
        .collect()
}

fn km(f: &Fixture, account: &str, rep: &str) -> f64 {
    let a = &f.accounts[account];
    let (lat, lon) = f.reps[rep];
    haversine(a.lat, a.lon, lat, lon)
}

fn planned(config: &str) -> BTreeMap<String, (String, String)> {
    let (output, out, _tmp) = plan_with(config);
    assert!(
        output.status.success(),
        "config:\n{config}\nstderr:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let o = owners(&out);
    assert_eq!(o.len(), 48, "every account once");
    o
}

fn count_of(owners: &BTreeMap<String, (String, String)>, rep: &str) -> usize {
    owners.values().filter(|(r, _)| r == rep).count()
}

#[test]
fn named_list_pins_the_account_and_says_so() {
    let base = planned(LOOSE);
    assert_eq!(
        base["B017"].0, "R1",
        "Chicago's own account goes to Chicago"
    );
    let config = format!(
        "{LOOSE}\n[[named]]\nname = \"detroit-keys\"\nrep = \"R4\"\naccounts = [\"B017\"]\n"
    );
    let pinned = planned(&config);
    assert_eq!(pinned["B017"], ("R4".to_string(), "named".to_string()));
}

#[test]
fn restriction_by_column_keeps_a_team_to_its_states() {
    let f = read_fixture();
    let east = |o: &BTreeMap<String, (String, String)>| -> Vec<String> {
        o.iter()
            .filter(|(_, (r, _))| r == "R3" || r == "R4")
            .map(|(a, _)| f.accounts[a].state.clone())
            .filter(|s| s != "IN" && s != "MI" && s != "OH")
            .collect()
    };
    let base = planned(LOOSE);
    assert!(
        !east(&base).is_empty(),
        "without the rule the East reps take some Illinois or Wisconsin accounts"
    );
    let config = format!(
        "{LOOSE}\n[[restrict]]\nname = \"east-states\"\nregion = \"East\"\ncolumn = \"state\"\n\
         values = [\"IN\", \"MI\", \"OH\"]\n"
    );
    assert_eq!(east(&planned(&config)), Vec::<String>::new());
}

#[test]
fn radius_restriction_and_distance_limit_bound_the_distance() {
    let f = read_fixture();
    let farthest = |o: &BTreeMap<String, (String, String)>, rep: &str| {
        o.iter()
            .filter(|(_, (r, _))| r == rep)
            .map(|(a, _)| km(&f, a, rep))
            .fold(0.0, f64::max)
    };
    let base = planned(LOOSE);
    assert!(farthest(&base, "R2") > 140.0);
    assert!(farthest(&base, "R4") > 265.0);

    let radius = format!(
        "{LOOSE}\n[[restrict]]\nname = \"milwaukee-radius\"\nreps = [\"R2\"]\nradius_km = 140\n"
    );
    assert!(farthest(&planned(&radius), "R2") <= 140.0);

    let limit = format!(
        "{LOOSE}\n[[limits]]\nname = \"detroit-reach\"\nreps = [\"R4\"]\nmax_distance_km = 265\n"
    );
    assert!(farthest(&planned(&limit), "R4") <= 265.0);
}

#[test]
fn preference_draws_matching_accounts_to_the_specialist() {
    let f = read_fixture();
    let healthcare_at_r3 = |o: &BTreeMap<String, (String, String)>| {
        o.iter()
            .filter(|(a, (r, _))| r == "R3" && f.accounts[*a].industry == "Healthcare")
            .count()
    };
    let base = planned(LOOSE);
    let config = format!(
        "{LOOSE}\n[[prefer]]\nname = \"healthcare-specialist\"\nreps = [\"R3\"]\n\
         values = [\"Healthcare\"]\nbonus_km = 300\n"
    );
    let preferred = planned(&config);
    assert!(
        healthcare_at_r3(&preferred) > healthcare_at_r3(&base),
        "{} vs {}",
        healthcare_at_r3(&preferred),
        healthcare_at_r3(&base)
    );
    let by_rule: Vec<&String> = preferred
        .iter()
        .filter(|(_, (_, why))| why == "rule:healthcare-specialist")
        .map(|(a, _)| a)
        .collect();
    assert!(!by_rule.is_empty());
    for a in by_rule {
        assert_eq!(preferred[a].0, "R3");
        assert_eq!(f.accounts[a].industry, "Healthcare");
    }
}

#[test]
fn max_accounts_caps_a_rep() {
    let base = planned(LOOSE);
    assert!(count_of(&base, "R1") > 9, "{}", count_of(&base, "R1"));
    let config =
        format!("{LOOSE}\n[[limits]]\nname = \"chicago-cap\"\nreps = [\"R1\"]\nmax_accounts = 9\n");
    assert!(count_of(&planned(&config), "R1") <= 9);
}

#[test]
fn account_count_balance() {
    let spread = |o: &BTreeMap<String, (String, String)>| {
        let counts: Vec<usize> = ["R1", "R2", "R3", "R4"]
            .iter()
            .map(|r| count_of(o, r))
            .collect();
        *counts.iter().max().unwrap() - *counts.iter().min().unwrap()
    };
    assert!(spread(&planned(LOOSE)) >= 3);
    // 48 accounts, four 1.0-FTE reps: 12 each, and ±5 % of 12 is ±0.6.
    let config = format!("{LOOSE}account_tolerance = 0.05\n");
    let even = planned(&config);
    for r in ["R1", "R2", "R3", "R4"] {
        assert_eq!(count_of(&even, r), 12, "{r}");
    }
}

#[test]
fn region_groups_balance_within_regions_and_region_tolerance_between_them() {
    // potential per account, from the fixture
    let pot: BTreeMap<String, f64> = read_table(&fixture().join("accounts.csv"))
        .into_iter()
        .map(|row| (row["account_id"].clone(), row["potential"].parse().unwrap()))
        .collect();
    let loads = |o: &BTreeMap<String, (String, String)>| -> BTreeMap<String, f64> {
        let mut m = BTreeMap::new();
        for (a, (r, _)) in o {
            *m.entry(r.clone()).or_insert(0.0) += pot[a];
        }
        m
    };
    let config = format!("{LOOSE}groups = \"region\"\n");
    let l = loads(&planned(&config));
    // Within each region, each rep within ±20 % of its region's mean.
    for (a, b) in [("R1", "R2"), ("R3", "R4")] {
        let mean = (l[a] + l[b]) / 2.0;
        for r in [a, b] {
            assert!((l[r] / mean - 1.0).abs() <= 0.2 + 1e-9, "{r}: {l:?}");
        }
    }
    let central = l["R1"] + l["R2"];
    let east = l["R3"] + l["R4"];
    assert!(
        (central / east - 1.0).abs() > 0.1,
        "without region_tolerance the regions differ: {l:?}"
    );
    let config = format!("{LOOSE}groups = \"region\"\nregion_tolerance = 0.02\n");
    let l = loads(&planned(&config));
    let total: f64 = l.values().sum();
    for (a, b) in [("R1", "R2"), ("R3", "R4")] {
        let region = l[a] + l[b];
        assert!(
            (region / (total / 2.0) - 1.0).abs() <= 0.02 + 1e-9,
            "{a}+{b}: {l:?}"
        );
    }
}

fn refused(config: &str) -> String {
    let (output, out, _tmp) = plan_with(config);
    assert_eq!(output.status.code(), Some(1), "config:\n{config}");
    assert!(!out.exists(), "no output folder for a refused plan");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn named_account_that_a_restriction_forbids_is_a_named_conflict() {
    let config = "[[named]]\nname = \"detroit-keys\"\nrep = \"R4\"\naccounts = [\"B001\"]\n\n\
                  [[restrict]]\nname = \"east-states\"\nregion = \"East\"\ncolumn = \"state\"\n\
                  values = [\"IN\", \"MI\", \"OH\"]\n";
    let err = refused(config);
    assert!(
        err.contains(
            "plan.toml:2: column 'rule:detroit-keys': value 'B001': conflicting rules: named list \
             'detroit-keys' pins it to R4, but rule 'east-states' forbids R4 for it"
        ),
        "{err}"
    );
}

#[test]
fn account_no_rep_may_own_names_every_rule() {
    let config = "[[restrict]]\nname = \"east-states\"\nregion = \"East\"\ncolumn = \"state\"\n\
                  values = [\"IN\", \"MI\", \"OH\"]\n\n\
                  [[restrict]]\nname = \"central-local\"\nregion = \"Central\"\nradius_km = 100\n";
    let err = refused(config);
    // B003 is in Peoria, IL: East may not cover Illinois, and Peoria is
    // more than 100 km from both Chicago and Milwaukee.
    assert!(
        err.contains(
            "value 'B003': conflicting rules: no rep may own this account (segment SMB): rule \
             'central-local' excludes R1, R2; rule 'east-states' excludes R3, R4"
        ),
        "{err}"
    );
}

#[test]
fn unknown_names_in_rules_point_at_the_key() {
    let config = "[[limits]]\nname = \"cap\"\nreps = [\"R9\"]\nmax_accounts = 5\n\n\
                  [[prefer]]\nname = \"p\"\nreps = [\"R1\"]\ncolumn = \"vertical\"\n\
                  values = [\"x\"]\nbonus_km = 10\n";
    let err = refused(config);
    assert!(
        err.contains(
            "plan.toml:3: column 'limits[0].reps': value 'R9': unknown rep: expected a rep_id \
             from reps.csv"
        ),
        "{err}"
    );
    assert!(
        err.contains("plan.toml:9: column 'prefer[0].column': value 'vertical': accounts.csv has no such column"),
        "{err}"
    );
}

#[test]
fn limits_that_balance_cannot_meet_are_explained_by_rule() {
    let config = "[[limits]]\nname = \"tight\"\nmax_accounts = 10\n";
    let err = refused(config);
    assert!(err.contains("no feasible plan"), "{err}");
    assert!(err.contains("limit of rule 'tight'"), "{err}");
}

#[test]
fn regions_that_restrictions_keep_apart_are_named_with_region_tolerance() {
    let config = "[balance]\ngroups = \"region\"\nregion_tolerance = 0.01\n\n\
                  [[restrict]]\nname = \"east-in\"\nregion = \"East\"\ncolumn = \"state\"\n\
                  values = [\"IN\", \"MI\"]\n\n\
                  [[restrict]]\nname = \"central-il\"\nregion = \"Central\"\ncolumn = \"state\"\n\
                  values = [\"IL\", \"WI\", \"OH\"]\n";
    let err = refused(config);
    assert!(err.contains("regions ±1%"), "{err}");
    // The amount is the feasibility LP's slack: checked for its wording,
    // not its digits.
    assert!(
        err.contains("region group SMB@East stays at least "),
        "{err}"
    );
    assert!(
        err.contains(
            "of potential below its share of all SMB reps ([balance] region_tolerance = 0.01)"
        ),
        "{err}"
    );
    assert!(err.contains("raise [balance] region_tolerance"), "{err}");
}
