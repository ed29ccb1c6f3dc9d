//! Explanations on small hand-built datasets, figures checked by hand.

use super::*;
use crate::model::{Account, Config, Rep, WorkloadSource};

fn account(id: &str, lon: f64, segment: &str, owner: Option<&str>, locked: bool) -> Account {
    Account {
        id: id.to_string(),
        name: None,
        lat: 0.0,
        lon,
        potential: 100.0,
        workload: 10.0,
        workload_source: WorkloadSource::Data,
        segment: Some(segment.to_string()),
        industry: None,
        current_owner: owner.map(str::to_string),
        locked,
        bookings_last_year: None,
        pipeline: None,
        extra: Vec::new(),
    }
}

fn rep(id: &str, lon: f64, segments: &[&str], capacity: f64) -> Rep {
    Rep {
        id: id.to_string(),
        name: Some(format!("Rep {id}")),
        lat: 0.0,
        lon,
        segments: segments.iter().map(|s| s.to_string()).collect(),
        capacity,
        start_date: None,
        manager: None,
        region: None,
        extra: Vec::new(),
    }
}

/// Four equal SMB accounts east of R0 at lon 0.1 .. 0.4, R1 at lon 1.0:
/// balance forces the two farthest from R0 onto R1.
fn four() -> Dataset {
    Dataset {
        accounts: vec![
            account("A0", 0.1, "SMB", Some("R0"), false),
            account("A1", 0.2, "SMB", Some("R0"), false),
            account("A2", 0.3, "SMB", Some("R1"), false),
            account("A3", 0.4, "SMB", None, false),
        ],
        reps: vec![rep("R0", 0.0, &["SMB"], 1.0), rep("R1", 1.0, &["SMB"], 1.0)],
        config: Config::default(),
        account_extra_columns: Vec::new(),
        rep_extra_columns: Vec::new(),
        rules: Default::default(),
    }
}

const PLAN: [usize; 4] = [0, 0, 1, 1];

#[test]
fn balance_account_names_the_nearest_rep_and_why_it_cannot_take_it() {
    let ds = four();
    let x = explain(&ds, &PLAN, 3, Reason::Balance { extra_km: 1.0 }).unwrap();
    assert_eq!((x.owner, x.nearest, x.eligible), (1, 0, 2));
    assert_eq!(x.eligible_groups, vec![("SMB".to_string(), 2)]);
    assert_eq!(x.current_owner, None);
    assert!(x.nearest_km < x.owner_km);
    let m = x.nearest_move.as_ref().expect("owner is not the nearest");
    // R0 would hold 3 of 4 equal accounts against a fair share of 2: +50 %.
    assert!((m.to.potential_deviation - 0.5).abs() < 1e-12);
    assert!((m.to.workload_deviation - 0.5).abs() < 1e-12);
    assert!((m.from.potential_deviation + 0.5).abs() < 1e-12);
    assert_eq!((m.to.rep, m.from.rep), (0, 1));
    assert!(!m.crosses_groups && !m.within_tolerance);
    assert_eq!(m.outside, 2);
    assert_eq!(m.worst.measure, Measure::Potential);
    assert!((m.worst.deviation.abs() - 0.5).abs() < 1e-12);
    // The plan owner's own figures: 2 of 4, on target.
    assert_eq!(x.owner_balance.accounts, 2);
    assert!(x.owner_balance.within_tolerance);
    // Alternatives: nearest first, the owner marked by having no effect.
    let reps: Vec<usize> = x.alternatives.iter().map(|a| a.rep).collect();
    assert_eq!(reps, vec![0, 1]);
    let saving = 100.0 * (x.owner_km - x.nearest_km);
    assert!((x.alternatives[0].extra_cost + saving).abs() < 1e-6);
    assert_eq!(x.alternatives[0].effect.as_ref(), Some(m));
    assert_eq!(x.alternatives[1].extra_cost, 0.0);
    assert!(x.alternatives[1].effect.is_none());

    let text = render(&ds, &x);
    assert!(text.contains("reason: balance"), "{text}");
    assert!(text.contains("nearest eligible rep: R0 (Rep R0)"), "{text}");
    assert!(text.contains("+50.00 %"), "{text}");
    assert!(text.contains("2 reps would be outside tolerance"), "{text}");
    assert!(text.contains("R1 (owner)"), "{text}");
    assert!(text.contains("single move is a local view"), "{text}");
}

#[test]
fn nearest_account_has_no_move_to_explain() {
    let ds = four();
    let x = explain(&ds, &PLAN, 0, Reason::Nearest).unwrap();
    assert_eq!((x.owner, x.nearest), (0, 0));
    assert!(x.nearest_move.is_none());
    assert_eq!(x.current_owner, Some(0));
    assert!(x.alternatives[0].effect.is_none());
    let to_r1 = x.alternatives[1].effect.as_ref().unwrap();
    // R1 would hold 3 (+50 %), R0 1 (-50 %).
    assert!((to_r1.to.potential_deviation - 0.5).abs() < 1e-12);
    assert!((to_r1.from.potential_deviation + 0.5).abs() < 1e-12);
    assert!(x.alternatives[1].extra_cost > 0.0);
    let text = render(&ds, &x);
    assert!(text.contains("reason: nearest"), "{text}");
    assert!(text.contains("R0 is the nearest eligible rep"), "{text}");
    assert!(text.contains("stays with its current owner R0"), "{text}");
}

