//! `actuals.csv`: bookings by rep and month for the quarterly review
//! (`tplan review`), checked against the plan being reviewed.
//!
//! Columns `rep_id, month, bookings` and optionally `component`. A row is
//! refused, with file, line, column and value, when its rep is not in the
//! plan, its month is not `YYYY-MM`, lies outside the plan's fiscal year or
//! after the review month, its bookings are not an amount >= 0, its
//! component is not one of the plan's, or it repeats an earlier row's rep,
//! month and component (a rep's month given both as a total and by
//! component counts as a repeat too). Every problem is listed, not just
//! the first.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::parse::NumberKind;
use super::row::{NumberRule, RowReader};
use super::table::{read_table, ColumnSpec, Row, Table};
use super::{label, read_input, InputFile, Report};
use crate::model::{FiscalYear, YearMonth};
use crate::{Error, InputProblem, Result};

/// The actuals.csv columns of the data contract.
pub const ACTUALS_COLUMNS: [ColumnSpec; 4] = [
    ColumnSpec::required("rep_id"),
    ColumnSpec::required("month"),
    ColumnSpec::required("bookings"),
    ColumnSpec::optional("component"),
];

const BOOKINGS: NumberRule = NumberRule {
    kind: NumberKind::Money,
    min: 0.0,
    max: super::limits::MAX_MONEY,
    expected: "expected bookings in currency, a number >= 0",
    max_reason: Some(super::limits::MONEY_REASON),
};

/// What the rows are checked against: the plan under review.
#[derive(Debug, Clone)]
pub struct ActualsContext<'a> {
    /// rep_ids of the plan.
    pub rep_ids: &'a BTreeSet<String>,
    pub fiscal_year: FiscalYear,
    /// The review month (`--as-of`); `None`: the latest month in the file.
    pub as_of: Option<YearMonth>,
    /// Component codes the plan uses.
    pub components: &'a [&'a str],
}

/// One row of actuals.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct Actual {
    pub rep_id: String,
    pub month: YearMonth,
    pub bookings: f64,
    pub component: Option<String>,
    pub line: u64,
}

/// actuals.csv as read and checked.
#[derive(Debug, Clone)]
pub struct Actuals {
    pub rows: Vec<Actual>,
    /// The review month: `--as-of`, or the latest month with a row.
    pub as_of: YearMonth,
    /// The file, for the manifest.
    pub input: InputFile,
}

impl Actuals {
    /// Bookings per rep id per fiscal month (12 entries, index 0 the first
    /// fiscal month), components added up.
    pub fn by_rep_and_month(&self, fiscal_year: FiscalYear) -> BTreeMap<String, Vec<f64>> {
        let mut out: BTreeMap<String, Vec<f64>> = BTreeMap::new();
        for a in &self.rows {
            if let Some(m) = fiscal_year.fiscal_month(a.month) {
                out.entry(a.rep_id.clone()).or_insert_with(|| vec![0.0; 12])[m as usize - 1] +=
                    a.bookings;
            }
        }
        out
    }
}

/// Read and check `path`; every problem found is listed in the error.
pub fn read_actuals(path: &Path, ctx: &ActualsContext) -> Result<Actuals> {
    let name = label(path);
    let mut report = Report::default();
    let mut inputs = Vec::new();
    let table = read_input(path, &name, &mut inputs, &mut report)
        .and_then(|bytes| read_table(&name, &bytes, &ACTUALS_COLUMNS, &mut report));
    let rows = match &table {
        Some(t) if t.missing_required.is_empty() => read_rows(t, ctx, &mut report),
        _ => Vec::new(),
    };
    if let Some(t) = &table {
        if t.rows.is_empty() {
            report.problem(file_problem(
                &name,
                "no actuals: the file has a header but no data rows; expected one row per rep and month booked",
            ));
        }
    }
    if !report.problems.is_empty() {
        report.problems.sort_by_key(|p| p.line.unwrap_or(0));
        return Err(Error::input(report.problems));
    }
    let as_of = match ctx.as_of {
        Some(m) => m,
        None => rows
            .iter()
            .map(|a| a.month)
            .max()
            .unwrap_or(ctx.fiscal_year.first),
    };
    Ok(Actuals {
        rows,
        as_of,
        input: inputs.pop().expect("the file was read"),
    })
}

