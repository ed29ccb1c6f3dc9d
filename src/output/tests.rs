//! Output tests on a hand-built dataset and plan (no solver needed).

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::*;
use crate::model::{
    Account, Assignment, Compactness, Config, Plan, PlanStatus, Reason, Rep, RepBalance,
    WorkloadSource,
};
use crate::territory::SolveStats;

fn account(id: &str, name: Option<&str>, segment: Option<&str>, owner: Option<&str>) -> Account {
    Account {
        id: id.to_string(),
        name: name.map(str::to_string),
        lat: 40.0,
        lon: -74.0,
        potential: 0.0,
        workload: 0.0,
        workload_source: WorkloadSource::Data,
        segment: segment.map(str::to_string),
        industry: None,
        current_owner: owner.map(str::to_string),
        locked: false,
        bookings_last_year: None,
        pipeline: None,
        extra: vec![],
    }
}

fn rep(id: &str, name: Option<&str>, lat: f64, lon: f64, capacity: f64) -> Rep {
    Rep {
        id: id.to_string(),
        name: name.map(str::to_string),
        lat,
        lon,
        segments: vec![],
        capacity,
        start_date: None,
        manager: None,
        region: None,
        extra: vec![],
    }
}

#[allow(clippy::too_many_arguments)]
fn balance(
    rep: usize,
    accounts: usize,
    potential: f64,
    workload: f64,
    potential_target: f64,
    workload_target: f64,
    within_tolerance: bool,
    mean: f64,
    max: f64,
) -> RepBalance {
    RepBalance {
        rep,
        group: "*".to_string(),
        accounts,
        potential,
        workload,
        potential_target,
        workload_target,
        potential_deviation: (potential - potential_target) / potential_target,
        workload_deviation: (workload - workload_target) / workload_target,
        accounts_target: 0.0,
        accounts_deviation: 0.0,
        breach: None,
        within_tolerance,
        mean_distance_km: mean,
        max_distance_km: max,
    }
}

/// Four accounts (ids with leading zeros, a comma in a name, an extra
/// column), two reps listed out of id order.
fn dataset() -> Dataset {
    let mut a010 = account("010", Some("Acme, Inc."), Some("SMB"), Some("R2"));
    a010.potential = 1000.0;
    a010.workload = 20.0;
    a010.extra = vec!["north".into()];
    let mut a002 = account("002", Some("Beta"), Some("MM"), Some("R1"));
    a002.potential = 500.5;
    a002.workload = 60.0;
    a002.locked = true;
    a002.lat = 41.0;
    a002.extra = vec!["south".into()];
    let mut a1 = account("1", None, None, None);
    a1.potential = 250.0;
    a1.workload = 40.0;
    a1.extra = vec!["".into()];
    let mut a0100 = account("0100", Some("Zed"), Some("SMB"), Some("R2"));
    a0100.potential = 249.5;
    a0100.workload = 20.0;
    a0100.extra = vec!["west".into()];
    let mut r2 = rep("R2", Some("Rita Two"), 40.0, -74.0, 1.0);
    r2.extra = vec!["East".into()];
    let mut r1 = rep("R1", None, 40.5, -74.0, 0.5);
    r1.extra = vec!["West".into()];
    Dataset {
        accounts: vec![a010, a002, a1, a0100],
        reps: vec![r2, r1],
        config: Config::default(),
        account_extra_columns: vec!["territory".into()],
        rep_extra_columns: vec!["group".into()],
        rules: Default::default(),
    }
}

