use serde::Serialize;

/// Why an account went to its rep.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Reason {
    /// `locked` in the data: kept with its current owner.
    Locked,
    /// In a `[[named]]` list of the config, pinned to its rep.
    Named { list: String },
    /// A rule decided: a `[[restrict]]` or distance limit ruled out a
    /// nearer rep, or a `[[prefer]]` drew the account to a specialist. The
    /// extra km over the nearest rep covering its segment.
    Rule { name: String, extra_km: f64 },
    /// Assigned to the nearest eligible rep.
    Nearest,
    /// Moved away from the nearest eligible rep to meet balance; the extra
    /// km over the nearest eligible rep.
    Balance { extra_km: f64 },
    /// Kept with its current owner although another eligible rep is
    /// nearer: with `[continuity]` on, the move would cost more than the
    /// km it saves. The extra km over the nearest eligible rep.
    Continuity { extra_km: f64 },
}

impl Reason {
    /// The reason code written to assignments.csv: `locked`, `named`,
    /// `rule:<name>`, `nearest`, `balance` or `continuity`.
    pub fn code(&self) -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed(match self {
            Reason::Locked => "locked",
            Reason::Named { .. } => "named",
            Reason::Rule { name, .. } => return format!("rule:{name}").into(),
            Reason::Nearest => "nearest",
            Reason::Balance { .. } => "balance",
            Reason::Continuity { .. } => "continuity",
        })
    }

    /// Extra km over the nearest eligible rep, for the reasons that have it.
    pub fn extra_km(&self) -> Option<f64> {
        match self {
            Reason::Balance { extra_km }
            | Reason::Continuity { extra_km }
            | Reason::Rule { extra_km, .. } => Some(*extra_km),
            _ => None,
        }
    }
}

/// The final owner of one account.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assignment {
    /// Index into `Dataset::accounts`.
    pub account: usize,
    /// Index into `Dataset::reps`.
    pub rep: usize,
    /// Haversine km from the account to the rep's home.
    pub distance_km: f64,
    /// Index of the current owner, if the data names one.
    pub previous_rep: Option<usize>,
    pub moved: bool,
    pub reason: Reason,
}

/// Balance figures of one rep in a plan, against its group's fair share.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RepBalance {
    /// Index into `Dataset::reps`.
    pub rep: usize,
    /// Balance-group key (the rep's segment coverage).
    pub group: String,
    pub accounts: usize,
    pub potential: f64,
    pub workload: f64,
    /// cap_r x group potential per FTE.
    pub potential_target: f64,
    /// cap_r x group workload per FTE.
    pub workload_target: f64,
    /// cap_r x group accounts per FTE.
    pub accounts_target: f64,
    /// (potential - target) / target; 0 when the target is 0.
    pub potential_deviation: f64,
    pub workload_deviation: f64,
    /// Account-count deviation (checked only with `[balance]
    /// account_tolerance`).
    pub accounts_deviation: f64,
    /// What else puts the rep outside, described: a `[[limits]]` maximum
    /// it exceeds, or its region outside `[balance] region_tolerance`.
    pub breach: Option<String>,
    /// Every balanced deviation within its tolerance and no limit exceeded.
    pub within_tolerance: bool,
    /// Potential-weighted mean km from accounts to the rep's home.
    pub mean_distance_km: f64,
    pub max_distance_km: f64,
}

/// One `[[segment_share]]` part of a hybrid rep: its share of the rep's
/// capacity spent on one segment, balanced against that segment's reps.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SegmentPart {
    /// Index into `Dataset::reps`.
    pub rep: usize,
    pub segment: String,
    /// Fraction of the rep's capacity.
    pub share: f64,
    /// FTE of the part: the rep's capacity x share.
    pub capacity: f64,
    /// The part's own figures (accounts of its segment only; targets from
    /// its group's per-FTE mean x the part's capacity).
    pub balance: RepBalance,
}

/// (load - target) / target; a zero target with zero load is no deviation,
/// with a positive load it is +infinity.
pub fn deviation(load: f64, target: f64) -> f64 {
    if target > 0.0 {
        (load - target) / target
    } else if load > 0.0 {
        f64::INFINITY
    } else {
        0.0
    }
}

/// How compact one territory is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Compactness {
    /// Index into `Dataset::reps`.
    pub rep: usize,
    /// Convex hull of the rep's accounts, km² (0 below three accounts).
    pub hull_area_km2: f64,
    /// Accounts whose own rep is more than the configured margin farther
    /// than another eligible rep.
    pub outliers: usize,
}

/// Outcome of the planner for a whole dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PlanStatus {
    /// Single-owner plan verified within every tolerance.
    Balanced,
    /// The LP is feasible but no single-owner plan within tolerance was
    /// found (lumpy accounts); the reps outside are listed in the balance.
    OutsideTolerance,
}

/// A finished, verified single-owner plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// One entry per account, in `Dataset::accounts` order.
    pub assignments: Vec<Assignment>,
    /// One entry per rep, in `Dataset::reps` order.
    pub balance: Vec<RepBalance>,
    /// One entry per rep, in `Dataset::reps` order.
    pub compactness: Vec<Compactness>,
    /// With `[[segment_share]]`: each part of every split rep, by rep then
    /// segment (empty otherwise).
    pub segment_parts: Vec<SegmentPart>,
    pub status: PlanStatus,
    /// Sum over accounts of potential x km to the owner's home.
    pub objective: f64,
    /// Optimal value of the LP relaxation: no plan can do better.
    pub lp_bound: f64,
    /// (objective - lp_bound) / lp_bound.
    pub gap: f64,
}