fn file_problem(file: &str, message: &str) -> InputProblem {
    InputProblem {
        file: file.to_string(),
        line: None,
        column: None,
        value: None,
        message: message.to_string(),
    }
}

fn read_rows(table: &Table, ctx: &ActualsContext, report: &mut Report) -> Vec<Actual> {
    // (rep, month) -> component ("" for a total) -> line of first row.
    let mut seen: BTreeMap<(String, YearMonth), BTreeMap<String, u64>> = BTreeMap::new();
    let mut rows = Vec::new();
    for row in &table.rows {
        if let Some(actual) = read_row(table, row, ctx, &mut seen, report) {
            rows.push(actual);
        }
    }
    rows
}

fn read_row(
    table: &Table,
    row: &Row,
    ctx: &ActualsContext,
    seen: &mut BTreeMap<(String, YearMonth), BTreeMap<String, u64>>,
    report: &mut Report,
) -> Option<Actual> {
    let mut r = RowReader::new(table, row, report);
    let rep_id = r.id("rep_id");
    if let Some(id) = &rep_id {
        if !ctx.rep_ids.contains(id) {
            r.fail(
                "rep_id",
                id,
                format!(
                    "unknown rep: expected a rep_id of the plan's quota_summary.csv ({} reps)",
                    ctx.rep_ids.len()
                ),
            );
        }
    }
    let month = read_month(&mut r, ctx);
    let bookings = r.required_number("bookings", &BOOKINGS);
    let component = r.text("component");
    if let Some(code) = &component {
        if !ctx.components.contains(&code.as_str()) {
            r.fail(
                "component",
                code,
                format!(
                    "unknown component: expected one of the plan's components ({}), or empty for a total",
                    ctx.components.join(", ")
                ),
            );
        }
    }
    if r.failed() {
        return None;
    }
    let (rep_id, month, bookings) = (rep_id?, month?, bookings?);
    check_repeat(&mut r, seen, &rep_id, month, component.as_deref());
    if r.failed() {
        return None;
    }
    Some(Actual {
        rep_id,
        month,
        bookings,
        component,
        line: r.line(),
    })
}

/// A `YYYY-MM` month inside the fiscal year and not after the review month.
fn read_month(r: &mut RowReader, ctx: &ActualsContext) -> Option<YearMonth> {
    let Some(cell) = r.text("month") else {
        r.fail(
            "month",
            "",
            "expected a month written YYYY-MM (the value is required)",
        );
        return None;
    };
    let Some(month) = parse_year_month(&cell) else {
        r.fail(
            "month",
            &cell,
            "expected a month written YYYY-MM, e.g. 2027-03",
        );
        return None;
    };
    let fy = ctx.fiscal_year;
    if fy.fiscal_month(month).is_none() {
        r.fail(
            "month",
            &cell,
            format!(
                "outside the plan's fiscal year: expected a month from {} to {}",
                fy.first,
                fy.first.plus(11)
            ),
        );
        return None;
    }
    if let Some(as_of) = ctx.as_of.filter(|&a| month > a) {
        r.fail(
            "month",
            &cell,
            format!("after the review month {as_of} (--as-of): expected {as_of} or earlier"),
        );
        return None;
    }
    Some(month)
}

/// A rep's month may hold one total row or one row per component, each once.
fn check_repeat(
    r: &mut RowReader,
    seen: &mut BTreeMap<(String, YearMonth), BTreeMap<String, u64>>,
    rep_id: &str,
    month: YearMonth,
    component: Option<&str>,
) {
    let key = component.unwrap_or("").to_string();
    let earlier = seen.entry((rep_id.to_string(), month)).or_default();
    let clash = match component {
        Some(_) => earlier
            .get(&key)
            .map(|l| (*l, "the same rep, month and component"))
            .or_else(|| {
                earlier
                    .get("")
                    .map(|l| (*l, "a total for the same rep and month"))
            }),
        None => earlier
            .values()
            .min()
            .map(|l| (*l, "the same rep and month")),
    };
    if let Some((line, what)) = clash {
        r.fail(
            if component.is_some() { "component" } else { "month" },
            &format!("{rep_id} {month}{}", component.map(|c| format!(" {c}")).unwrap_or_default()),
            format!("duplicate: line {line} already has {what}; expected one row per rep and month (or one per component)"),
        );
        return;
    }
    earlier.insert(key, r.line());
}