fn outcome(with_status_quo: bool) -> PlanOutcome {
    let assignments = vec![
        Assignment {
            account: 0,
            rep: 0,
            distance_km: 0.0,
            previous_rep: Some(0),
            moved: false,
            reason: Reason::Nearest,
        },
        Assignment {
            account: 1,
            rep: 1,
            distance_km: 55.5976,
            previous_rep: Some(1),
            moved: false,
            reason: Reason::Locked,
        },
        Assignment {
            account: 2,
            rep: 1,
            distance_km: 55.5976,
            previous_rep: None,
            moved: false,
            reason: Reason::Balance { extra_km: 55.59749 },
        },
        Assignment {
            account: 3,
            rep: 1,
            distance_km: 55.5976,
            previous_rep: Some(0),
            moved: true,
            reason: Reason::Balance { extra_km: 55.5976 },
        },
    ];
    let plan = Plan {
        assignments,
        balance: vec![
            balance(0, 1, 1000.0, 20.0, 1333.3333, 93.3333, false, 0.0, 0.0),
            balance(1, 3, 1000.0, 120.0, 666.6667, 46.6667, false, 41.7, 55.5976),
        ],
        compactness: vec![
            Compactness {
                rep: 0,
                hull_area_km2: 0.0,
                outliers: 0,
            },
            Compactness {
                rep: 1,
                hull_area_km2: 1234.56,
                outliers: 1,
            },
        ],
        segment_parts: vec![],
        status: PlanStatus::OutsideTolerance,
        objective: 55_597.5,
        lp_bound: 50_000.0,
        gap: 0.11195,
    };
    let status_quo = with_status_quo.then(|| {
        vec![
            balance(0, 2, 1249.5, 40.0, 1333.3333, 93.3333, false, 0.0, 0.0),
            balance(1, 1, 500.5, 60.0, 666.6667, 46.6667, false, 111.2, 111.2),
        ]
    });
    PlanOutcome {
        plan,
        stats: SolveStats {
            solver: "clarabel".into(),
            lp_solves: 2,
            eligible_pairs: 8,
            candidate_pairs: 8,
            timings: vec![("lp".into(), 0.01234), ("round".into(), 0.0004)],
            ..SolveStats::default()
        },
        status_quo,
    }
}

fn run_info() -> RunInfo {
    RunInfo {
        command: vec!["tplan".into(), "plan".into(), "data".into()],
        inputs: vec![ManifestFile {
            path: "data/accounts.csv".into(),
            sha256: "ab".repeat(32),
            bytes: 123,
        }],
        warnings: vec!["data/accounts.csv:3: something odd".into()],
        solver: "clarabel".into(),
    }
}

#[test]
fn assignments_csv_is_sorted_formatted_and_carries_extras() {
    let text = String::from_utf8(assignments_csv(&dataset(), &outcome(true))).unwrap();
    let expected = "\
account_id,rep_id,distance_km,previous_owner,moved,reason,extra_km,account_name,segment,potential,workload,lat,lon,territory
002,R1,55.598,R1,false,locked,,Beta,MM,500.50,60.00,41.000000,-74.000000,south
010,R2,0.000,R2,false,nearest,,\"Acme, Inc.\",SMB,1000.00,20.00,40.000000,-74.000000,north
0100,R1,55.598,R2,true,balance,55.598,Zed,SMB,249.50,20.00,40.000000,-74.000000,west
1,R1,55.598,,false,balance,55.597,,,250.00,40.00,40.000000,-74.000000,
";
    assert_eq!(text, expected);
}

#[test]
fn territories_csv_is_sorted_signed_and_renames_clashing_extras() {
    let text = String::from_utf8(territories_csv(&dataset(), &outcome(true))).unwrap();
    let expected = "\
rep_id,name,group,capacity,accounts,potential,workload,potential_target,workload_target,potential_dev_pct,workload_dev_pct,accounts_target,accounts_dev_pct,within_tolerance,breach,mean_distance_km,max_distance_km,hull_area_km2,outliers,region,lat,lon,input_group
R1,,*,0.500,3,1000.00,120.00,666.67,46.67,+50.00,+157.14,0.00,0.00,false,,41.700,55.598,1234.6,1,,40.500000,-74.000000,West
R2,Rita Two,*,1.000,1,1000.00,20.00,1333.33,93.33,-25.00,-78.57,0.00,0.00,false,,0.000,0.000,0.0,0,,40.000000,-74.000000,East
";
    assert_eq!(text, expected);
}

#[test]
fn csv_files_have_no_bom_and_no_crlf() {
    for bytes in [
        assignments_csv(&dataset(), &outcome(true)),
        territories_csv(&dataset(), &outcome(true)),
    ] {
        assert!(!bytes.starts_with(&[0xEF, 0xBB, 0xBF]));
        assert!(!bytes.contains(&b'\r'));
        assert!(bytes.ends_with(b"\n"));
    }
}

fn timings(load: f64) -> Timings {
    Timings::new(load, 0.5, &outcome(true).stats, 0.01, load + 0.6)
}

