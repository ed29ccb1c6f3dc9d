//! Attainment: a seeded Monte Carlo of each rep's year, the expected share
//! of reps reaching quota, and a calibration that scales every quota by
//! one factor so that the share lands in the healthy band.
//!
//! Model: rep r books `E_r x X`, where `E_r` is its expected productivity
//! (the ramp-adjusted bottom-up figure of its territory) and `X` is
//! lognormal with mean 1 and sigma `spread`. The rep reaches quota `Q_r`
//! when `E_r x X >= Q_r`. Draws come from ChaCha8 seeded with `seed`, reps
//! in rep_id order, so the figures are identical on every run; the same
//! draws serve every quota level (common random numbers), which makes the
//! share a non-increasing function of the scale and the calibration exact.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Sorted lognormal draws (mean 1) for each rep.
#[derive(Debug, Clone)]
pub struct Draws {
    per_rep: Vec<Vec<f64>>,
}

impl Draws {
    /// `simulations` draws for each of `reps` reps.
    pub fn simulate(reps: usize, simulations: usize, spread: f64, seed: u64) -> Draws {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mu = -spread * spread / 2.0;
        let per_rep = (0..reps)
            .map(|_| {
                let mut xs: Vec<f64> = (0..simulations)
                    .map(|_| (mu + spread * standard_normal(&mut rng)).exp())
                    .collect();
                xs.sort_by(f64::total_cmp);
                xs
            })
            .collect();
        Draws { per_rep }
    }

    /// Share of simulated years in which rep `r` with expected bookings
    /// `expected` reaches `quota` (1 for a zero quota).
    pub fn p_attain(&self, r: usize, expected: f64, quota: f64) -> f64 {
        if quota <= 0.0 {
            return 1.0;
        }
        if expected <= 0.0 {
            return 0.0;
        }
        let xs = &self.per_rep[r];
        if xs.is_empty() {
            return 0.0;
        }
        let threshold = quota / expected;
        let below = xs.partition_point(|&x| x < threshold);
        (xs.len() - below) as f64 / xs.len() as f64
    }

    /// Expected share of reps (those with a positive quota, counted
    /// equally) reaching `scale` x their quota.
    pub fn share(&self, expected: &[f64], quotas: &[f64], scale: f64) -> f64 {
        let mut sum = 0.0;
        let mut reps = 0usize;
        for (r, (&e, &q)) in expected.iter().zip(quotas).enumerate() {
            if q > 0.0 {
                sum += self.p_attain(r, e, q * scale);
                reps += 1;
            }
        }
        if reps == 0 {
            0.0
        } else {
            sum / reps as f64
        }
    }

    /// The largest scale `s` with `share(s) >= target`; `None` when no
    /// scale reaches it (too many reps with no expected bookings).
    pub fn scale_for(&self, expected: &[f64], quotas: &[f64], target: f64) -> Option<f64> {
        // The share at a vanishing scale: every rep with expected bookings.
        if self.share(expected, quotas, 1e-12) < target {
            return None;
        }
        let mut lo = 1e-12;
        let mut hi = 1.0;
        while self.share(expected, quotas, hi) >= target {
            lo = hi;
            hi *= 2.0;
            if hi > 1e12 {
                return Some(lo);
            }
        }
        // share(lo) >= target > share(hi).
        for _ in 0..200 {
            let mid = 0.5 * (lo + hi);
            if mid <= lo || mid >= hi {
                break;
            }
            if self.share(expected, quotas, mid) >= target {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        Some(lo)
    }
}

/// A standard normal draw (Box-Muller).
fn standard_normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = 1.0 - rng.gen::<f64>(); // (0, 1]
    let u2: f64 = rng.gen::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_have_mean_one_and_are_seeded() {
        let d = Draws::simulate(2, 20_000, 0.25, 7);
        for xs in &d.per_rep {
            let mean = xs.iter().sum::<f64>() / xs.len() as f64;
            assert!((mean - 1.0).abs() < 0.01, "mean {mean}");
        }
        let again = Draws::simulate(2, 20_000, 0.25, 7);
        assert_eq!(d.per_rep, again.per_rep);
        let other = Draws::simulate(2, 20_000, 0.25, 8);
        assert_ne!(d.per_rep, other.per_rep);
    }

    #[test]
    fn attainment_matches_the_lognormal_law() {
        // P(X >= 1) for a lognormal with mean 1 and sigma 0.25 is
        // Phi(-0.125) = 0.4503.
        let d = Draws::simulate(1, 100_000, 0.25, 1);
        let p = d.p_attain(0, 100.0, 100.0);
        assert!((p - 0.4503).abs() < 0.01, "{p}");
        assert_eq!(d.p_attain(0, 0.0, 100.0), 0.0);
        assert_eq!(d.p_attain(0, 100.0, 0.0), 1.0);
        // Quota well below expectation: almost everyone makes it.
        assert!(d.p_attain(0, 100.0, 50.0) > 0.99);
    }

    #[test]
    fn calibration_scale_reaches_the_target_share() {
        let d = Draws::simulate(3, 10_000, 0.3, 3);
        let expected = [100.0, 80.0, 120.0];
        let quotas = [130.0, 100.0, 150.0];
        let before = d.share(&expected, &quotas, 1.0);
        assert!(before < 0.3, "{before}");
        let s = d.scale_for(&expected, &quotas, 0.65).unwrap();
        assert!(s < 1.0);
        let after = d.share(&expected, &quotas, s);
        assert!((0.65..0.651).contains(&after), "{after}");
        // A rep with no expected bookings caps the reachable share.
        let s = d.scale_for(&[0.0, 0.0, 120.0], &quotas, 0.65);
        assert_eq!(s, None);
    }
}
