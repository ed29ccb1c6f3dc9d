//! Quota stage end to end on hand-made datasets (no solver, no files).

use chrono::NaiveDate;

use super::*;
use crate::model::{Account, Config, Dataset, Rep, WorkloadSource};

fn account(id: &str, potential: f64, bookings: Option<f64>, pipeline: Option<f64>) -> Account {
    Account {
        id: id.to_string(),
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
    }
}

fn rep(id: &str, capacity: f64, start: Option<NaiveDate>) -> Rep {
    Rep {
        id: id.to_string(),
        name: None,
        lat: 40.0,
        lon: -90.0,
        segments: Vec::new(),
        capacity,
        start_date: start,
        manager: None,
        region: None,
        extra: Vec::new(),
    }
}

fn config(target: f64, share: f64, over: f64) -> Config {
    let mut c = Config {
        fiscal_year: Some(2027),
        ..Config::default()
    };
    c.quota.company_target = Some(target);
    c.quota.sales_share = share;
    c.quota.over_assignment = over;
    c
}

/// `n` reps with one equal account each.
fn even_dataset(n: usize, config: Config) -> (Dataset, Vec<usize>) {
    let accounts = (0..n)
        .map(|i| account(&format!("A{i:02}"), 1_000_000.0, None, None))
        .collect();
    let reps = (0..n)
        .map(|i| rep(&format!("R{i:02}"), 1.0, None))
        .collect();
    (
        Dataset {
            accounts,
            reps,
            config,
            ..Dataset::default()
        },
        (0..n).collect(),
    )
}

#[test]
fn worked_example_ten_reps_800k_each() {
    let (d, owners) = even_dataset(10, config(10_000_000.0, 0.8, 0.0));
    let plan = plan_quotas(&d, &owners).unwrap();
    assert_eq!(plan.sales_target, 8_000_000.0);
    assert_eq!(plan.top_down_total, 8_000_000);
    for r in &plan.reps {
        assert_eq!(r.top_down, 800_000);
        assert_eq!(r.final_quota, 800_000);
        assert_eq!(r.components.len(), 1);
        let months: Vec<i64> = r.components[0].months.iter().map(|m| m.amount).collect();
        assert_eq!(months.iter().sum::<i64>(), 800_000);
        assert!(months.iter().all(|&m| m == 66_666 || m == 66_667));
    }
    // With 10 % over-assignment the quotas sum to $8.8M.
    let (d, owners) = even_dataset(10, config(10_000_000.0, 0.8, 0.1));
    let plan = plan_quotas(&d, &owners).unwrap();
    assert_eq!(plan.final_total, 8_800_000);
    assert!(plan.reps.iter().all(|r| r.final_quota == 880_000));
}

#[test]
fn hire_in_fiscal_month_five_gets_the_default_ramp_in_the_months() {
    let mut c = config(1_200_000.0, 1.0, 0.0);
    c.fiscal_year_start_month = 2; // FY Feb 2027 - Jan 2028
    c.quota.potential_weight = 0.0; // by capacity only
    let d = Dataset {
        accounts: vec![
            account("A1", 500_000.0, None, None),
            account("A2", 500_000.0, None, None),
        ],
        reps: vec![
            rep("R1", 1.0, NaiveDate::from_ymd_opt(2015, 1, 5)),
            rep("R2", 1.0, NaiveDate::from_ymd_opt(2027, 6, 20)),
        ],
        config: c,
        ..Dataset::default()
    };
    let plan = plan_quotas(&d, &[0, 1]).unwrap();
    let hire = &plan.reps[1];
    assert_eq!(
        hire.ramp,
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.5, 0.5, 0.5, 0.75, 0.75]
    );
    assert!((hire.productive_share - 0.25).abs() < 1e-12);
    // Capacity-weighted: 1.0 vs 0.25 productive FTE-years.
    assert_eq!(plan.reps[0].top_down, 960_000);
    assert_eq!(hire.top_down, 240_000);
    let m: Vec<i64> = hire.components[0].months.iter().map(|m| m.amount).collect();
    assert_eq!(
        m,
        [0, 0, 0, 0, 0, 0, 0, 40_000, 40_000, 40_000, 60_000, 60_000]
    );
    assert_eq!(hire.components[0].months[0].month.to_string(), "2027-02");
    assert_eq!(hire.components[0].months[11].month.to_string(), "2028-01");
}

