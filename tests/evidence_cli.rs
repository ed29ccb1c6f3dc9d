//! `comparison.csv` (status quo vs distance-only vs balanced) and
//! `hierarchy.csv` (region and manager roll-ups) end to end, on
//! `tests/fixtures/hierarchy`: the tiny accounts with reps whose managers
//! span regions and some of whom have no region or no manager. Every
//! figure is recomputed here from the input files and assignments.csv with
//! the independent checker in `tests/common`, not taken from tplan.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{haversine, Instance};

const COMPARISON_HEADER: &str = "plan,accounts_assigned,max_potential_deviation_pct,\
max_workload_deviation_pct,reps_outside_tolerance,total_distance_km,weighted_distance,\
mean_km_per_account,moved_accounts,moved_potential";

const HIERARCHY_HEADER: &str = "level,name,region,reps,fte,accounts,potential,workload,\
potential_per_fte,workload_per_fte,potential_share_pct,fte_share_pct,potential_index,\
max_rep_potential_deviation_pct,reps_outside_tolerance,weighted_distance";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn tplan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tplan"))
        .args(args)
        .output()
        .expect("run tplan")
}

fn ok(o: &Output) -> String {
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        o.status.success(),
        "exit {:?}\nstdout:\n{out}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

fn plan(input: &Path, out: &Path) -> String {
    ok(&tplan(&[
        "plan",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]))
}

/// A CSV file as its header and rows of (column -> text).
fn table(path: &Path) -> (String, Vec<BTreeMap<String, String>>) {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header = text.lines().next().unwrap().to_string();
    let mut r = csv::Reader::from_path(path).unwrap();
    let names: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|rec| {
            let rec = rec.unwrap();
            names
                .iter()
                .cloned()
                .zip(rec.iter().map(str::to_string))
                .collect()
        })
        .collect();
    (header, rows)
}

fn num(row: &BTreeMap<String, String>, col: &str) -> f64 {
    row[col]
        .parse()
        .unwrap_or_else(|_| panic!("{col} = '{}' in {row:?}", row[col]))
}

fn close(a: f64, b: f64, tol: f64, what: &str) {
    assert!((a - b).abs() <= tol, "{what}: {a} vs {b}");
}

/// Largest |potential| and |workload| deviation over reps, percent.
fn max_devs(inst: &Instance, owner: &[usize]) -> (f64, f64) {
    common::balance(inst, owner)
        .iter()
        .fold((0.0f64, 0.0f64), |(p, w), b| {
            (
                p.max(b.potential_dev().abs() * 100.0),
                w.max(b.workload_dev().abs() * 100.0),
            )
        })
}

/// (accounts, total km, potential x km, moved, moved potential) of a plan
/// that owns account `i` with `owner[i]` (None: not in the plan).
fn plan_figures(inst: &Instance, owner: &[Option<usize>]) -> (usize, f64, f64, usize, f64) {
    let mut f = (0, 0.0, 0.0, 0, 0.0);
    for (a, o) in inst.accounts.iter().zip(owner) {
        let Some(r) = *o else { continue };
        let rep = &inst.reps[r];
        let km = haversine(a.lat, a.lon, rep.lat, rep.lon);
        f.0 += 1;
        f.1 += km;
        f.2 += a.potential * km;
        if a.owner.as_deref().is_some_and(|o| o != rep.id) {
            f.3 += 1;
            f.4 += a.potential;
        }
    }
    f
}

fn rep_index(inst: &Instance, id: &str) -> usize {
    inst.reps.iter().position(|r| r.id == id).unwrap()
}

