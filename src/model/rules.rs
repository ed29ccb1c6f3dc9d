//! Territory rules stated in `plan.toml`, and their resolution against the
//! data into plain per-account and per-rep facts the planner applies.
//!
//! Four kinds, each a TOML array of tables with a `name` that reason codes
//! (`named`, `rule:<name>`) and conflict messages use:
//! - `[[named]]`: named-account lists pinned to one rep;
//! - `[[restrict]]`: reps (by id, region or manager) may only cover accounts
//!   whose column holds one of the listed values, and/or within a radius of
//!   their home;
//! - `[[prefer]]`: a soft preference (industry specialists as tie-breaker):
//!   a matching account counts `bonus_km` closer to the rep;
//! - `[[limits]]`: per-rep maxima on accounts, workload hours and distance;
//! - `[[segment_share]]`: a hybrid rep's capacity split between the
//!   segments it covers (70 % ENT / 30 % MM), each part balanced against
//!   that segment's reps.
//!
//! Resolution checks every name against the data and reports each problem
//! with the rule and key it comes from; conflicts that leave an account
//! without any possible owner name the account and every rule involved.

use serde::{Deserialize, Serialize};

use super::{Account, Dataset, Rep};
use crate::distance::haversine_km;
use crate::InputProblem;

/// Which reps a rule is about: listed ids, plus every rep of a region or a
/// manager. All three empty means every rep. A view of the rule's own
/// `reps`, `region` and `manager` keys (declared by `rule_table!`).
struct RepSelector<'a> {
    reps: &'a [String],
    region: &'a Option<String>,
    manager: &'a Option<String>,
}