#[test]
fn components_and_months_sum_exactly() {
    let mut c = config(3_333_333.0, 0.77, 0.13);
    c.quota.components.new_business = 0.55;
    c.quota.components.expansion = 0.35;
    c.quota.components.retention = 0.10;
    c.quota.seasonality = vec![0.7, 0.8, 1.2, 0.8, 0.9, 1.3, 0.8, 0.8, 1.2, 0.9, 1.0, 1.6];
    let (mut d, owners) = even_dataset(7, c);
    d.reps[3].capacity = 0.5;
    d.reps[5].start_date = NaiveDate::from_ymd_opt(2027, 3, 3);
    d.accounts[2].potential = 2_500_000.0;
    let plan = plan_quotas(&d, &owners).unwrap();
    let expected_total = (3_333_333.0_f64 * 0.77 * 1.13).round() as i64;
    assert_eq!(plan.top_down_total, expected_total);
    assert_eq!(
        plan.reps.iter().map(|r| r.top_down).sum::<i64>(),
        expected_total
    );
    for r in &plan.reps {
        assert_eq!(r.components.len(), 3);
        let annual: i64 = r.components.iter().map(|c| c.annual).sum();
        assert_eq!(annual, r.final_quota);
        for c in &r.components {
            assert_eq!(c.months.iter().map(|m| m.amount).sum::<i64>(), c.annual);
        }
    }
    // The March hire carries nothing in January and February.
    let hire = &plan.reps[5];
    assert!(hire.components[0].months[..3].iter().all(|m| m.amount == 0));
}

#[test]
fn bottom_up_gap_coverage_and_flags() {
    let mut c = config(2_000_000.0, 1.0, 0.0);
    c.quota.potential_weight = 1.0;
    let d = Dataset {
        accounts: vec![
            account("A1", 4_000_000.0, Some(500_000.0), Some(3_000_000.0)),
            account("A2", 1_000_000.0, Some(100_000.0), Some(100_000.0)),
        ],
        reps: vec![rep("R1", 1.0, None), rep("R2", 1.0, None)],
        config: c,
        ..Dataset::default()
    };
    let plan = plan_quotas(&d, &[0, 1]).unwrap();
    let (a, b) = (&plan.reps[0], &plan.reps[1]);
    assert_eq!((a.top_down, b.top_down), (1_600_000, 400_000));
    // 0.4 x 0.2 x 4M + 0.4 x 1.1 x 500k + 0.2 x 3M / 3 = 320k + 220k + 200k
    assert_eq!(a.bottom_up, 740_000);
    assert_eq!(a.gap, 860_000);
    assert!((a.gap_pct.unwrap() - 860.0 / 740.0).abs() < 1e-12);
    assert!((a.pipeline_coverage.unwrap() - 3_000_000.0 / 1_600_000.0).abs() < 1e-12);
    // 1.6M quota vs 4M x 0.4 = 1.6M bearable: not over; coverage 1.9x: low.
    assert_eq!(a.flags, vec![Flag::LowCoverage]);
    // 400k on 1M potential: above 40 %? no (equal), coverage 0.25x.
    assert_eq!(b.flags, vec![Flag::LowCoverage]);
    assert_eq!(plan.bottom_up_total, a.bottom_up + b.bottom_up);
}

#[test]
fn calibration_lands_in_the_band_and_reports_the_tradeoff() {
    let mut c = config(2_000_000.0, 1.0, 0.1);
    c.quota.attainment.simulations = 5_000;
    let d = Dataset {
        accounts: (0..6)
            .map(|i| account(&format!("A{i}"), 1_000_000.0, Some(250_000.0), None))
            .collect(),
        reps: (0..6).map(|i| rep(&format!("R{i}"), 1.0, None)).collect(),
        config: c.clone(),
        ..Dataset::default()
    };
    let owners: Vec<usize> = (0..6).collect();
    let plan = plan_quotas(&d, &owners).unwrap();
    let att = &plan.attainment;
    // 2.2M over 6 reps = 366,667 each against 237,500 expected: few make it.
    assert!(att.share_top_down < 0.1, "{}", att.share_top_down);
    let cal = att.calibration.as_ref().unwrap();
    assert!((0.6..=0.7).contains(&cal.share), "{}", cal.share);
    assert!(cal.scale < 1.0);
    assert!(!cal.applied);
    assert_eq!(plan.final_total, plan.top_down_total);
    assert!(cal.shortfall_vs_sales_target > 0.0);
    assert!(att.tradeoff.windows(2).all(
        |w| w[0].quota_total < w[1].quota_total && w[0].share_attaining >= w[1].share_attaining
    ));

    // Applied: the final quotas are the calibrated ones.
    let mut d2 = d.clone();
    d2.config.quota.attainment.apply_calibration = true;
    let applied = plan_quotas(&d2, &owners).unwrap();
    assert_eq!(applied.final_total, cal.quota_total);
    assert!((0.6..=0.7).contains(&applied.attainment.share_final));
    assert!(applied.reps.iter().all(|r| r.final_quota == r.calibrated));

    // Deterministic.
    assert_eq!(plan_quotas(&d, &owners).unwrap(), plan);
}

