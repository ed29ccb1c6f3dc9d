//! The rebalance bound against exhaustive search on tiny instances, and
//! the setup's classification of accounts.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::model::solve;
use super::*;
use crate::model::{Account, Rep, WorkloadSource};
use crate::territory::{verify, PieceBound, PlanOptions};

/// The rebalance's certificate against an exhaustive optimum: the bound is
/// never above it, and a balanced plan never needs fewer moves than it.
fn assert_certified(seed: u64, solved: &model::Solved, exact: usize) {
    assert!(
        solved.bound <= exact,
        "seed {seed}: bound {} above the optimum {exact}",
        solved.bound
    );
    if solved.outcome.plan.status == crate::model::PlanStatus::Balanced {
        assert!(
            solved.moves >= exact,
            "seed {seed}: fewer moves than optimal"
        );
    }
}

fn account(i: usize, rng: &mut ChaCha8Rng, owner: Option<String>) -> Account {
    Account {
        id: format!("A{i}"),
        name: None,
        lat: 40.0 + rng.gen_range(-2.0..2.0),
        lon: -90.0 + rng.gen_range(-3.0..3.0),
        potential: rng.gen_range(10.0..100.0_f64).round(),
        workload: rng.gen_range(5.0..20.0_f64).round(),
        workload_source: WorkloadSource::Data,
        segment: None,
        industry: None,
        current_owner: owner,
        locked: false,
        bookings_last_year: None,
        pipeline: None,
        extra: Vec::new(),
    }
}

fn rep(r: usize, rng: &mut ChaCha8Rng) -> Rep {
    Rep {
        id: format!("R{r}"),
        name: None,
        lat: 40.0 + rng.gen_range(-2.0..2.0),
        lon: -90.0 + rng.gen_range(-3.0..3.0),
        segments: Vec::new(),
        capacity: 1.0,
        start_date: None,
        manager: None,
        region: None,
        extra: Vec::new(),
    }
}

/// A tiny instance: `n` accounts with random owners among `reps` reps (or
/// none), the last rep at capacity 0 when `departure`.
fn tiny(seed: u64, n: usize, reps: usize, departure: bool) -> Dataset {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut ds = Dataset {
        reps: (0..reps).map(|r| rep(r, &mut rng)).collect(),
        ..Dataset::default()
    };
    if departure {
        ds.reps[reps - 1].capacity = 0.0;
    }
    ds.accounts = (0..n)
        .map(|i| {
            let owner = (rng.gen_range(0..10) > 0).then(|| format!("R{}", rng.gen_range(0..reps)));
            account(i, &mut rng, owner)
        })
        .collect();
    ds.config.balance.potential_tolerance = 0.3;
    ds.config.balance.workload_tolerance = 0.4;
    ds
}

fn setup_of(ds: &Dataset) -> Setup {
    let origin = Origin {
        accounts_file: "accounts.csv",
        reps_file: "reps.csv",
        account_lines: &[],
        rep_lines: &[],
    };
    prepare(ds, None, Vec::new(), origin).unwrap()
}

/// Fewest discretionary moves over every balanced single-owner plan, by
/// enumeration over every active rep; `None` when no plan is balanced.
fn exhaustive_fewest_moves(setup: &Setup) -> Option<usize> {
    let ds = &setup.dataset;
    let active: Vec<usize> = (0..ds.reps.len())
        .filter(|&r| ds.reps[r].capacity > 0.0)
        .collect();
    fewest_moves_among(setup, &vec![active; ds.accounts.len()])
}

/// Every plan that gives each account one of its `options`.
fn every_plan(options: &[Vec<usize>]) -> impl Iterator<Item = Vec<usize>> + '_ {
    let combos: usize = options.iter().map(Vec::len).product();
    (0..combos).map(move |code| {
        let mut c = code;
        options
            .iter()
            .map(|reps| {
                let r = reps[c % reps.len()];
                c /= reps.len();
                r
            })
            .collect()
    })
}

/// Fewest discretionary moves over the plans that give each account one
/// of its `options` and hold every active rep (every part of a split rep)
/// within its band, by enumeration; `None` when none does.
fn fewest_moves_among(setup: &Setup, options: &[Vec<usize>]) -> Option<usize> {
    let ds = &setup.dataset;
    let mut best: Option<usize> = None;
    for owner in every_plan(options) {
        let moves = setup.discretionary_moves(&owner);
        if best.is_some_and(|b| moves >= b) {
            continue;
        }
        let some: Vec<Option<usize>> = owner.iter().map(|&r| Some(r)).collect();
        if verify::rep_balances(ds, &some)
            .iter()
            .filter(|b| ds.reps[b.rep].capacity > 0.0)
            .all(|b| b.within_tolerance)
        {
            best = Some(moves);
        }
    }
    best
}