/// `YYYY-MM` with a month 01-12; nothing else.
pub fn parse_year_month(s: &str) -> Option<YearMonth> {
    let (y, m) = s.split_once('-')?;
    if y.len() != 4 || m.len() != 2 || !(y.bytes().chain(m.bytes())).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (year, month): (i32, u32) = (y.parse().ok()?, m.parse().ok()?);
    (1..=12)
        .contains(&month)
        .then(|| YearMonth::new(year, month))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, as_of: Option<YearMonth>) -> Result<Actuals> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("actuals.csv");
        std::fs::write(&path, text).unwrap();
        let reps: BTreeSet<String> = ["R1", "R2"].map(String::from).into();
        let ctx = ActualsContext {
            rep_ids: &reps,
            fiscal_year: FiscalYear::new(2027, 4),
            as_of,
            components: &["new_business", "expansion"],
        };
        read_actuals(&path, &ctx)
    }

    fn problems(text: &str, as_of: Option<YearMonth>) -> Vec<String> {
        match read(text, as_of) {
            Err(Error::Input { problems, .. }) => problems
                .iter()
                .map(|p| p.to_string().replace(&p.file, "F"))
                .collect(),
            other => panic!("expected input problems, got {other:?}"),
        }
    }

    #[test]
    fn months_parse_strictly() {
        assert_eq!(parse_year_month("2027-03"), Some(YearMonth::new(2027, 3)));
        for bad in [
            "2027-3",
            "2027-13",
            "2027-00",
            "27-03",
            "2027/03",
            "2027-03-01",
            "abcd-ef",
        ] {
            assert_eq!(parse_year_month(bad), None, "{bad}");
        }
    }

    #[test]
    fn good_rows_add_up_by_rep_and_fiscal_month() {
        let a = read(
            "rep_id,month,bookings,component\nR1,2027-04,100,new_business\nR1,2027-04,\"$1,250.50\",expansion\nR2,2027-05,0,\n",
            None,
        )
        .unwrap();
        assert_eq!(a.as_of, YearMonth::new(2027, 5));
        let by = a.by_rep_and_month(FiscalYear::new(2027, 4));
        assert_eq!(by["R1"][0], 1350.5);
        assert_eq!(by["R2"][1], 0.0);
    }

    #[test]
    fn every_bad_row_is_named_with_line_column_value_and_expectation() {
        let text = "rep_id,month,bookings,component\n\
            R9,2027-04,10,\n\
            R1,2027-4,10,\n\
            R1,2027-03,10,\n\
            R1,2027-06,10,\n\
            R1,2027-04,-5,\n\
            R1,2027-05,10,upsell\n\
            R2,2027-04,10,\n\
            R2,2027-04,20,\n\
            R1,2027-05,10,expansion\n\
            R1,2027-05,10,\n";
        let p = problems(text, Some(YearMonth::new(2027, 5)));
        assert_eq!(p.len(), 8, "{p:#?}");
        assert!(
            p[0].starts_with("F:2: column 'rep_id': value 'R9': unknown rep"),
            "{}",
            p[0]
        );
        assert!(p[1]
            .starts_with("F:3: column 'month': value '2027-4': expected a month written YYYY-MM"));
        assert!(p[2].starts_with("F:4: column 'month': value '2027-03': outside the plan's fiscal year: expected a month from 2027-04 to 2028-03"));
        assert!(p[3]
            .starts_with("F:5: column 'month': value '2027-06': after the review month 2027-05"));
        assert!(p[4].starts_with(
            "F:6: column 'bookings': value '-5': expected bookings in currency, a number >= 0"
        ));
        assert!(p[5].starts_with("F:7: column 'component': value 'upsell': unknown component"));
        assert!(p[6].starts_with("F:9: column 'month': value 'R2 2027-04': duplicate: line 8 already has the same rep and month"), "{}", p[6]);
        assert!(
            p[7].starts_with("F:11: column 'month': value 'R1 2027-05': duplicate: line 10"),
            "{}",
            p[7]
        );
    }

    #[test]
    fn missing_columns_and_empty_files_are_refused() {
        let p = problems("rep_id,month\nR1,2027-04\n", None);
        assert!(p[0].contains("bookings"), "{p:?}");
        let p = problems("rep_id,month,bookings\n", None);
        assert!(p[0].contains("no actuals"), "{p:?}");
    }
}
