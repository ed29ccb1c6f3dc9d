//! When a rep can work the plan year, and the capacity territories are
//! balanced on.
//!
//! A rep whose `start_date` falls inside the plan year carries quota only
//! from its start (the ramp gives it 0 before), so a full balanced
//! territory would leave accounts unworked while their quota sits with
//! other reps. Territories therefore balance each rep on the capacity it
//! will have in the plan year: its FTE times the share of the plan year's
//! months from its start month (the start month counts in full), so a rep
//! starting in month 10 of 12 is balanced on 3/12 of its FTE, and a rep
//! starting after the plan year on 0 (it takes no accounts). Quotas and
//! scenarios keep the full FTE: their ramp and cohorts already date the
//! start, and prorating there too would count the late start twice.
//!
//! Without `fiscal_year` in the config nothing is dated and every rep keeps
//! its FTE.

use super::{Dataset, FiscalYear, YearMonth};

/// A rep whose territory is balanced on less than its FTE because it
/// starts after the first month of the plan year.
#[derive(Debug, Clone, PartialEq)]
pub struct LateStart {
    /// Index into `Dataset::reps`.
    pub rep: usize,
    /// The rep's start month.
    pub start: YearMonth,
    /// Months of the plan year from the start month (0 to 11).
    pub months_available: u32,
    /// The FTE of reps.csv.
    pub capacity: f64,
    /// What the territory is balanced on: capacity x months_available / 12.
    pub planning_capacity: f64,
}

/// Months of the fiscal year `fy` a rep starting in `start` can work: 12
/// when it started before the year, 0 when it starts after it.
pub fn months_available(start: YearMonth, fy: &FiscalYear) -> u32 {
    let from = start.months_since(fy.first).clamp(0, 12);
    (12 - from) as u32
}

/// The reps of `ds` that start after the first month of its plan year,
/// with the capacity their territories are balanced on.
pub fn late_starts(ds: &Dataset) -> Vec<LateStart> {
    let Some(year) = ds.config.fiscal_year else {
        return Vec::new();
    };
    let fy = FiscalYear::new(year, ds.config.fiscal_year_start_month);
    ds.reps
        .iter()
        .enumerate()
        .filter_map(|(r, rep)| {
            let start = YearMonth::of(rep.start_date?);
            let months = months_available(start, &fy);
            (months < 12 && rep.capacity > 0.0).then(|| LateStart {
                rep: r,
                start,
                months_available: months,
                capacity: rep.capacity,
                planning_capacity: rep.capacity * f64::from(months) / 12.0,
            })
        })
        .collect()
}

/// The dataset territories are planned on: late starters' capacity
/// prorated (see the module comment). `None` when no rep starts late, so
/// callers plan on `ds` itself without a copy.
pub fn planning_view(ds: &Dataset) -> Option<Dataset> {
    let late = late_starts(ds);
    if late.is_empty() {
        return None;
    }
    let mut view = ds.clone();
    for l in &late {
        view.reps[l.rep].capacity = l.planning_capacity;
    }
    Some(view)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Config, Rep};
    use chrono::NaiveDate;

    fn rep(id: &str, start: Option<(i32, u32)>) -> Rep {
        Rep {
            id: id.to_string(),
            name: None,
            lat: 0.0,
            lon: 0.0,
            segments: Vec::new(),
            capacity: 1.0,
            start_date: start.map(|(y, m)| NaiveDate::from_ymd_opt(y, m, 20).unwrap()),
            manager: None,
            region: None,
            extra: Vec::new(),
        }
    }

    fn dataset(fiscal_year: Option<i32>, start_month: u32) -> Dataset {
        Dataset {
            reps: vec![
                rep("tenured", Some((2019, 3))),
                rep("undated", None),
                rep("first-month", Some((2027, 4))),
                rep("month-10", Some((2028, 1))),
                rep("after", Some((2028, 4))),
            ],
            config: Config {
                fiscal_year,
                fiscal_year_start_month: start_month,
                ..Config::default()
            },
            ..Dataset::default()
        }
    }

    #[test]
    fn months_available_count_the_start_month_in_full() {
        let fy = FiscalYear::new(2027, 4);
        assert_eq!(months_available(YearMonth::new(2020, 1), &fy), 12);
        assert_eq!(months_available(YearMonth::new(2027, 4), &fy), 12);
        assert_eq!(months_available(YearMonth::new(2027, 5), &fy), 11);
        assert_eq!(months_available(YearMonth::new(2028, 3), &fy), 1);
        assert_eq!(months_available(YearMonth::new(2028, 4), &fy), 0);
        assert_eq!(months_available(YearMonth::new(2031, 1), &fy), 0);
    }

    #[test]
    fn late_starters_are_balanced_on_the_months_they_work() {
        // Fiscal year April 2027 - March 2028.
        let ds = dataset(Some(2027), 4);
        let late = late_starts(&ds);
        let ids: Vec<(&str, u32, f64)> = late
            .iter()
            .map(|l| {
                (
                    ds.reps[l.rep].id.as_str(),
                    l.months_available,
                    l.planning_capacity,
                )
            })
            .collect();
        assert_eq!(ids, [("month-10", 3, 0.25), ("after", 0, 0.0)]);
        let view = planning_view(&ds).unwrap();
        let caps: Vec<f64> = view.reps.iter().map(|r| r.capacity).collect();
        assert_eq!(caps, [1.0, 1.0, 1.0, 0.25, 0.0]);
    }

    #[test]
    fn without_a_fiscal_year_nothing_is_prorated() {
        assert!(late_starts(&dataset(None, 1)).is_empty());
        assert!(planning_view(&dataset(None, 1)).is_none());
    }
}