/// The planner's options for the tests: Clarabel, quiet, no time limit.
fn options() -> PlanOptions {
    PlanOptions {
        solver: "clarabel".to_string(),
        progress: crate::progress::Progress::off(),
        time_limit: None,
    }
}

#[test]
fn the_bound_is_never_above_the_exhaustive_optimum_on_tiny_instances() {
    let options = options();
    let mut compared = 0;
    for seed in 0..24 {
        let ds = tiny(seed, 7, 3 + (seed % 2) as usize, seed % 3 == 0);
        let setup = setup_of(&ds);
        let exact = exhaustive_fewest_moves(&setup);
        match solve(&setup, &options) {
            Ok(solved) => {
                // The LP may be feasible when no single-owner plan is.
                let Some(exact) = exact else {
                    assert_eq!(
                        solved.outcome.plan.status,
                        crate::model::PlanStatus::OutsideTolerance
                    );
                    continue;
                };
                assert_certified(seed, &solved, exact);
                compared += 1;
            }
            Err(crate::Error::Infeasible(_)) => {}
            Err(e) => panic!("seed {seed}: {e}"),
        }
    }
    assert!(compared >= 12, "only {compared} feasible instances");
}

#[test]
fn accounts_are_classified_by_their_owner_and_the_rules() {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let mut ds = Dataset {
        reps: (0..3).map(|r| rep(r, &mut rng)).collect(),
        ..Dataset::default()
    };
    ds.reps[2].capacity = 0.0;
    ds.reps[1].segments = vec!["SMB".to_string()];
    ds.accounts = vec![
        account(0, &mut rng, Some("R0".into())),
        account(1, &mut rng, Some("R2".into())),
        account(2, &mut rng, None),
        account(3, &mut rng, Some("R1".into())),
    ];
    ds.accounts[3].segment = Some("ENT".into());
    ds.reps[0].segments = vec!["ENT".into(), "SMB".into()];
    ds.accounts[0].segment = Some("SMB".into());
    ds.accounts[1].segment = Some("SMB".into());
    ds.accounts[2].segment = Some("SMB".into());
    let setup = setup_of(&ds);
    assert_eq!(
        setup.kind,
        vec![
            AccountKind::Staying,
            AccountKind::Orphan,
            AccountKind::NewAccount,
            AccountKind::Forced
        ]
    );
    assert_eq!(setup.departed, vec![false, false, true]);
    assert_eq!(setup.new_hire, vec![false, false, false]);
}

#[test]
fn the_bound_rounds_up_after_the_distance_and_deal_allowance() {
    let w = model::Weights {
        move_weight: Vec::new(),
        distance_weight: 1.0,
        unit: 0.5,
        allowance: vec![0.25, 0.25],
    };
    let whole = |bound: f64| {
        let pieces = [PieceBound {
            accounts: vec![0, 1],
            bound,
            moves_floor: 0,
        }];
        model::moves_bound_by_piece(&pieces, &w)
    };
    // 10.4 moves' worth of objective: at least 10 moves (10.4 - 0.5 < 10).
    assert_eq!(whole(5.2), 10);
    assert_eq!(whole(5.24), 10);
    assert_eq!(whole(5.3), 11);
    assert_eq!(whole(0.1), 0);
}

#[test]
fn each_independent_piece_rounds_up_on_its_own() {
    let w = model::Weights {
        move_weight: Vec::new(),
        distance_weight: 1.0,
        unit: 1.0,
        allowance: vec![0.1, 0.1, 0.05, 0.05],
    };
    let pieces = [
        PieceBound {
            accounts: vec![0, 1],
            bound: 2.7,
            moves_floor: 0,
        },
        PieceBound {
            accounts: vec![2, 3],
            bound: 5.6,
            moves_floor: 0,
        },
    ];
    // 2.5 and 5.5 moves at least: 3 + 6, where 8.3 - 0.3 as one rounds to 8.
    assert_eq!(model::moves_bound_by_piece(&pieces, &w), 9);
}