#[test]
fn a_move_across_balance_groups_moves_both_targets() {
    // R0 covers every segment, R1 SMB only: two groups of one rep each.
    // A one-rep group's target is its own load, so any move keeps both on
    // target: only the group-aware figures say so.
    let mut ds = four();
    ds.reps[0].segments.clear();
    let x = explain(&ds, &PLAN, 3, Reason::Balance { extra_km: 1.0 }).unwrap();
    assert_eq!(x.eligible_groups.len(), 2);
    let m = x.nearest_move.as_ref().unwrap();
    assert!(m.crosses_groups);
    assert!(m.within_tolerance, "{m:?}");
    assert_eq!(m.to.potential_deviation, 0.0);
    assert_eq!(m.from.potential_deviation, 0.0);
}

#[test]
fn a_workload_heavy_move_reports_workload_as_the_worst() {
    let mut ds = four();
    // Potential +50 % against 5 % is 10 tolerances; workload +99 % against
    // 2 % is about 50.
    ds.config.balance.workload_tolerance = 0.02;
    ds.accounts[3].workload = 1000.0;
    ds.accounts[0].workload = 1000.0;
    let x = explain(&ds, &PLAN, 3, Reason::Balance { extra_km: 1.0 }).unwrap();
    let m = x.nearest_move.as_ref().unwrap();
    assert_eq!(m.worst.measure, Measure::Workload);
    assert!(
        (m.worst.deviation.abs() - 1000.0 / 1010.0).abs() < 1e-12,
        "{m:?}"
    );
}

#[test]
fn locked_account_is_explained_by_its_lock() {
    let mut ds = four();
    ds.accounts[2].locked = true;
    let x = explain(&ds, &PLAN, 2, Reason::Locked).unwrap();
    assert_eq!((x.owner, x.nearest), (1, 0));
    let text = render(&ds, &x);
    assert!(text.contains("reason: locked"), "{text}");
    assert!(
        text.contains("current owner R1 as accounts.csv says"),
        "{text}"
    );
    assert!(text.contains("set locked = false"), "{text}");
}

#[test]
fn owner_beyond_the_table_is_still_listed() {
    let mut ds = four();
    ds.reps = (0..12)
        .map(|r| rep(&format!("R{r:02}"), r as f64 * 0.1, &["SMB"], 1.0))
        .collect();
    let owners = [0, 1, 2, 11];
    let x = explain(&ds, &owners, 3, Reason::Balance { extra_km: 1.0 }).unwrap();
    assert_eq!(x.alternatives.len(), MAX_ALTERNATIVES + 1);
    assert_eq!(x.alternatives.last().map(|a| a.rep), Some(11));
    assert!(x.alternatives[..MAX_ALTERNATIVES]
        .windows(2)
        .all(|w| w[0].km <= w[1].km));
}

#[test]
fn unknown_ids_suggest_the_closest() {
    let ds = four();
    assert_eq!(find_account(&ds, "A2").unwrap(), 2);
    match find_account(&ds, "a2x") {
        Err(Error::UnknownAccount {
            id,
            accounts,
            closest,
        }) => {
            assert_eq!((id.as_str(), accounts), ("a2x", 4));
            assert_eq!(closest.as_deref(), Some("A2"));
        }
        other => panic!("{other:?}"),
    }
    let err = find_account(&ds, "completely-different").unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown account 'completely-different': the plan has 4 accounts"
    );
    let err = find_rep(&ds, "R9").unwrap_err().to_string();
    assert!(
        err.contains("unknown rep 'R9'") && err.contains("did you mean R0?"),
        "{err}"
    );
    assert_eq!(edit_distance("kitten", "sitting"), 3);
}

#[test]
fn owners_must_match_the_data() {
    let ds = four();
    assert!(explain(&ds, &[0, 0, 1], 0, Reason::Nearest).is_err());
    assert!(explain(&ds, &[0, 0, 1, 7], 0, Reason::Nearest).is_err());
}

#[test]
fn resolve_locks_the_account_and_compares_with_the_plan() {
    let ds = four();
    let objective = verify::objective(&ds, &PLAN);
    let plan = PlanFigures {
        owners: &PLAN,
        objective,
        lp_bound: Some(objective),
    };
    let r = resolve_with(&ds, plan, 0, 1, "clarabel").unwrap();
    assert_eq!((r.rep, r.plan_owner), (1, 0));
    assert_eq!(r.status, PlanStatus::Balanced);
    // A0 (the nearest to R0) on R1 costs more; R0 takes the next one back.
    assert!(r.delta() > 0.0, "{r:?}");
    assert!(r.bound_delta().unwrap() > 0.0, "{r:?}");
    assert_eq!(r.changed.len(), 1, "{r:?}");
    assert_eq!(r.changed[0].1, 1);
    assert_eq!(r.changed[0].2, 0);
    let text = render_resolve(&ds, &r);
    assert!(
        text.contains("re-plan with A0 locked to R1 (Rep R1)"),
        "{text}"
    );
    assert!(
        text.contains("other accounts that change owner: 1 ("),
        "{text}"
    );
}

#[test]
fn resolve_refuses_reps_that_cannot_take_the_account() {
    let mut ds = four();
    ds.reps.push(rep("R2", 0.5, &["ENT"], 1.0));
    ds.reps.push(rep("R3", 0.5, &["SMB"], 0.0));
    let plan = PlanFigures {
        owners: &PLAN,
        objective: 0.0,
        lp_bound: None,
    };
    let err = resolve_with(&ds, plan, 0, 2, "clarabel")
        .unwrap_err()
        .to_string();
    assert!(err.contains("R2 covers ENT, not segment SMB"), "{err}");
    assert!(err.contains("reps covering SMB: R0, R1"), "{err}");
    let err = resolve_with(&ds, plan, 0, 3, "clarabel")
        .unwrap_err()
        .to_string();
    assert!(err.contains("R3 has capacity 0"), "{err}");
}
