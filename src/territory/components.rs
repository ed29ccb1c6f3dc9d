//! Independent pieces of the territory LP.
//!
//! Two reps are coupled by an LP row when an account may go to both (its
//! assignment row), when they share a balance group (the group's mean row)
//! or when their groups share a region tier (the tier's row). Reps that are
//! not coupled, directly or through others, form separate LPs: an SMB team
//! beside an ENT/MM team that takes no SMB account. The LP over the whole
//! model is then the sum of the pieces' LPs, so its optimum and its
//! Lagrangian bound are the sums of theirs, and the pieces can be solved
//! side by side, one per core (the interior-point solver is
//! single-threaded). Each piece is a [`Problem`] of its own; the results
//! are mapped back to the whole model's indices.

use rayon::prelude::*;

use super::cuts::{Facet, MoveCuts};
use super::deadline::Deadline;
use super::lp::{solve_restricted_within, LpResult, Phase, SlackUse};
use super::problem::{Eligibility, Group, Problem, Tier, NUM_METRICS};
use super::relax::{PieceBound, Relaxation};
use crate::Result;

/// One independent piece: the whole model's indices of its accounts and
/// reps, and of its balance groups, each ascending.
#[derive(Debug, Clone, PartialEq)]
pub struct Piece {
    pub accounts: Vec<usize>,
    pub reps: Vec<usize>,
    pub groups: Vec<usize>,
}

impl Piece {
    /// The piece's index of each of the whole model's `num_reps` reps
    /// (`usize::MAX` for reps of other pieces).
    fn rep_index(&self, num_reps: usize) -> Vec<usize> {
        let mut rep_at = vec![usize::MAX; num_reps];
        for (k, &r) in self.reps.iter().enumerate() {
            rep_at[r] = k;
        }
        rep_at
    }
}

/// The independent pieces of `p`, ordered by their first rep. Reps without
/// capacity belong to none; an account with no eligible rep (refused by
/// validation) stays with the first piece.
pub fn pieces(p: &Problem) -> Vec<Piece> {
    let mut sets = DisjointSets::new(p.num_reps);
    for group in &p.groups {
        join_all(&mut sets, &group.reps);
    }
    for tier in &p.tiers {
        let firsts: Vec<usize> = tier.groups.iter().map(|&g| p.groups[g].reps[0]).collect();
        join_all(&mut sets, &firsts);
    }
    for reps in &p.segment_reps {
        join_all(&mut sets, reps);
    }
    let mut piece_of_root = vec![usize::MAX; p.num_reps];
    let mut pieces: Vec<Piece> = Vec::new();
    let mut piece_of_rep = vec![usize::MAX; p.num_reps];
    for r in (0..p.num_reps).filter(|&r| p.rep_group[r].is_some()) {
        let root = sets.root(r);
        if piece_of_root[root] == usize::MAX {
            piece_of_root[root] = pieces.len();
            pieces.push(Piece {
                accounts: Vec::new(),
                reps: Vec::new(),
                groups: Vec::new(),
            });
        }
        piece_of_rep[r] = piece_of_root[root];
        pieces[piece_of_rep[r]].reps.push(r);
    }
    for (g, group) in p.groups.iter().enumerate() {
        pieces[piece_of_rep[group.reps[0]]].groups.push(g);
    }
    for i in 0..p.num_accounts {
        let k = p
            .eligible(i)
            .first()
            .map_or(0, |&r| piece_of_rep[r].min(pieces.len().saturating_sub(1)));
        if let Some(piece) = pieces.get_mut(k) {
            piece.accounts.push(i);
        }
    }
    pieces
}

fn join_all(sets: &mut DisjointSets, members: &[usize]) {
    if let Some((&first, rest)) = members.split_first() {
        for &m in rest {
            sets.join(first, m);
        }
    }
}

/// Union-find over rep indices (path halving, union by index so that the
/// result does not depend on the order of the joins' arguments).
struct DisjointSets {
    parent: Vec<usize>,
}

