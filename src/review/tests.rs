use proptest::prelude::*;

use super::*;

const SEASON: [f64; 12] = [0.8, 0.9, 1.2, 0.8, 0.9, 1.2, 0.8, 0.9, 1.2, 0.9, 1.0, 1.4];

fn plan(id: &str, annual: f64, ramp: [f64; 12], pipeline: Option<f64>) -> RepPlan {
    let weights: Vec<f64> = SEASON.iter().zip(&ramp).map(|(s, r)| s * r).collect();
    let total: f64 = weights.iter().sum();
    RepPlan {
        id: id.to_string(),
        monthly_quota: weights.iter().map(|w| annual * w / total).collect(),
        ramp: ramp.to_vec(),
        pipeline,
    }
}

fn run(reps: &[RepPlan], bookings: &[Vec<f64>], elapsed: usize, config: &ReviewConfig) -> Review {
    review(&ReviewInput {
        reps,
        bookings,
        elapsed,
        seasonality: &SEASON,
        config,
        attainment_band: [0.6, 0.7],
    })
}

#[test]
fn worked_example_of_one_quarter() {
    // Annual 1,200,000 phased by SEASON: Q1 (0.8 + 0.9 + 1.2) / 12 of it,
    // 290,000. A books 261,000 (90 %), B 348,000 (120 %), C 203,000 (70 %).
    let reps = [
        plan("A", 1_200_000.0, [1.0; 12], Some(3_000_000.0)),
        plan("B", 1_200_000.0, [1.0; 12], Some(6_000_000.0)),
        plan("C", 1_200_000.0, [1.0; 12], None),
    ];
    let q1 = |total: f64| vec![total * 0.8 / 2.9, total * 0.9 / 2.9, total * 1.2 / 2.9];
    let bookings = [q1(261_000.0), q1(348_000.0), q1(203_000.0)];
    let r = run(&reps, &bookings, 3, &ReviewConfig::default());
    let (a, b, c) = (&r.reps[0], &r.reps[1], &r.reps[2]);
    assert!((a.quota_to_date - 290_000.0).abs() < 1e-6);
    assert!((a.attainment_to_date.unwrap() - 0.9).abs() < 1e-9);
    assert_eq!(a.status, Status::OnTrack);
    assert_eq!(b.status, Status::Ahead);
    assert_eq!(c.status, Status::AtRisk);
    assert!((a.run_rate_forecast - 1_080_000.0).abs() < 1e-6);
    // 261,000 + 0.25 x 3,000,000.
    assert!((a.pipeline_forecast - 1_011_000.0).abs() < 1e-6);
    assert_eq!(a.still_to_book, 939_000);
    assert_eq!(a.proposed_months.len(), 9);
    assert_eq!(a.proposed_months.iter().sum::<i64>(), 939_000);
    // Coverage of what is left: 3.0 M / 939 k = 3.19 (healthy); B has
    // 6.0 M for 852 k: far above the band; C has no pipeline data.
    assert_eq!(a.coverage_flag, None);
    assert_eq!(b.coverage_flag, Some("high_coverage"));
    assert_eq!(c.coverage, None);
    // Only B is on a pace to reach quota: 1 of 3, below the 60-70 % band.
    assert_eq!(r.team.reps_judged, 3);
    assert!((r.team.share_reaching_run_rate.unwrap() - 1.0 / 3.0).abs() < 1e-12);
    assert_eq!(r.team.band_run_rate, Some(Band::Below));
    assert!((r.team.attainment_to_date.unwrap() - 812_000.0 / 870_000.0).abs() < 1e-12);
    assert_eq!((r.team.at_risk, r.team.on_track, r.team.ahead), (1, 1, 1));
    // Team months: closed months carry bookings, the rest the proposal.
    assert!((r.team.months[0].bookings.unwrap() - 812_000.0 * 0.8 / 2.9).abs() < 1e-6);
    let proposed: f64 = r.team.months.iter().filter_map(|m| m.proposed).sum();
    assert_eq!(proposed, r.team.still_to_book);
}

