use chrono::NaiveDate;

use super::*;
use crate::model::{Account, Config, Rep, WorkloadSource};

fn rep(id: &str, name: Option<&str>, capacity: f64, start: Option<(i32, u32)>) -> Rep {
    Rep {
        id: id.to_string(),
        name: name.map(str::to_string),
        lat: 41.0,
        lon: -87.0,
        segments: Vec::new(),
        capacity,
        start_date: start.map(|(y, m)| NaiveDate::from_ymd_opt(y, m, 1).unwrap()),
        manager: None,
        region: None,
        extra: Vec::new(),
    }
}

fn account(id: &str, bookings: f64) -> Account {
    Account {
        id: id.to_string(),
        name: None,
        lat: 41.0,
        lon: -87.0,
        potential: 1.0,
        workload: 1.0,
        workload_source: WorkloadSource::Data,
        segment: None,
        industry: None,
        current_owner: None,
        locked: false,
        bookings_last_year: Some(bookings),
        pipeline: None,
        extra: Vec::new(),
    }
}

/// Four tenured reps that booked 4M last year, a rep who started in the
/// middle of last year, a named hire and an open requisition this year.
fn dataset(target: f64) -> Dataset {
    let mut config = Config {
        fiscal_year: Some(2027),
        ..Config::default()
    };
    config.quota.company_target = Some(target);
    Dataset {
        accounts: vec![account("A1", 3_000_000.0), account("A2", 1_500_000.0)],
        reps: vec![
            rep("R1", Some("a"), 1.0, Some((2015, 1))),
            rep("R2", Some("b"), 1.0, None),
            rep("R3", Some("c"), 1.0, Some((2018, 5))),
            rep("R4", Some("d"), 1.0, Some((2020, 2))),
            // Tenure months 1-6 in Jul-Dec 2026: 0,0,0,.5,.5,.5 -> 0.125 FTE-years.
            rep("R5", Some("e"), 1.0, Some((2026, 7))),
            rep("R6", Some("f"), 1.0, Some((2027, 3))),
            rep("REQ1", None, 1.0, Some((2027, 5))),
        ],
        config,
        ..Dataset::default()
    }
}

#[test]
fn setup_derives_quota_and_counts_planned_hires() {
    let setup = Setup::new(&dataset(10_000_000.0), "plan.toml").unwrap();
    // 4.5M over 4 + 0.125 ramped FTE-years, booked at the likely 95 %.
    assert!((setup.quota_per_ramped_fte - 4_500_000.0 / 4.125 / 0.95).abs() < 1e-6);
    assert!(setup.quota_derived);
    assert_eq!((setup.planned_hires, setup.open_reqs), (2, 1));
    assert_eq!(setup.targets, [10_000_000.0]);
    assert_eq!(setup.months.len(), 12);
}

#[test]
fn missing_fiscal_year_and_target_are_named() {
    let mut d = dataset(1.0);
    d.config.fiscal_year = None;
    let err = Setup::new(&d, "plan.toml").unwrap_err().to_string();
    assert!(err.contains("column 'fiscal_year'"), "{err}");
    let mut d = dataset(1.0);
    d.config.quota.company_target = None;
    let err = Setup::new(&d, "plan.toml").unwrap_err().to_string();
    assert!(err.contains("quota.company_target"), "{err}");
}

/// Simulate the roster plus `n` extra 1.0 FTE hires starting in month
/// index `start`, from scratch (not through the solver's linear shortcut).
fn plan_year_bookings_with(setup: &Setup, s: &ScenarioParams, n: u32, start: usize) -> f64 {
    let mut cohorts = setup.cohorts.clone();
    if n > 0 {
        cohorts.push(Cohort {
            start: Some(start as i64),
            heads: n as f64,
            fte: n as f64,
        });
    }
    let series = model::simulate(&cohorts, &setup.params(s));
    series.bookings[..12].iter().sum()
}