impl DisjointSets {
    fn new(n: usize) -> Self {
        DisjointSets {
            parent: (0..n).collect(),
        }
    }

    fn root(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    fn join(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.root(a), self.root(b));
        let (low, high) = (ra.min(rb), ra.max(rb));
        self.parent[high] = low;
    }
}

/// The model restricted to one piece, with the piece's own indices (the
/// k-th account of the piece is account k). An account whose current
/// owner is in another piece keeps [`Problem::OWNER_ELSEWHERE`], so every
/// rep of the piece charges its move as in the whole model.
pub fn sub_problem(p: &Problem, piece: &Piece) -> Problem {
    let rep_at = piece.rep_index(p.num_reps);
    let mut group_at = vec![usize::MAX; p.groups.len()];
    for (k, &g) in piece.groups.iter().enumerate() {
        group_at[g] = k;
    }
    let map_reps = |reps: &[usize]| -> Vec<usize> {
        reps.iter()
            .filter(|&&r| rep_at[r] != usize::MAX)
            .map(|&r| rep_at[r])
            .collect()
    };
    // Segment classes and tiers are renumbered in order of first use.
    let mut class_at = vec![usize::MAX; p.segment_reps.len()];
    let mut segment_reps = Vec::new();
    let eligibility = piece
        .accounts
        .iter()
        .map(|&i| match p.eligibility[i] {
            Eligibility::Locked(r) => Eligibility::Locked(rep_at[r]),
            Eligibility::Class(c) => {
                if class_at[c] == usize::MAX {
                    class_at[c] = segment_reps.len();
                    segment_reps.push(map_reps(&p.segment_reps[c]));
                }
                Eligibility::Class(class_at[c])
            }
        })
        .collect();
    let groups: Vec<Group> = piece
        .groups
        .iter()
        .map(|&g| Group {
            reps: map_reps(&p.groups[g].reps),
            capacity: p.groups[g].capacity,
        })
        .collect();
    let mut tier_at = vec![usize::MAX; p.tiers.len()];
    let mut tiers: Vec<Tier> = Vec::new();
    let mut group_tier = Vec::with_capacity(piece.groups.len());
    for &g in &piece.groups {
        group_tier.push(p.group_tier[g].map(|t| {
            if tier_at[t] == usize::MAX {
                tier_at[t] = tiers.len();
                tiers.push(Tier {
                    groups: p.tiers[t].groups.iter().map(|&h| group_at[h]).collect(),
                    capacity: p.tiers[t].capacity,
                });
            }
            tier_at[t]
        }));
    }
    let of_accounts = |v: &Vec<f64>| piece.accounts.iter().map(|&i| v[i]).collect::<Vec<f64>>();
    let of_reps = |v: &Vec<f64>| piece.reps.iter().map(|&r| v[r]).collect::<Vec<f64>>();
    let of_rep_facets = |v: &Vec<Vec<Facet>>| {
        if v.is_empty() {
            Vec::new()
        } else {
            piece.reps.iter().map(|&r| v[r].clone()).collect()
        }
    };
    Problem {
        num_accounts: piece.accounts.len(),
        num_reps: piece.reps.len(),
        pot: of_accounts(&p.pot),
        work: of_accounts(&p.work),
        count: of_accounts(&p.count),
        pot_unit: p.pot_unit,
        work_unit: p.work_unit,
        count_unit: p.count_unit,
        account_points: piece
            .accounts
            .iter()
            .map(|&i| p.account_points[i])
            .collect(),
        account_degrees: piece
            .accounts
            .iter()
            .map(|&i| p.account_degrees[i])
            .collect(),
        rep_points: piece.reps.iter().map(|&r| p.rep_points[r]).collect(),
        cap: of_reps(&p.cap),
        groups,
        tiers,
        group_tier,
        region_tol: p.region_tol,
        rep_group: piece
            .reps
            .iter()
            .map(|&r| p.rep_group[r].map(|g| group_at[g]))
            .collect(),
        eligibility,
        segment_reps,
        tol: p.tol,
        limit: piece.reps.iter().map(|&r| p.limit[r]).collect(),
        metrics: p.metrics.clone(),
        prefer_of_rep: piece
            .reps
            .iter()
            .map(|&r| p.prefer_of_rep[r].clone())
            .collect(),
        prefer_matches: p
            .prefer_matches
            .iter()
            .map(|m| piece.accounts.iter().map(|&i| m[i]).collect())
            .collect(),
        current: piece
            .accounts
            .iter()
            .map(|&i| {
                p.current[i].map(|o| match rep_at.get(o) {
                    Some(&k) if k != usize::MAX => k,
                    _ => Problem::OWNER_ELSEWHERE,
                })
            })
            .collect(),
        move_km: p.move_km,
        move_weight: if p.move_weight.is_empty() {
            Vec::new()
        } else {
            of_accounts(&p.move_weight)
        },
        distance_weight: p.distance_weight,
        // A cut's counts hold within its piece: groups, owners and
        // eligible reps never cross pieces.
        move_cuts: MoveCuts {
            owner: if p.move_cuts.owner.is_empty() {
                Vec::new()
            } else {
                piece
                    .accounts
                    .iter()
                    .map(|&i| p.move_cuts.owner[i].map(|o| rep_at[o]))
                    .collect()
            },
            give_out: of_rep_facets(&p.move_cuts.give_out),
            take_in: of_rep_facets(&p.move_cuts.take_in),
            move_unit: p.move_cuts.move_unit,
        },
        has_rules: p.has_rules,
    }
}