#[test]
fn manifest_keys_are_fixed_and_timings_last() {
    let ds = dataset();
    let oc = outcome(true);
    let run = run_info();
    let outputs = vec![];
    let json = Manifest::new(&run, &ds, &oc, &outputs, timings(0.1)).to_json();
    let keys: Vec<&str> = json
        .lines()
        .filter(|l| l.starts_with("  \"") && !l.starts_with("   "))
        .map(|l| l.trim_start().split('"').nth(1).unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "tplan_version",
            "command",
            "inputs",
            "config",
            "solver",
            "status",
            "objective",
            "lp_bound",
            "gap",
            "gap_pct",
            "counts",
            "balance",
            "solve",
            "outputs",
            "warnings",
            "timings"
        ]
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["tplan_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(v["status"], "OutsideTolerance");
    assert_eq!(v["counts"]["moved"], 1);
    assert_eq!(v["counts"]["moved_potential"], 249.5);
    assert_eq!(v["counts"]["locked"], 1);
    assert_eq!(v["config"]["balance"]["potential_tolerance"], 0.05);
    assert_eq!(v["timings"]["solve_stages"][0]["stage"], "lp");
    assert_eq!(v["timings"]["solve_stages"][0]["seconds"], 0.012);
    assert!(v["solve"].get("timings").is_none());
    // One account has no current owner: no status-quo distance.
    assert!(v["balance"]["objective_before"].is_null());
    assert!(json.ends_with("}\n"));
}

#[test]
fn manifest_differs_only_in_timings() {
    let ds = dataset();
    let oc = outcome(true);
    let run = run_info();
    let outputs = vec![];
    let a = Manifest::new(&run, &ds, &oc, &outputs, timings(0.1)).to_json();
    let b = Manifest::new(&run, &ds, &oc, &outputs, timings(7.3)).to_json();
    assert_ne!(a, b);
    let before_timings = |s: &str| s[..s.find("\"timings\"").unwrap()].to_string();
    assert_eq!(before_timings(&a), before_timings(&b));
}

fn summary(with_status_quo: bool, ds: &Dataset) -> String {
    let oc = outcome(with_status_quo);
    let t = timings(0.1);
    let rows = comparison::compare(ds, &oc.plan);
    render_summary(&SummaryInput {
        dataset: ds,
        outcome: &oc,
        out_dir: Path::new("reports/data"),
        timings: &t,
        warnings: 1,
        comparison: &rows,
    })
}

#[test]
fn summary_shows_before_and_after() {
    let text = summary(true, &dataset());
    println!("{text}");
    assert!(text.starts_with(
        "tplan plan: 4 accounts (1 locked, 3 with a current owner), 2 reps (1.5 FTE) in 1 balance group\n"
    ));
    assert!(text.contains("1 input warning (see stderr)"));
    assert!(text.contains(
        "status: OUTSIDE TOLERANCE, 2 of 2 reps not within ±5.0 % potential and ±10.0 % workload"
    ));
    let line = |label: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(label))
            .unwrap_or_else(|| panic!("no line {label} in\n{text}"))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    // Status quo (3 owned accounts): R2 1249.5 of a 1166.67 fair share
    // (+7.1 %), R1 500.5 of 583.33 (-14.2 %); workload R1 60 of 33.33
    // (+80 %). Only 002 is away from its owner: 500.5 x 55.6 km.
    assert_eq!(
        line("status quo"),
        "status quo 3 14.2 % 80.0 % 2/2 27,827 18.5 0"
    );
    // Nearest: 1 goes to R2 (0 km), so only 002 travels again.
    assert_eq!(
        line("nearest rep"),
        "nearest rep 4 24.9 % 28.6 % 2/2 27,827 13.9 0"
    );
    assert_eq!(
        line("balanced"),
        "balanced 4 50.0 % 157.1 % 2/2 55,598 41.7 1"
    );
    assert_eq!(
        line("plan's potential x km"),
        "plan's potential x km: +99.8 % vs nearest rep"
    );
    assert!(text.contains("(status quo: the 3 accounts with a current owner only)"));
    // Outside tolerance: the bound of balanced plans does not apply.
    assert!(text.contains("LP bound 50,000 is for plans within tolerance and does not apply"));
    assert!(!text.contains("above the bound"));
    assert!(text.contains("moved 1 of 4 accounts, potential 250 of 2,000 (12.5 %)"));
    assert!(text.contains("time 0.70 s (load 0.10 s, solve 0.50 s, write 0.01 s)"));
    assert!(text.trim_end().ends_with("output: reports/data"));
    // Worst first: R1 uses 1571 % of its workload tolerance, R2 786 %.
    let r1 = text.find("\n  R1 ").unwrap();
    let r2 = text.find("\n  R2 ").unwrap();
    assert!(r1 < r2);
    assert!(text.lines().count() <= 25, "one screen");
}

