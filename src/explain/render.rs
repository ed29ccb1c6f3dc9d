//! One screen of text for an [`Explanation`] and a [`Resolve`].

use std::fmt::Write as _;

use crate::model::{Dataset, PlanStatus, Reason};
use crate::output::format::{fixed, signed_pct, thousands};

use super::{Alternative, Explanation, Gone, Measure, MoveEffect, RepEffect, Resolve};

/// `R01 (Ana Chicago)`, or the id alone when the rep has no name.
fn rep_label(ds: &Dataset, r: usize) -> String {
    let rep = &ds.reps[r];
    match rep.name.as_deref().filter(|n| !n.is_empty()) {
        Some(name) => format!("{} ({name})", rep.id),
        None => rep.id.clone(),
    }
}

fn pct(deviation: f64) -> String {
    format!("{} %", signed_pct(deviation, 2))
}

fn tolerance(tol: f64) -> String {
    format!("±{} %", fixed(tol * 100.0, 1))
}

fn km(x: f64) -> String {
    format!("{} km", fixed(x, 1))
}

fn measure(m: Measure) -> &'static str {
    match m {
        Measure::Potential => "potential",
        Measure::Workload => "workload",
    }
}

fn within(ok: bool) -> &'static str {
    if ok {
        "within tolerance"
    } else {
        "outside tolerance"
    }
}

fn effect_line(ds: &Dataset, role: &str, e: &RepEffect, id_width: usize) -> String {
    format!(
        "    {:<9}  {:<id_width$}  potential {:>9}  workload {:>9}  {}",
        role,
        ds.reps[e.rep].id,
        pct(e.potential_deviation),
        pct(e.workload_deviation),
        within(e.within_tolerance)
    )
}

/// The explanation as text: the account, its owner and reason in words,
/// and the table of alternatives.
pub fn render(ds: &Dataset, x: &Explanation) -> String {
    let mut s = String::new();
    let a = &ds.accounts[x.account];
    let owner = rep_label(ds, x.owner);
    let segment = a.segment.as_deref().unwrap_or("(none)");

    let _ = writeln!(
        s,
        "account {}{}",
        a.id,
        a.name
            .as_deref()
            .filter(|n| !n.is_empty())
            .map(|n| format!("  {n}"))
            .unwrap_or_default()
    );
    let current = match (&a.current_owner, x.current_owner) {
        (_, Some(r)) => rep_label(ds, r),
        (Some(id), None) => id.clone(),
        (None, None) => "none".to_string(),
    };
    let _ = writeln!(
        s,
        "  segment {segment}, potential {}, workload {} h/yr, {}, current owner {current}",
        thousands(a.potential),
        thousands(a.workload),
        if a.locked { "locked" } else { "not locked" },
    );
    let _ = writeln!(s);

    let _ = writeln!(
        s,
        "owner in the plan: {owner}, {}, reason: {}",
        km(x.owner_km),
        x.reason.code()
    );
    let groups: Vec<String> = x
        .eligible_groups
        .iter()
        .map(|(g, n)| format!("{g}: {n}"))
        .collect();
    let _ = writeln!(
        s,
        "  eligible: {} rep{} with capacity cover{} segment {segment} (balance group{} {})",
        x.eligible,
        if x.eligible == 1 { "" } else { "s" },
        if x.eligible == 1 { "s" } else { "" },
        if groups.len() == 1 { "" } else { "s" },
        groups.join(", ")
    );
    let owner_id = &ds.reps[x.owner].id;
    let nearest = format!("{}, {}", rep_label(ds, x.nearest), km(x.nearest_km));
    match &x.reason {
        Reason::Named { list } => {
            let _ = writeln!(
                s,
                "  named: in the named-account list '{list}' of the plan config, pinned to \
                 {owner_id};\n  the planner may not move it"
            );
            if x.nearest != x.owner {
                let _ = writeln!(s, "  nearest eligible rep: {nearest}");
            }
            let _ = writeln!(
                s,
                "  to move it, take it out of [[named]] '{list}' in plan.toml and re-plan"
            );
        }
        Reason::Rule { name, extra_km } => {
            let why = if ds.rules.preferences.iter().any(|p| &p.name == name) {
                format!(
                    "the preference [[prefer]] '{name}' counts it closer to {owner_id}, a \
                     specialist for it"
                )
            } else {
                format!("rule '{name}' rules out nearer reps")
            };
            let _ = writeln!(
                s,
                "  rule:{name}: {why};\n  {owner_id} is {} farther than the nearest rep covering \
                 its segment",
                km(*extra_km)
            );
        }
        Reason::Locked => {
            let _ = writeln!(
                s,
                "  locked: a named account, kept with its current owner {owner_id} as accounts.csv \
                 says;\n  the planner may not move it"
            );
            if x.nearest != x.owner {
                let _ = writeln!(s, "  nearest eligible rep: {nearest}");
            }
            let _ = writeln!(
                s,
                "  to move it, set locked = false (or another current_owner) in accounts.csv and \
                 re-plan"
            );
        }
        Reason::Nearest => {
            let _ = writeln!(
                s,
                "  nearest: {owner_id} is the nearest eligible rep, so it costs the least potential \
                 x km"
            );
        }
        Reason::Balance { extra_km } => {
            let _ = writeln!(
                s,
                "  nearest eligible rep: {nearest}; {owner_id} is {} farther",
                km(*extra_km)
            );
            if let Some(m) = &x.nearest_move {
                balance_why(&mut s, ds, x, m);
            }
        }
        Reason::Continuity { extra_km } => {
            let _ = writeln!(
                s,
                "  continuity: kept with its current owner {owner_id}, {} farther than the \
                 nearest eligible rep {nearest};\n  [continuity] move_cost_km = {} makes the \
                 move cost more than the km it saves",
                km(*extra_km),
                ds.config.continuity.move_cost_km
            );
        }
    }
    let b = &x.owner_balance;
    let _ = writeln!(
        s,
        "  {owner_id} in the plan: {} accounts, potential {}, workload {} of its fair share ({})",
        b.accounts,
        pct(b.potential_deviation),
        pct(b.workload_deviation),
        within(b.within_tolerance)
    );
    let _ = writeln!(
        s,
        "  {}",
        match x.current_owner {
            Some(c) if c == x.owner => format!("it stays with its current owner {owner_id}"),
            Some(c) => format!(
                "the plan moves it from its current owner {}{} to {owner_id}",
                ds.reps[c].id,
                match x.current_owner_gone {
                    Some(g) => format!(", who {},", gone_text(g)),
                    None => String::new(),
                }
            ),
            None => "it had no current owner".to_string(),
        }
    );
    let _ = writeln!(s);
    alternatives_table(&mut s, ds, x);
    s
}