#[test]
fn a_grandfathered_deal_keeps_its_credit_until_it_closes_or_the_transition_ends() {
    use super::grandfathering::{grandfathered, transition_end};
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    let reps = (0..3).map(|r| rep(r, &mut rng)).collect();
    let ds = Dataset {
        reps,
        accounts: (0..4)
            .map(|i| account(i, &mut rng, Some("R0".into())))
            .collect(),
        ..Dataset::default()
    };
    let date = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let deal = |id: &str, account: usize, owner: &str, stage: &str, close: &str| Deal {
        id: id.into(),
        account,
        owner: owner.into(),
        amount: 1000.0,
        stage: stage.into(),
        close_date: date(close),
        line: 2,
    };
    let deals = vec![
        deal("early", 0, "R0", "Proposal", "2026-08-15"),
        deal("late", 1, "R0", "Negotiation", "2027-03-31"),
        deal("closed", 2, "R0", "Closed Won", "2026-08-01"),
        deal("unmoved", 3, "R0", "Proposal", "2026-08-01"),
        deal("gone", 1, "R2", "Proposal", "2026-08-01"),
        deal("past", 0, "R0", "Proposal", "2026-06-01"),
    ];
    // Accounts 0-2 move to R1; account 3 stays; R2 has left.
    let owner = vec![1, 1, 1, 0];
    let departed = vec![false, false, true];
    let effective = date("2026-07-01");
    let kept = grandfathered(&ds, &deals, &owner, &departed, Some(effective), 3);
    let ids: Vec<&str> = kept.iter().map(|g| deals[g.deal].id.as_str()).collect();
    assert_eq!(ids, ["early", "late"]);
    assert_eq!(transition_end(effective, 3), date("2026-09-30"));
    assert_eq!(
        kept[0].until,
        date("2026-08-15"),
        "credited until it closes"
    );
    assert_eq!(
        kept[1].until,
        date("2026-09-30"),
        "credited until the transition ends"
    );
    assert!(kept
        .iter()
        .all(|g| g.original_owner == 0 && g.new_owner == 1));
    assert!(grandfathered(&ds, &deals, &owner, &departed, Some(effective), 0).is_empty());
}

/// A tiny instance with a hybrid rep: R0 covers ENT, R1 MM, R2 both with
/// its capacity split ENT 0.5 / MM 0.5 by `[[segment_share]]`; owners at
/// random, R0 gone when `departure`.
fn tiny_split(seed: u64, n: usize, departure: bool) -> Dataset {
    let mut ds = tiny(seed, n, 3, false);
    ds.reps[0].segments = vec!["ENT".into()];
    ds.reps[1].segments = vec!["MM".into()];
    ds.reps[2].segments = vec!["ENT".into(), "MM".into()];
    if departure {
        ds.reps[0].capacity = 0.0;
        ds.reps[2].capacity = 2.0;
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed + 1000);
    for a in &mut ds.accounts {
        a.segment = Some(if rng.gen_bool(0.5) { "ENT" } else { "MM" }.into());
        // Today's owner covers the account's segment (or has left).
        if let Some(o) = a.current_owner.as_deref() {
            let fits = match o {
                "R0" => a.segment.as_deref() == Some("ENT"),
                "R1" => a.segment.as_deref() == Some("MM"),
                _ => true,
            };
            if !fits {
                a.current_owner = Some("R2".into());
            }
        }
    }
    ds.config.segment_share.push(crate::model::SegmentShare {
        name: "hybrid".into(),
        reps: vec!["R2".into()],
        shares: [("ENT".to_string(), 0.5), ("MM".to_string(), 0.5)].into(),
        ..Default::default()
    });
    ds.config.balance.potential_tolerance = 0.35;
    ds.config.balance.workload_tolerance = 0.5;
    ds.rules = crate::model::resolve_rules(&ds).expect("valid rules");
    ds
}

/// Fewest discretionary moves over reps of any plan with every rep (and
/// so every part) within its band, by enumeration over the reps covering
/// each account's segment.
fn exhaustive_fewest_moves_over_reps(setup: &Setup) -> Option<usize> {
    let ds = &setup.dataset;
    let options: Vec<Vec<usize>> = ds
        .accounts
        .iter()
        .map(|a| {
            (0..ds.reps.len())
                .filter(|&r| ds.reps[r].capacity > 0.0 && ds.reps[r].covers(a.segment.as_deref()))
                .collect()
        })
        .collect();
    fewest_moves_among(setup, &options)
}