#[test]
fn solved_headcount_makes_the_number_and_one_fewer_does_not() {
    for target in [9_000_000.0, 12_000_000.0, 20_000_000.0] {
        let setup = Setup::new(&dataset(target), "plan.toml").unwrap();
        for (name, s) in ScenariosConfig::default().named() {
            let e = evaluate(&setup, &s);
            let n = e.plan.hires.expect("reachable");
            assert!(n > 0, "{name} at {target}: expected a gap");
            let latest = e.plan.latest.unwrap();
            let earliest = e.plan.earliest.unwrap();
            assert_eq!(earliest, s.lead_time_months as usize);
            // n hires at the latest month make the number (direct run).
            let made = plan_year_bookings_with(&setup, &s, n, latest);
            assert!(made >= target * (1.0 - 1e-9), "{name}: {made} < {target}");
            assert!((made - e.summary.bookings_with_hires).abs() < 1e-6 * target);
            // n - 1 hires miss it in every month they may start in (the
            // earliest is the best one).
            for start in earliest..12 {
                let short = plan_year_bookings_with(&setup, &s, n - 1, start);
                assert!(
                    short < target,
                    "{name}: {n}-1 hires in month {start} make it"
                );
            }
            // n hires one month later than the latest miss it.
            if latest + 1 < 12 {
                let late = plan_year_bookings_with(&setup, &s, n, latest + 1);
                assert!(late < target, "{name}: latest month is not the latest");
            }
            assert_eq!(e.summary.status, "hire");
        }
    }
}

#[test]
fn a_roster_that_makes_the_number_needs_no_hires() {
    let setup = Setup::new(&dataset(1_000_000.0), "plan.toml").unwrap();
    let e = evaluate(&setup, &ScenarioParams::likely());
    assert_eq!(e.summary.hires_needed, Some(0));
    assert_eq!(e.summary.latest_hire_month, None);
    assert_eq!(e.summary.status, "on_target");
    assert_eq!(e.summary.bookings_with_hires, e.summary.expected_bookings);
    assert!(e.summary.gap_to_target < 0.0);
}

#[test]
fn cost_is_fte_times_loaded_cost() {
    let setup = Setup::new(&dataset(1_000_000.0), "plan.toml").unwrap();
    let s = ScenarioParams {
        attrition: 0.0,
        ..ScenarioParams::likely()
    };
    let e = evaluate(&setup, &s);
    // 5 reps all year, R6 from March (10 months), REQ1 from May (8 months),
    // at (200k + 60k) / 12 a month.
    let fte_months = 5.0 * 12.0 + 10.0 + 8.0;
    assert!((e.summary.total_cost - fte_months * 260_000.0 / 12.0).abs() < 1e-6);
    assert_eq!(e.summary.headcount_start, 5.0);
    assert_eq!(e.summary.headcount_year_end, 7.0);
}

#[test]
fn later_years_grow_the_target() {
    let mut d = dataset(10_000_000.0);
    d.config.scenarios.horizon_months = 36;
    d.config.scenarios.target_growth = 0.1;
    let setup = Setup::new(&d, "plan.toml").unwrap();
    let e = evaluate(&setup, &ScenarioParams::likely());
    assert_eq!(e.years.len(), 3);
    assert!((e.years[2].target - 12_100_000.0).abs() < 1e-6);
    assert_eq!(e.years[1].first, YearMonth::new(2028, 1));
    assert_eq!(e.base.bookings.len(), 36);
}

/// Ten tenured reps who booked 8.0M between them last year.
fn ten_reps_who_booked_8m(target: f64) -> Dataset {
    let mut config = Config {
        fiscal_year: Some(2027),
        ..Config::default()
    };
    config.quota.company_target = Some(target);
    Dataset {
        accounts: (0..10)
            .map(|i| account(&format!("A{i}"), 800_000.0))
            .collect(),
        reps: (0..10)
            .map(|i| rep(&format!("R{i}"), Some("x"), 1.0, Some((2015, 1))))
            .collect(),
        config,
        ..Dataset::default()
    }
}