/// Nearest eligible rep of every account (ties to the first rep in file
/// order), computed here.
fn nearest(inst: &Instance) -> Vec<usize> {
    (0..inst.accounts.len())
        .map(|i| {
            let a = &inst.accounts[i];
            (0..inst.reps.len())
                .filter(|&r| common::eligible(inst, i, r))
                .map(|r| {
                    let rep = &inst.reps[r];
                    (haversine(a.lat, a.lon, rep.lat, rep.lon), r)
                })
                .fold((f64::INFINITY, usize::MAX), |best, x| {
                    if x.0 < best.0 {
                        x
                    } else {
                        best
                    }
                })
                .1
        })
        .collect()
}

#[test]
fn comparison_csv_matches_an_independent_recomputation() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let input = fixture("hierarchy");
    let stdout = plan(&input, &out);

    let (header, rows) = table(&out.join("comparison.csv"));
    assert_eq!(header, COMPARISON_HEADER);
    let names: Vec<&str> = rows.iter().map(|r| r["plan"].as_str()).collect();
    assert_eq!(names, ["status_quo", "nearest", "balanced"]);
    let [status_quo, near, balanced] = [&rows[0], &rows[1], &rows[2]];

    let inst = common::read_instance(&input);
    let planned = common::owners_from_rows(&inst, &common::read_assignments(&out)).unwrap();
    let current: Vec<Option<usize>> = inst
        .accounts
        .iter()
        .map(|a| a.owner.as_deref().map(|o| rep_index(&inst, o)))
        .collect();
    let nearest = nearest(&inst);
    let some = |o: &[usize]| o.iter().map(|&r| Some(r)).collect::<Vec<_>>();
    for (row, owner) in [
        (status_quo, current.clone()),
        (near, some(&nearest)),
        (balanced, some(&planned)),
    ] {
        let (n, km, pkm, moved, moved_pot) = plan_figures(&inst, &owner);
        let what = &row["plan"];
        assert_eq!(num(row, "accounts_assigned") as usize, n, "{what}");
        close(num(row, "total_distance_km"), km, 1e-3, what);
        close(num(row, "weighted_distance"), pkm, 1e-2, what);
        close(num(row, "mean_km_per_account"), km / n as f64, 1e-3, what);
        assert_eq!(num(row, "moved_accounts") as usize, moved, "{what}");
        close(num(row, "moved_potential"), moved_pot, 1e-2, what);
    }
    // A012 has no current owner: the status quo counts 11 accounts and
    // moves nothing.
    assert_eq!(status_quo["accounts_assigned"], "11");
    assert_eq!(status_quo["moved_accounts"], "0");

    // Balance of the two complete plans, recomputed.
    for (row, owner) in [(near, &nearest), (balanced, &planned)] {
        let (p, w) = max_devs(&inst, owner);
        close(
            num(row, "max_potential_deviation_pct"),
            p,
            0.006,
            &row["plan"],
        );
        close(
            num(row, "max_workload_deviation_pct"),
            w,
            0.006,
            &row["plan"],
        );
        let outside = common::balance_violations(&inst, owner).len();
        assert_eq!(
            num(row, "reps_outside_tolerance") as usize,
            outside,
            "{}",
            row["plan"]
        );
    }
    assert_eq!(balanced["reps_outside_tolerance"], "0");
    // Nearest minimises every account's km, so their sum too; and it is
    // out of balance on this fixture, which is why the plan moves away.
    assert!(num(near, "total_distance_km") <= num(balanced, "total_distance_km"));
    assert!(num(near, "weighted_distance") <= num(balanced, "weighted_distance"));
    assert!(num(near, "reps_outside_tolerance") > 0.0);

    // The balanced row is the plan in assignments.csv and the manifest.
    let (_, assignments) = table(&out.join("assignments.csv"));
    let moved = assignments.iter().filter(|r| r["moved"] == "true").count();
    assert_eq!(num(balanced, "moved_accounts") as usize, moved);
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["counts"]["moved"].as_u64(), Some(moved as u64));
    let plans = manifest["comparison"]
        .as_array()
        .expect("comparison section");
    assert_eq!(plans.len(), 3);
    for (m, row) in plans.iter().zip(&rows) {
        assert_eq!(m["plan"].as_str(), Some(row["plan"].as_str()));
        assert_eq!(
            m["moved_accounts"].as_u64(),
            Some(num(row, "moved_accounts") as u64)
        );
        close(
            m["moved_potential"].as_f64().unwrap(),
            num(row, "moved_potential"),
            0.006,
            "manifest moved_potential",
        );
    }
    let outputs: Vec<&str> = manifest["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["path"].as_str().unwrap())
        .collect();
    assert!(outputs.contains(&"comparison.csv"), "{outputs:?}");
    assert!(outputs.contains(&"hierarchy.csv"), "{outputs:?}");

    // The stdout summary has the three rows.
    for label in ["status quo", "nearest rep", "balanced"] {
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with(&format!("  {label} "))),
            "{label} in\n{stdout}"
        );
    }
    assert!(stdout.contains("(status quo: the 11 accounts with a current owner only)"));
}

