//! Solve for headcount: the fewest extra hires (1.0 FTE each) that make the
//! plan year's sales target, and when they can start.
//!
//! An exact search, not an integer programme. The capacity model is linear
//! in its cohorts ([`super::model`]): a hire starting in month s adds the
//! same plan-year bookings B(s) whatever else happens (its own attrition and
//! backfills included), so n hires starting in months s_1..s_n add
//! B(s_1) + ... + B(s_n). Hence:
//!
//! - **Minimum count.** n hires can close a gap G > 0 if and only if
//!   n x max B >= G: any schedule adds at most n x max B, and n hires all in
//!   the month of max B add exactly that. So n* = ceil(G / max B) over the
//!   months hires may start (from `lead_time` months into the fiscal year,
//!   since requisitions open at its start, to its last month), and n* - 1
//!   hires cannot make the number in any months. When ramp outweighs
//!   attrition (the usual case) B falls month by month and the best month
//!   is the earliest; the search does not assume it.
//! - **Latest hire month.** The last month s with n* x B(s) >= G: the
//!   latest date by which all n* hires must be in seat. A hire's cost over
//!   the plan year falls the later it starts, so this is also the cheapest
//!   way to make the number with n* hires starting together; it is the plan
//!   whose cost is reported. (A mixed schedule, some earlier and some
//!   later, can occasionally be a little cheaper; it is not searched.)
//! - **Hires needed if starting in month s**: ceil(G / B(s)), empty where
//!   no number of hires starting then can make it.
//!
//! - **Hiring capacity.** Recruiting delivers at most `max_hires_per_month`
//!   a month (and `max_hires` in the year, when set). The fewest hires under
//!   those caps take the months of largest B first, up to the cap each
//!   (an exchange argument: any schedule of n hires adds at most the n
//!   largest entries of B with each month repeated cap times), so
//!   [`solve_capped`] is exact too. The schedule is spread over months;
//!   when even the most the caps allow misses the gap, the plan says what
//!   that schedule reaches.
//!
//! Counts are computed with a relative tolerance of 1e-9 on the gap so that
//! a schedule that makes the number to within rounding noise counts as
//! making it.

/// Most extra hires the solver will propose before calling a gap
/// unreachable.
pub const MAX_HIRES: u32 = 100_000;

/// The solver's answer for one scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct HeadcountPlan {
    /// Target minus expected bookings without extra hires (> 0: short).
    pub gap: f64,
    /// First month index (from the start of the fiscal year) a hire may
    /// start; `None` when the lead time leaves no month in the plan year.
    pub earliest: Option<usize>,
    /// Minimum number of extra hires; `Some(0)` when the roster makes the
    /// number, `None` when no number of hires in the plan year can.
    pub hires: Option<u32>,
    /// Latest month index at which `hires` hires starting together still
    /// make the number; `None` when no hire is needed or possible.
    pub latest: Option<usize>,
    /// Hires needed if they all start in month index k (plan year).
    pub needed_if_start: Vec<Option<u32>>,
    /// Extra hires starting in each month index of the plan year: the
    /// solved plan, or when no plan makes the number under the hiring caps,
    /// the most they allow (see `reachable`).
    pub schedule: Vec<u32>,
    /// True when `schedule` is the most the hiring caps allow and it still
    /// misses the number.
    pub capped_short: bool,
}

/// What recruiting can deliver.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct HiringCaps {
    /// Most extra hires starting in one month.
    pub per_month: Option<u32>,
    /// Most extra hires in the plan year (the hiring budget, in heads).
    pub total: Option<u32>,
}

impl HiringCaps {
    pub fn is_unlimited(&self) -> bool {
        self.per_month.is_none() && self.total.is_none()
    }
}

impl HeadcountPlan {
    /// `on_target`, `hire` or `unreachable`.
    pub fn status(&self) -> &'static str {
        match self.hires {
            Some(0) => "on_target",
            Some(_) => "hire",
            None => "unreachable",
        }
    }
}

