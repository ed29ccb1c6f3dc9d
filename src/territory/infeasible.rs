//! Infeasibility in the planner's terms: which reps cannot be brought within
//! their band and why (locks, segment capacity), and the smallest tolerances
//! that would work, found by bisection on the full feasibility LP.

use std::fmt::Write;

use super::lp::{LpResult, Metric};
use super::problem::{Problem, ACCOUNTS, POTENTIAL, WORKLOAD};
use super::relax::is_feasible;
use crate::model::Dataset;
use crate::Result;

/// Largest tolerance the search tries (100 % of the fair share).
const MAX_TOLERANCE: f64 = 1.0;
/// Bisection stops when the bracket is narrower than this.
const SEARCH_PRECISION: f64 = 0.005;

/// A readable explanation of why no balanced plan exists.
pub fn explain(ds: &Dataset, p: &Problem, feas: &LpResult, solver: &str) -> Result<String> {
    let accounts = if p.tol[ACCOUNTS].is_finite() {
        format!(", accounts ±{}%", pct(p.tol[ACCOUNTS]))
    } else {
        String::new()
    };
    let regions = if p.region_tol.is_finite() {
        format!(", regions ±{}%", pct(p.region_tol))
    } else {
        String::new()
    };
    let limits = if p.limit.iter().flatten().any(|l| l.is_finite()) {
        " and [[limits]]"
    } else {
        ""
    };
    let mut text = format!(
        "no assignment keeps every rep within its balance tolerance \
         (potential ±{}%, workload ±{}%{accounts}{regions}){limits}.",
        pct(p.tol[POTENTIAL]),
        pct(p.tol[WORKLOAD])
    );
    let mut uses = feas.slack_uses.clone();
    uses.sort_by(|a, b| b.amount.total_cmp(&a.amount).then(a.rep.cmp(&b.rep)));
    for u in uses.iter().take(10) {
        let rep = &ds.reps[u.rep];
        let (what, amount) = match u.metric {
            Metric::Potential => ("potential", money(u.amount * p.pot_unit)),
            Metric::Workload => ("workload", format!("{:.0} h", u.amount * p.work_unit)),
            Metric::Accounts => ("accounts", format!("{:.1}", u.amount * p.count_unit)),
        };
        if u.region_group.is_some() {
            let side = if u.above { "above" } else { "below" };
            let _ = write!(
                text,
                "\n  - region group {} stays at least {amount} of {what} {side} its share of \
                 all {} reps ([balance] region_tolerance = {})",
                ds.config.balance.group_key(rep),
                coverage(&rep.segments),
                p.region_tol
            );
            continue;
        }
        if u.limit {
            let rule = limit_rule(ds, u.rep, u.metric);
            let _ = write!(
                text,
                "\n  - rep {} (covers {}, {} FTE) needs at least {amount} more {what} than its \
                 limit of rule '{rule}' allows, to stay within balance",
                rep.id,
                coverage(&rep.segments),
                rep.capacity
            );
            continue;
        }
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
            let rules = rules_on(ds, u.rep);
            let _ = write!(
                text,
                "; not enough eligible accounts can reach it (segments {}, other reps' locks{})",
                coverage(&rep.segments),
                if rules.is_empty() {
                    String::new()
                } else {
                    format!(", rules {}", rules.join(", "))
                }
            );
        }
    }
    if uses.len() > 10 {
        let _ = write!(text, "\n  ... and {} more", uses.len() - 10);
    }
    if uses.iter().any(|u| u.region_group.is_some()) {
        let _ = write!(
            text,
            "\nRegions cannot be balanced against each other: raise [balance] \
             region_tolerance, or loosen the restrictions that keep accounts in one region"
        );
    }
    text.push_str(&smallest_tolerances(ds, p, solver)?);
    Ok(text)
}

fn smallest_tolerances(ds: &Dataset, p: &Problem, solver: &str) -> Result<String> {
    let tp = smallest_feasible(p.tol[POTENTIAL], |t| {
        is_feasible(&Problem::with_tolerances(ds, t, p.tol[WORKLOAD]), solver)
    })?;
    let tw = smallest_feasible(p.tol[WORKLOAD], |t| {
        is_feasible(&Problem::with_tolerances(ds, p.tol[POTENTIAL], t), solver)
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
                p.tol[WORKLOAD]
            );
        }
        None => {
            let _ = write!(
                s,
                "\n  - no potential_tolerance up to 1.0 with workload_tolerance = {}",
                p.tol[WORKLOAD]
            );
        }
    }
    match tw {
        Some(t) => {
            let _ = write!(
                s,
                "\n  - [balance] workload_tolerance = {t:.3} (keeping potential_tolerance = {})",
                p.tol[POTENTIAL]
            );
        }
        None => {
            let _ = write!(
                s,
                "\n  - no workload_tolerance up to 1.0 with potential_tolerance = {}",
                p.tol[POTENTIAL]
            );
        }
    }
    if tp.is_none() && tw.is_none() {
        let both = smallest_feasible(p.tol[POTENTIAL].max(p.tol[WORKLOAD]), |t| {
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

/// The `[[limits]]` rule that sets rep `r`'s maximum of `metric`.
fn limit_rule(ds: &Dataset, r: usize, metric: Metric) -> String {
    let lim = ds.rules.limits.get(r);
    let found = match metric {
        Metric::Accounts => lim.and_then(|l| l.max_accounts.as_ref()),
        Metric::Workload => lim.and_then(|l| l.max_workload_hours.as_ref()),
        Metric::Potential => None,
    };
    found.map_or_else(|| "?".to_string(), |l| l.rule.clone())
}

/// Names of the restriction and limit rules that narrow rep `r`.
fn rules_on(ds: &Dataset, r: usize) -> Vec<String> {
    let mut out: Vec<String> = ds
        .rules
        .restrictions
        .iter()
        .filter(|x| x.reps.binary_search(&r).is_ok())
        .map(|x| format!("'{}'", x.name))
        .collect();
    if let Some(l) = ds
        .rules
        .limits
        .get(r)
        .and_then(|l| l.max_distance_km.as_ref())
    {
        out.push(format!("'{}'", l.rule));
    }
    out
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
