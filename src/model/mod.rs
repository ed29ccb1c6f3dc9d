//! Domain types: accounts, reps, the plan configuration and a finished plan.
//!
//! Nothing here knows about CSV, TOML or the LP solver; readers in `io` build
//! these types, the planner in `territory` consumes them.

mod account;
mod availability;
mod config;
mod deal;
mod parts;
mod plan;
mod ramp;
mod rebalance;
mod rep;
mod review;
mod rules;
mod scenarios;
mod targets;

pub use account::{Account, WorkloadSource, MAX_WORKLOAD_HOURS};
pub use availability::{late_starts, months_available, planning_view, LateStart};
pub use config::{
    BalanceConfig, BalanceGroups, CompactnessConfig, Config, ContinuityConfig, WorkloadDefaults,
    DEFAULT_POTENTIAL_TOLERANCE, DEFAULT_WORKLOAD_TOLERANCE,
};
pub use deal::Deal;
pub use parts::PartSplit;
pub use plan::{
    deviation, Assignment, Compactness, Plan, PlanStatus, Reason, RepBalance, SegmentPart,
};
pub use ramp::{tenure_month, FiscalYear, RampConfig, RampStep, YearMonth};
pub use rebalance::{RebalanceConfig, DEFAULT_TRANSITION_MONTHS};
pub use rep::Rep;
pub use review::ReviewConfig;
pub use rules::{
    resolve_rules, Limits, NamedList, Preference, RepLimit, RepLimits, RepShares,
    ResolvedPreference, ResolvedRestriction, Restriction, RuleSet, SegmentShare,
};
pub use scenarios::{
    GroupBy, GroupOverride, NamedScenario, ScenarioOverride, ScenarioParams, ScenariosConfig,
    SweepConfig, MAX_HORIZON_MONTHS,
};
pub use targets::{AttainmentConfig, BottomUpConfig, ComponentShares, QuotaConfig};

/// Everything a planning run reads: accounts, reps and the plan config,
/// with extra CSV columns kept so outputs can carry them through.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    pub accounts: Vec<Account>,
    pub reps: Vec<Rep>,
    pub config: Config,
    /// Names of account columns outside the data contract, in file order.
    pub account_extra_columns: Vec<String>,
    /// Names of rep columns outside the data contract, in file order.
    pub rep_extra_columns: Vec<String>,
    /// The config's rules resolved against this data (empty when none).
    pub rules: RuleSet,
}

impl Dataset {
    /// Index of the rep with this id, if any.
    pub fn rep_index(&self, rep_id: &str) -> Option<usize> {
        self.reps.iter().position(|r| r.id == rep_id)
    }

    /// Index of each account's current owner, if it names a rep of the
    /// data: one look-up table instead of a scan of the reps per account.
    pub fn current_owner_indices(&self) -> Vec<Option<usize>> {
        let index: std::collections::HashMap<&str, usize> = self
            .reps
            .iter()
            .enumerate()
            .map(|(r, rep)| (rep.id.as_str(), r))
            .collect();
        self.accounts
            .iter()
            .map(|a| {
                a.current_owner
                    .as_deref()
                    .and_then(|o| index.get(o).copied())
            })
            .collect()
    }
}
