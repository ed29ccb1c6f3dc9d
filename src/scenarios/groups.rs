//! Scenarios by group: the capacity model run once per segment or region,
//! each group with its own quota capacity, ramp and share of the target,
//! and the groups rolled up.
//!
//! Sales capacity differs by group (ENT ramps longer and books more per
//! head than SMB), so one team-wide quota per ramped FTE misstates both.
//! With `[scenarios] group_by = "segment"` (a rep's segment coverage, e.g.
//! `MM` or `ENT;MM`) or `"region"`, each group is modelled on its own:
//!
//! - its roster: the reps of the group;
//! - its history: `bookings_last_year` of the accounts whose
//!   `current_owner` is in the group, so a derived quota per ramped FTE is
//!   the group's own;
//! - its number: the sales target x `target_share` of the group (default:
//!   its share of last year's bookings);
//! - its parameters: `[scenarios.groups.NAME]` may set
//!   `quota_per_ramped_fte`, `attainment_last_year`, `target_share` and
//!   `ramp_months` (the group's ramp in every scenario that does not set
//!   its own); attrition, productivity, attainment, lead time and backfill
//!   come from the scenario and apply to every group.
//!
//! The roll-up of a scenario adds the groups: bookings, gaps, hires and cost
//! are sums; a group that cannot make its number makes the roll-up
//! `unreachable`.

use std::collections::BTreeMap;

use super::{evaluate, Evaluation, ScenarioParams, Setup};
use crate::model::Dataset;
pub use crate::model::{GroupBy, GroupOverride};
use crate::{Error, InputProblem, Result};

/// One group's model inputs.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupSetup {
    pub name: String,
    pub reps: usize,
    pub target_share: f64,
    pub ramp_months: Option<u32>,
    pub setup: Setup,
}

/// One group's result in one scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupResult {
    pub group: String,
    pub evaluation: Evaluation,
}

/// The name of `rep`'s group.
fn group_of(rep: &crate::model::Rep, by: GroupBy) -> String {
    match by {
        GroupBy::Segment => rep.coverage_key(),
        GroupBy::Region => rep
            .region
            .clone()
            .filter(|r| !r.is_empty())
            .unwrap_or_else(|| "(none)".to_string()),
    }
}

fn config_problem(file: &str, key: String, value: String, message: String) -> Error {
    Error::input(vec![InputProblem {
        file: file.to_string(),
        line: None,
        column: Some(key),
        value: Some(value),
        message,
    }])
}