/// Declares a rule table that picks its reps: `name`, the selector keys
/// `reps`, `region` and `manager`, then the table's own keys, in this key
/// order (the config's serialised form and serde's "expected one of" list
/// follow it), and its [`RepSelector`]. One declaration of the selector
/// keys for every such table: serde cannot flatten them into one table
/// while refusing unknown keys.
macro_rules! rule_table {
    (
        $(#[$attr:meta])*
        pub struct $table:ident {
            $($(#[$field_attr:meta])* pub $field:ident: $ty:ty,)*
        }
    ) => {
        $(#[$attr])*
        #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
        #[serde(deny_unknown_fields, default)]
        pub struct $table {
            pub name: String,
            /// Reps by rep_id.
            pub reps: Vec<String>,
            /// Every rep of this region.
            pub region: Option<String>,
            /// Every rep of this manager.
            pub manager: Option<String>,
            $($(#[$field_attr])* pub $field: $ty,)*
        }

        impl $table {
            /// The reps this rule is about.
            fn selector(&self) -> RepSelector<'_> {
                RepSelector {
                    reps: &self.reps,
                    region: &self.region,
                    manager: &self.manager,
                }
            }
        }
    };
}

/// `[[named]]`: accounts pinned to a rep, like `locked` in the data.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NamedList {
    pub name: String,
    pub rep: String,
    pub accounts: Vec<String>,
}

rule_table! {
    /// `[[restrict]]`: the selected reps may only own accounts that match.
    pub struct Restriction {
        /// An accounts.csv column (`segment`, `industry` or any extra column
        /// such as `state`); the account's value must be one of `values`.
        pub column: Option<String>,
        pub values: Vec<String>,
        /// Accounts within this many km of the rep's own home.
        pub radius_km: Option<f64>,
    }
}

rule_table! {
    /// `[[prefer]]`: matching accounts count `bonus_km` closer to these reps.
    pub struct Preference {
        /// Account column to match; `industry` when absent.
        pub column: Option<String>,
        pub values: Vec<String>,
        pub bonus_km: f64,
    }
}

rule_table! {
    /// `[[limits]]`: maxima for the selected reps (the smallest applies when
    /// several entries select a rep).
    pub struct Limits {
        pub max_accounts: Option<f64>,
        pub max_workload_hours: Option<f64>,
        pub max_distance_km: Option<f64>,
    }
}

rule_table! {
    /// `[[segment_share]]`: hybrid reps spend these fractions of their
    /// capacity on each segment they cover. Reps listed in `reps` must cover
    /// exactly the listed segments; `region`, `manager` or no selector at all
    /// picks the reps (of that region or manager) that do.
    pub struct SegmentShare {
        /// Segment -> fraction of capacity; positive, adding up to 1.
        pub shares: std::collections::BTreeMap<String, f64>,
    }
}

/// A rep's capacity split by segment, and the rule that split it.
#[derive(Debug, Clone, PartialEq)]
pub struct RepShares {
    pub rule: String,
    /// (segment, fraction of capacity), by segment; fractions add up to 1.
    pub parts: Vec<(String, f64)>,
}

/// Shares must add up to 1 within this.
const SHARE_SUM_EPS: f64 = 1e-6;

/// A per-rep maximum and the rule that set it.
#[derive(Debug, Clone, PartialEq)]
pub struct RepLimit {
    pub value: f64,
    pub rule: String,
}

/// Limits in force for one rep.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RepLimits {
    pub max_accounts: Option<RepLimit>,
    pub max_workload_hours: Option<RepLimit>,
    pub max_distance_km: Option<RepLimit>,
}

/// Rules resolved against a dataset: indices, not names.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RuleSet {
    /// Per account: the rep it is pinned to and the named list's name.
    pub named: Vec<Option<(usize, String)>>,
    /// Restrictions with their reps and matching accounts resolved.
    pub restrictions: Vec<ResolvedRestriction>,
    /// Preferences with their reps and matching accounts resolved.
    pub preferences: Vec<ResolvedPreference>,
    /// Per rep (in `Dataset::reps` order).
    pub limits: Vec<RepLimits>,
    /// Per rep (in `Dataset::reps` order): its `[[segment_share]]` split.
    pub shares: Vec<Option<RepShares>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedRestriction {
    pub name: String,
    /// Reps the restriction applies to, ascending.
    pub reps: Vec<usize>,
    /// Accounts whose column value is allowed (`None`: no column test).
    pub allowed: Option<Vec<bool>>,
    pub radius_km: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedPreference {
    pub name: String,
    pub reps: Vec<usize>,
    pub matches: Vec<bool>,
    pub bonus_km: f64,
}

impl RuleSet {
    /// True when no rule of any kind is in force.
    pub fn is_empty(&self) -> bool {
        self.named.iter().all(Option::is_none)
            && self.restrictions.is_empty()
            && self.preferences.is_empty()
            && self.limits.iter().all(|l| *l == RepLimits::default())
            && self.shares.iter().all(Option::is_none)
    }

    /// True when some rep's capacity is split by segment.
    pub fn has_shares(&self) -> bool {
        self.shares.iter().any(Option::is_some)
    }

    /// The first rule that forbids rep `r` for account `i` (restriction or
    /// distance limit), by name; `None` when the rules allow the pair.
    pub fn excluding_rule(&self, ds: &Dataset, i: usize, r: usize) -> Option<&str> {
        let a = &ds.accounts[i];
        let rep = &ds.reps[r];
        for rule in &self.restrictions {
            if rule.reps.binary_search(&r).is_err() {
                continue;
            }
            if rule.allowed.as_ref().is_some_and(|ok| !ok[i]) {
                return Some(&rule.name);
            }
            if let Some(radius) = rule.radius_km {
                if haversine_km(a.lat, a.lon, rep.lat, rep.lon) > radius {
                    return Some(&rule.name);
                }
            }
        }
        if let Some(limit) = self.limits.get(r).and_then(|l| l.max_distance_km.as_ref()) {
            if haversine_km(a.lat, a.lon, rep.lat, rep.lon) > limit.value {
                return Some(&limit.rule);
            }
        }
        None
    }

    /// Preference credit (km) of rep `r` for account `i`, with the rule.
    pub fn preference(&self, i: usize, r: usize) -> Option<(f64, &str)> {
        let mut best: Option<(f64, &str)> = None;
        for p in &self.preferences {
            if p.matches[i]
                && p.reps.binary_search(&r).is_ok()
                && best.is_none_or(|b| p.bonus_km > b.0)
            {
                best = Some((p.bonus_km, &p.name));
            }
        }
        best
    }
}

fn config_problem(key: &str, value: String, message: &str) -> InputProblem {
    InputProblem::config_key(key, value, message)
}

/// The rule tables of a plan config, as [`validate_rules`] reads them
/// (the config hands them over, so this module needs nothing of it).
pub struct RuleTables<'a> {
    pub named: &'a [NamedList],
    pub restrict: &'a [Restriction],
    pub prefer: &'a [Preference],
    pub limits: &'a [Limits],
    pub segment_share: &'a [SegmentShare],
}

/// Checks of the config's rules that need no data: names present and
/// unique, numbers sane.
pub fn validate_rules(rules: &RuleTables<'_>) -> Vec<InputProblem> {
    {
        let mut problems = Vec::new();
        let mut names: Vec<(&str, String)> = Vec::new();
        let entries = rules
            .named
            .iter()
            .enumerate()
            .map(|(k, n)| ("named", k, n.name.as_str()))
            .chain(
                rules
                    .restrict
                    .iter()
                    .enumerate()
                    .map(|(k, n)| ("restrict", k, n.name.as_str())),
            )
            .chain(
                rules
                    .prefer
                    .iter()
                    .enumerate()
                    .map(|(k, n)| ("prefer", k, n.name.as_str())),
            )
            .chain(
                rules
                    .limits
                    .iter()
                    .enumerate()
                    .map(|(k, n)| ("limits", k, n.name.as_str())),
            )
            .chain(
                rules
                    .segment_share
                    .iter()
                    .enumerate()
                    .map(|(k, n)| ("segment_share", k, n.name.as_str())),
            );
        for (table, k, name) in entries {
            let key = format!("{table}[{k}].name");
            if name.trim().is_empty() {
                problems.push(config_problem(
                    &key,
                    String::new(),
                    "expected a rule name (reason codes and messages use it)",
                ));
            } else if let Some((_, first)) = names.iter().find(|(n, _)| *n == name) {
                problems.push(config_problem(
                    &key,
                    name.to_string(),
                    &format!("rule names must be unique: {first} already uses it"),
                ));
            } else {
                names.push((name, key));
            }
        }
        for (k, r) in rules.restrict.iter().enumerate() {
            if r.column.is_none() && r.radius_km.is_none() {
                problems.push(config_problem(
                    &format!("restrict[{k}]"),
                    r.name.clone(),
                    "expected `column` with `values`, or `radius_km` (or both)",
                ));
            }
            if r.column.is_some() && r.values.is_empty() {
                problems.push(config_problem(
                    &format!("restrict[{k}].values"),
                    "[]".into(),
                    "expected at least one allowed value",
                ));
            }
            check_positive_km(
                &mut problems,
                &format!("restrict[{k}].radius_km"),
                r.radius_km,
            );
        }
        for (k, p) in rules.prefer.iter().enumerate() {
            if p.values.is_empty() {
                problems.push(config_problem(
                    &format!("prefer[{k}].values"),
                    "[]".into(),
                    "expected at least one value to prefer (e.g. an industry)",
                ));
            }
            if !(p.bonus_km.is_finite() && p.bonus_km > 0.0) {
                problems.push(config_problem(
                    &format!("prefer[{k}].bonus_km"),
                    p.bonus_km.to_string(),
                    "expected km > 0: how much closer a matching account counts",
                ));
            }
        }
        for (k, l) in rules.limits.iter().enumerate() {
            if l.max_accounts.is_none()
                && l.max_workload_hours.is_none()
                && l.max_distance_km.is_none()
            {
                problems.push(config_problem(
                    &format!("limits[{k}]"),
                    l.name.clone(),
                    "expected max_accounts, max_workload_hours or max_distance_km",
                ));
            }
            if let Some(m) = l.max_accounts {
                if !(m.is_finite() && m >= 1.0 && m.fract() == 0.0) {
                    problems.push(config_problem(
                        &format!("limits[{k}].max_accounts"),
                        m.to_string(),
                        "expected a whole number of accounts >= 1",
                    ));
                }
            }
            if let Some(h) = l.max_workload_hours {
                if !(h.is_finite() && h > 0.0) {
                    problems.push(config_problem(
                        &format!("limits[{k}].max_workload_hours"),
                        h.to_string(),
                        "expected hours per year > 0",
                    ));
                }
            }
            check_positive_km(
                &mut problems,
                &format!("limits[{k}].max_distance_km"),
                l.max_distance_km,
            );
        }
        for (k, share) in rules.segment_share.iter().enumerate() {
            problems.extend(share_problems(k, share));
        }
        problems
    }
}

/// A `[[segment_share]]` table's own problems: two segments or more, each
/// share in (0, 1), adding up to 1.
fn share_problems(k: usize, share: &SegmentShare) -> Vec<InputProblem> {
    let key = format!("segment_share[{k}].shares");
    let mut problems = Vec::new();
    if share.shares.len() < 2 {
        problems.push(config_problem(
            &key,
            format!(
                "{{ {} }}",
                share
                    .shares
                    .iter()
                    .map(|(s, f)| format!("{s} = {f}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            "expected a share for each of two or more segments, e.g. { ENT = 0.7, MM = 0.3 }",
        ));
    }
    for (segment, &f) in &share.shares {
        if !(f.is_finite() && f > 0.0 && f < 1.0) {
            problems.push(config_problem(
                &format!("{key}.{segment}"),
                f.to_string(),
                "expected a fraction of capacity above 0 and below 1",
            ));
        }
    }
    let sum: f64 = share.shares.values().sum();
    if share.shares.len() >= 2 && (sum - 1.0).abs() > SHARE_SUM_EPS {
        problems.push(config_problem(
            &key,
            // Rounded so that 0.7 + 0.2 reads 0.9, not 0.8999999999999999.
            format!("{}", (sum * 1e9).round() / 1e9),
            "expected shares that add up to 1 (this is their sum)",
        ));
    }
    problems
}

fn check_positive_km(problems: &mut Vec<InputProblem>, key: &str, km: Option<f64>) {
    if let Some(km) = km {
        if !(km.is_finite() && km > 0.0) {
            problems.push(config_problem(
                key,
                km.to_string(),
                "expected a distance in km > 0",
            ));
        }
    }
}

/// Resolve the config's rules against the data. Problems name the rule's
/// key (`restrict[0].reps` ...) and the offending value; the caller fills
/// in the file and line.
pub fn resolve_rules(ds: &Dataset) -> std::result::Result<RuleSet, Vec<InputProblem>> {
    let rules = &ds.config;
    let mut problems = Vec::new();
    let mut set = RuleSet {
        named: vec![None; ds.accounts.len()],
        limits: vec![RepLimits::default(); ds.reps.len()],
        ..RuleSet::default()
    };
    resolve_named(ds, &mut set, &mut problems);
    for (k, r) in rules.restrict.iter().enumerate() {
        let sel = r.selector();
        let reps = select_reps(ds, &sel, &format!("restrict[{k}]"), &mut problems);
        let allowed = r.column.as_deref().and_then(|c| {
            column_matches(
                ds,
                c,
                &r.values,
                &format!("restrict[{k}].column"),
                &mut problems,
            )
        });
        set.restrictions.push(ResolvedRestriction {
            name: r.name.clone(),
            reps,
            allowed,
            radius_km: r.radius_km,
        });
    }
    for (k, p) in rules.prefer.iter().enumerate() {
        let sel = p.selector();
        let reps = select_reps(ds, &sel, &format!("prefer[{k}]"), &mut problems);
        let column = p.column.as_deref().unwrap_or("industry");
        let matches = column_matches(
            ds,
            column,
            &p.values,
            &format!("prefer[{k}].column"),
            &mut problems,
        )
        .unwrap_or_default();
        set.preferences.push(ResolvedPreference {
            name: p.name.clone(),
            reps,
            matches,
            bonus_km: p.bonus_km,
        });
    }
    for (k, l) in rules.limits.iter().enumerate() {
        let sel = l.selector();
        for r in select_reps(ds, &sel, &format!("limits[{k}]"), &mut problems) {
            let lim = &mut set.limits[r];
            tighten(&mut lim.max_accounts, l.max_accounts, &l.name);
            tighten(&mut lim.max_workload_hours, l.max_workload_hours, &l.name);
            tighten(&mut lim.max_distance_km, l.max_distance_km, &l.name);
        }
    }
    set.shares = resolve_shares(ds, &mut problems);
    if problems.is_empty() {
        problems.extend(pinned_conflicts(ds, &set));
        problems.extend(orphan_accounts(ds, &set));
    }
    if problems.is_empty() {
        Ok(set)
    } else {
        Err(problems)
    }
}

/// Each rep's `[[segment_share]]` split. A selected rep must cover exactly
/// the listed segments, belong to one split only, and every account must
/// have a segment (a part takes the accounts of its own segment).
fn resolve_shares(ds: &Dataset, problems: &mut Vec<InputProblem>) -> Vec<Option<RepShares>> {
    let mut shares: Vec<Option<RepShares>> = vec![None; ds.reps.len()];
    for (k, rule) in ds.config.segment_share.iter().enumerate() {
        let key = format!("segment_share[{k}]");
        let segments: Vec<&str> = rule.shares.keys().map(String::as_str).collect();
        let wanted = segments.join(";");
        // Reps named by id must cover exactly these segments; a region,
        // a manager or no selector at all picks the reps that do.
        let named = RepSelector {
            region: &None,
            manager: &None,
            ..rule.selector()
        };
        let mut reps = if rule.reps.is_empty() {
            Vec::new()
        } else {
            select_reps(ds, &named, &key, problems)
        };
        if rule.region.is_some() || rule.manager.is_some() || rule.reps.is_empty() {
            let by_group = RepSelector {
                reps: &[],
                ..rule.selector()
            };
            let mut found = select_reps(ds, &by_group, &key, problems);
            found.retain(|&r| ds.reps[r].segments == segments);
            if found.is_empty() {
                problems.push(config_problem(
                    &format!("{key}.shares"),
                    wanted.clone(),
                    "no rep selected by this rule covers exactly these segments: \
                     name the reps (reps, region or manager) or fix the segments",
                ));
            }
            reps.extend(found);
            reps.sort_unstable();
            reps.dedup();
        }
        for r in reps {
            let rep = &ds.reps[r];
            if rep.segments != segments {
                let covers = if rep.segments.is_empty() {
                    "every segment (its segment column is empty)".to_string()
                } else {
                    rep.segments.join(";")
                };
                problems.push(config_problem(
                    &format!("{key}.shares"),
                    wanted.clone(),
                    &format!(
                        "{} covers {covers}: expected a share for exactly the segments the rep covers",
                        rep.id
                    ),
                ));
                continue;
            }
            if let Some(other) = &shares[r] {
                problems.push(config_problem(
                    &key,
                    rep.id.clone(),
                    &format!(
                        "rep already split by segment_share '{}': a rep takes one split",
                        other.rule
                    ),
                ));
                continue;
            }
            shares[r] = Some(RepShares {
                rule: rule.name.clone(),
                parts: rule.shares.iter().map(|(s, &f)| (s.clone(), f)).collect(),
            });
        }
    }
    if shares.iter().any(Option::is_some) {
        let missing: Vec<&str> = ds
            .accounts
            .iter()
            .filter(|a| a.segment.is_none())
            .map(|a| a.id.as_str())
            .collect();
        if !missing.is_empty() {
            problems.push(config_problem(
                "segment_share",
                short_list(&missing),
                &format!(
                    "{} account(s) have no segment: a rep's segment share decides which part \
                     of its capacity an account uses, so every account needs a segment",
                    missing.len()
                ),
            ));
        }
    }
    shares
}

fn tighten(slot: &mut Option<RepLimit>, value: Option<f64>, rule: &str) {
    if let Some(v) = value {
        if slot.as_ref().is_none_or(|s| v < s.value) {
            *slot = Some(RepLimit {
                value: v,
                rule: rule.to_string(),
            });
        }
    }
}

fn resolve_named(ds: &Dataset, set: &mut RuleSet, problems: &mut Vec<InputProblem>) {
    for (k, list) in ds.config.named.iter().enumerate() {
        let Some(r) = ds.rep_index(&list.rep) else {
            problems.push(config_problem(
                &format!("named[{k}].rep"),
                list.rep.clone(),
                "unknown rep: expected a rep_id from reps.csv",
            ));
            continue;
        };
        for id in &list.accounts {
            let Some(i) = ds.accounts.iter().position(|a| &a.id == id) else {
                problems.push(config_problem(
                    &format!("named[{k}].accounts"),
                    id.clone(),
                    "unknown account: expected an account_id from accounts.csv",
                ));
                continue;
            };
            if let Some((other, other_list)) = &set.named[i] {
                if *other != r {
                    problems.push(config_problem(
                        &format!("named[{k}].accounts"),
                        id.clone(),
                        &format!(
                            "conflicting named lists: '{other_list}' pins it to {}, '{}' to {}",
                            ds.reps[*other].id, list.name, list.rep
                        ),
                    ));
                }
                continue;
            }
            set.named[i] = Some((r, list.name.clone()));
        }
    }
}

/// Reps picked by a selector; unknown ids, regions or managers are
/// problems (a typo must not silently select nobody).
fn select_reps(
    ds: &Dataset,
    sel: &RepSelector<'_>,
    key: &str,
    problems: &mut Vec<InputProblem>,
) -> Vec<usize> {
    if sel.reps.is_empty() && sel.region.is_none() && sel.manager.is_none() {
        return (0..ds.reps.len()).collect();
    }
    let mut out = Vec::new();
    for id in sel.reps {
        match ds.rep_index(id) {
            Some(r) => out.push(r),
            None => problems.push(config_problem(
                &format!("{key}.reps"),
                id.clone(),
                "unknown rep: expected a rep_id from reps.csv",
            )),
        }
    }
    let by = |field: fn(&Rep) -> Option<&str>, value: &Option<String>, what: &str| {
        let Some(v) = value else {
            return (Vec::new(), None);
        };
        let found: Vec<usize> = (0..ds.reps.len())
            .filter(|&r| field(&ds.reps[r]) == Some(v.as_str()))
            .collect();
        let problem = found.is_empty().then(|| {
            config_problem(
                &format!("{key}.{what}"),
                v.clone(),
                &format!("no rep in reps.csv has this {what}"),
            )
        });
        (found, problem)
    };
    for (found, problem) in [
        by(|r| r.region.as_deref(), sel.region, "region"),
        by(|r| r.manager.as_deref(), sel.manager, "manager"),
    ] {
        out.extend(found);
        problems.extend(problem);
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Whether each account's `column` value is one of `values`; `None` (with a
/// problem) when accounts.csv has no such column.
fn column_matches(
    ds: &Dataset,
    column: &str,
    values: &[String],
    key: &str,
    problems: &mut Vec<InputProblem>,
) -> Option<Vec<bool>> {
    let extra = ds.account_extra_columns.iter().position(|c| c == column);
    let value_of = |a: &Account| -> Option<String> {
        match column {
            "segment" => a.segment.clone(),
            "industry" => a.industry.clone(),
            "account_id" => Some(a.id.clone()),
            "current_owner" => a.current_owner.clone(),
            _ => extra.and_then(|k| a.extra.get(k).cloned()),
        }
    };
    if extra.is_none()
        && !matches!(
            column,
            "segment" | "industry" | "account_id" | "current_owner"
        )
    {
        let mut known = vec!["segment", "industry", "account_id", "current_owner"];
        known.extend(ds.account_extra_columns.iter().map(String::as_str));
        problems.push(config_problem(
            key,
            column.to_string(),
            &format!(
                "accounts.csv has no such column: expected one of {}",
                known.join(", ")
            ),
        ));
        return None;
    }
    Some(
        ds.accounts
            .iter()
            .map(|a| value_of(a).is_some_and(|v| values.iter().any(|x| x == &v)))
            .collect(),
    )
}

/// Locked and named accounts whose rep the other rules forbid.
fn pinned_conflicts(ds: &Dataset, set: &RuleSet) -> Vec<InputProblem> {
    let mut out = Vec::new();
    for (i, a) in ds.accounts.iter().enumerate() {
        if !a.locked || set.named[i].is_some() {
            continue;
        }
        let Some(r) = a.current_owner.as_deref().and_then(|o| ds.rep_index(o)) else {
            continue;
        };
        if let Some(rule) = set.excluding_rule(ds, i, r) {
            out.push(InputProblem {
                file: String::new(),
                line: None,
                column: Some(format!("rule:{rule}")),
                value: Some(a.id.clone()),
                message: format!(
                    "conflicting rules: accounts.csv locks it to {}, but rule '{rule}' forbids {} \
                     for it; unlock it or narrow the rule",
                    ds.reps[r].id, ds.reps[r].id
                ),
            });
        }
    }
    for (i, pin) in set.named.iter().enumerate() {
        let Some((r, list)) = pin else { continue };
        let a = &ds.accounts[i];
        let rep = &ds.reps[*r];
        let why = if a.locked && a.current_owner.as_deref() != Some(rep.id.as_str()) {
            Some(format!(
                "accounts.csv locks it to {}",
                a.current_owner.as_deref().unwrap_or("?")
            ))
        } else if rep.capacity <= 0.0 {
            Some(format!("{} has zero capacity", rep.id))
        } else if !rep.covers(a.segment.as_deref()) {
            Some(format!(
                "{} does not cover segment {}",
                rep.id,
                a.segment.as_deref().unwrap_or("")
            ))
        } else {
            set.excluding_rule(ds, i, *r)
                .map(|rule| format!("rule '{rule}' forbids {} for it", rep.id))
        };
        if let Some(why) = why {
            out.push(InputProblem {
                file: String::new(),
                line: None,
                column: Some(format!("rule:{list}")),
                value: Some(a.id.clone()),
                message: format!(
                    "conflicting rules: named list '{list}' pins it to {}, but {why}",
                    rep.id
                ),
            });
        }
    }
    out
}

/// Accounts that segments, capacity and the rules leave with no possible
/// owner: the message names the rule that excluded each covering rep.
fn orphan_accounts(ds: &Dataset, set: &RuleSet) -> Vec<InputProblem> {
    if set.restrictions.is_empty() && set.limits.iter().all(|l| l.max_distance_km.is_none()) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (i, a) in ds.accounts.iter().enumerate() {
        if a.locked || set.named[i].is_some() {
            continue;
        }
        let covering: Vec<usize> = (0..ds.reps.len())
            .filter(|&r| ds.reps[r].capacity > 0.0 && ds.reps[r].covers(a.segment.as_deref()))
            .collect();
        if covering.is_empty() {
            continue; // reported by the segment coverage check
        }
        let mut excluded: Vec<(usize, &str)> = Vec::new();
        for &r in &covering {
            match set.excluding_rule(ds, i, r) {
                Some(rule) => excluded.push((r, rule)),
                None => break,
            }
        }
        if excluded.len() == covering.len() {
            let mut by_rule: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
            for (r, rule) in excluded {
                by_rule.entry(rule).or_default().push(&ds.reps[r].id);
            }
            let first = by_rule
                .keys()
                .next()
                .map(|s| s.to_string())
                .unwrap_or_default();
            let detail: Vec<String> = by_rule
                .into_iter()
                .map(|(rule, reps)| format!("rule '{rule}' excludes {}", short_list(&reps)))
                .collect();
            out.push(InputProblem {
                file: String::new(),
                line: None,
                column: Some(format!("rule:{first}")),
                value: Some(a.id.clone()),
                message: format!(
                    "conflicting rules: no rep may own this account (segment {}): {}",
                    a.segment.as_deref().unwrap_or("none"),
                    detail.join("; ")
                ),
            });
        }
    }
    out
}

fn short_list(ids: &[&str]) -> String {
    if ids.len() <= 6 {
        ids.join(", ")
    } else {
        format!("{} and {} more", ids[..6].join(", "), ids.len() - 6)
    }
}