/// Why a rep takes no accounts, after its id: `left on 2026-06-30 (on or
/// before the rebalance's effective date 2026-07-01)`.
pub fn gone_text(gone: Gone) -> String {
    match gone {
        Gone::Left {
            end_date,
            effective,
        } => format!(
            "left on {} (on or before the rebalance's effective date {})",
            end_date.format("%Y-%m-%d"),
            effective.format("%Y-%m-%d")
        ),
        Gone::NoCapacity => "has capacity 0 in reps.csv".to_string(),
    }
}

/// Why the nearest rep did not get a `balance` account.
fn balance_why(s: &mut String, ds: &Dataset, x: &Explanation, m: &MoveEffect) {
    let a = &ds.accounts[x.account];
    let nearest = &ds.reps[x.nearest].id;
    let owner = &ds.reps[x.owner].id;
    let _ = writeln!(
        s,
        "  balance: moving it alone to {nearest} would leave (tolerance {} potential, {} workload)",
        tolerance(x.tol_p),
        tolerance(x.tol_w),
    );
    let id_width = [m.to.rep, m.from.rep]
        .iter()
        .map(|&r| ds.reps[r].id.chars().count())
        .max()
        .unwrap_or(0)
        .max(8);
    let _ = writeln!(s, "{}", effect_line(ds, "receiving", &m.to, id_width));
    let _ = writeln!(s, "{}", effect_line(ds, "losing it", &m.from, id_width));
    if m.crosses_groups {
        let _ = writeln!(
            s,
            "    the move crosses balance groups ({} -> {}): both groups' targets move,\n    \
             so every rep of both groups is counted",
            ds.config.balance.group_key(&ds.reps[x.owner]),
            ds.config.balance.group_key(&ds.reps[x.nearest])
        );
    }
    let saving = a.potential * (x.owner_km - x.nearest_km);
    if m.within_tolerance {
        let _ = writeln!(
            s,
            "  this single move would keep balance and save {} potential x km: the plan chose\n  \
             {owner} while trading many accounts at once; `--to {nearest}` gives the re-planned \
             cost",
            thousands(saving),
        );
    } else {
        let _ = writeln!(
            s,
            "  {} rep{} would be outside tolerance (worst {} {} {}),\n  so the plan gives it to \
             {owner}, {} farther, at {} potential x km more",
            m.outside,
            if m.outside == 1 { "" } else { "s" },
            ds.reps[m.worst.rep].id,
            measure(m.worst.measure),
            pct(m.worst.deviation),
            km(x.owner_km - x.nearest_km),
            thousands(saving)
        );
    }
}

