//! Hybrid reps split by `[[segment_share]]` into capacity parts.
//!
//! A rep covering ENT and MM with shares ENT 0.7 / MM 0.3 is, for balance,
//! two reps at the same home: an ENT part with 0.7 of its capacity, balanced
//! against the ENT reps, and an MM part with 0.3, balanced against the MM
//! reps. Each part takes only the accounts of its own segment, so an
//! account's part is fixed by its segment and a plan over parts maps one to
//! one onto a plan over reps.
//!
//! [`PartSplit`] builds that parts dataset (every rule carried over to the
//! parts) and maps owners and balance figures between the two views. The
//! planner solves and verifies the parts; outputs show reps, with each
//! part's figures beside them.

use std::collections::BTreeMap;

use super::plan::{deviation, RepBalance, SegmentPart};
use super::rules::{RepLimit, RepLimits, RuleSet};
use super::Dataset;

/// The parts view of a dataset with `[[segment_share]]` splits.
#[derive(Debug, Clone)]
pub struct PartSplit {
    /// The dataset with each split rep replaced by its parts (consecutive,
    /// by segment) and every other rep unchanged; rules, locks and current
    /// owners refer to parts.
    pub dataset: Dataset,
    /// Rep index (in the original dataset) of each part.
    pub part_rep: Vec<usize>,
    /// (segment, share of capacity) of each part of a split rep; `None`
    /// for a rep that is not split.
    pub part_share: Vec<Option<(String, f64)>>,
    /// Index of each rep's first part.
    first_part: Vec<usize>,
}

impl PartSplit {
    /// The parts view, or `None` when no rep is split.
    pub fn of(ds: &Dataset) -> Option<PartSplit> {
        if !ds.rules.has_shares() {
            return None;
        }
        let mut reps = Vec::new();
        let mut part_rep = Vec::new();
        let mut part_share = Vec::new();
        let mut first_part = Vec::with_capacity(ds.reps.len());
        let taken: std::collections::BTreeSet<&str> =
            ds.reps.iter().map(|r| r.id.as_str()).collect();
        for (r, rep) in ds.reps.iter().enumerate() {
            first_part.push(reps.len());
            match share_of(ds, r) {
                None => {
                    reps.push(rep.clone());
                    part_rep.push(r);
                    part_share.push(None);
                }
                Some(parts) => {
                    for (segment, share) in parts {
                        let mut part = rep.clone();
                        part.id = part_id(&rep.id, segment, &taken);
                        part.segments = vec![segment.clone()];
                        part.capacity = rep.capacity * share;
                        reps.push(part);
                        part_rep.push(r);
                        part_share.push(Some((segment.clone(), *share)));
                    }
                }
            }
        }
        let mut split = PartSplit {
            dataset: Dataset {
                accounts: Vec::new(),
                reps,
                config: ds.config.clone(),
                account_extra_columns: ds.account_extra_columns.clone(),
                rep_extra_columns: ds.rep_extra_columns.clone(),
                rules: RuleSet::default(),
            },
            part_rep,
            part_share,
            first_part,
        };
        // The rules are resolved already; the parts dataset must not split
        // again.
        split.dataset.config.segment_share.clear();
        split.dataset.accounts = split.part_accounts(ds);
        split.dataset.rules = split.part_rules(ds);
        Some(split)
    }

    /// The part of rep `r` that takes account `i`: the part of the
    /// account's segment (a rep that is not split is its own part). An
    /// account of a segment the rep does not cover (a current owner from
    /// before a coverage change; locks and pins to such a rep are input
    /// errors) maps to the rep's first part, which cannot own it either.
    pub fn part_of(&self, ds: &Dataset, i: usize, r: usize) -> usize {
        let first = self.first_part[r];
        match share_of(ds, r) {
            None => first,
            Some(parts) => {
                let segment = ds.accounts[i].segment.as_deref();
                first
                    + parts
                        .iter()
                        .position(|(s, _)| Some(s.as_str()) == segment)
                        .unwrap_or(0)
            }
        }
    }

    /// The parts of rep `r`, as a range of part indices.
    fn parts_of(&self, r: usize) -> std::ops::Range<usize> {
        let end = self
            .first_part
            .get(r + 1)
            .copied()
            .unwrap_or(self.part_rep.len());
        self.first_part[r]..end
    }

    /// Owners over reps turned into owners over parts.
    pub fn part_owners(&self, ds: &Dataset, owner: &[Option<usize>]) -> Vec<Option<usize>> {
        owner
            .iter()
            .enumerate()
            .map(|(i, o)| o.map(|r| self.part_of(ds, i, r)))
            .collect()
    }