#[test]
fn a_new_hire_not_yet_ramped_has_no_pace_and_keeps_its_ramp_shape() {
    let ramp = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.5, 0.5, 0.5, 1.0, 1.0, 1.0];
    let reps = [plan("N", 400_000.0, ramp, None)];
    let r = run(&reps, &[vec![0.0; 12]], 3, &ReviewConfig::default());
    let n = &r.reps[0];
    assert_eq!(n.status, Status::NoQuotaYet);
    assert_eq!(n.attainment_to_date, None);
    assert_eq!(r.team.reps_judged, 0);
    assert_eq!(r.team.share_reaching_run_rate, None);
    // Months 4-6 still carry nothing; month 7 (50 %) half of month 10.
    assert_eq!(&n.proposed_months[..3], &[0, 0, 0]);
    let (m7, m10) = (n.proposed_months[3] as f64, n.proposed_months[6] as f64);
    assert!(
        (m7 / m10 - 0.5 * 0.8 / 0.9).abs() < 1e-4,
        "{:?}",
        n.proposed_months
    );
}

#[test]
fn annual_quota_moves_only_as_far_as_the_config_allows() {
    let reps = [plan("A", 1_200_000.0, [1.0; 12], None)];
    let booked = vec![0.5 * 1_200_000.0 * 0.8 / 12.0; 1];
    let kept = run(
        &reps,
        std::slice::from_ref(&booked),
        1,
        &ReviewConfig::default(),
    );
    assert!((kept.reps[0].proposed_annual_quota - 1_200_000.0).abs() < 1e-6);
    let loose = ReviewConfig {
        max_annual_change: 0.1,
        ..ReviewConfig::default()
    };
    let moved = run(&reps, &[booked], 1, &loose);
    assert_eq!(moved.reps[0].proposed_annual_quota, 1_080_000.0);
}

proptest! {
    /// Whatever was booked, the re-phased months sum exactly to what is
    /// still to book (when months remain), which with the default config is the annual quota
    /// less bookings (never below 0); months with no phasing weight left
    /// get nothing while another month carries weight.
    #[test]
    fn rephasing_keeps_the_annual_quota(
        annual in 0u32..5_000_000,
        booked in proptest::collection::vec(0u32..800_000, 12),
        elapsed in 1usize..=12,
        start in 0usize..12,
    ) {
        let mut ramp = [1.0; 12];
        ramp[..start].iter_mut().for_each(|f| *f = 0.0);
        let reps = [plan("P", annual as f64, ramp, Some(1_000_000.0))];
        let bookings = [booked.iter().map(|&b| b as f64).collect::<Vec<_>>()];
        let r = run(&reps, &bookings, elapsed, &ReviewConfig::default());
        let rep = &r.reps[0];
        let to_date: f64 = bookings[0][..elapsed].iter().sum();
        prop_assert_eq!(rep.proposed_months.len(), 12 - elapsed);
        // After the last month nothing is left to re-phase: what is short
        // stays short.
        if elapsed < 12 {
            prop_assert_eq!(rep.proposed_months.iter().sum::<i64>(), rep.still_to_book);
        }
        prop_assert_eq!(rep.still_to_book, (annual as f64 - to_date).max(0.0).round() as i64);
        prop_assert!(rep.proposed_months.iter().all(|&m| m >= 0));
        let weighted_left = ramp[elapsed..].iter().any(|&f| f > 0.0);
        if weighted_left {
            for (k, m) in rep.proposed_months.iter().enumerate() {
                if ramp[elapsed + k] == 0.0 {
                    prop_assert_eq!(*m, 0);
                }
            }
        }
        prop_assert!((rep.quota_to_date + rep.rest_of_year_quota - rep.annual_quota).abs() < 1e-6);
    }
}
