use std::collections::BTreeMap;

use super::*;

fn sizes() -> Vec<(usize, usize)> {
    vec![
        (0, 0),
        (5, 1),
        (20, 2),
        (30, 3),
        (50, 4),
        (200, 7),
        (1_000, 10),
        (3_000, 40),
    ]
}

#[test]
fn same_seed_same_dataset_other_seed_differs() {
    let a = generate(&GenerateSpec::new(2_000, 25, 7));
    let b = generate(&GenerateSpec::new(2_000, 25, 7));
    assert_eq!(a.accounts, b.accounts);
    assert_eq!(a.reps, b.reps);
    let c = generate(&GenerateSpec::new(2_000, 25, 8));
    assert_ne!(a.accounts, c.accounts);
    assert_ne!(a.reps, c.reps);
}

#[test]
fn counts_and_id_style() {
    for (n, r) in sizes() {
        let d = generate(&GenerateSpec::new(n, r, 1));
        assert_eq!(d.accounts.len(), n);
        assert_eq!(d.reps.len(), r);
        for (i, a) in d.accounts.iter().enumerate() {
            assert_eq!(a.id, format!("A{:06}", i + 1));
        }
        for (i, rep) in d.reps.iter().enumerate() {
            assert_eq!(rep.id, format!("R{:03}", i + 1));
        }
    }
    assert_eq!(id_width(1_234_567, 6), 7);
}

#[test]
fn every_account_segment_is_covered_by_some_rep() {
    for (n, r) in sizes() {
        let d = generate(&GenerateSpec::new(n, r, 3));
        for a in &d.accounts {
            assert!(
                d.reps
                    .iter()
                    .any(|rep| rep.capacity > 0.0 && rep.covers(a.segment.as_deref())),
                "{n}x{r}: account {} of segment {:?} has no rep",
                a.id,
                a.segment
            );
        }
    }
}

#[test]
fn three_or_more_reps_cover_each_segment_with_a_dedicated_rep() {
    for r in [3, 4, 5, 9, 20, 500] {
        let d = generate(&GenerateSpec::new(10, r, 11));
        for seg in SEGMENTS {
            assert!(
                d.reps
                    .iter()
                    .any(|rep| rep.segments == vec![seg.to_string()]),
                "{r} reps: no dedicated {seg} rep"
            );
        }
    }
    for r in [1, 2] {
        let d = generate(&GenerateSpec::new(10, r, 11));
        assert!(d.reps.iter().all(|rep| rep.segments.is_empty()));
    }
}

#[test]
fn coverage_mix_follows_the_shares() {
    let mix = coverage_mix(500);
    let count = |k: &[&str]| mix.iter().filter(|c| *c == k).count();
    assert_eq!(count(&["SMB"]), 250);
    assert_eq!(count(&["MM"]), 125);
    assert_eq!(count(&["ENT"]), 75);
    assert_eq!(count(&["ENT", "MM"]), 50);
    assert_eq!(coverage_mix(3).len(), 3);
}

#[test]
fn locks_point_to_owners_who_cover_the_segment() {
    let d = generate(&GenerateSpec::new(20_000, 60, 5));
    let locked: Vec<&Account> = d.accounts.iter().filter(|a| a.locked).collect();
    assert!(!locked.is_empty());
    let mut locked_p = BTreeMap::new();
    for a in &locked {
        let owner = a
            .current_owner
            .as_deref()
            .expect("locked account has an owner");
        let rep = &d.reps[d.rep_index(owner).expect("owner exists")];
        assert!(rep.capacity > 0.0);
        assert!(
            rep.covers(a.segment.as_deref()),
            "{} locked to {}",
            a.id,
            rep.id
        );
        assert!(matches!(a.segment.as_deref(), Some("MM") | Some("ENT")));
        *locked_p.entry(rep.id.clone()).or_insert(0.0) += a.potential;
    }
    // Roughly 2 % of MM and ENT accounts.
    let named = d
        .accounts
        .iter()
        .filter(|a| a.segment.as_deref() != Some("SMB"))
        .count();
    let share = locked.len() as f64 / named as f64;
    assert!((0.01..0.03).contains(&share), "lock share {share}");
    // No rep locked beyond LOCK_SHARE_LIMIT of its fair share.
    for (id, p) in locked_p {
        let rep = &d.reps[d.rep_index(&id).unwrap()];
        let fair = SEGMENTS
            .iter()
            .filter(|s| rep.covers(Some(s)))
            .filter_map(|s| fair_share_per_fte(&d.accounts, &d.reps, s, |a| a.potential))
            .fold(f64::INFINITY, f64::min)
            * rep.capacity;
        assert!(p <= LOCK_SHARE_LIMIT * fair + 1e-6, "{id}: {p} vs {fair}");
    }
}