#[test]
fn over_parts_the_bound_holds_for_moves_counted_over_reps() {
    let options = options();
    let mut compared = 0;
    for seed in 0..16 {
        let ds = tiny_split(seed, 8, seed % 3 == 0);
        let setup = setup_of(&ds);
        let split = crate::model::PartSplit::of(&setup.dataset).expect("R2 is split");
        let parts = setup.over_parts(&split).expect("same kinds over parts");
        assert_eq!(parts.kind, setup.kind);
        // Today's owners are a plan with no move, over parts as over reps.
        let today: Vec<usize> = (0..ds.accounts.len())
            .map(|i| parts.current[i].unwrap_or(0))
            .collect();
        let staying_today: Vec<usize> = (0..ds.accounts.len())
            .map(|i| setup.current[i].unwrap_or(0))
            .collect();
        assert_eq!(
            parts.discretionary_moves(&today),
            setup.discretionary_moves(&staying_today)
        );
        let exact = exhaustive_fewest_moves_over_reps(&setup);
        match solve(&parts, &options) {
            Ok(solved) => {
                let part_owner = model::owners(&solved.outcome);
                let rep_owner = split.rep_owners(&part_owner);
                assert_eq!(
                    setup.discretionary_moves(&rep_owner),
                    solved.moves,
                    "seed {seed}: moves over reps differ from moves over parts"
                );
                let Some(exact) = exact else {
                    continue;
                };
                assert_certified(seed, &solved, exact);
                compared += 1;
            }
            Err(crate::Error::Infeasible(_)) => {}
            Err(e) => panic!("seed {seed}: {e}"),
        }
    }
    assert!(compared >= 6, "only {compared} feasible instances");
}

/// A tiny instance with three balance groups that share accounts: R0 and
/// R3 cover ENT, R1 MM, R2 both (a group of its own), so moves between
/// groups shift each group's mean; owners cover the account's segment.
fn tiny_hybrid(seed: u64, n: usize, departure: bool) -> Dataset {
    let mut ds = tiny(seed, n, 4, departure);
    let segments: [&[&str]; 4] = [&["ENT"], &["MM"], &["ENT", "MM"], &["ENT"]];
    for (rep, segs) in ds.reps.iter_mut().zip(segments) {
        rep.segments = segs.iter().map(|s| s.to_string()).collect();
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed + 2000);
    for a in &mut ds.accounts {
        let ent = rng.gen_bool(0.5);
        a.segment = Some(if ent { "ENT" } else { "MM" }.into());
        // One account in three is large: the lumpy case the cuts are for.
        if rng.gen_range(0..3) == 0 {
            a.potential *= 4.0;
        }
        let fits = |o: &str| match o {
            "R0" | "R3" => ent,
            "R1" => !ent,
            _ => true,
        };
        if a.current_owner.as_deref().is_some_and(|o| !fits(o)) {
            a.current_owner = Some("R2".into());
        }
    }
    ds.config.balance.potential_tolerance = 0.3;
    ds.config.balance.workload_tolerance = 0.6;
    ds
}

#[test]
fn across_hybrid_groups_the_bound_is_never_above_the_exhaustive_optimum() {
    let options = options();
    let mut compared = 0;
    let mut moving = 0;
    for seed in 0..40 {
        let ds = tiny_hybrid(seed, 7, seed % 5 == 0);
        let setup = setup_of(&ds);
        let exact = exhaustive_fewest_moves_over_reps(&setup);
        match solve(&setup, &options) {
            Ok(solved) => {
                let Some(exact) = exact else { continue };
                assert_certified(seed, &solved, exact);
                compared += 1;
                moving += usize::from(solved.bound > 0);
            }
            Err(crate::Error::Infeasible(_)) => {}
            Err(e) => panic!("seed {seed}: {e}"),
        }
    }
    assert!(compared >= 12, "only {compared} feasible instances");
    assert!(moving >= 4, "only {moving} instances need a move");
}

/// The whole-account floor against the exhaustive optimum on lumpy
/// hybrid instances: never above it, and equal to it (and positive) on
/// some, so a floor one move too high would fail here.
#[test]
fn the_whole_account_floor_is_never_above_the_exhaustive_optimum() {
    let (mut compared, mut tight) = (0, 0);
    for seed in 0..60 {
        let ds = tiny_hybrid(seed, 7, false);
        let setup = setup_of(&ds);
        let Some(exact) = exhaustive_fewest_moves_over_reps(&setup) else {
            continue;
        };
        let weights = model::weights(&setup).move_weight;
        let floor = crate::territory::whole_account_floor(&setup.dataset, weights);
        assert!(
            floor <= exact,
            "seed {seed}: floor {floor} above the optimum {exact}"
        );
        compared += 1;
        tight += usize::from(floor == exact && floor > 0);
    }
    assert!(compared >= 20, "only {compared} feasible instances");
    assert!(tight >= 3, "the floor reaches the optimum on only {tight}");
}

