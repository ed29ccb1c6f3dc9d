//! `tplan rebalance` end to end on generated instances: each is planned,
//! the plan fed back as today's owners, then perturbed. Outputs are
//! checked independently (tests/common) of the planner's own figures.

mod common;

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn tplan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tplan"))
        .args(args)
        .output()
        .expect("run tplan")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Rewrite one column of a CSV file through `f(row index, header, row)`.
fn edit_csv(
    path: &Path,
    column: &str,
    f: impl Fn(usize, &csv::StringRecord, &csv::StringRecord) -> String,
) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let mut header = r.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let at = match header.iter().position(|h| h == column) {
        Some(at) => at,
        None => {
            header.push_field(column);
            header.len() - 1
        }
    };
    let mut w = csv::Writer::from_path(path).unwrap();
    w.write_record(&header).unwrap();
    for (k, row) in rows.iter().enumerate() {
        let mut cells: Vec<String> = row.iter().map(str::to_string).collect();
        cells.resize(header.len(), String::new());
        cells[at] = f(k, &header, row);
        w.write_record(&cells).unwrap();
    }
    w.flush().unwrap();
}

fn cell(header: &csv::StringRecord, row: &csv::StringRecord, column: &str) -> String {
    let at = header.iter().position(|h| h == column).unwrap();
    row.get(at).unwrap_or("").to_string()
}