/// Each rep's manager and region as written in reps.csv ("" when empty).
fn hierarchy_of(input: &Path) -> BTreeMap<String, (String, String)> {
    let (_, reps) = table(&input.join("reps.csv"));
    reps.into_iter()
        .map(|r| {
            (
                r["rep_id"].clone(),
                (r["manager"].clone(), r["region"].clone()),
            )
        })
        .collect()
}

#[test]
fn hierarchy_csv_rolls_up_the_assignments() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let input = fixture("hierarchy");
    let stdout = plan(&input, &out);

    let (header, rows) = table(&out.join("hierarchy.csv"));
    assert_eq!(header, HIERARCHY_HEADER);
    let keys: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["level"].as_str(),
                r["name"].as_str(),
                r["region"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        keys,
        [
            ("region", "(none)", "(none)"),
            ("region", "Central", "Central"),
            ("region", "East", "East"),
            ("manager", "(none)", "Central"),
            // M1 has reps in Central and East: no single region.
            ("manager", "M1", ""),
            ("manager", "M2", "(none)"),
            ("total", "total", ""),
        ]
    );

    // Recompute every unit from assignments.csv and reps.csv.
    let inst = common::read_instance(&input);
    let owner = common::owners_from_rows(&inst, &common::read_assignments(&out)).unwrap();
    let of = hierarchy_of(&input);
    let devs: BTreeMap<String, f64> = common::balance(&inst, &owner)
        .into_iter()
        .map(|b| (b.rep.clone(), b.potential_dev().abs() * 100.0))
        .collect();
    let unit_of = |rep: &str, level: &str| -> String {
        let (m, r) = &of[rep];
        let v = match level {
            "manager" => m,
            "region" => r,
            _ => return "total".into(),
        };
        if v.is_empty() {
            "(none)".into()
        } else {
            v.clone()
        }
    };
    let total_pot: f64 = inst.accounts.iter().map(|a| a.potential).sum();
    let total_fte: f64 = inst.reps.iter().map(|r| r.capacity).sum();
    for row in &rows {
        let (level, name) = (row["level"].as_str(), row["name"].as_str());
        let reps: Vec<usize> = (0..inst.reps.len())
            .filter(|&r| unit_of(&inst.reps[r].id, level) == name)
            .collect();
        let fte: f64 = reps.iter().map(|&r| inst.reps[r].capacity).sum();
        let (mut n, mut pot, mut work, mut pkm) = (0usize, 0.0, 0.0, 0.0);
        for (i, &r) in owner.iter().enumerate() {
            if reps.contains(&r) {
                let a = &inst.accounts[i];
                let rep = &inst.reps[r];
                n += 1;
                pot += a.potential;
                work += a.workload;
                pkm += a.potential * haversine(a.lat, a.lon, rep.lat, rep.lon);
            }
        }
        let what = format!("{level} {name}");
        assert_eq!(num(row, "reps") as usize, reps.len(), "{what}");
        close(num(row, "fte"), fte, 1e-9, &what);
        assert_eq!(num(row, "accounts") as usize, n, "{what}");
        close(num(row, "potential"), pot, 0.006, &what);
        close(num(row, "workload"), work, 0.006, &what);
        close(num(row, "potential_per_fte"), pot / fte, 0.006, &what);
        close(num(row, "workload_per_fte"), work / fte, 0.006, &what);
        let (ps, fs) = (pot / total_pot, fte / total_fte);
        close(num(row, "potential_share_pct"), ps * 100.0, 0.006, &what);
        close(num(row, "fte_share_pct"), fs * 100.0, 0.006, &what);
        close(num(row, "potential_index"), ps / fs, 0.0006, &what);
        let max_dev = reps
            .iter()
            .map(|&r| devs[&inst.reps[r].id])
            .fold(0.0, f64::max);
        close(
            num(row, "max_rep_potential_deviation_pct"),
            max_dev,
            0.006,
            &what,
        );
        assert_eq!(row["reps_outside_tolerance"], "0", "{what}");
        close(num(row, "weighted_distance"), pkm, 0.01, &what);
    }

    // The total row is the sum of the region rows (and of the manager rows).
    let total = rows.last().unwrap();
    close(num(total, "potential_index"), 1.0, 1e-9, "total index");
    for level in ["region", "manager"] {
        let units: Vec<_> = rows.iter().filter(|r| r["level"] == level).collect();
        for col in [
            "reps",
            "fte",
            "accounts",
            "potential",
            "workload",
            "potential_share_pct",
            "fte_share_pct",
            "weighted_distance",
        ] {
            let sum: f64 = units.iter().map(|r| num(r, col)).sum();
            close(sum, num(total, col), 0.03, &format!("{level} {col}"));
        }
    }

    assert!(
        stdout.contains("potential index by region (1.00 = share of FTE): (none) "),
        "{stdout}"
    );
}