fn alternatives_table(s: &mut String, ds: &Dataset, x: &Explanation) {
    let shown = x.alternatives.len();
    let _ = writeln!(
        s,
        "alternatives: eligible reps nearest first ({shown} of {}), moving this account alone:",
        x.eligible
    );
    let label = |alt: &Alternative| {
        if alt.rep == x.owner {
            format!("{} (owner)", ds.reps[alt.rep].id)
        } else {
            ds.reps[alt.rep].id.clone()
        }
    };
    let rep_w = x
        .alternatives
        .iter()
        .map(|alt| label(alt).chars().count())
        .max()
        .unwrap_or(3)
        .max(3);
    let group_w = x
        .alternatives
        .iter()
        .map(|alt| {
            ds.config
                .balance
                .group_key(&ds.reps[alt.rep])
                .chars()
                .count()
        })
        .max()
        .unwrap_or(5)
        .max(5);
    let _ = writeln!(
        s,
        "  {:<rep_w$}  {:<group_w$}  {:>10}  {:>20}  {:<13}  worst deviation after",
        "rep", "group", "km", "extra potential x km", "balance after"
    );
    for alt in &x.alternatives {
        let (ok, worst) = match &alt.effect {
            None => ("(plan)".to_string(), String::new()),
            Some(m) => (
                if m.within_tolerance {
                    "within".to_string()
                } else {
                    format!("{} outside", m.outside)
                },
                format!(
                    "{} {} {}",
                    ds.reps[m.worst.rep].id,
                    measure(m.worst.measure),
                    pct(m.worst.deviation)
                ),
            ),
        };
        let row = format!(
            "  {:<rep_w$}  {:<group_w$}  {:>10}  {:>20}  {:<13}  {}",
            label(alt),
            ds.config.balance.group_key(&ds.reps[alt.rep]),
            fixed(alt.km, 1),
            thousands(alt.extra_cost),
            ok,
            worst
        );
        let _ = writeln!(s, "{}", row.trim_end());
    }
    let _ = writeln!(
        s,
        "  tolerance {} potential, {} workload. A single move is a local view: the optimizer",
        tolerance(x.tol_p),
        tolerance(x.tol_w)
    );
    let _ = writeln!(
        s,
        "  trades many accounts at once; add `--to REP` to re-plan with this account locked to REP."
    );
}

fn status(s: PlanStatus) -> &'static str {
    match s {
        PlanStatus::Balanced => "Balanced",
        PlanStatus::OutsideTolerance => "OutsideTolerance",
    }
}

/// `+1,234 (+0.01 %)`.
fn delta(d: f64, whole: f64) -> String {
    let sign = if fixed(d, 0).starts_with('-') || fixed(d, 0) == "0" {
        ""
    } else {
        "+"
    };
    format!(
        "{sign}{}  ({} %)",
        thousands(d),
        signed_pct(super::fraction(d, whole), 2)
    )
}

/// The re-plan answer as text.
pub fn render_resolve(ds: &Dataset, r: &Resolve) -> String {
    let mut s = String::new();
    let a = &ds.accounts[r.account];
    let _ = writeln!(
        s,
        "re-plan with {} locked to {} (plan owner {}, solver {}):",
        a.id,
        rep_label(ds, r.rep),
        ds.reps[r.plan_owner].id,
        r.solver
    );
    let _ = writeln!(s, "  {:<16}  {:>20}  {:>20}  delta", "", "plan", "re-plan");
    let _ = writeln!(
        s,
        "  {:<16}  {:>20}  {:>20}  {}",
        "potential x km",
        thousands(r.plan_objective),
        thousands(r.objective),
        delta(r.delta(), r.plan_objective)
    );
    if let (Some(bound), Some(d)) = (r.plan_lp_bound, r.bound_delta()) {
        let _ = writeln!(
            s,
            "  {:<16}  {:>20}  {:>20}  {}",
            "LP bound",
            thousands(bound),
            thousands(r.lp_bound),
            delta(d, bound)
        );
    }
    let _ = writeln!(s, "  {:<16}  {:>20}", "re-plan status", status(r.status));
    let listed: Vec<String> = r
        .changed
        .iter()
        .take(3)
        .map(|&(i, o, n)| format!("{} {}->{}", ds.accounts[i].id, ds.reps[o].id, ds.reps[n].id))
        .collect();
    let _ = writeln!(
        s,
        "  other accounts that change owner: {}{}",
        r.changed.len(),
        if listed.is_empty() {
            String::new()
        } else {
            format!(
                " ({}{})",
                listed.join(", "),
                if r.changed.len() > 3 { ", ..." } else { "" }
            )
        }
    );
    if r.status == PlanStatus::OutsideTolerance {
        let _ = writeln!(
            s,
            "  With {} on {}, the planner found no single-owner plan within tolerance ({} rep{}",
            a.id,
            ds.reps[r.rep].id,
            r.outside,
            if r.outside == 1 { "" } else { "s" }
        );
        let _ = writeln!(
            s,
            "  outside): the re-plan's potential x km is that of an unbalanced plan, not comparable."
        );
    } else if let Some(bound) = r.plan_lp_bound {
        let _ = writeln!(
            s,
            "  The LP bound is the least potential x km any plan can reach: its delta is the cost"
        );
        let _ = writeln!(
            s,
            "  of the lock itself, to the solver's precision. Plans are rounded from the LP (plan {} %",
            fixed(super::fraction(r.plan_objective - bound, bound) * 100.0, 2)
        );
        let _ = writeln!(
            s,
            "  above its bound, re-plan {} %): a plan delta within those gaps, and some of the owner",
            fixed(super::fraction(r.objective - r.lp_bound, r.lp_bound) * 100.0, 2)
        );
        let _ = writeln!(
            s,
            "  changes, come from rounding rather than from the lock."
        );
    }
    let _ = writeln!(
        s,
        "  Nothing was written: the plan in the output folder is unchanged."
    );
    s
}
