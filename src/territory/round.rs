//! Rounding: turn LP shares into a single owner per account.
//!
//! Interior-point solutions split many accounts among reps that are tied at
//! the optimum, so "largest share wins" would pile tied accounts onto one
//! rep. Instead each account goes, largest potential first, to the rep of
//! its LP support with the most room left against the load the LP gave
//! that rep: every support rep is (near) optimal for the account, and the LP
//! loads are balanced, so following them keeps the plan near both.

use super::problem::Problem;

/// Shares below this are solver noise, not support.
const SUPPORT_SHARE: f64 = 1e-3;

/// One owner per account from LP shares (`shares[i]`: (rep, share)).
pub fn round_shares(p: &Problem, shares: &[Vec<(usize, f64)>]) -> Vec<usize> {
    let mut lp_pot = vec![0.0; p.num_reps];
    let mut lp_work = vec![0.0; p.num_reps];
    for (i, s) in shares.iter().enumerate() {
        for &(r, x) in s {
            lp_pot[r] += x * p.pot[i];
            lp_work[r] += x * p.work[i];
        }
    }
    let mut order: Vec<usize> = (0..p.num_accounts).collect();
    order.sort_by(|&a, &b| p.pot[b].total_cmp(&p.pot[a]).then(a.cmp(&b)));

    let mut owner = vec![usize::MAX; p.num_accounts];
    let mut got_pot = vec![0.0; p.num_reps];
    let mut got_work = vec![0.0; p.num_reps];
    for i in order {
        let r = pick_owner(p, i, &shares[i], &lp_pot, &lp_work, &got_pot, &got_work);
        owner[i] = r;
        got_pot[r] += p.pot[i];
        got_work[r] += p.work[i];
    }
    owner
}

fn pick_owner(
    p: &Problem,
    i: usize,
    shares: &[(usize, f64)],
    lp_pot: &[f64],
    lp_work: &[f64],
    got_pot: &[f64],
    got_work: &[f64],
) -> usize {
    let max_share = shares.iter().map(|s| s.1).fold(0.0, f64::max);
    if max_share >= 1.0 - SUPPORT_SHARE {
        if let Some(&(r, _)) = shares.iter().find(|s| s.1 == max_share) {
            return r;
        }
    }
    let mut best: Option<(f64, usize)> = None;
    for &(r, x) in shares {
        if x < SUPPORT_SHARE {
            continue;
        }
        // Room left, relative to the rep's size, after taking the account.
        let room_p = (lp_pot[r] - got_pot[r] - p.pot[i]) / p.cap[r].max(1e-9);
        let room_w = (lp_work[r] - got_work[r] - p.work[i]) / p.cap[r].max(1e-9);
        let room = room_p.min(room_w);
        if best.is_none_or(|(b, br)| room > b || (room == b && r < br)) {
            best = Some((room, r));
        }
    }
    match best {
        Some((_, r)) => r,
        None => shares
            .iter()
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|s| s.0)
            .unwrap_or_else(|| p.nearest_eligible(i)),
    }
}
