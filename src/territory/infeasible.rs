//! Infeasibility in the planner's terms: which reps cannot be brought within
//! their band and why (locks, segment capacity), and the smallest tolerances
//! that would work, found by bisection on the full feasibility LP.

use std::fmt::Write;

use super::lp::{LpResult, Metric};
use super::problem::Problem;
use super::relax::is_feasible;
use crate::model::Dataset;
use crate::Result;

/// Largest tolerance the search tries (100 % of the fair share).
const MAX_TOLERANCE: f64 = 1.0;
/// Bisection stops when the bracket is narrower than this.
const SEARCH_PRECISION: f64 = 0.005;

/// A readable explanation of why no balanced plan exists.
pub fn explain(ds: &Dataset, p: &Problem, feas: &LpResult, solver: &str) -> Result<String> {
    let mut text = String::from(
        "no assignment keeps every rep within its balance tolerance \
         (potential ±{tp}%, workload ±{tw}%).",
    )
    .replace("{tp}", &pct(p.tol_p))
    .replace("{tw}", &pct(p.tol_w));
    let mut uses = feas.slack_uses.clone();
    uses.sort_by(|a, b| b.amount.total_cmp(&a.amount).then(a.rep.cmp(&b.rep)));
    for u in uses.iter().take(10) {
        let rep = &ds.reps[u.rep];
        let (what, amount) = match u.metric {
            Metric::Potential => ("potential", money(u.amount * p.pot_unit)),
            Metric::Workload => ("workload", format!("{:.0} h", u.amount * p.work_unit)),
        };
        let side = if u.above { "above" } else { "below" };
        let _ = write!(
            text,
            "\n  - rep {} (covers {}, {} FTE) stays at least {amount} of {what} {side} its band",
            rep.id,
            coverage(&rep.segments),
            rep.capacity
        );
        let (locked_n, locked_pot) = locked_on(ds, u.rep);
        if u.above && locked_n > 0 {
            let _ = write!(
                text,
                "; its {locked_n} locked account(s) alone hold {}",
                money(locked_pot)
            );
        }
        if !u.above {
            let _ = write!(
                text,
                "; not enough eligible accounts can reach it (segments {}, other reps' locks)",
                coverage(&rep.segments)
            );
        }
    }
    if uses.len() > 10 {
        let _ = write!(text, "\n  ... and {} more", uses.len() - 10);
    }
    text.push_str(&smallest_tolerances(ds, p, solver)?);
    Ok(text)
}

fn smallest_tolerances(ds: &Dataset, p: &Problem, solver: &str) -> Result<String> {
    let tp = smallest_feasible(p.tol_p, |t| {
        is_feasible(&Problem::with_tolerances(ds, t, p.tol_w), solver)
    })?;
    let tw = smallest_feasible(p.tol_w, |t| {
        is_feasible(&Problem::with_tolerances(ds, p.tol_p, t), solver)
    })?;
    let mut s = String::from(
        "\nBalance needs at least these tolerances (the smallest for which \
         fractional shares would balance; lumpy accounts may need a little more):",
    );
    match tp {
        Some(t) => {
            let _ = write!(
                s,
                "\n  - [balance] potential_tolerance = {t:.3} (keeping workload_tolerance = {})",
                p.tol_w
            );
        }
        None => {
            let _ = write!(
                s,
                "\n  - no potential_tolerance up to 1.0 with workload_tolerance = {}",
                p.tol_w
            );
        }
    }
    match tw {
        Some(t) => {
            let _ = write!(
                s,
                "\n  - [balance] workload_tolerance = {t:.3} (keeping potential_tolerance = {})",
                p.tol_p
            );
        }
        None => {
            let _ = write!(
                s,
                "\n  - no workload_tolerance up to 1.0 with potential_tolerance = {}",
                p.tol_p
            );
        }
    }
    if tp.is_none() && tw.is_none() {
        let both = smallest_feasible(p.tol_p.max(p.tol_w), |t| {
            is_feasible(&Problem::with_tolerances(ds, t, t), solver)
        })?;
        match both {
            Some(t) => {
                let _ = write!(s, "\n  - both tolerances at {t:.3}");
            }
            None => s.push_str(
                "\n  - none: even ±100% fails, so locks or segment coverage rule the plan out; \
                 unlock accounts or add capacity to the segments named above",
            ),
        }
    }
    Ok(s)
}

/// Smallest tolerance in (from, MAX_TOLERANCE] for which `feasible` holds,
/// rounded up to `SEARCH_PRECISION`; `None` when even the maximum fails.
fn smallest_feasible(
    from: f64,
    mut feasible: impl FnMut(f64) -> Result<bool>,
) -> Result<Option<f64>> {
    if !feasible(MAX_TOLERANCE)? {
        return Ok(None);
    }
    let (mut lo, mut hi) = (from, MAX_TOLERANCE);
    while hi - lo > SEARCH_PRECISION {
        let mid = 0.5 * (lo + hi);
        if feasible(mid)? {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Ok(Some((hi / SEARCH_PRECISION).ceil() * SEARCH_PRECISION))
}

fn locked_on(ds: &Dataset, r: usize) -> (usize, f64) {
    let id = ds.reps[r].id.as_str();
    ds.accounts
        .iter()
        .filter(|a| a.locked && a.current_owner.as_deref() == Some(id))
        .fold((0, 0.0), |(n, s), a| (n + 1, s + a.potential))
}

fn coverage(segments: &[String]) -> String {
    if segments.is_empty() {
        "all segments".into()
    } else {
        segments.join(";")
    }
}

fn pct(x: f64) -> String {
    format!("{}", (x * 1000.0).round() / 10.0)
}

/// Currency amount with thousands separators, no decimals.
pub fn money(x: f64) -> String {
    let neg = x < 0.0;
    let digits = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (k, ch) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if neg {
        format!("-{out}")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_groups_thousands() {
        assert_eq!(money(1234567.4), "1,234,567");
        assert_eq!(money(999.0), "999");
        assert_eq!(money(-1000.0), "-1,000");
    }

    #[test]
    fn bisection_finds_threshold() {
        let t = smallest_feasible(0.05, |t| Ok(t >= 0.123))
            .unwrap()
            .unwrap();
        assert!((0.123..0.123 + 2.0 * SEARCH_PRECISION).contains(&t), "{t}");
        assert_eq!(smallest_feasible(0.05, |_| Ok(false)).unwrap(), None);
    }
}