#[test]
fn report_shows_both_sections_and_copes_without_the_files() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    plan(&fixture("hierarchy"), &out);
    let page = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(page.contains("<a href=\"#comparison\">Status quo vs distance-only vs balanced</a>"));
    assert!(page.contains("<section id=\"comparison\">"));
    assert!(page.contains("<section id=\"hierarchy\">"));
    // `tplan report` redraws the same page from the folder's files.
    ok(&tplan(&["report", out.to_str().unwrap()]));
    assert_eq!(fs::read_to_string(out.join("report.html")).unwrap(), page);

    // A folder from before these files: both sections are left out.
    fs::remove_file(out.join("comparison.csv")).unwrap();
    fs::remove_file(out.join("hierarchy.csv")).unwrap();
    ok(&tplan(&["report", out.to_str().unwrap()]));
    let page = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!page.contains("id=\"comparison\""));
    assert!(!page.contains("id=\"hierarchy\""));
}

#[test]
fn no_manager_or_region_no_hierarchy_file() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("flat");
    fs::create_dir(&input).unwrap();
    fs::copy(
        fixture("tiny").join("accounts.csv"),
        input.join("accounts.csv"),
    )
    .unwrap();
    // reps.csv without its manager and region columns.
    let reps: String = fs::read_to_string(fixture("tiny").join("reps.csv"))
        .unwrap()
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            format!("{}\n", f[..7].join(","))
        })
        .collect();
    assert!(reps.starts_with("rep_id,name,lat,lon,segment,capacity,start_date\n"));
    fs::write(input.join("reps.csv"), reps).unwrap();
    let out = tmp.path().join("out");
    let stdout = plan(&input, &out);
    assert!(out.join("comparison.csv").is_file());
    assert!(!out.join("hierarchy.csv").exists());
    assert!(!stdout.contains("potential index by region"));
    let page = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(page.contains("<section id=\"comparison\">"));
    assert!(!page.contains("id=\"hierarchy\""));
}