/// Hires of contribution `b` each needed to cover `gap` (> 0).
fn count(gap: f64, b: f64, slack: f64) -> Option<u32> {
    if b.is_nan() || b <= 0.0 || !b.is_finite() {
        return None;
    }
    let need = ((gap - slack) / b).ceil().max(1.0);
    (need <= MAX_HIRES as f64).then_some(need as u32)
}

/// Solve for headcount. `gap` = target - expected plan-year bookings;
/// `contribution[s]` = plan-year bookings added by one hire starting in
/// month index s (s = 0..12); `earliest` = first month a hire may start.
pub fn solve(gap: f64, target: f64, contribution: &[f64], earliest: usize) -> HeadcountPlan {
    let months = contribution.len();
    let slack = 1e-9 * target.abs().max(gap.abs());
    let earliest = (earliest < months).then_some(earliest);
    let window = earliest.map_or(0..0, |e| e..months);
    let mut needed_if_start = vec![None; months];
    if gap <= slack {
        for slot in needed_if_start.iter_mut().skip(window.start) {
            *slot = Some(0);
        }
        return HeadcountPlan {
            gap,
            earliest,
            hires: Some(0),
            latest: None,
            needed_if_start,
            schedule: vec![0; months],
            capped_short: false,
        };
    }
    for s in window.clone() {
        needed_if_start[s] = count(gap, contribution[s], slack);
    }
    let best = window
        .clone()
        .map(|s| contribution[s])
        .fold(0.0_f64, f64::max);
    let hires = count(gap, best, slack);
    let latest = hires.and_then(|n| {
        window
            .clone()
            .rev()
            .find(|&s| n as f64 * contribution[s] >= gap - slack)
    });
    let mut schedule = vec![0; months];
    if let (Some(n), Some(s)) = (hires, latest) {
        schedule[s] = n;
    }
    HeadcountPlan {
        gap,
        earliest,
        hires,
        latest,
        needed_if_start,
        schedule,
        capped_short: false,
    }
}