#[test]
fn every_account_has_an_owner_covering_its_segment() {
    for (n, r) in sizes().into_iter().filter(|&(_, r)| r > 0) {
        let d = generate(&GenerateSpec::new(n, r, 9));
        for a in &d.accounts {
            let owner = a.current_owner.as_deref().expect("owner");
            let rep = &d.reps[d.rep_index(owner).expect("owner exists")];
            assert!(rep.covers(a.segment.as_deref()));
        }
    }
}

#[test]
fn potential_and_workload_caps_hold() {
    for (n, r, seed) in [
        (3_000, 30, 1),
        (20_000, 100, 2),
        (100_000, 500, 3),
        (500, 3, 4),
    ] {
        let d = generate(&GenerateSpec::new(n, r, seed));
        for seg in SEGMENTS {
            let fp = fair_share_per_fte(&d.accounts, &d.reps, seg, |a| a.potential).unwrap();
            let fw = fair_share_per_fte(&d.accounts, &d.reps, seg, |a| a.workload).unwrap();
            for a in d
                .accounts
                .iter()
                .filter(|a| a.segment.as_deref() == Some(seg))
            {
                assert!(
                    a.potential <= POTENTIAL_CAP_SHARE * fp,
                    "{n}x{r} {seg}: {} has {} > {:.0}",
                    a.id,
                    a.potential,
                    POTENTIAL_CAP_SHARE * fp
                );
                assert!(a.workload <= POTENTIAL_CAP_SHARE * fw, "{} workload", a.id);
            }
        }
    }
}

#[test]
fn lumpy_cap_is_a_fixed_point() {
    let values = [100.0, 50.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0];
    let c = lumpy_cap(&values, 1.0, 0.34).unwrap();
    let clipped: f64 = values.iter().map(|v| v.min(c)).sum();
    assert!((c - 0.34 * clipped).abs() < 1e-9);
    // Too few values per FTE: no cap.
    assert_eq!(lumpy_cap(&[5.0, 5.0], 1.0, 0.34), None);
    // Nothing to clip: the cap sits above the largest value.
    let flat = [1.0; 10];
    assert!(lumpy_cap(&flat, 1.0, 0.34).unwrap() >= 1.0);
}

#[test]
fn segments_potential_and_workload_look_like_the_market() {
    let d = generate(&GenerateSpec::new(50_000, 200, 21));
    let n = d.accounts.len() as f64;
    for (seg, share, median) in [
        ("SMB", 0.70, 40_000.0),
        ("MM", 0.22, 250_000.0),
        ("ENT", 0.08, 1_500_000.0),
    ] {
        let mut p: Vec<f64> = d
            .accounts
            .iter()
            .filter(|a| a.segment.as_deref() == Some(seg))
            .map(|a| a.potential)
            .collect();
        let got = p.len() as f64 / n;
        assert!((got - share).abs() < 0.02, "{seg}: share {got}");
        p.sort_by(f64::total_cmp);
        let med = p[p.len() / 2];
        assert!((med / median - 1.0).abs() < 0.15, "{seg}: median {med}");
        // Heavy tail: the top 10 % hold far more than 10 %.
        let top: f64 = p[p.len() * 9 / 10..].iter().sum();
        assert!(top / p.iter().sum::<f64>() > 0.25, "{seg}: tail too light");
    }
    let mean_wl = |seg: &str| {
        let w: Vec<f64> = d
            .accounts
            .iter()
            .filter(|a| a.segment.as_deref() == Some(seg))
            .map(|a| a.workload)
            .collect();
        w.iter().sum::<f64>() / w.len() as f64
    };
    assert!(mean_wl("SMB") < mean_wl("MM") && mean_wl("MM") < mean_wl("ENT"));
    for a in &d.accounts {
        assert!(a.potential >= 0.0 && a.workload > 0.0);
        assert!((0.0..=a.potential).contains(&a.bookings_last_year.unwrap()));
        assert!((0.0..=a.potential).contains(&a.pipeline.unwrap()));
        assert!((18.0..72.0).contains(&a.lat) && (-170.0..-66.0).contains(&a.lon));
    }
}

