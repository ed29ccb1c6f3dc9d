//! Property tests of the quota stage through the library, on random
//! datasets and owners (no solver needed): top-down quotas sum exactly to
//! the sales target plus over-assignment, components to the final quota,
//! months to the component; ramp zeroes the months before a start date;
//! calibrated plans land in the healthy band.

use chrono::NaiveDate;
use proptest::prelude::*;

use tplan::model::{Account, Config, Dataset, Rep, WorkloadSource};
use tplan::quota::{allocate, allocate_rows, plan_quotas, QuotaPlan};

#[derive(Debug, Clone)]
struct Spec {
    target: f64,
    share: f64,
    over: f64,
    blend: f64,
    components: [f64; 3],
    seasonality: Vec<f64>,
    fy_start: u32,
    /// (capacity, start: months after the fiscal year's first month, or none,
    ///  segment coverage: 0 = SMB, 1 = ENT)
    reps: Vec<(f64, Option<i32>, u8)>,
    /// (potential, bookings, pipeline, owner pick)
    accounts: Vec<(f64, Option<f64>, Option<f64>, usize)>,
    spread: f64,
    seed: u64,
    apply: bool,
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        (1.0e5..1.0e9f64, 0.3..=1.0f64, 0.0..0.3f64, 0.0..=1.0f64),
        (0.0..1.0f64, 0.0..1.0f64, 0.01..1.0f64),
        prop::collection::vec(0.0..3.0f64, 12),
        1u32..=12,
        prop::collection::vec(
            (
                prop_oneof![Just(1.0), Just(0.5), Just(1.5), Just(0.0)],
                prop::option::of(-30i32..14),
                0u8..2,
            ),
            1..8,
        ),
        prop::collection::vec(
            (
                0.0..5.0e6f64,
                prop::option::of(0.0..2.0e6f64),
                prop::option::of(0.0..4.0e6f64),
                0usize..100,
            ),
            1..40,
        ),
        (0.05..0.8f64, any::<u64>(), any::<bool>()),
    )
        .prop_map(
            |(
                (target, share, over, blend),
                (a, b, c),
                mut seasonality,
                fy_start,
                reps,
                accounts,
                (spread, seed, apply),
            )| {
                let sum = a + b + c;
                // At least one month with weight.
                seasonality[0] += 0.1;
                Spec {
                    target,
                    share,
                    over,
                    blend,
                    components: [a / sum, b / sum, c / sum],
                    seasonality,
                    fy_start,
                    reps,
                    accounts,
                    spread,
                    seed,
                    apply,
                }
            },
        )
}

fn build(s: &Spec) -> (Dataset, Vec<usize>) {
    let mut config = Config {
        fiscal_year: Some(2027),
        fiscal_year_start_month: s.fy_start,
        ..Config::default()
    };
    let q = &mut config.quota;
    q.company_target = Some(s.target);
    q.sales_share = s.share;
    q.over_assignment = s.over;
    q.potential_weight = s.blend;
    q.seasonality = s.seasonality.clone();
    q.components.new_business = s.components[0];
    q.components.expansion = s.components[1];
    q.components.retention = 1.0 - s.components[0] - s.components[1];
    q.attainment.spread = s.spread;
    q.attainment.seed = s.seed;
    q.attainment.simulations = 500;
    q.attainment.apply_calibration = s.apply;
    let first = NaiveDate::from_ymd_opt(2027, s.fy_start, 1).unwrap();
    let mut reps: Vec<Rep> = s
        .reps
        .iter()
        .enumerate()
        .map(|(i, &(capacity, start, seg))| Rep {
            id: format!("R{i:02}"),
            name: None,
            lat: 40.0,
            lon: -90.0,
            segments: vec![if seg == 0 { "SMB" } else { "ENT" }.to_string()],
            capacity,
            start_date: start.map(|m| {
                first
                    .checked_add_months(chrono::Months::new((m + 30) as u32))
                    .unwrap()
                    .checked_sub_months(chrono::Months::new(30))
                    .unwrap()
            }),
            manager: None,
            region: None,
            extra: Vec::new(),
        })
        .collect();
    // Some rep must carry quota: the first one is tenured and full time.
    reps[0].capacity = 1.0;
    reps[0].start_date = None;
    let takers: Vec<usize> = (0..reps.len())
        .filter(|&r| reps[r].capacity > 0.0)
        .collect();
    let accounts: Vec<Account> = s
        .accounts
        .iter()
        .enumerate()
        .map(|(i, &(potential, bookings, pipeline, _))| Account {
            id: format!("A{i:03}"),
            name: None,
            lat: 40.0,
            lon: -90.0,
            potential,
            workload: 10.0,
            workload_source: WorkloadSource::Data,
            segment: None,
            industry: None,
            current_owner: None,
            locked: false,
            bookings_last_year: bookings,
            pipeline,
            extra: Vec::new(),
        })
        .collect();
    let owners = s
        .accounts
        .iter()
        .map(|a| takers[a.3 % takers.len()])
        .collect();
    (
        Dataset {
            accounts,
            reps,
            config,
            ..Dataset::default()
        },
        owners,
    )
}