/// A generated instance whose current owners are its own balanced plan.
fn balanced_instance(root: &Path, accounts: usize, reps: usize, seed: u64) -> PathBuf {
    let dir = root.join(format!("in_{accounts}_{reps}_{seed}"));
    let o = tplan(&[
        "generate",
        "--accounts",
        &accounts.to_string(),
        "--reps",
        &reps.to_string(),
        "--seed",
        &seed.to_string(),
        "--out",
        s(&dir),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let planned = root.join(format!("plan_{accounts}_{reps}_{seed}"));
    let o = tplan(&["plan", s(&dir), "--out", s(&planned), "--no-report"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let owner: HashMap<String, String> = common::read_assignments(&planned).into_iter().collect();
    edit_csv(&dir.join("accounts.csv"), "current_owner", |_, h, row| {
        owner[&cell(h, row, "account_id")].clone()
    });
    dir
}

fn rebalance(input: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["rebalance", s(input), "--out", s(out), "--no-report"];
    args.extend_from_slice(extra);
    tplan(&args)
}

fn manifest(out: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap()
}

/// (account_id, from, to, reason) rows of moves.csv.
fn moves(out: &Path) -> Vec<(String, String, String, String)> {
    common::read_table(&out.join("moves.csv"))
        .into_iter()
        .map(|r| {
            (
                r["account_id"].clone(),
                r["from_rep"].clone(),
                r["to_rep"].clone(),
                r["reason"].clone(),
            )
        })
        .collect()
}

/// The instance as of the rebalance: departed reps at capacity 0.
fn instance_after(input: &Path, departed: &[&str]) -> common::Instance {
    let mut inst = common::read_instance(input);
    for rep in &mut inst.reps {
        if departed.contains(&rep.id.as_str()) {
            rep.capacity = 0.0;
        }
    }
    inst
}

/// Every rule and band holds on the written plan, checked independently.
fn assert_valid(inst: &common::Instance, out: &Path) -> Vec<usize> {
    let owner = common::owners_from_rows(inst, &common::read_assignments(out)).unwrap();
    assert_eq!(common::rule_violations(inst, &owner), Vec::<String>::new());
    assert_eq!(
        common::balance_violations(inst, &owner),
        Vec::<String>::new()
    );
    owner
}

/// The target: within 5 % of the bound or within 3 moves.
fn within_target(moves: u64, bound: u64) -> bool {
    moves <= bound + 3 || (moves as f64) <= bound as f64 * 1.05
}

/// Rebalance a plan fed back unchanged: it succeeds, balanced, with no
/// move and a bound of 0.
fn rebalance_with_no_moves(input: &Path, out: &Path) -> Output {
    let o = rebalance(input, out, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(moves(out).is_empty(), "{:?}", moves(out));
    let m = manifest(out);
    assert_eq!(m["rebalance"]["discretionary_moves"], 0);
    assert_eq!(m["rebalance"]["moves_bound"], 0);
    assert_eq!(m["status"], "Balanced");
    o
}

#[test]
fn a_balanced_plan_fed_back_gives_no_moves() {
    let root = tempfile::tempdir().unwrap();
    let input = balanced_instance(root.path(), 300, 6, 11);
    let out = root.path().join("out");
    let o = rebalance_with_no_moves(&input, &out);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("0 moves; no balanced plan needs fewer than 0"),
        "{stdout}"
    );
}

#[test]
fn a_departed_rep_loses_its_accounts_and_no_more_moves_than_the_bound_allows() {
    let root = tempfile::tempdir().unwrap();
    let input = balanced_instance(root.path(), 400, 8, 5);
    // The first SMB rep leaves at the end of May.
    let mut leaver = String::new();
    let reps = common::read_table(&input.join("reps.csv"));
    for r in &reps {
        if r["segment"] == "SMB" {
            leaver = r["rep_id"].clone();
            break;
        }
    }
    let l = leaver.clone();
    edit_csv(&input.join("reps.csv"), "end_date", move |_, h, row| {
        if cell(h, row, "rep_id") == l {
            "2026-05-31".to_string()
        } else {
            String::new()
        }
    });
    let out = root.path().join("out");
    let o = rebalance(&input, &out, &["--effective", "2026-06-01"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let inst = instance_after(&input, &[leaver.as_str()]);
    let owner = assert_valid(&inst, &out);
    let held: Vec<usize> = (0..inst.accounts.len())
        .filter(|&i| inst.accounts[i].owner.as_deref() == Some(leaver.as_str()))
        .collect();
    assert!(!held.is_empty());
    for &i in &held {
        assert_ne!(
            inst.reps[owner[i]].id, leaver,
            "{} stayed",
            inst.accounts[i].id
        );
    }
    let rows = moves(&out);
    let orphans = rows.iter().filter(|m| m.3 == "orphan").count();
    assert_eq!(orphans, held.len());
    let balance_moves = rows.iter().filter(|m| m.3 == "balance").count() as u64;
    let m = manifest(&out);
    let bound = m["rebalance"]["moves_bound"].as_u64().unwrap();
    assert_eq!(m["rebalance"]["discretionary_moves"], balance_moves);
    assert!(
        within_target(balance_moves, bound),
        "{balance_moves} moves, bound {bound}"
    );
    assert_eq!(m["rebalance"]["departed_reps"][0], leaver);
}

#[test]
fn a_move_budget_is_never_exceeded_and_too_small_a_budget_says_what_balance_needs() {
    let root = tempfile::tempdir().unwrap();
    // Generated owners are not balanced: many moves are needed.
    let input = root.path().join("in");
    let o = tplan(&[
        "generate",
        "--accounts",
        "300",
        "--reps",
        "6",
        "--seed",
        "4",
        "--out",
        s(&input),
    ]);
    assert!(o.status.success());
    let full = root.path().join("full");
    let o = rebalance(&input, &full, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let needed = manifest(&full)["rebalance"]["discretionary_moves"]
        .as_u64()
        .unwrap();
    assert!(needed > 4, "{needed}");
    for budget in [0, 1, needed / 2, needed - 1] {
        let out = root.path().join(format!("b{budget}"));
        let o = rebalance(&input, &out, &["--max-moves", &budget.to_string()]);
        let rows = moves(&out);
        let taken = rows
            .iter()
            .filter(|m| m.3 == "balance" || m.3 == "rule")
            .count() as u64;
        assert!(taken <= budget, "{taken} moves with a budget of {budget}");
        let m = manifest(&out);
        if m["status"] == "OutsideTolerance" {
            assert_eq!(o.status.code(), Some(1));
            let err = stderr(&o);
            assert!(
                err.contains(&format!("restoring balance takes {needed}")),
                "{err}"
            );
            let reached = m["rebalance"]["closest_plan_violation"].as_f64().unwrap();
            let bound = m["rebalance"]["closest_plan_violation_bound"]
                .as_f64()
                .unwrap();
            assert!(bound <= reached && reached > 0.0, "{bound} {reached}");
            assert!(
                err.contains("where no plan within the budget has less than"),
                "{err}"
            );
            assert!(err.contains("OutsideTolerance"), "{err}");
        } else {
            assert!(o.status.success(), "{}", stderr(&o));
        }
    }
    let o = rebalance(&input, &root.path().join("b0x"), &["--max-moves", "0"]);
    assert_eq!(o.status.code(), Some(1));
    // The frontier ends at the full rebalance, balanced.
    let frontier = common::read_table(&full.join("frontier.csv"));
    let last = frontier.last().unwrap();
    assert_eq!(last["reps_outside_tolerance"], "0");
    assert_eq!(last["moves"], needed.to_string());
    assert_eq!(frontier[0]["moves"], "0");
}

/// Bad input: exit 1, the file, line and value named, nothing written.
fn assert_refused(input: &Path, extra: &[&str], expect: &[&str]) {
    let out = input.parent().unwrap().join("refused_out");
    let o = rebalance(input, &out, extra);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    for e in expect {
        assert!(err.contains(e), "missing {e:?} in: {err}");
    }
    assert!(!out.exists(), "an output folder was written");
}

#[test]
fn bad_input_is_refused_with_file_line_and_value_and_nothing_is_written() {
    let root = tempfile::tempdir().unwrap();
    let base = balanced_instance(root.path(), 120, 4, 2);
    let copy = |name: &str| {
        let dir = root.path().join(name);
        fs::create_dir_all(&dir).unwrap();
        for f in ["accounts.csv", "reps.csv"] {
            fs::copy(base.join(f), dir.join(f)).unwrap();
        }
        dir
    };
    // An unknown current_owner.
    let dir = copy("unknown_owner");
    edit_csv(&dir.join("accounts.csv"), "current_owner", |k, h, row| {
        if k == 2 {
            "R999".to_string()
        } else {
            cell(h, row, "current_owner")
        }
    });
    assert_refused(&dir, &[], &["accounts.csv:4", "current_owner", "R999"]);

    // A deal on an unknown account.
    let dir = copy("unknown_deal_account");
    fs::write(
        dir.join("deals.csv"),
        "deal_id,account_id,owner,amount,stage,close_date\nD1,A999999,R001,5000,Proposal,2026-09-30\n",
    )
    .unwrap();
    assert_refused(&dir, &[], &["deals.csv:2", "account_id", "A999999"]);

    // A locked account whose owner departs.
    let dir = copy("locked_departs");
    let owner_of_first = common::read_table(&dir.join("accounts.csv"))[0]["current_owner"].clone();
    edit_csv(&dir.join("accounts.csv"), "locked", |k, h, row| {
        if k == 0 {
            "true".to_string()
        } else {
            cell(h, row, "locked")
        }
    });
    let o2 = owner_of_first.clone();
    edit_csv(&dir.join("reps.csv"), "end_date", move |_, h, row| {
        if cell(h, row, "rep_id") == o2 {
            "2026-06-30".to_string()
        } else {
            String::new()
        }
    });
    assert_refused(
        &dir,
        &["--effective", "2026-07-01"],
        &["accounts.csv:2", "locked", &owner_of_first],
    );

    // A budget below the moves the rules force: an SMB account of an SMB
    // rep becomes MM, which its owner does not cover.
    let dir = copy("budget_below_forced");
    let reps = common::read_table(&dir.join("reps.csv"));
    let smb: Vec<String> = reps
        .iter()
        .filter(|r| r["segment"] == "SMB")
        .map(|r| r["rep_id"].clone())
        .collect();
    let accounts = common::read_table(&dir.join("accounts.csv"));
    let k = accounts
        .iter()
        .position(|a| {
            a["segment"] == "SMB" && smb.contains(&a["current_owner"]) && a["locked"] != "true"
        })
        .unwrap();
    let id = accounts[k]["account_id"].clone();
    edit_csv(&dir.join("accounts.csv"), "segment", move |j, h, row| {
        if j == k {
            "MM".to_string()
        } else {
            cell(h, row, "segment")
        }
    });
    assert_refused(&dir, &["--max-moves", "0"], &["max_moves", "0", &id]);
}

#[test]
fn every_rule_of_the_sample_holds_after_a_rebalance() {
    let root = tempfile::tempdir().unwrap();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let out = root.path().join("out");
    // Every rule of data/rules.toml but [[segment_share]], which the
    // checker of tests/common does not model (the shares tests below
    // check the parts' bands themselves).
    let rules = fs::read_to_string(data.join("rules.toml")).unwrap();
    let config = root.path().join("rules.toml");
    fs::write(&config, rules.split("[[segment_share]]").next().unwrap()).unwrap();
    let o = rebalance(&data, &out, &["--config", s(&config)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut inst = common::read_instance_with_config(&data, &config);
    let text = fs::read_to_string(&config).unwrap();
    let cfg: toml::Value = toml::from_str(&text).unwrap();
    if let Some(b) = cfg.get("balance") {
        inst.tol_p = b
            .get("potential_tolerance")
            .and_then(|v| v.as_float())
            .unwrap_or(inst.tol_p);
        inst.tol_w = b
            .get("workload_tolerance")
            .and_then(|v| v.as_float())
            .unwrap_or(inst.tol_w);
    }
    assert_valid(&inst, &out);
    let m = manifest(&out);
    let moves = m["rebalance"]["discretionary_moves"].as_u64().unwrap();
    let bound = m["rebalance"]["moves_bound"].as_u64().unwrap();
    assert!(within_target(moves, bound), "{moves} moves, bound {bound}");
}

#[test]
fn a_rebalance_folder_has_a_review_section_and_works_with_report_and_explain() {
    let root = tempfile::tempdir().unwrap();
    let input = balanced_instance(root.path(), 200, 5, 8);
    edit_csv(&input.join("accounts.csv"), "potential", |k, h, row| {
        let p: f64 = cell(h, row, "potential").parse().unwrap();
        if k % 4 == 0 {
            format!("{:.2}", p * 1.8)
        } else {
            cell(h, row, "potential")
        }
    });
    let out = root.path().join("out");
    let o = tplan(&["rebalance", s(&input), "--out", s(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    for f in [
        "frontier.png",
        "frontier.svg",
        "report.html",
        "moves.csv",
        "rebalance_summary.csv",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("Rebalance: before and after"));
    assert!(html.contains("no balanced plan needs fewer than"));
    let o = tplan(&["report", s(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(manifest(&out)["rebalance"]["statement"].is_string());
    let first = common::read_table(&input.join("accounts.csv"))[0]["account_id"].clone();
    let o = tplan(&["explain", s(&out), &first]);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// The figures README.md quotes for `tplan rebalance data/`.
#[test]
fn the_readme_figures_for_the_sample_hold() {
    let root = tempfile::tempdir().unwrap();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let out = root.path().join("out");
    let o = rebalance(&data, &out, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("636 moves; no balanced plan needs fewer than 633"),
        "{stdout}"
    );
    assert_eq!(
        manifest(&out)["rebalance"]["statement"],
        "636 moves; no balanced plan needs fewer than 633"
    );
    assert_valid(&common::read_instance(&data), &out);
    // The guide's frontier point, and every point's bound below what it
    // reached (positive until the last points, where fractional moves
    // reach balance).
    let frontier = common::read_table(&out.join("frontier.csv"));
    let at = |k: &str| -> f64 { frontier[1][k].parse().unwrap() };
    assert_eq!(frontier[1]["moves"], "64");
    assert_eq!(format!("{:.2}", at("total_band_violation")), "25.75");
    assert_eq!(format!("{:.2}", at("violation_bound")), "23.99");
    for row in &frontier {
        let reached: f64 = row["total_band_violation"].parse().unwrap();
        let bound: f64 = row["violation_bound"].parse().unwrap();
        assert!(bound >= 0.0 && bound <= reached, "{row:?}");
    }
    assert!(frontier[..frontier.len() - 2]
        .iter()
        .all(|row| row["violation_bound"].parse::<f64>().unwrap() > 0.0));
}

/// A departed rep still owning accounts used to make the status-quo row
/// of comparison.csv `inf`, which the report then refused.
#[test]
fn a_departure_with_the_report_on_writes_finite_figures_and_the_moves_map() {
    let root = tempfile::tempdir().unwrap();
    let input = balanced_instance(root.path(), 150, 5, 9);
    let leaver = common::read_table(&input.join("accounts.csv"))[0]["current_owner"].clone();
    edit_csv(&input.join("reps.csv"), "capacity", move |_, h, row| {
        if cell(h, row, "rep_id") == leaver {
            "0".to_string()
        } else {
            cell(h, row, "capacity")
        }
    });
    let out = root.path().join("out");
    let o = tplan(&["rebalance", s(&input), "--out", s(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let comparison = fs::read_to_string(out.join("comparison.csv")).unwrap();
    assert!(!comparison.contains("inf"), "{comparison}");
    assert!(out.join("map_moves.png").is_file());
    assert!(out.join("rationale.md").is_file());
}

// ---- [[segment_share]]: hybrid reps split into capacity parts ----------

/// (rep, segment, FTE) of every capacity part of the shares fixture.
const SHARE_PARTS: [(&str, &str, f64); 8] = [
    ("M1", "MM", 1.0),
    ("M2", "MM", 1.0),
    ("E1", "ENT", 1.0),
    ("E2", "ENT", 1.0),
    ("H1", "ENT", 0.75),
    ("H1", "MM", 0.25),
    ("H2", "ENT", 0.25),
    ("H2", "MM", 0.75),
];

/// The shares fixture with plan.toml, its own plan fed back as today's owners.
fn shares_instance(root: &Path) -> PathBuf {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/shares");
    let dir = root.join("shares");
    fs::create_dir_all(&dir).unwrap();
    for f in ["accounts.csv", "reps.csv"] {
        fs::copy(fixture.join(f), dir.join(f)).unwrap();
    }
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/shares_plan.toml");
    fs::copy(config, dir.join("plan.toml")).unwrap();
    let planned = root.join("shares_plan");
    let o = tplan(&["plan", s(&dir), "--out", s(&planned), "--no-report"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let owner: HashMap<String, String> = common::read_assignments(&planned).into_iter().collect();
    edit_csv(&dir.join("accounts.csv"), "current_owner", |_, h, row| {
        owner[&cell(h, row, "account_id")].clone()
    });
    dir
}

/// Potential and workload deviation of every active (rep, segment) part
/// from its FTE times the segment's load per active FTE, from the inputs
/// and assignments.csv alone.
fn share_part_deviations(input: &Path, out: &Path, departed: &[&str]) -> Vec<(String, f64, f64)> {
    let owner: HashMap<String, String> = common::read_assignments(out).into_iter().collect();
    let mut held: HashMap<(String, String), (f64, f64)> = HashMap::new();
    let mut total: HashMap<String, (f64, f64)> = HashMap::new();
    for a in common::read_table(&input.join("accounts.csv")) {
        let (p, w): (f64, f64) = (
            a["potential"].parse().unwrap(),
            a["workload"].parse().unwrap(),
        );
        let seg = a["segment"].clone();
        let h = held
            .entry((owner[&a["account_id"]].clone(), seg.clone()))
            .or_default();
        h.0 += p;
        h.1 += w;
        let t = total.entry(seg).or_default();
        t.0 += p;
        t.1 += w;
    }
    let active = SHARE_PARTS.iter().filter(|(r, _, _)| !departed.contains(r));
    let mut fte: HashMap<&str, f64> = HashMap::new();
    for (_, seg, f) in active.clone() {
        *fte.entry(seg).or_default() += f;
    }
    for rep in departed {
        for seg in ["ENT", "MM"] {
            assert!(
                !held.contains_key(&(rep.to_string(), seg.to_string())),
                "{rep} left"
            );
        }
    }
    active
        .map(|&(rep, seg, f)| {
            let (p, w) = held
                .get(&(rep.to_string(), seg.to_string()))
                .copied()
                .unwrap_or_default();
            let (tp, tw) = total[seg];
            let share = f / fte[seg];
            (
                format!("{rep}[{seg}]"),
                p / (tp * share) - 1.0,
                w / (tw * share) - 1.0,
            )
        })
        .collect()
}

#[test]
fn a_plan_with_segment_shares_fed_back_gives_no_moves() {
    let root = tempfile::tempdir().unwrap();
    let input = shares_instance(root.path());
    let out = root.path().join("out");
    rebalance_with_no_moves(&input, &out);
    // segment_shares.csv by part, as `plan` writes it.
    let parts = common::read_table(&out.join("segment_shares.csv"));
    let keys: Vec<(String, String)> = parts
        .iter()
        .map(|r| (r["rep_id"].clone(), r["segment"].clone()))
        .collect();
    assert_eq!(
        keys,
        [("H1", "ENT"), ("H1", "MM"), ("H2", "ENT"), ("H2", "MM")]
            .map(|(r, g)| (r.to_string(), g.to_string()))
    );
    assert!(
        parts.iter().all(|r| r["within_tolerance"] == "true"),
        "{parts:?}"
    );
}

#[test]
fn a_hybrid_rep_leaving_is_rebalanced_over_parts_and_reported_over_reps() {
    let root = tempfile::tempdir().unwrap();
    let input = shares_instance(root.path());
    edit_csv(&input.join("reps.csv"), "end_date", |_, h, row| {
        if cell(h, row, "rep_id") == "H1" {
            "2026-06-30"
        } else {
            ""
        }
        .to_string()
    });
    edit_csv(&input.join("accounts.csv"), "potential", |k, h, row| {
        let p: f64 = cell(h, row, "potential").parse().unwrap();
        format!("{:.0}", if k % 3 == 0 { p * 1.6 } else { p })
    });
    let out = root.path().join("out");
    let o = rebalance(&input, &out, &["--effective", "2026-07-01"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let m = manifest(&out);
    assert_eq!(m["status"], "Balanced");
    assert_eq!(m["rebalance"]["departed_reps"], serde_json::json!(["H1"]));
    // Every rule held (segments, nothing for H1), checked independently.
    let inst = instance_after(&input, &["H1"]);
    let owner = common::owners_from_rows(&inst, &common::read_assignments(&out)).unwrap();
    assert_eq!(common::rule_violations(&inst, &owner), Vec::<String>::new());
    // Every active part within its band, recomputed from the files.
    for (part, dp, dw) in share_part_deviations(&input, &out, &["H1"]) {
        assert!(
            dp.abs() <= 0.1 + 1e-9,
            "{part}: potential {:+.2} %",
            dp * 100.0
        );
        assert!(
            dw.abs() <= 0.2 + 1e-9,
            "{part}: workload {:+.2} %",
            dw * 100.0
        );
    }
    // Moves are counted over reps, and never fewer than the bound.
    let before: HashMap<String, String> = common::read_table(&input.join("accounts.csv"))
        .into_iter()
        .map(|r| (r["account_id"].clone(), r["current_owner"].clone()))
        .collect();
    let after: HashMap<String, String> = common::read_assignments(&out).into_iter().collect();
    let taken = before
        .iter()
        .filter(|(a, o)| o.as_str() != "H1" && after[*a] != **o)
        .count();
    let moves_n = m["rebalance"]["discretionary_moves"].as_u64().unwrap();
    let bound = m["rebalance"]["moves_bound"].as_u64().unwrap();
    assert_eq!(taken as u64, moves_n);
    assert!(moves_n >= bound, "{moves_n} moves, bound {bound}");
    let rows = moves(&out);
    assert_eq!(
        rows.iter().filter(|r| r.3 == "balance").count() as u64,
        moves_n
    );
    assert_eq!(rows.iter().filter(|r| r.3 == "orphan").count(), {
        before.values().filter(|o| o.as_str() == "H1").count()
    });
    assert!(
        rows.iter()
            .all(|r| !r.1.contains('[') && !r.2.contains('[')),
        "{rows:?}"
    );
    // rebalance_summary.csv and territories.csv by rep, segment_shares.csv by part.
    let summary = common::read_table(&out.join("rebalance_summary.csv"));
    let ids: Vec<&str> = summary.iter().map(|r| r["rep_id"].as_str()).collect();
    assert_eq!(ids, ["M1", "M2", "E1", "E2", "H1", "H2"]);
    let h1 = &summary[4];
    assert_eq!(
        (h1["status"].as_str(), h1["accounts_after"].as_str()),
        ("departed", "0")
    );
    let territories = common::read_table(&out.join("territories.csv"));
    assert!(territories.iter().all(|t| !t["rep_id"].contains('[')));
    let parts = common::read_table(&out.join("segment_shares.csv"));
    for r in parts.iter().filter(|r| r["rep_id"] == "H2") {
        assert_eq!(r["within_tolerance"], "true", "{r:?}");
    }
    // The frontier ends at the plan written, with every rep within its band.
    let frontier = common::read_table(&out.join("frontier.csv"));
    let last = frontier.last().unwrap();
    assert_eq!(last["moves"], moves_n.to_string());
    assert_eq!(last["reps_outside_tolerance"], "0");
    // Deterministic: a second run writes the same bytes.
    let again = root.path().join("again");
    let o = rebalance(&input, &again, &["--effective", "2026-07-01"]);
    assert!(o.status.success(), "{}", stderr(&o));
    for f in [
        "assignments.csv",
        "moves.csv",
        "rebalance_summary.csv",
        "segment_shares.csv",
        "frontier.csv",
    ] {
        assert_eq!(
            fs::read(out.join(f)).unwrap(),
            fs::read(again.join(f)).unwrap(),
            "{f}"
        );
    }
}

/// `tplan explain` on a rebalance folder applies the departures of the
/// rebalance (the manifest's effective date) and its mid-year bands: the
/// rep who left is no candidate, and the explanation says it left.
#[test]
fn explain_on_a_rebalance_folder_knows_who_left() {
    let root = tempfile::tempdir().unwrap();
    let input = balanced_instance(root.path(), 200, 5, 8);
    let accounts = common::read_table(&input.join("accounts.csv"));
    let (orphan, leaver) = (
        accounts[0]["account_id"].clone(),
        accounts[0]["current_owner"].clone(),
    );
    edit_csv(&input.join("reps.csv"), "end_date", |_, h, row| {
        if cell(h, row, "rep_id") == leaver {
            "2026-06-30".to_string()
        } else {
            String::new()
        }
    });
    let config = root.path().join("midyear.toml");
    fs::write(
        &config,
        "[rebalance]\neffective_date = \"2026-07-01\"\npotential_tolerance = 0.08\n",
    )
    .unwrap();
    let out = root.path().join("out");
    let o = rebalance(&input, &out, &["--config", s(&config)]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Explained with the mid-year band of [rebalance] the plan was
    // balanced to (explain checks the config against the manifest's).
    let o = tplan(&["explain", s(&out), &orphan]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        text.contains(&format!(
            "current owner {leaver}, who left on 2026-06-30 (on or before the rebalance's \
             effective date 2026-07-01), to "
        )),
        "{text}"
    );
    // The rep who left is no alternative.
    let table = text.split("alternatives:").nth(1).unwrap();
    assert!(
        table
            .lines()
            .skip(2)
            .all(|l| !l.trim_start().starts_with(leaver.as_str())),
        "{text}"
    );
    // --to the rep who left says so.
    let o = tplan(&["explain", s(&out), &orphan, "--to", &leaver]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains(&format!("{leaver} left on 2026-06-30")),
        "{}",
        stderr(&o)
    );
}
