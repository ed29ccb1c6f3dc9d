//! Property tests of the planner through the library: random instances
//! (from `tplan::generate` and hand-rolled ones with random coordinates in
//! the lower 48, random segment coverage, locks and capacities) must give a
//! plan in which every account is assigned exactly once, potential is
//! conserved, locks are kept and segments respected; a plan that says
//! `Balanced` must be within tolerance by the checker's own recomputation.
//! An infeasible instance must come back as `Error::Infeasible` with an
//! explanation, never a panic nor another error.

mod common;

use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use tplan::generate::{generate, GenerateSpec};
use tplan::model::{
    resolve_rules, Account, Dataset, PlanStatus, Rep, SegmentShare, WorkloadSource,
};
use tplan::territory::{plan_territories, PlanOptions, PlanOutcome};
use tplan::Error;

fn options() -> PlanOptions {
    PlanOptions {
        solver: std::env::var("TPLAN_SOLVER")
            .ok()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "clarabel".to_string()),
        progress: tplan::progress::Progress::off(),
        time_limit: None,
    }
}

/// The checker's view of a dataset already in memory.
fn instance(ds: &Dataset) -> common::Instance {
    common::Instance {
        accounts: ds
            .accounts
            .iter()
            .map(|a| common::Acc {
                id: a.id.clone(),
                lat: a.lat,
                lon: a.lon,
                potential: a.potential,
                workload: a.workload,
                segment: a.segment.clone(),
                owner: a.current_owner.clone(),
                locked: a.locked,
            })
            .collect(),
        reps: ds
            .reps
            .iter()
            .map(|r| common::RepIn {
                id: r.id.clone(),
                lat: r.lat,
                lon: r.lon,
                segments: common::parse_segments(&r.segments.join(";")),
                capacity: r.capacity,
            })
            .collect(),
        tol_p: ds.config.balance.potential_tolerance,
        tol_w: ds.config.balance.workload_tolerance,
    }
}