/// Two reps in one group at one place; R0 is 1 over its upper band (99)
/// and R1 1 under its lower band (81), and every account is worth at least
/// 15: one whole account must move, although a sixtieth of the largest
/// would balance the LP.
fn one_over_by_part_of_an_account() -> Dataset {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let mut ds = tiny(7, 0, 2, false);
    for r in &mut ds.reps {
        (r.lat, r.lon) = (40.0, -90.0);
    }
    let owned = [
        ("R0", 60.0),
        ("R0", 15.0),
        ("R0", 25.0),
        ("R1", 30.0),
        ("R1", 30.0),
        ("R1", 20.0),
    ];
    ds.accounts = owned
        .iter()
        .enumerate()
        .map(|(i, &(owner, potential))| {
            let mut a = account(i, &mut rng, Some(owner.into()));
            (a.lat, a.lon, a.potential, a.workload) = (40.0, -90.0, potential, 10.0);
            a
        })
        .collect();
    ds.config.balance.potential_tolerance = 0.1;
    ds.config.balance.workload_tolerance = 0.5;
    ds
}

#[test]
fn a_rep_over_its_band_by_part_of_one_account_needs_a_whole_move() {
    let setup = setup_of(&one_over_by_part_of_an_account());
    assert_eq!(exhaustive_fewest_moves(&setup), Some(1));
    let solved = solve(&setup, &options()).expect("balanced");
    assert_eq!(solved.moves, 1);
    // Without the cover cuts the LP moves a sixtieth of the 60 account and
    // the bound rounds to 0.
    assert_eq!(solved.bound, 1, "LP bound {} moves", solved.lp_moves);
}

/// Least total band violation (the frontier's measure) over every plan
/// with at most `budget` discretionary moves, by enumeration over the
/// eligible reps of each account.
fn exhaustive_least_violation(setup: &Setup, frontier: &frontier::Frontier, budget: usize) -> f64 {
    let options = crate::territory::eligible_reps(&setup.dataset);
    let mut best = f64::INFINITY;
    for owner in every_plan(&options) {
        if setup.discretionary_moves(&owner) <= budget {
            best = best.min(frontier.violation(&owner));
        }
    }
    best
}

/// Every frontier point's violation bound is at most the least violation
/// any plan within its budget reaches, and at the greedy plan's; with no
/// move allowed and nothing to place it is the violation of today's plan
/// (the ascent gets within 5 % of it).
#[test]
fn the_violation_bound_is_never_above_the_exhaustive_least_violation() {
    let mut positive = 0;
    for seed in 0..16 {
        let ds = tiny(seed, 7, 3, seed % 4 == 0);
        let setup = setup_of(&ds);
        // The targets come from a balanced plan if one exists (as in a
        // run, from the full rebalance), else from today's owners.
        let full: Vec<usize> = match solve(&setup, &options()) {
            Ok(solved) => model::owners(&solved.outcome),
            Err(_) => continue,
        };
        let frontier = frontier::Frontier::new(&setup, &full);
        let budgets: Vec<usize> = (0..=3).collect();
        let owners = frontier.within_each(&budgets);
        let bounds = frontier.violation_bounds(&budgets, &owners);
        for ((&b, owner), &bound) in budgets.iter().zip(&owners).zip(&bounds) {
            let greedy = frontier.violation(owner);
            let exact = exhaustive_least_violation(&setup, &frontier, b);
            assert!(
                bound <= exact + 1e-12 && exact <= greedy + 1e-12,
                "seed {seed}, budget {b}: bound {bound}, least {exact}, greedy {greedy}"
            );
            positive += usize::from(bound > 0.0);
            let nothing_to_place = setup.kind.iter().all(|&k| k == AccountKind::Staying);
            if b == 0 && nothing_to_place {
                assert!(
                    bound >= 0.95 * exact,
                    "seed {seed}: {bound} against {exact}"
                );
            }
        }
    }
    assert!(positive >= 8, "only {positive} positive bounds");
}