/// [`solve_restricted_within`] over the candidate pairs `cand` of the
/// whole model, one piece per core: the pieces' restricted LPs merged.
/// `None` when the deadline stopped a piece.
pub fn solve_restricted_by_piece(
    p: &Problem,
    cand: &[Vec<usize>],
    phase: Phase,
    solver: &str,
    deadline: &Deadline,
) -> Result<Option<LpResult>> {
    let pieces = pieces(p);
    if pieces.len() < 2 {
        return solve_restricted_within(p, cand, phase, solver, deadline);
    }
    let solved: Vec<Result<Option<LpResult>>> = pieces
        .par_iter()
        .map(|piece| {
            let sub = sub_problem(p, piece);
            let rep_at = piece.rep_index(p.num_reps);
            let sub_cand: Vec<Vec<usize>> = piece
                .accounts
                .iter()
                .map(|&i| cand[i].iter().map(|&r| rep_at[r]).collect())
                .collect();
            solve_restricted_within(&sub, &sub_cand, phase, solver, deadline)
        })
        .collect();
    let mut parts = Vec::with_capacity(pieces.len());
    for lp in solved {
        match lp? {
            Some(lp) => parts.push(lp),
            None => return Ok(None),
        }
    }
    Ok(Some(merge_lp(p, &pieces, parts)))
}