/// Check a planner outcome against the dataset; `Err` with the problems.
fn check_outcome(ds: &Dataset, outcome: &PlanOutcome) -> Result<(), String> {
    let inst = instance(ds);
    let plan = &outcome.plan;
    let n = ds.accounts.len();
    let mut owner: Vec<Option<usize>> = vec![None; n];
    let mut problems = Vec::new();
    for a in &plan.assignments {
        if a.account >= n || a.rep >= ds.reps.len() {
            problems.push(format!("assignment out of range: {a:?}"));
            continue;
        }
        if owner[a.account].replace(a.rep).is_some() {
            problems.push(format!(
                "account {} assigned twice",
                ds.accounts[a.account].id
            ));
        }
    }
    if owner.iter().any(Option::is_none) {
        problems.push(format!(
            "{} accounts unassigned",
            owner.iter().filter(|o| o.is_none()).count()
        ));
    }
    if !problems.is_empty() {
        return Err(problems.join("\n"));
    }
    let owner: Vec<usize> = owner.into_iter().map(Option::unwrap).collect();
    problems.extend(common::rule_violations(&inst, &owner));

    // Potential conserved: the territories hold exactly the accounts' total.
    let total: f64 = ds.accounts.iter().map(|a| a.potential).sum();
    let in_territories: f64 = plan.balance.iter().map(|b| b.potential).sum();
    if (in_territories - total).abs() > 1e-6 * total.max(1.0) {
        problems.push(format!(
            "potential not conserved: territories {in_territories} vs accounts {total}"
        ));
    }
    let mine: Vec<common::Balance> = common::balance(&inst, &owner);
    for b in &mine {
        let theirs = plan
            .balance
            .iter()
            .find(|t| ds.reps[t.rep].id == b.rep)
            .expect("every rep in the plan's balance");
        if (theirs.potential - b.potential).abs() > 1e-6 * total.max(1.0) {
            problems.push(format!(
                "rep {}: planner says potential {}, recomputed {}",
                b.rep, theirs.potential, b.potential
            ));
        }
    }
    let outside = common::balance_violations(&inst, &owner);
    match plan.status {
        PlanStatus::Balanced => problems.extend(outside),
        PlanStatus::OutsideTolerance => {
            if outside.is_empty() {
                problems.push("status OutsideTolerance but every rep is within".into());
            }
        }
    }
    let objective = common::objective(&inst, &owner);
    if (objective - plan.objective).abs() > 1e-6 * objective.max(1.0) {
        problems.push(format!(
            "objective: planner {}, recomputed {objective}",
            plan.objective
        ));
    }
    // The planner's LP bound must be a valid lower bound on the full LP,
    // which the checker solves itself (small instances: every eligible
    // pair), and a tight one: pricing stops only once its Lagrangian bound
    // is within 1e-4 of the restricted optimum.
    match common::full_lp_optimum(&inst) {
        Some(lp) => {
            // Two interior-point solves agree to about 1e-6.
            let scale = lp.max(1.0);
            if plan.lp_bound > lp + 1e-6 * scale || plan.lp_bound < lp - 2e-4 * scale {
                problems.push(format!(
                    "planner LP bound {} but the full LP optimum is {lp} ({:+.4} %)",
                    plan.lp_bound,
                    100.0 * (plan.lp_bound - lp) / lp
                ));
            }
            // A plan within tolerance is feasible for the LP: it cannot beat it.
            if plan.status == PlanStatus::Balanced && objective < lp * (1.0 - 1e-6) {
                problems.push(format!("objective {objective} below the LP optimum {lp}"));
            }
        }
        None => problems.push("a plan was returned but the full LP is infeasible".into()),
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

/// Plan `ds`; Ok plans are checked, infeasibility must be explained and
/// confirmed by the checker's own full LP.
fn plan_and_check(ds: &Dataset) -> Result<(), String> {
    match plan_territories(ds, &options()) {
        Ok(outcome) => check_outcome(ds, &outcome),
        Err(Error::Infeasible(text)) if !text.trim().is_empty() => {
            // Infeasible only when the full model is.
            match common::full_lp_optimum(&instance(ds)) {
                None => Ok(()),
                Some(lp) => Err(format!(
                    "planner says infeasible ({text}) but the full LP has optimum {lp}"
                )),
            }
        }
        Err(e) => Err(format!("unexpected error: {e:?}")),
    }
}

const SEGMENTS: [&str; 3] = ["SMB", "MM", "ENT"];

/// A random instance built directly as domain types: accounts anywhere in
/// the lower 48, reps with random coverage (every account segment covered
/// by at least one rep with capacity), some locks to eligible reps, a
/// capacity-0 rep now and then.
fn hand_rolled(seed: u64, n_accounts: usize, n_reps: usize, locks: bool) -> Dataset {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut reps: Vec<Rep> = (0..n_reps)
        .map(|r| {
            let segments: Vec<String> = match rng.gen_range(0..5) {
                0 => Vec::new(), // covers every segment
                1 => vec!["ENT".into(), "MM".into()],
                _ => vec![SEGMENTS[rng.gen_range(0..3)].to_string()],
            };
            let capacity = [0.5, 1.0, 1.0, 1.0, 1.5][rng.gen_range(0..5)];
            Rep {
                id: format!("R{r:02}"),
                name: None,
                lat: rng.gen_range(25.0..49.0),
                lon: rng.gen_range(-124.0..-67.0),
                segments,
                capacity,
                start_date: None,
                manager: None,
                region: None,
                extra: Vec::new(),
            }
        })
        .collect();
    // Every segment covered by a rep with capacity.
    for s in SEGMENTS {
        if !reps.iter().any(|r| r.capacity > 0.0 && r.covers(Some(s))) {
            let k = rng.gen_range(0..reps.len());
            reps[k].segments.push(s.to_string());
            reps[k].segments.sort();
            reps[k].segments.dedup();
        }
    }
    if n_reps > 3 && rng.gen_bool(0.3) {
        // A rep with no capacity, never the only one of its segments.
        let k = rng.gen_range(0..reps.len());
        let covered_elsewhere = SEGMENTS.iter().all(|s| {
            reps.iter()
                .enumerate()
                .any(|(j, r)| j != k && r.capacity > 0.0 && r.covers(Some(s)))
        });
        if covered_elsewhere {
            reps[k].capacity = 0.0;
        }
    }
    let accounts = (0..n_accounts)
        .map(|i| {
            let segment = match rng.gen_range(0..10) {
                0 => None,
                1..=6 => Some("SMB".to_string()),
                7 | 8 => Some("MM".to_string()),
                _ => Some("ENT".to_string()),
            };
            let u: f64 = rng.gen_range(0.0..1.0);
            let potential = (10_000.0 * (0.5 + 3.0 * u * u)).round();
            let workload = rng.gen_range(5.0..60.0_f64).round();
            let eligible: Vec<usize> = (0..reps.len())
                .filter(|&r| reps[r].capacity > 0.0 && reps[r].covers(segment.as_deref()))
                .collect();
            let owner = if rng.gen_bool(0.7) {
                Some(eligible[rng.gen_range(0..eligible.len())])
            } else {
                None
            };
            let locked = locks && owner.is_some() && rng.gen_bool(0.03);
            Account {
                id: format!("A{i:04}"),
                name: None,
                lat: rng.gen_range(25.0..49.0),
                lon: rng.gen_range(-124.0..-67.0),
                potential,
                workload,
                workload_source: WorkloadSource::Data,
                segment,
                industry: None,
                current_owner: owner.map(|r| reps[r].id.clone()),
                locked,
                bookings_last_year: None,
                pipeline: None,
                extra: Vec::new(),
            }
        })
        .collect();
    Dataset {
        accounts,
        reps,
        ..Dataset::default()
    }
}

/// 16 cases per property, from a fixed seed so CI runs are reproducible;
/// `PROPTEST_RNG_SEED=<n>` or `PROPTEST_CASES=<n>` explore further.
fn config() -> ProptestConfig {
    let from_env = ProptestConfig::default();
    ProptestConfig {
        cases: if std::env::var_os("PROPTEST_CASES").is_some() {
            from_env.cases
        } else {
            16
        },
        rng_seed: if std::env::var_os("PROPTEST_RNG_SEED").is_some() {
            from_env.rng_seed
        } else {
            RngSeed::Fixed(20_270_101)
        },
        // No regression files in the source tree: a failure prints its
        // inputs, and inputs that once failed are kept as plain tests below.
        failure_persistence: None,
        // Shrinking a hang costs the time limit per step: keep it short.
        max_shrink_time: 120_000,
        ..from_env
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn generated_instances_give_valid_plans(
        seed in any::<u64>(),
        accounts in 30usize..200,
        reps in 3usize..8,
    ) {
        let ds = generate(&GenerateSpec::new(accounts, reps, seed));
        plan_and_check_timed(&ds).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn hand_rolled_instances_give_valid_plans(
        seed in any::<u64>(),
        accounts in 30usize..200,
        reps in 3usize..8,
        locks in any::<bool>(),
    ) {
        let ds = hand_rolled(seed, accounts, reps, locks);
        plan_and_check_timed(&ds).map_err(TestCaseError::fail)?;
    }

    /// Hybrid ENT;MM reps split by `[[segment_share]]`: every account once,
    /// each part's potential and workload recomputed here within tolerance
    /// of its share of its segment group's per-FTE mean when the plan says
    /// Balanced, and the written figures equal to the recomputed ones.
    #[test]
    fn split_hybrids_give_valid_plans(
        seed in any::<u64>(),
        accounts in 40usize..200,
        reps in 3usize..8,
        ent_share in 0.2f64..0.8,
    ) {
        if let Some(ds) = with_shares(hand_rolled(seed, accounts, reps, true), ent_share) {
            plan_and_check_shares_timed(&ds, ent_share).map_err(TestCaseError::fail)?;
        }
    }

    /// Tight tolerances and locks piled onto one rep make many instances
    /// infeasible: the answer must be an explained `Infeasible` or a valid
    /// plan, never a panic nor another error.
    #[test]
    fn tight_or_locked_instances_never_panic(
        seed in any::<u64>(),
        accounts in 30usize..120,
        reps in 3usize..6,
        tol in 0.005f64..0.05,
        lock_share in 0.1f64..0.9,
    ) {
        let mut ds = hand_rolled(seed, accounts, reps, true);
        ds.config.balance.potential_tolerance = tol;
        ds.config.balance.workload_tolerance = tol;
        pile_locks_on_one_rep(&mut ds, lock_share);
        plan_and_check_timed(&ds).map_err(TestCaseError::fail)?;
    }
}

/// Lock accounts to one rep that has peers (a rep alone in its balance
/// group is always balanced), in file order, until its locked potential
/// reaches `share` of the potential it could take.
fn pile_locks_on_one_rep(ds: &mut Dataset, share: f64) {
    let peers = |r: &Rep| {
        ds.reps
            .iter()
            .filter(|q| q.capacity > 0.0 && q.segments == r.segments)
            .count()
    };
    let Some(k) = (0..ds.reps.len())
        .filter(|&k| ds.reps[k].capacity > 0.0)
        .max_by_key(|&k| peers(&ds.reps[k]))
    else {
        return;
    };
    let rep = ds.reps[k].clone();
    let eligible_total: f64 = ds
        .accounts
        .iter()
        .filter(|a| rep.covers(a.segment.as_deref()))
        .map(|a| a.potential)
        .sum();
    let mut locked = 0.0;
    for a in &mut ds.accounts {
        if locked >= share * eligible_total {
            break;
        }
        if rep.covers(a.segment.as_deref()) && !a.locked {
            a.current_owner = Some(rep.id.clone());
            a.locked = true;
            locked += a.potential;
        }
    }
}

/// Three equal SMB reps; the first one's locked accounts hold half the
/// potential, far above its 1/3 share +5 %: the LP itself is infeasible,
/// and the explanation must name the rep.
#[test]
fn lock_that_breaks_balance_is_explained() {
    let mut ds = hand_rolled(11, 60, 3, false);
    for r in &mut ds.reps {
        r.segments = vec!["SMB".to_string()];
        r.capacity = 1.0;
    }
    let total: f64 = {
        for a in &mut ds.accounts {
            a.segment = Some("SMB".to_string());
            a.locked = false;
            a.current_owner = None;
        }
        ds.accounts.iter().map(|a| a.potential).sum()
    };
    let mut locked = 0.0;
    for a in &mut ds.accounts {
        if locked >= 0.5 * total {
            break;
        }
        a.current_owner = Some("R00".to_string());
        a.locked = true;
        locked += a.potential;
    }
    match plan_territories(&ds, &options()) {
        Err(Error::Infeasible(text)) => {
            assert!(!text.trim().is_empty());
            assert!(
                text.contains("R00"),
                "explanation does not name the rep: {text}"
            );
        }
        Ok(o) => panic!("expected infeasible, got status {:?}", o.plan.status),
        Err(e) => panic!("expected Error::Infeasible, got {e:?}"),
    }
}

/// Inputs that once failed, kept as plain tests.
#[test]
fn regression_hand_rolled() {
    // An OutsideTolerance plan below the LP optimum (which is fine: it
    // breaks balance rows), once reported as a failure by this test.
    let ds = hand_rolled(16250562241631974725, 116, 6, false);
    plan_within(&ds, "hand_rolled(16250562241631974725, 116, 6, false)");
}

#[test]
fn regression_tight_with_locks() {
    // Column generation cycled on these: pricing rounds never ended.
    for (seed, accounts, reps, tol, lock_share) in [
        (
            7452722494821090713,
            62,
            5,
            0.026739977957477946,
            0.4138796378886364,
        ),
        (
            9651257218710339776,
            57,
            5,
            0.043351059870493286,
            0.573747859881051,
        ),
    ] {
        let mut ds = hand_rolled(seed, accounts, reps, true);
        ds.config.balance.potential_tolerance = tol;
        ds.config.balance.workload_tolerance = tol;
        pile_locks_on_one_rep(&mut ds, lock_share);
        plan_within(&ds, &format!("tight case seed {seed}"));
    }
}

#[test]
fn regression_hand_rolled_no_locks() {
    // Default tolerances, no locks: the planner did not answer in 30 s.
    let ds = hand_rolled(3770369174519616304, 36, 6, false);
    plan_within(&ds, "hand_rolled(3770369174519616304, 36, 6, false)");
}

/// Seconds a small instance may take before the planner counts as hung.
const TIME_LIMIT_S: u64 = 30;

/// [`plan_and_check`] with a time limit, so a planner that loops fails the
/// test instead of hanging the run (the planner thread is left behind).
fn plan_and_check_timed(ds: &Dataset) -> Result<(), String> {
    let (tx, rx) = std::sync::mpsc::channel();
    let ds = ds.clone();
    std::thread::spawn(move || {
        let _ = tx.send(plan_and_check(&ds));
    });
    match rx.recv_timeout(std::time::Duration::from_secs(TIME_LIMIT_S)) {
        Ok(result) => result,
        Err(_) => Err(format!(
            "no answer from the planner within {TIME_LIMIT_S} s"
        )),
    }
}

fn plan_within(ds: &Dataset, what: &str) {
    if let Err(e) = plan_and_check_timed(ds) {
        panic!("{what}:\n{e}");
    }
}

/// `ds` with every ENT;MM rep split ENT `ent_share` / MM the rest (and
/// accounts without a segment made SMB, as shares need segments); `None`
/// when there is no such rep or the rules do not resolve.
fn with_shares(mut ds: Dataset, ent_share: f64) -> Option<Dataset> {
    for a in &mut ds.accounts {
        if a.segment.is_none() {
            a.segment = Some("SMB".to_string());
            // Its owner was picked among reps covering any segment; a lock
            // to one not covering SMB would be an input error.
            let owner = ds
                .reps
                .iter()
                .find(|r| Some(&r.id) == a.current_owner.as_ref());
            if owner.is_some_and(|r| !r.covers(Some("SMB"))) {
                a.locked = false;
            }
        }
    }
    let hybrids: Vec<String> = ds
        .reps
        .iter()
        .filter(|r| r.segments == ["ENT", "MM"])
        .map(|r| r.id.clone())
        .collect();
    if hybrids.is_empty() {
        return None;
    }
    ds.config.segment_share.push(SegmentShare {
        name: "split".into(),
        reps: hybrids,
        shares: [
            ("ENT".to_string(), ent_share),
            ("MM".to_string(), 1.0 - ent_share),
        ]
        .into(),
        ..SegmentShare::default()
    });
    ds.rules = resolve_rules(&ds).ok()?;
    Some(ds)
}

fn plan_and_check_shares_timed(ds: &Dataset, ent_share: f64) -> Result<(), String> {
    let (tx, rx) = std::sync::mpsc::channel();
    let ds = ds.clone();
    std::thread::spawn(move || {
        let result = match plan_territories(&ds, &options()) {
            Ok(outcome) => check_split_plan(&ds, &outcome, ent_share),
            Err(Error::Infeasible(text)) if !text.trim().is_empty() => Ok(()),
            Err(e) => Err(format!("unexpected error: {e:?}")),
        };
        let _ = tx.send(result);
    });
    rx.recv_timeout(std::time::Duration::from_secs(TIME_LIMIT_S))
        .unwrap_or_else(|_| Err(format!("no answer within {TIME_LIMIT_S} s")))
}

/// Balance member of a split plan: (rep, segment of a split rep's part).
type Member = (usize, Option<String>);

/// The checks of [`split_hybrids_give_valid_plans`], from the dataset and
/// the plan's owners alone.
fn check_split_plan(ds: &Dataset, outcome: &PlanOutcome, ent_share: f64) -> Result<(), String> {
    let plan = &outcome.plan;
    if plan.assignments.len() != ds.accounts.len() {
        return Err("not every account assigned".into());
    }
    let split = |r: usize| ds.reps[r].segments == ["ENT", "MM"];
    // Whole reps, and one member per segment of a split rep: (group key,
    // FTE, potential, workload).
    let mut members: std::collections::BTreeMap<Member, (String, f64, f64, f64)> =
        Default::default();
    for (r, rep) in ds.reps.iter().enumerate() {
        if rep.capacity <= 0.0 {
            continue;
        }
        if split(r) {
            for (segment, share) in [("ENT", ent_share), ("MM", 1.0 - ent_share)] {
                members.insert(
                    (r, Some(segment.into())),
                    (segment.into(), rep.capacity * share, 0.0, 0.0),
                );
            }
        } else {
            let key = if rep.segments.is_empty() {
                "*".to_string()
            } else {
                rep.segments.join(";")
            };
            members.insert((r, None), (key, rep.capacity, 0.0, 0.0));
        }
    }
    for (i, (a, asg)) in ds.accounts.iter().zip(&plan.assignments).enumerate() {
        let r = asg.rep;
        if asg.account != i || r >= ds.reps.len() || !ds.reps[r].covers(a.segment.as_deref()) {
            return Err(format!("account {i} has an invalid owner {r}"));
        }
        if a.locked && a.current_owner.as_deref() != Some(ds.reps[r].id.as_str()) {
            return Err(format!("lock of account {i} broken"));
        }
        let key = (r, if split(r) { a.segment.clone() } else { None });
        let m = members
            .get_mut(&key)
            .ok_or(format!("account {i} at a rep without capacity"))?;
        m.2 += a.potential;
        m.3 += a.workload;
    }
    let mut groups: std::collections::BTreeMap<&str, (f64, f64, f64)> = Default::default();
    for (key, cap, pot, work) in members.values() {
        let g = groups.entry(key.as_str()).or_default();
        g.0 += cap;
        g.1 += pot;
        g.2 += work;
    }
    let (tp, tw) = (
        ds.config.balance.potential_tolerance,
        ds.config.balance.workload_tolerance,
    );
    let dev = |x: f64, t: f64| {
        if t > 0.0 {
            (x - t) / t
        } else if x > 0.0 {
            f64::INFINITY
        } else {
            0.0
        }
    };
    let outside = |d: f64, tol: f64| d.abs() > tol * (1.0 + 1e-9) + 1e-9;
    for ((r, segment), (key, cap, pot, work)) in &members {
        let g = groups[key.as_str()];
        let (pt, wt) = (cap * g.1 / g.0, cap * g.2 / g.0);
        let (dp, dw) = (dev(*pot, pt), dev(*work, wt));
        if plan.status == PlanStatus::Balanced && (outside(dp, tp) || outside(dw, tw)) {
            return Err(format!(
                "rep {} {segment:?}: potential {dp:+.4}, workload {dw:+.4} outside tolerance \
                 in a Balanced plan",
                ds.reps[*r].id
            ));
        }
        if let Some(segment) = segment {
            let part = plan
                .segment_parts
                .iter()
                .find(|p| p.rep == *r && &p.segment == segment)
                .ok_or(format!("no segment part for {} {segment}", ds.reps[*r].id))?;
            if (part.balance.potential - pot).abs() > 1e-6 * pot.max(1.0)
                || (part.balance.potential_target - pt).abs() > 1e-6 * pt.max(1.0)
            {
                return Err(format!(
                    "part {} {segment}: written potential {} target {}, recomputed {pot} {pt}",
                    ds.reps[*r].id, part.balance.potential, part.balance.potential_target
                ));
            }
        }
    }
    // Each rep's written potential is the sum of its accounts'.
    for b in &plan.balance {
        let held: f64 = ds
            .accounts
            .iter()
            .zip(&plan.assignments)
            .filter(|(_, a)| a.rep == b.rep)
            .map(|(a, _)| a.potential)
            .sum();
        if (b.potential - held).abs() > 1e-6 * held.max(1.0) {
            return Err(format!(
                "rep {}: potential {} vs {held}",
                ds.reps[b.rep].id, b.potential
            ));
        }
    }
    Ok(())
}