fn check_sums(s: &Spec, plan: &QuotaPlan) -> Result<(), TestCaseError> {
    let expected = (s.target * s.share * (1.0 + s.over)).round() as i64;
    prop_assert_eq!(plan.top_down_total, expected);
    prop_assert_eq!(plan.reps.iter().map(|r| r.top_down).sum::<i64>(), expected);
    prop_assert_eq!(
        plan.reps.iter().map(|r| r.final_quota).sum::<i64>(),
        plan.final_total
    );
    for r in &plan.reps {
        prop_assert!(r.top_down >= 0 && r.final_quota >= 0);
        let annual: i64 = r.components.iter().map(|c| c.annual).sum();
        prop_assert_eq!(annual, r.final_quota);
        for c in &r.components {
            prop_assert_eq!(c.months.len(), 12);
            prop_assert_eq!(c.months.iter().map(|m| m.amount).sum::<i64>(), c.annual);
            for m in &c.months {
                // No quota in a month without ramp or without season.
                if m.ramp_factor == 0.0 || s.seasonality[m.fiscal_month as usize - 1] == 0.0 {
                    prop_assert_eq!(m.amount, 0);
                }
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn quotas_sum_exactly_at_every_level(s in spec()) {
        let (ds, owners) = build(&s);
        let plan = plan_quotas(&ds, &owners).expect("a tenured full-time rep carries quota");
        check_sums(&s, &plan)?;
        // Deterministic.
        prop_assert_eq!(&plan_quotas(&ds, &owners).unwrap(), &plan);
    }

    #[test]
    fn calibrated_plans_hit_the_band(s in spec()) {
        let (ds, owners) = build(&s);
        let plan = plan_quotas(&ds, &owners).unwrap();
        let att = &plan.attainment;
        let [low, high] = att.band;
        if let Some(c) = &att.calibration {
            prop_assert!(
                (low..=high).contains(&c.share),
                "calibrated share {} (scale {}) outside the band", c.share, c.scale
            );
            if s.apply {
                prop_assert!((low..=high).contains(&att.share_final));
                prop_assert_eq!(plan.final_total, c.quota_total);
            } else {
                prop_assert_eq!(plan.final_total, plan.top_down_total);
            }
        } else {
            // Only when too few reps have any expected bookings.
            let with_bookings = plan
                .reps
                .iter()
                .filter(|r| r.final_quota > 0 && r.bottom_up > 0)
                .count() as f64;
            prop_assert!(with_bookings / (att.reps_with_quota as f64) < att.target_share + 1e-9);
        }
    }

    #[test]
    fn component_split_is_exact_by_rep_and_by_component(
        rows in prop::collection::vec(0i64..50_000_000, 1..40),
        shares in prop::collection::vec(0.0..1.0f64, 1..4),
    ) {
        let sum: f64 = shares.iter().sum();
        prop_assume!(sum > 0.0);
        let m = allocate_rows(&rows, &shares).unwrap();
        for (row, cells) in rows.iter().zip(&m) {
            prop_assert_eq!(cells.iter().sum::<i64>(), *row);
            for (cell, s) in cells.iter().zip(&shares) {
                let exact = *row as f64 * s / sum;
                prop_assert!((*cell as f64 - exact).abs() < 1.0 + 1e-6 * exact, "{} vs {}", cell, exact);
            }
        }
        let total: i64 = rows.iter().sum();
        let weights: Vec<f64> = shares.iter().map(|s| s / sum).collect();
        let columns = allocate(total, &weights).unwrap();
        for (c, expected) in columns.iter().enumerate() {
            prop_assert_eq!(m.iter().map(|r| r[c]).sum::<i64>(), *expected, "column {}", c);
        }
    }

    #[test]
    fn largest_remainder_is_exact_and_fair(
        total in 0i64..10_000_000_000,
        weights in prop::collection::vec(0.0..1.0e6f64, 1..30),
    ) {
        let sum: f64 = weights.iter().sum();
        match allocate(total, &weights) {
            None => prop_assert!(total > 0 && sum == 0.0),
            Some(parts) => {
                prop_assert_eq!(parts.iter().sum::<i64>(), total);
                for (p, w) in parts.iter().zip(&weights) {
                    let exact = if sum > 0.0 { total as f64 * w / sum } else { 0.0 };
                    prop_assert!((*p as f64 - exact).abs() < 1.0 + 1e-6 * exact.abs(), "{} vs {}", p, exact);
                }
            }
        }
    }
}