/// Issue 17, item 1: bookings_last_year are already what reps attained, so
/// the derived capacity must not be multiplied by attainment a second time.
/// With no attrition and the likely attainment, an unchanged roster books
/// exactly what it booked last year and needs no hire.
#[test]
fn an_unchanged_roster_reproduces_last_years_bookings() {
    let mut d = ten_reps_who_booked_8m(8_000_000.0);
    d.config.scenarios.likely = ScenarioOverride {
        attrition: Some(0.0),
        productivity: Some(1.0),
        attainment: Some(0.95),
        ..ScenarioOverride::default()
    };
    let setup = Setup::new(&d, "plan.toml").unwrap();
    let likely = d.config.scenarios.likely.apply(ScenarioParams::likely());
    let e = evaluate(&setup, &likely);
    assert!(
        (e.summary.expected_bookings - 8_000_000.0).abs() < 1e-6,
        "forecast {} where the same people booked 8.0M",
        e.summary.expected_bookings
    );
    assert_eq!(e.summary.hires_needed, Some(0));
    // Quota capacity is what last year's bookings imply at last year's
    // attainment (the likely attainment unless set).
    assert!((setup.quota_per_ramped_fte - 800_000.0 / 0.95).abs() < 1e-6);
    // A scenario with higher attainment books proportionally more.
    let best = ScenarioParams {
        attainment: 1.0,
        ..likely
    };
    let e = evaluate(&setup, &best);
    assert!((e.summary.expected_bookings - 8_000_000.0 / 0.95).abs() < 1e-6);
}

#[test]
fn last_years_attainment_can_be_stated() {
    let mut d = ten_reps_who_booked_8m(8_000_000.0);
    d.config.scenarios.attainment_last_year = Some(0.8);
    let setup = Setup::new(&d, "plan.toml").unwrap();
    assert!((setup.quota_per_ramped_fte - 1_000_000.0).abs() < 1e-6);
    // A configured quota per ramped FTE is a quota: attainment applies.
    d.config.scenarios.quota_per_ramped_fte = Some(900_000.0);
    let setup = Setup::new(&d, "plan.toml").unwrap();
    let s = ScenarioParams {
        attrition: 0.0,
        ..ScenarioParams::likely()
    };
    let e = evaluate(&setup, &s);
    assert!((e.summary.expected_bookings - 10.0 * 900_000.0 * 0.95).abs() < 1e-6);
}

/// Issue 17, item 2: year-end headcount is after the last month's
/// departures: 10 reps, 20 % attrition, no backfill end the year at 8.0.
#[test]
fn year_end_headcount_is_after_the_last_months_departures() {
    let d = ten_reps_who_booked_8m(1.0);
    let setup = Setup::new(&d, "plan.toml").unwrap();
    let s = ScenarioParams {
        attrition: 0.2,
        backfill: false,
        ..ScenarioParams::likely()
    };
    let e = evaluate(&setup, &s);
    assert!(
        (e.summary.headcount_year_end - 8.0).abs() < 1e-9,
        "{}",
        e.summary.headcount_year_end
    );
    assert!((e.summary.ramped_fte_year_end - 8.0).abs() < 1e-9);
    assert!((e.summary.headcount_year_end_with_hires - 8.0).abs() < 1e-9);
    assert_eq!(e.summary.headcount_start, 10.0);
}

/// Issue 17, item 5: recruiting delivers at most `max_hires_per_month`; the
/// solved hires are spread so that no month exceeds it, and they make the
/// number (checked by simulating the schedule from scratch).
#[test]
fn capped_hiring_never_exceeds_the_monthly_cap_and_makes_the_number() {
    let mut d = dataset(9_000_000.0);
    d.config.scenarios.max_hires_per_month = Some(2);
    let setup = Setup::new(&d, "plan.toml").unwrap();
    let mut spread = 0;
    for (name, s) in ScenariosConfig::default().named() {
        let e = evaluate(&setup, &s);
        assert!(
            e.summary.hires_by_month.iter().all(|&(_, k)| k <= 2),
            "{name}"
        );
        let Some(n) = e.summary.hires_needed else {
            assert!(e.summary.reachable.is_some(), "{name}");
            continue;
        };
        if e.summary.hires_by_month.len() > 1 {
            spread += 1;
        }
        assert_eq!(
            e.summary
                .hires_by_month
                .iter()
                .map(|&(_, k)| k)
                .sum::<u32>(),
            n
        );
        // From scratch: the roster plus the schedule as cohorts.
        let mut cohorts = setup.cohorts.clone();
        for &(m, k) in &e.summary.hires_by_month {
            cohorts.push(Cohort {
                start: Some(m.months_since(setup.fiscal_year.first)),
                heads: f64::from(k),
                fte: f64::from(k),
            });
        }
        let made: f64 = model::simulate(&cohorts, &setup.params(&s)).bookings[..12]
            .iter()
            .sum();
        assert!(made >= 9_000_000.0 * (1.0 - 1e-9), "{name}: {made}");
    }
    assert!(spread > 0, "the cap should spread hires in some scenario");
}