/// The pieces' LP results as one, at the whole model's indices.
fn merge_lp(p: &Problem, pieces: &[Piece], parts: Vec<LpResult>) -> LpResult {
    let mut merged = LpResult {
        cost: 0.0,
        slack: 0.0,
        slack_uses: Vec::new(),
        shares: vec![Vec::new(); p.num_accounts],
        price: vec![[0.0; NUM_METRICS]; p.num_reps],
        u: vec![0.0; p.num_accounts],
        cut_price: if p.move_cuts.owner.is_empty() {
            Vec::new()
        } else {
            vec![[0.0; 2]; p.num_reps]
        },
        cross_price: if p.move_cuts.owner.is_empty() {
            Vec::new()
        } else {
            vec![[0.0; 2]; p.groups.len()]
        },
        columns: 0,
    };
    for (piece, part) in pieces.iter().zip(parts) {
        let rep = |k: usize| piece.reps[k];
        merged.cost += part.cost;
        merged.slack += part.slack;
        merged.columns += part.columns;
        merged
            .slack_uses
            .extend(part.slack_uses.into_iter().map(|s| SlackUse {
                rep: rep(s.rep),
                region_group: s.region_group.map(|g| piece.groups[g]),
                ..s
            }));
        for (k, &r) in piece.reps.iter().enumerate() {
            merged.price[r] = part.price[k];
            if let (Some(to), Some(from)) = (merged.cut_price.get_mut(r), part.cut_price.get(k)) {
                *to = *from;
            }
        }
        for (k, &g) in piece.groups.iter().enumerate() {
            if let (Some(to), Some(from)) = (merged.cross_price.get_mut(g), part.cross_price.get(k))
            {
                *to = *from;
            }
        }
        for ((&i, s), ui) in piece.accounts.iter().zip(part.shares).zip(part.u) {
            merged.shares[i] = s.into_iter().map(|(r, x)| (rep(r), x)).collect();
            merged.u[i] = ui;
        }
    }
    merged
}