#[test]
fn accounts_cluster_near_market_centres() {
    let d = generate(&GenerateSpec::new(20_000, 50, 13));
    let centres: Vec<crate::distance::GeoPoint> = METROS
        .iter()
        .map(|m| crate::distance::GeoPoint::new(m.lat, m.lon))
        .collect();
    let near = d
        .accounts
        .iter()
        .filter(|a| {
            let p = crate::distance::GeoPoint::new(a.lat, a.lon);
            centres.iter().any(|c| c.km_to(&p) < 50.0)
        })
        .count();
    assert!(
        near as f64 > 0.8 * d.accounts.len() as f64,
        "{near} near a centre"
    );
    let remote = d.accounts.iter().filter(|a| a.lon < -130.0).count();
    assert!(remote > 0, "no account in Hawaii or Alaska");
}

#[test]
fn status_quo_is_visibly_unbalanced() {
    let d = generate(&GenerateSpec::new(20_000, 60, 17));
    let mut held: BTreeMap<&str, f64> = BTreeMap::new();
    for a in &d.accounts {
        *held.entry(a.current_owner.as_deref().unwrap()).or_default() += a.potential;
    }
    // Per balance group: potential held per FTE, relative to the group mean.
    let mut groups: BTreeMap<String, Vec<&Rep>> = BTreeMap::new();
    for r in &d.reps {
        groups.entry(r.coverage_key()).or_default().push(r);
    }
    let mut ratios = Vec::new();
    for members in groups.values() {
        let total: f64 = members
            .iter()
            .map(|r| held.get(r.id.as_str()).unwrap_or(&0.0))
            .sum();
        let fte: f64 = members.iter().map(|r| r.capacity).sum();
        for r in members {
            let h = held.get(r.id.as_str()).copied().unwrap_or(0.0);
            ratios.push(h / (total / fte * r.capacity));
        }
    }
    let max = ratios.iter().copied().fold(0.0, f64::max);
    let min = ratios.iter().copied().fold(f64::INFINITY, f64::min);
    assert!(
        max > 1.5 && min < 0.6,
        "status quo too balanced: {min}..{max}"
    );
}

#[test]
fn reps_have_regions_managers_capacities_and_fixed_start_dates() {
    let d = generate(&GenerateSpec::new(100, 200, 23));
    let fy = fiscal_year_start();
    let mut new_hires = 0;
    for r in &d.reps {
        assert!(["Northeast", "Midwest", "South", "West"].contains(&r.region.as_deref().unwrap()));
        assert!(r.manager.is_some());
        assert!([0.5, 1.0, 1.5].contains(&r.capacity));
        let start = r.start_date.unwrap();
        assert!(start >= date(2008, 1, 1) && start < date(2027, 10, 1));
        if start >= fy {
            new_hires += 1;
            // New hires own nothing yet when others cover their segment.
            assert!(!d
                .accounts
                .iter()
                .any(|a| a.current_owner.as_deref() == Some(&r.id)));
        }
    }
    assert!(new_hires > 0);
    for cap in [0.5, 1.5] {
        assert!(d.reps.iter().any(|r| r.capacity == cap));
    }
}

#[test]
fn metro_table_is_sane() {
    assert!((150..=300).contains(&METROS.len()));
    assert!(!TOWNS.is_empty() && !REMOTE_TOWNS.is_empty());
    for m in METROS.iter().chain(TOWNS).chain(REMOTE_TOWNS) {
        assert_ne!(census_region(m.state), "Other", "{}", m.name);
        assert!(m.population >= 15_000);
    }
    assert!(METROS
        .windows(2)
        .all(|w| w[0].population >= w[1].population));
    assert!(METROS.iter().any(|m| m.state == "HI"));
    assert!(REMOTE_TOWNS
        .iter()
        .all(|m| m.state == "HI" || m.state == "AK"));
    assert!(TOWNS.iter().all(|m| m.state != "HI" && m.state != "AK"));
}