    /// [`PartSplit::part_owners`] for a plan that owns every account.
    pub fn part_owner_of_each(&self, ds: &Dataset, owner: &[usize]) -> Vec<usize> {
        owner
            .iter()
            .enumerate()
            .map(|(i, &r)| self.part_of(ds, i, r))
            .collect()
    }

    /// Owners over parts turned into owners over reps.
    pub fn rep_owners(&self, owner: &[usize]) -> Vec<usize> {
        owner.iter().map(|&p| self.part_rep[p]).collect()
    }

    /// Per rep, the figures of its parts added up: loads and targets are
    /// sums, so a rep is within tolerance when every part is. The group
    /// names the parts' groups (`ENT + MM`).
    pub fn rep_balances(&self, ds: &Dataset, parts: &[RepBalance]) -> Vec<RepBalance> {
        (0..ds.reps.len())
            .map(|r| {
                let range = self.parts_of(r);
                if range.len() == 1 && self.part_share[range.start].is_none() {
                    return RepBalance {
                        rep: r,
                        ..parts[range.start].clone()
                    };
                }
                sum_of_parts(r, &parts[range.clone()], &self.part_share[range])
            })
            .collect()
    }

    /// Each part of a split rep with its own balance figures, by rep then
    /// segment.
    pub fn segment_parts(&self, parts: &[RepBalance]) -> Vec<SegmentPart> {
        parts
            .iter()
            .enumerate()
            .filter_map(|(p, b)| {
                let (segment, share) = self.part_share[p].clone()?;
                Some(SegmentPart {
                    rep: self.part_rep[p],
                    segment,
                    share,
                    capacity: self.dataset.reps[p].capacity,
                    balance: RepBalance {
                        rep: self.part_rep[p],
                        ..b.clone()
                    },
                })
            })
            .collect()
    }

    /// Accounts with current owners renamed to the part of their segment.
    fn part_accounts(&self, ds: &Dataset) -> Vec<super::Account> {
        let index: BTreeMap<&str, usize> = ds
            .reps
            .iter()
            .enumerate()
            .map(|(r, rep)| (rep.id.as_str(), r))
            .collect();
        ds.accounts
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let mut a = a.clone();
                if let Some(&r) = a.current_owner.as_deref().and_then(|o| index.get(o)) {
                    a.current_owner = Some(self.dataset.reps[self.part_of(ds, i, r)].id.clone());
                }
                a
            })
            .collect()
    }

    /// The rules with reps replaced by parts. A named pin goes to the part
    /// of the account's segment; restrictions and preferences of a rep hold
    /// for each of its parts; count and hour maxima are split in the same
    /// shares as the capacity (distance maxima hold as they are).
    fn part_rules(&self, ds: &Dataset) -> RuleSet {
        let rules = &ds.rules;
        let spread = |reps: &[usize]| -> Vec<usize> {
            reps.iter().flat_map(|&r| self.parts_of(r)).collect()
        };
        RuleSet {
            named: rules
                .named
                .iter()
                .enumerate()
                .map(|(i, n)| {
                    n.as_ref()
                        .map(|(r, list)| (self.part_of(ds, i, *r), list.clone()))
                })
                .collect(),
            restrictions: rules
                .restrictions
                .iter()
                .map(|x| super::ResolvedRestriction {
                    reps: spread(&x.reps),
                    ..x.clone()
                })
                .collect(),
            preferences: rules
                .preferences
                .iter()
                .map(|x| super::ResolvedPreference {
                    reps: spread(&x.reps),
                    ..x.clone()
                })
                .collect(),
            limits: (0..self.part_rep.len())
                .map(|p| {
                    let lim = &rules.limits[self.part_rep[p]];
                    match &self.part_share[p] {
                        None => lim.clone(),
                        Some((_, share)) => RepLimits {
                            max_accounts: scaled(&lim.max_accounts, *share),
                            max_workload_hours: scaled(&lim.max_workload_hours, *share),
                            max_distance_km: lim.max_distance_km.clone(),
                        },
                    }
                })
                .collect(),
            shares: vec![None; self.part_rep.len()],
        }
    }
}

/// The `[[segment_share]]` parts of rep `r`, if it is split.
fn share_of(ds: &Dataset, r: usize) -> Option<&[(String, f64)]> {
    ds.rules
        .shares
        .get(r)
        .and_then(Option::as_ref)
        .map(|s| s.parts.as_slice())
}

fn scaled(limit: &Option<RepLimit>, share: f64) -> Option<RepLimit> {
    limit.as_ref().map(|l| RepLimit {
        value: l.value * share,
        rule: l.rule.clone(),
    })
}