#[test]
fn summary_without_status_quo_and_with_complete_owners() {
    let mut ds = dataset();
    for a in &mut ds.accounts {
        a.current_owner = None;
    }
    let text = summary(false, &ds);
    assert!(text.contains("\n  balanced "), "{text}");
    assert!(!text.contains("status quo"), "{text}");

    // Every account owned: the distance before is known.
    let mut ds = dataset();
    ds.accounts[2].current_owner = Some("R1".into());
    let mut oc = outcome(true);
    oc.plan.assignments[2].previous_rep = Some(1);
    let before = summary::status_quo_objective(&ds, &oc.plan).unwrap();
    // 002 (41.0 N) to R1 (40.5 N) and 1 (40.0 N) to R1: both half a degree.
    let half_degree = crate::distance::haversine_km(41.0, -74.0, 40.5, -74.0);
    assert!((before - (500.5 + 250.0) * half_degree).abs() < 1e-6);
    let t = timings(0.1);
    let text = render_summary(&SummaryInput {
        dataset: &ds,
        outcome: &oc,
        out_dir: Path::new("out"),
        timings: &t,
        warnings: 0,
        comparison: &comparison::compare(&ds, &oc.plan),
    });
    assert!(!text.contains("input warning"));
    let line = |label: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(label))
            .unwrap_or_else(|| panic!("no line {label} in\n{text}"))
            .to_string()
    };
    assert!(line("status quo").contains(" 41,726 "), "{text}");
    assert_eq!(
        line("plan's potential x km").trim(),
        "plan's potential x km: +33.2 % vs status quo, +99.8 % vs nearest rep"
    );
    assert!(!text.contains("(status quo: the"), "{text}");
}

#[test]
fn outside_tolerance_report_names_reps_and_margins() {
    let ds = dataset();
    let report = summary::outside_tolerance_report(&ds, &outcome(true).plan);
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        lines[0],
        "  rep R1 (*): potential +50.00 % of target (tolerance ±5.0 %, outside by 45.00 points); \
         workload +157.14 % of target (tolerance ±10.0 %, outside by 147.14 points)"
    );
    assert!(lines[1].starts_with("  rep R2 (*): potential -25.00 %"));
}

#[test]
fn write_plan_folder_is_complete_and_reproducible() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("data");
    std::fs::create_dir(&input).unwrap();
    let files: Vec<PathBuf> = vec![input.join("accounts.csv")];
    std::fs::write(&files[0], "x\n").unwrap();
    let target = tmp.path().join("reports/data");
    let ds = dataset();
    let oc = outcome(true);
    let run = run_info();
    let clock = RunClock {
        started: Instant::now(),
        load: 0.1,
        solve: 0.2,
    };

    let staged = StagedDir::create(&target, &input, &files).unwrap();
    let first = write_plan_folder(staged, &ds, &oc, &run, clock).unwrap();
    assert_eq!(first.dir, atomic::resolve(&target).unwrap());
    let read = |name: &str| std::fs::read(target.join(name)).unwrap();
    let a1 = read(ASSIGNMENTS_FILE);
    let t1 = read(TERRITORIES_FILE);
    let m1 = String::from_utf8(read(MANIFEST_FILE)).unwrap();
    assert_eq!(first.outputs[0].sha256, sha256_hex(&a1));
    assert!(atomic::is_tplan_output(&target));

    let staged = StagedDir::create(&target, &input, &files).unwrap();
    write_plan_folder(staged, &ds, &oc, &run, clock).unwrap();
    assert_eq!(read(ASSIGNMENTS_FILE), a1);
    assert_eq!(read(TERRITORIES_FILE), t1);
    let m2 = String::from_utf8(read(MANIFEST_FILE)).unwrap();
    let cut = |s: &str| s[..s.find("\"timings\"").unwrap()].to_string();
    assert_eq!(cut(&m1), cut(&m2));
    let mut names: Vec<String> = std::fs::read_dir(&target)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    // No rep has a region or manager: no hierarchy.csv.
    assert_eq!(
        names,
        [
            ASSIGNMENTS_FILE,
            COMPARISON_FILE,
            MANIFEST_FILE,
            TERRITORIES_FILE
        ]
    );
    assert_eq!(
        first.comparison.iter().map(|r| r.plan).collect::<Vec<_>>(),
        ["status_quo", "nearest", "balanced"]
    );
}