/// The group setups of `dataset`, sorted by group name; `None` when
/// `[scenarios] group_by` is unset.
pub fn group_setups(dataset: &Dataset, config_file: &str) -> Result<Option<Vec<GroupSetup>>> {
    let sc = &dataset.config.scenarios;
    let Some(by) = sc.group_by else {
        return Ok(None);
    };
    let mut members: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (r, rep) in dataset.reps.iter().enumerate() {
        members.entry(group_of(rep, by)).or_default().push(r);
    }
    for name in sc.groups.keys() {
        if !members.contains_key(name) {
            return Err(config_problem(
                config_file,
                format!("scenarios.groups.{name}"),
                name.clone(),
                format!(
                    "no rep is in this group; the groups by {} are: {}",
                    match by {
                        GroupBy::Segment => "segment coverage",
                        GroupBy::Region => "region",
                    },
                    members.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            ));
        }
    }
    let group_of_rep: Vec<String> = dataset.reps.iter().map(|r| group_of(r, by)).collect();
    let owner = dataset.current_owner_indices();
    let bookings_of = |name: &str| -> f64 {
        dataset
            .accounts
            .iter()
            .zip(&owner)
            .filter(|(_, o)| o.is_some_and(|r| group_of_rep[r] == name))
            .filter_map(|(a, _)| a.bookings_last_year)
            .sum()
    };
    let total_bookings: f64 = members.keys().map(|g| bookings_of(g)).sum();
    let shares = target_shares(&members, sc, total_bookings, &bookings_of, config_file)?;

    members
        .iter()
        .zip(shares)
        .map(|((name, reps), share)| {
            let o = sc.groups.get(name).cloned().unwrap_or_default();
            let mut sub = Dataset {
                reps: reps.iter().map(|&r| dataset.reps[r].clone()).collect(),
                accounts: dataset
                    .accounts
                    .iter()
                    .zip(&owner)
                    .filter(|(_, o)| o.is_some_and(|r| group_of_rep[r] == *name))
                    .map(|(a, _)| a.clone())
                    .collect(),
                config: dataset.config.clone(),
                ..Dataset::default()
            };
            sub.config.quota.company_target = sub.config.quota.company_target.map(|t| t * share);
            if o.quota_per_ramped_fte.is_some() {
                sub.config.scenarios.quota_per_ramped_fte = o.quota_per_ramped_fte;
            }
            if o.attainment_last_year.is_some() {
                sub.config.scenarios.attainment_last_year = o.attainment_last_year;
            }
            let setup = Setup::new(&sub, config_file).map_err(|e| name_group(e, name))?;
            Ok(GroupSetup {
                name: name.clone(),
                reps: reps.len(),
                target_share: share,
                ramp_months: o.ramp_months,
                setup,
            })
        })
        .collect::<Result<Vec<_>>>()
        .map(Some)
}

/// Each group's share of the target: as configured, the rest split by last
/// year's bookings among the groups without one.
fn target_shares(
    members: &BTreeMap<String, Vec<usize>>,
    sc: &super::ScenariosConfig,
    total_bookings: f64,
    bookings_of: &dyn Fn(&str) -> f64,
    config_file: &str,
) -> Result<Vec<f64>> {
    let set: f64 = members
        .keys()
        .filter_map(|g| sc.groups.get(g).and_then(|o| o.target_share))
        .sum();
    if set > 1.0 + 1e-9 {
        return Err(config_problem(
            config_file,
            "scenarios.groups.*.target_share".to_string(),
            format!("{set}"),
            "the groups' target shares add up to more than 1".to_string(),
        ));
    }
    let unset_bookings: f64 = members
        .keys()
        .filter(|g| sc.groups.get(*g).and_then(|o| o.target_share).is_none())
        .map(|g| bookings_of(g))
        .sum();
    members
        .keys()
        .map(|g| match sc.groups.get(g).and_then(|o| o.target_share) {
            Some(s) => Ok(s),
            None if unset_bookings > 0.0 => Ok((1.0 - set) * bookings_of(g) / unset_bookings),
            None => Err(config_problem(
                config_file,
                format!("scenarios.groups.{g}.target_share"),
                String::new(),
                format!(
                    "group '{g}' needs a target_share: last year's bookings ({total_bookings}) give no split"
                ),
            )),
        })
        .collect()
}

fn name_group(e: Error, group: &str) -> Error {
    match e {
        Error::Input { problems, more } => Error::Input {
            problems: problems
                .into_iter()
                .map(|mut p| {
                    p.message = format!("group '{group}': {}", p.message);
                    p
                })
                .collect(),
            more,
        },
        other => other,
    }
}

/// Run one scenario for every group.
pub fn evaluate_groups(groups: &[GroupSetup], s: &ScenarioParams) -> Vec<GroupResult> {
    groups
        .iter()
        .map(|g| {
            let params = ScenarioParams {
                ramp_months: s.ramp_months.or(g.ramp_months),
                ..*s
            };
            GroupResult {
                group: g.name.clone(),
                evaluation: evaluate(&g.setup, &params),
            }
        })
        .collect()
}

/// The roll-up of one scenario's groups.
#[derive(Debug, Clone, PartialEq)]
pub struct RollUp {
    pub target: f64,
    pub expected_bookings: f64,
    pub gap_to_target: f64,
    /// `None` when some group cannot make its number.
    pub hires_needed: Option<u32>,
    pub bookings_with_hires: f64,
    pub total_cost: f64,
    pub status: &'static str,
}

/// Sum the groups of one scenario.
pub fn roll_up(results: &[GroupResult]) -> RollUp {
    let sum = |f: &dyn Fn(&Evaluation) -> f64| results.iter().map(|g| f(&g.evaluation)).sum();
    let hires: Option<u32> = results
        .iter()
        .map(|g| g.evaluation.summary.hires_needed)
        .sum();
    RollUp {
        target: sum(&|e| e.summary.target),
        expected_bookings: sum(&|e| e.summary.expected_bookings),
        gap_to_target: sum(&|e| e.summary.gap_to_target),
        hires_needed: hires,
        bookings_with_hires: sum(&|e| e.summary.bookings_with_hires),
        total_cost: sum(&|e| e.summary.total_cost),
        status: match hires {
            Some(0) => "on_target",
            Some(_) => "hire",
            None => "unreachable",
        },
    }
}