/// [`solve`] under hiring caps. Without caps it is [`solve`] (all hires in
/// the latest month that still makes the number, the cheapest such plan).
/// With caps the fewest hires take the months of largest contribution
/// first, up to `per_month` each and `total` in all (ties: the later,
/// cheaper month). When that cannot close the gap, `hires` is `None`,
/// `capped_short` is set and `schedule` is the most the caps allow.
pub fn solve_capped(
    gap: f64,
    target: f64,
    contribution: &[f64],
    earliest: usize,
    caps: HiringCaps,
) -> HeadcountPlan {
    let mut plan = solve(gap, target, contribution, earliest);
    if caps.is_unlimited() || plan.hires == Some(0) {
        return plan;
    }
    let months = contribution.len();
    let slack = 1e-9 * target.abs().max(gap.abs());
    let mut order: Vec<usize> = plan.earliest.map_or(Vec::new(), |e| (e..months).collect());
    order.retain(|&s| contribution[s].is_finite() && contribution[s] > 0.0);
    order.sort_by(|&a, &b| contribution[b].total_cmp(&contribution[a]).then(b.cmp(&a)));
    let per_month = caps.per_month.unwrap_or(MAX_HIRES);
    let mut left = caps.total.unwrap_or(MAX_HIRES).min(MAX_HIRES);
    let mut schedule = vec![0u32; months];
    let mut added = 0.0;
    for &s in &order {
        while schedule[s] < per_month && left > 0 && added < gap - slack {
            schedule[s] += 1;
            left -= 1;
            added += contribution[s];
        }
    }
    let made = added >= gap - slack;
    plan.hires = made.then(|| schedule.iter().sum());
    plan.latest = if made {
        schedule.iter().rposition(|&n| n > 0)
    } else {
        None
    };
    plan.capped_short = !made;
    plan.schedule = schedule;
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimum_count_and_latest_month() {
        // Falling contribution: earlier hires book more.
        let b = [
            90.0, 80.0, 70.0, 60.0, 50.0, 40.0, 30.0, 20.0, 10.0, 0.0, 0.0, 0.0,
        ];
        let plan = solve(250.0, 1000.0, &b, 2);
        // From month 2 the best is 70: 4 hires (280 >= 250, 3 x 70 = 210 < 250).
        assert_eq!(plan.hires, Some(4));
        // 4 x 70 = 280, 4 x 60 = 240 < 250: latest is month 2.
        assert_eq!(plan.latest, Some(2));
        assert_eq!(plan.needed_if_start[3], Some(5));
        assert_eq!(plan.needed_if_start[9], None);
        assert_eq!(plan.needed_if_start[0], None, "before the lead time");
        assert_eq!(plan.status(), "hire");
    }

    #[test]
    fn capped_hiring_spreads_the_fewest_hires_under_the_cap() {
        let b = [
            90.0, 80.0, 70.0, 60.0, 50.0, 40.0, 30.0, 20.0, 10.0, 0.0, 0.0, 0.0,
        ];
        let caps = HiringCaps {
            per_month: Some(2),
            total: None,
        };
        // 2 x 90 + 2 x 80 = 340 < 400; + 1 x 70 = 410: 5 hires.
        let plan = solve_capped(400.0, 1000.0, &b, 0, caps);
        assert_eq!(plan.hires, Some(5));
        assert_eq!(&plan.schedule[..4], [2, 2, 1, 0]);
        assert!(plan.schedule.iter().all(|&n| n <= 2));
        assert_eq!(plan.latest, Some(2));
        // Uncapped it is 5 hires too, all in the latest month that still
        // makes it (5 x 80 = 400).
        let free = solve_capped(400.0, 1000.0, &b, 0, HiringCaps::default());
        assert_eq!(free.hires, Some(5));
        assert_eq!(free.schedule[1], 5);
        // The fewest: no schedule of 4 under the cap makes 400 (the best
        // four are 90, 90, 80, 80 = 340).
        let best_four: f64 = [90.0, 90.0, 80.0, 80.0].iter().sum();
        assert!(best_four < 400.0);
    }

    #[test]
    fn capped_hiring_that_cannot_make_the_number_reports_the_most_it_allows() {
        let b = [50.0, 40.0, 30.0];
        let caps = HiringCaps {
            per_month: Some(1),
            total: Some(2),
        };
        let plan = solve_capped(200.0, 1000.0, &b, 0, caps);
        assert_eq!(plan.hires, None);
        assert!(plan.capped_short);
        assert_eq!(plan.schedule, [1, 1, 0]);
        assert_eq!(plan.status(), "unreachable");
    }

    #[test]
    fn non_monotone_contribution_uses_the_best_month() {
        let b = [10.0, 50.0, 20.0];
        let plan = solve(100.0, 100.0, &b, 0);
        assert_eq!(plan.hires, Some(2));
        assert_eq!(plan.latest, Some(1));
    }

    #[test]
    fn exact_fit_and_no_gap_and_unreachable() {
        let b = [50.0, 25.0];
        let plan = solve(100.0, 1e6, &b, 0);
        assert_eq!((plan.hires, plan.latest), (Some(2), Some(0)));
        let plan = solve(-5.0, 1e6, &b, 0);
        assert_eq!((plan.hires, plan.latest), (Some(0), None));
        assert_eq!(plan.status(), "on_target");
        let plan = solve(10.0, 1e6, &[0.0, 0.0], 0);
        assert_eq!(plan.hires, None);
        assert_eq!(plan.status(), "unreachable");
        let plan = solve(10.0, 1e6, &b, 2);
        assert_eq!((plan.earliest, plan.hires), (None, None));
    }
}