#[test]
fn a_hiring_budget_too_small_says_what_is_reachable() {
    let mut d = dataset(40_000_000.0);
    d.config.scenarios.max_hires_per_month = Some(1);
    d.config.scenarios.max_hires = Some(3);
    let setup = Setup::new(&d, "plan.toml").unwrap();
    let e = evaluate(&setup, &ScenarioParams::likely());
    assert_eq!(e.summary.hires_needed, None);
    assert_eq!(e.summary.status, "unreachable");
    let r = e.summary.reachable.as_ref().expect("reachable figures");
    assert_eq!(e.summary.hires_by_month.len(), 3);
    assert!(r.plan_year_bookings > e.summary.expected_bookings);
    assert!(r.plan_year_bookings < 40_000_000.0);
    assert!((r.plan_year_bookings - e.summary.bookings_with_hires).abs() < 1e-6);
}

/// Issue 17, item 6: by segment, each group derives its own quota per
/// ramped FTE from its own reps' accounts, carries its share of last year's
/// bookings as its share of the target, and the roll-up adds the groups.
#[test]
fn groups_are_modelled_apart_and_rolled_up() {
    let mut d = ten_reps_who_booked_8m(10_000_000.0);
    // Reps 0-3 cover ENT and each owns an account that booked 1.5M; reps
    // 4-9 cover SMB and each owns one that booked 0.3M.
    for (i, r) in d.reps.iter_mut().enumerate() {
        r.segments = vec![if i < 4 { "ENT" } else { "SMB" }.to_string()];
    }
    for (i, a) in d.accounts.iter_mut().enumerate() {
        a.current_owner = Some(format!("R{i}"));
        a.bookings_last_year = Some(if i < 4 { 1_500_000.0 } else { 300_000.0 });
    }
    d.config.scenarios.group_by = Some(groups::GroupBy::Segment);
    d.config.scenarios.groups.insert(
        "ENT".to_string(),
        groups::GroupOverride {
            ramp_months: Some(12),
            ..Default::default()
        },
    );
    let gs = groups::group_setups(&d, "plan.toml").unwrap().unwrap();
    let names: Vec<&str> = gs.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["ENT", "SMB"]);
    // 6.0M of 7.8M booked by ENT.
    assert!((gs[0].target_share - 6.0 / 7.8).abs() < 1e-12);
    assert!((gs[1].target_share - 1.8 / 7.8).abs() < 1e-12);
    // Each group's own bookings per ramped FTE / 0.95.
    assert!((gs[0].setup.quota_per_ramped_fte - 1_500_000.0 / 0.95).abs() < 1e-6);
    assert!((gs[1].setup.quota_per_ramped_fte - 300_000.0 / 0.95).abs() < 1e-6);
    assert!((gs[0].setup.targets[0] - 10_000_000.0 * 6.0 / 7.8).abs() < 1e-6);

    let s = ScenarioParams::likely();
    let results = groups::evaluate_groups(&gs, &s);
    assert_eq!(results[0].evaluation.ramp_months, 12, "ENT's own ramp");
    assert_eq!(results[1].evaluation.ramp_months, 9, "the plan's ramp");
    let all = groups::roll_up(&results);
    let sum_gap: f64 = results
        .iter()
        .map(|r| r.evaluation.summary.gap_to_target)
        .sum();
    assert!((all.gap_to_target - sum_gap).abs() < 1e-6);
    assert!((all.target - 10_000_000.0).abs() < 1e-6);
    let hires: u32 = results
        .iter()
        .map(|r| r.evaluation.summary.hires_needed.unwrap())
        .sum();
    assert_eq!(all.hires_needed, Some(hires));
}

#[test]
fn a_group_parameter_for_no_group_is_named() {
    let mut d = ten_reps_who_booked_8m(10_000_000.0);
    d.config.scenarios.group_by = Some(groups::GroupBy::Region);
    d.config
        .scenarios
        .groups
        .insert("West".to_string(), groups::GroupOverride::default());
    let err = groups::group_setups(&d, "plan.toml")
        .unwrap_err()
        .to_string();
    assert!(err.contains("scenarios.groups.West"), "{err}");
    assert!(err.contains("(none)"), "{err}");
}