/// The relaxations of the pieces as one relaxation of the whole model:
/// costs, slacks, bounds and counts added, shares, prices and candidate
/// lists put back at the whole model's indices.
pub fn merge(p: &Problem, pieces: &[Piece], parts: Vec<Relaxation>) -> Relaxation {
    let mut cand = vec![Vec::new(); p.num_accounts];
    let mut neighbours = vec![Vec::new(); p.num_accounts];
    let (mut lp_solves, mut priced_pairs) = (0, 0);
    let mut lps = Vec::with_capacity(parts.len());
    let mut piece_bounds = Vec::with_capacity(parts.len());
    for (piece, part) in pieces.iter().zip(parts) {
        piece_bounds.push(PieceBound {
            accounts: piece.accounts.clone(),
            bound: part.bound(),
            moves_floor: 0,
        });
        let reps_back =
            |v: Vec<usize>| v.into_iter().map(|k| piece.reps[k]).collect::<Vec<usize>>();
        lp_solves += part.lp_solves;
        priced_pairs += part.priced_pairs;
        for ((&i, c), n) in piece.accounts.iter().zip(part.cand).zip(part.neighbours) {
            cand[i] = reps_back(c);
            neighbours[i] = reps_back(n);
        }
        lps.push(part.lp);
    }
    Relaxation {
        lp: merge_lp(p, pieces, lps),
        piece_bounds,
        cand,
        neighbours,
        lp_solves,
        priced_pairs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{generate, GenerateSpec};
    use crate::model::BalanceGroups;
    use crate::territory::deadline::Deadline;
    use crate::territory::problem::{POTENTIAL, WORKLOAD};
    use crate::territory::relax::{solve_as_one, LpMethod, Relaxed, BOUND_GAP};

    fn relax(p: &Problem, split: bool) -> Relaxed {
        let none = Deadline::none();
        let quiet = |_: &str| {};
        if split {
            super::super::relax::solve_relaxation_within(
                p,
                "clarabel",
                LpMethod::Columns,
                &none,
                &quiet,
            )
        } else {
            solve_as_one(p, "clarabel", LpMethod::Columns, 0.0, &none, &quiet)
        }
        .expect("the LP solves")
    }

    /// Generated teams: SMB reps take SMB accounts only, while ENT, MM and
    /// the hybrid ENT;MM reps share theirs. Every account and every rep
    /// with capacity is in exactly one piece, and no assignment row or
    /// group row reaches outside it.
    #[test]
    fn pieces_cover_the_model_and_share_no_row() {
        let p = Problem::new(&generate(&GenerateSpec::new(3000, 30, 4)));
        let pieces = pieces(&p);
        assert_eq!(pieces.len(), 2, "SMB apart from ENT/MM");
        let mut piece_of_rep = vec![None; p.num_reps];
        for (k, piece) in pieces.iter().enumerate() {
            for &r in &piece.reps {
                assert_eq!(piece_of_rep[r], None, "rep {r} in two pieces");
                piece_of_rep[r] = Some(k);
            }
        }
        for (piece, group) in piece_of_rep.iter().zip(&p.rep_group) {
            assert_eq!(piece.is_some(), group.is_some());
        }
        let mut seen = vec![0; p.num_accounts];
        for (k, piece) in pieces.iter().enumerate() {
            for &i in &piece.accounts {
                seen[i] += 1;
                assert!(p.eligible(i).iter().all(|&r| piece_of_rep[r] == Some(k)));
            }
            for &g in &piece.groups {
                assert!(p.groups[g].reps.iter().all(|&r| piece_of_rep[r] == Some(k)));
            }
        }
        assert!(seen.iter().all(|&n| n == 1));
    }

    /// One balance group over every rep couples the teams; so does a
    /// region tier, even between groups no account is shared by.
    #[test]
    fn a_shared_group_or_tier_joins_the_pieces() {
        let mut ds = generate(&GenerateSpec::new(3000, 30, 4));
        ds.config.balance.groups = BalanceGroups::All;
        assert_eq!(pieces(&Problem::new(&ds)).len(), 1);

        ds.config.balance.groups = BalanceGroups::Region;
        ds.config.balance.region_tolerance = Some(0.1);
        let mut p = Problem::new(&ds);
        assert_eq!(pieces(&p).len(), 2, "regions alone split no team");
        // SMB accounts narrowed to the reps of one SMB region: the other
        // SMB regions take no account and are held by their tier alone.
        let smb = (0..p.num_accounts)
            .find(|&i| ds.accounts[i].segment.as_deref() == Some("SMB"))
            .expect("an SMB account");
        let Eligibility::Class(c) = p.eligibility[smb] else {
            panic!("generated accounts are not locked")
        };
        let g = p.rep_group[p.segment_reps[c][0]].unwrap();
        let t = p.group_tier[g].expect("every group has a tier");
        assert!(p.tiers[t].groups.len() > 1, "SMB reps in several regions");
        p.segment_reps[c] = p.groups[g].reps.clone();
        assert_eq!(pieces(&p).len(), 2, "the tier keeps SMB in one piece");
        p.tiers.clear();
        p.group_tier = vec![None; p.groups.len()];
        assert!(
            pieces(&p).len() > 2,
            "without the tier the regions fall apart"
        );
    }

    /// A piece keeps every pair's cost and every account's loads, and an
    /// account whose current owner is in the other piece pays the move
    /// charge at every rep of its own, as in the whole model.
    #[test]
    fn a_piece_keeps_costs_loads_and_move_charges() {
        let mut p = Problem::new(&generate(&GenerateSpec::new(1200, 20, 2)));
        let pieces = pieces(&p);
        assert_eq!(pieces.len(), 2);
        let elsewhere = pieces[1].reps[0];
        for (n, &i) in pieces[0].accounts.iter().enumerate() {
            if n % 3 == 0 {
                p.current[i] = Some(elsewhere);
            }
        }
        p.move_km = 40.0;
        p.move_weight = (0..p.num_accounts).map(|i| 0.5 + i as f64 * 1e-4).collect();
        for piece in &pieces {
            let sub = sub_problem(&p, piece);
            assert_eq!(sub.num_accounts, piece.accounts.len());
            for (k, &i) in piece.accounts.iter().enumerate() {
                assert_eq!(sub.loads(k), p.loads(i));
                let mapped: Vec<usize> = sub.eligible(k).iter().map(|&r| piece.reps[r]).collect();
                assert_eq!(mapped, p.eligible(i));
                for &r in sub.eligible(k) {
                    assert_eq!(sub.cost(k, r), p.cost(i, piece.reps[r]), "account {i}");
                }
            }
            for (k, &r) in piece.reps.iter().enumerate() {
                assert_eq!(sub.cap[k], p.cap[r]);
                let g = sub.rep_group[k].expect("a rep with capacity has a group");
                assert_eq!(piece.groups[g], p.rep_group[r].unwrap());
            }
        }
    }

    /// Solved piece by piece, the relaxation is the whole LP's: the same
    /// optimum (both within the pricing stop), a bound below both, every
    /// account's shares summing to one over its eligible reps, and each
    /// rep's load inside its band.
    #[test]
    fn the_split_relaxation_is_the_whole_lp() {
        let p = Problem::new(&generate(&GenerateSpec::new(2500, 25, 3)));
        assert_eq!(pieces(&p).len(), 2);
        let (Relaxed::Solved(split), Relaxed::Solved(whole)) = (relax(&p, true), relax(&p, false))
        else {
            panic!("generated instances are feasible")
        };
        let tol = 2.0 * BOUND_GAP * whole.lp.cost + 1e-6;
        assert!((split.lp.cost - whole.lp.cost).abs() <= tol);
        assert!(split.bound() <= whole.lp.cost + 1e-6 && whole.bound() <= split.lp.cost + 1e-6);
        // Pieces stop pricing within their share of the whole model's
        // allowance: the bound stays within twice the pricing stop.
        assert!(split.bound() >= whole.lp.cost * (1.0 - 2.0 * BOUND_GAP) - 1e-6);
        let floor = super::super::relax::cost_floor(&p);
        assert!(
            floor <= whole.lp.cost && floor > 0.5 * whole.lp.cost,
            "floor {floor}, LP {}",
            whole.lp.cost
        );
        assert!(split.lp.slack <= 1e-6);
        let mut load = vec![[0.0; NUM_METRICS]; p.num_reps];
        for (i, shares) in split.lp.shares.iter().enumerate() {
            let total: f64 = shares.iter().map(|s| s.1).sum();
            assert!((total - 1.0).abs() < 1e-5, "account {i}: {total}");
            for &(r, x) in shares {
                assert!(p.eligible(i).contains(&r));
                assert!(split.cand[i].binary_search(&r).is_ok());
                for m in [POTENTIAL, WORKLOAD] {
                    load[r][m] += x * p.load(m, i);
                }
            }
        }
        for group in &p.groups {
            for m in [POTENTIAL, WORKLOAD] {
                let mean = group.reps.iter().map(|&r| load[r][m]).sum::<f64>() / group.capacity;
                for &r in &group.reps {
                    let ratio = load[r][m] / (p.cap[r] * mean);
                    assert!((ratio - 1.0).abs() <= p.tol[m] + 1e-5, "rep {r}: {ratio}");
                }
            }
        }
        assert!(split.cand.iter().all(|c| c.windows(2).all(|w| w[0] < w[1])));
    }

    /// When a piece has no balanced plan, the whole model is solved again,
    /// so the infeasibility is explained over every rep.
    #[test]
    fn an_infeasible_piece_is_explained_on_the_whole_model() {
        let mut p = Problem::new(&generate(&GenerateSpec::new(1200, 20, 2)));
        let pieces = pieces(&p);
        let smb = &pieces[1];
        for &r in &smb.reps {
            p.limit[r][WORKLOAD] = 1e-3;
        }
        if !p.metrics.contains(&WORKLOAD) {
            p.metrics.push(WORKLOAD);
        }
        let Relaxed::Infeasible(infeasible) = relax(&p, true) else {
            panic!("workload limits far below the load must be infeasible")
        };
        assert_eq!(infeasible.lp.shares.len(), p.num_accounts);
        assert!(infeasible
            .lp
            .slack_uses
            .iter()
            .all(|s| smb.reps.contains(&s.rep)));
        assert!(infeasible.lp.slack > 0.0);
    }
}