#[test]
fn missing_fiscal_year_or_target_is_named() {
    let mut c = config(1_000_000.0, 1.0, 0.0);
    c.fiscal_year = None;
    let (d, owners) = even_dataset(2, c);
    let err = plan_quotas(&d, &owners).unwrap_err().to_string();
    assert!(err.contains("column 'fiscal_year'"), "{err}");
    assert!(err.contains("fiscal_year = 2027"), "{err}");
    let mut c = config(1_000_000.0, 1.0, 0.0);
    c.quota.company_target = None;
    let (d, owners) = even_dataset(2, c);
    let err = plan_quotas(&d, &owners).unwrap_err().to_string();
    assert!(err.contains("quota.company_target"), "{err}");
}

#[test]
fn components_from_account_columns() {
    let mut c = config(1_000_000.0, 1.0, 0.0);
    c.quota.components.from_columns = true;
    c.quota.potential_weight = 0.0;
    let (mut d, owners) = even_dataset(3, c);
    d.account_extra_columns = vec!["expansion".to_string(), "new_business".to_string()];
    d.accounts[0].extra = vec!["300".to_string(), "100".to_string()];
    d.accounts[1].extra = vec!["".to_string(), "$50".to_string()];
    d.accounts[2].extra = vec!["".to_string(), "".to_string()];
    let plan = plan_quotas(&d, &owners).unwrap();
    let split = |k: usize| -> Vec<(&str, i64)> {
        plan.reps[k]
            .components
            .iter()
            .map(|c| (c.component.code(), c.annual))
            .collect()
    };
    // 333,334 / 333,333 / 333,333 by capacity.
    assert_eq!(split(0), [("new_business", 83_334), ("expansion", 250_000)]);
    assert_eq!(split(1), [("new_business", 333_333), ("expansion", 0)]);
    // No column amounts: the shares (new_business = 1).
    assert_eq!(split(2), [("new_business", 333_333), ("expansion", 0)]);

    d.accounts[1].extra[1] = "-5".to_string();
    let err = plan_quotas(&d, &owners).unwrap_err().to_string();
    assert!(err.contains("column 'new_business': value '-5'"), "{err}");
    assert!(err.contains("account A01"), "{err}");
    d.account_extra_columns = vec!["x".to_string(), "y".to_string()];
    let err = plan_quotas(&d, &owners).unwrap_err().to_string();
    assert!(err.contains("quota.components.from_columns"), "{err}");
}

/// Issue 17: coverage far above the healthy band is flagged too.
#[test]
fn coverage_far_above_the_band_is_flagged_high() {
    let mut c = config(2_000_000.0, 1.0, 0.0);
    c.quota.potential_weight = 1.0;
    let d = Dataset {
        accounts: vec![
            // 20M of pipeline on a 1.6M quota: 12.5x, above the default 8x.
            account("A1", 4_000_000.0, Some(500_000.0), Some(20_000_000.0)),
            // 2M on 400k: 5x, above the healthy band but not far above.
            account("A2", 1_000_000.0, Some(100_000.0), Some(2_000_000.0)),
        ],
        reps: vec![rep("R1", 1.0, None), rep("R2", 1.0, None)],
        config: c,
        ..Dataset::default()
    };
    let plan = plan_quotas(&d, &[0, 1]).unwrap();
    assert_eq!(plan.reps[0].flags, vec![Flag::HighCoverage]);
    assert!(plan.reps[1].flags.is_empty(), "{:?}", plan.reps[1].flags);
    assert_eq!(Flag::HighCoverage.code(), "high_coverage");
}