/// `R021[ENT]`, made unique against the data's own rep ids.
fn part_id(rep: &str, segment: &str, taken: &std::collections::BTreeSet<&str>) -> String {
    let mut id = format!("{rep}[{segment}]");
    while taken.contains(id.as_str()) {
        id.push('\'');
    }
    id
}

/// One rep's figures from its parts'.
fn sum_of_parts(r: usize, parts: &[RepBalance], shares: &[Option<(String, f64)>]) -> RepBalance {
    let sum = |f: fn(&RepBalance) -> f64| parts.iter().map(f).sum::<f64>();
    let potential = sum(|b| b.potential);
    let workload = sum(|b| b.workload);
    let accounts: usize = parts.iter().map(|b| b.accounts).sum();
    let potential_target = sum(|b| b.potential_target);
    let workload_target = sum(|b| b.workload_target);
    let accounts_target = sum(|b| b.accounts_target);
    let mut groups: Vec<&str> = Vec::new();
    for b in parts {
        if !groups.contains(&b.group.as_str()) {
            groups.push(&b.group);
        }
    }
    let breaches: Vec<String> = parts
        .iter()
        .zip(shares)
        .filter_map(|(b, s)| {
            let segment = s.as_ref().map_or("", |s| s.0.as_str());
            if let Some(text) = &b.breach {
                Some(format!("{segment} part: {text}"))
            } else if !b.within_tolerance {
                Some(format!(
                    "{segment} part outside tolerance (potential {:+.2} %, workload {:+.2} %)",
                    b.potential_deviation * 100.0,
                    b.workload_deviation * 100.0
                ))
            } else {
                None
            }
        })
        .collect();
    RepBalance {
        rep: r,
        group: groups.join(" + "),
        accounts,
        potential,
        workload,
        potential_target,
        workload_target,
        accounts_target,
        potential_deviation: deviation(potential, potential_target),
        workload_deviation: deviation(workload, workload_target),
        accounts_deviation: deviation(accounts as f64, accounts_target),
        breach: (!breaches.is_empty()).then(|| breaches.join("; ")),
        within_tolerance: parts.iter().all(|b| b.within_tolerance),
        mean_distance_km: if potential > 0.0 {
            sum(|b| b.mean_distance_km * b.potential) / potential
        } else {
            0.0
        },
        max_distance_km: parts.iter().map(|b| b.max_distance_km).fold(0.0, f64::max),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        resolve_rules, Account, Config, Limits, NamedList, Rep, SegmentShare, WorkloadSource,
    };

    fn account(id: &str, segment: &str, potential: f64, owner: Option<&str>) -> Account {
        Account {
            id: id.to_string(),
            name: None,
            lat: 0.0,
            lon: 0.1,
            potential,
            workload: 10.0,
            workload_source: WorkloadSource::Data,
            segment: Some(segment.to_string()),
            industry: None,
            current_owner: owner.map(str::to_string),
            locked: false,
            bookings_last_year: None,
            pipeline: None,
            extra: Vec::new(),
        }
    }

    fn rep(id: &str, segments: &[&str], capacity: f64) -> Rep {
        Rep {
            id: id.to_string(),
            name: None,
            lat: 0.0,
            lon: 0.0,
            segments: segments.iter().map(|s| s.to_string()).collect(),
            capacity,
            start_date: None,
            manager: None,
            region: None,
            extra: Vec::new(),
        }
    }

    /// E (ENT), M (MM) and hybrid H at 2 FTE split ENT 0.75 / MM 0.25,
    /// with a named MM account pinned to H and limits on H.
    fn hybrid() -> Dataset {
        let mut config = Config::default();
        config.segment_share.push(SegmentShare {
            name: "h".into(),
            reps: vec!["H".into()],
            shares: [("ENT".to_string(), 0.75), ("MM".to_string(), 0.25)].into(),
            ..SegmentShare::default()
        });
        config.named.push(NamedList {
            name: "pin".into(),
            rep: "H".into(),
            accounts: vec!["a3".into()],
        });
        config.limits.push(Limits {
            name: "cap".into(),
            reps: vec!["H".into()],
            max_accounts: Some(8.0),
            max_workload_hours: Some(100.0),
            max_distance_km: Some(500.0),
            ..Limits::default()
        });
        let mut ds = Dataset {
            accounts: vec![
                account("a0", "ENT", 300.0, Some("H")),
                account("a1", "ENT", 100.0, Some("E")),
                account("a2", "MM", 40.0, Some("H")),
                account("a3", "MM", 60.0, None),
            ],
            reps: vec![
                rep("E", &["ENT"], 1.0),
                rep("H", &["ENT", "MM"], 2.0),
                rep("M", &["MM"], 1.0),
            ],
            config,
            ..Dataset::default()
        };
        ds.rules = resolve_rules(&ds).expect("valid rules");
        ds
    }

    #[test]
    fn a_split_rep_becomes_one_part_per_segment() {
        let ds = hybrid();
        let split = PartSplit::of(&ds).expect("H is split");
        let ids: Vec<&str> = split.dataset.reps.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["E", "H[ENT]", "H[MM]", "M"]);
        let caps: Vec<f64> = split.dataset.reps.iter().map(|r| r.capacity).collect();
        assert_eq!(caps, [1.0, 1.5, 0.5, 1.0]);
        assert_eq!(split.part_rep, [0, 1, 1, 2]);
        assert_eq!(split.dataset.reps[2].segments, ["MM"]);
        // Owners follow the account's segment.
        assert_eq!(split.part_of(&ds, 0, 1), 1);
        assert_eq!(split.part_of(&ds, 2, 1), 2);
        assert_eq!(split.part_of(&ds, 3, 2), 3);
        let owners = split
            .dataset
            .accounts
            .iter()
            .map(|a| a.current_owner.as_deref());
        assert!(owners.eq([Some("H[ENT]"), Some("E"), Some("H[MM]"), None]));
        assert_eq!(split.rep_owners(&[1, 0, 2, 2]), [1, 0, 1, 1]);
    }

    #[test]
    fn rules_carry_over_to_the_parts() {
        let ds = hybrid();
        let split = PartSplit::of(&ds).unwrap();
        let rules = &split.dataset.rules;
        // The named MM account is pinned to H's MM part.
        assert_eq!(rules.named[3], Some((2, "pin".to_string())));
        // Count and hour maxima split by share; distance kept.
        let ent = &rules.limits[1];
        assert_eq!(ent.max_accounts.as_ref().unwrap().value, 6.0);
        assert_eq!(ent.max_workload_hours.as_ref().unwrap().value, 75.0);
        assert_eq!(ent.max_distance_km.as_ref().unwrap().value, 500.0);
        assert_eq!(rules.limits[2].max_accounts.as_ref().unwrap().value, 2.0);
        assert!(!rules.has_shares());
        assert!(split.dataset.config.segment_share.is_empty());
    }

    #[test]
    fn a_rep_is_the_sum_of_its_parts() {
        let ds = hybrid();
        let split = PartSplit::of(&ds).unwrap();
        let part = |rep: usize, group: &str, pot: f64, target: f64, within: bool| RepBalance {
            rep,
            group: group.to_string(),
            accounts: 1,
            potential: pot,
            workload: 10.0,
            potential_target: target,
            workload_target: 10.0,
            accounts_target: 1.0,
            potential_deviation: deviation(pot, target),
            workload_deviation: 0.0,
            accounts_deviation: 0.0,
            breach: None,
            within_tolerance: within,
            mean_distance_km: pot / 10.0,
            max_distance_km: pot,
        };
        let parts = vec![
            part(0, "ENT", 100.0, 100.0, true),
            part(1, "ENT", 300.0, 300.0, true),
            part(2, "MM", 40.0, 50.0, false),
            part(3, "MM", 60.0, 50.0, true),
        ];
        let reps = split.rep_balances(&ds, &parts);
        assert_eq!(reps.len(), 3);
        let h = &reps[1];
        assert_eq!((h.rep, h.group.as_str(), h.accounts), (1, "ENT + MM", 2));
        assert_eq!((h.potential, h.potential_target), (340.0, 350.0));
        assert!((h.potential_deviation + 10.0 / 350.0).abs() < 1e-12);
        // One part outside makes the rep outside, and the breach says which.
        assert!(!h.within_tolerance);
        assert!(h
            .breach
            .as_deref()
            .unwrap()
            .starts_with("MM part outside tolerance"));
        // Potential-weighted mean distance: (300 x 30 + 40 x 4) / 340.
        assert!((h.mean_distance_km - (300.0 * 30.0 + 40.0 * 4.0) / 340.0).abs() < 1e-9);
        assert_eq!(h.max_distance_km, 300.0);
        assert_eq!(reps[2].rep, 2);
        assert_eq!(reps[2].potential, 60.0);
        let segment_parts = split.segment_parts(&parts);
        assert_eq!(segment_parts.len(), 2);
        assert_eq!(
            (segment_parts[0].rep, segment_parts[0].segment.as_str()),
            (1, "ENT")
        );
        assert_eq!(
            (segment_parts[1].capacity, segment_parts[1].share),
            (0.5, 0.25)
        );
    }

    #[test]
    fn no_split_without_shares() {
        let mut ds = hybrid();
        ds.rules.shares = vec![None; 3];
        assert!(PartSplit::of(&ds).is_none());
    }
}
