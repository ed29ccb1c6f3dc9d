//! `plan.xlsx`: the output folder's tables in one workbook, for the
//! planners and finance people who live in Excel.
//!
//! The workbook is made from the CSV files themselves (the bytes written
//! into the folder, or about to be), never from the solver's structures, so
//! a cell can never say something its CSV does not. Columns of the fixed
//! output contract get real number and percent formats; every other cell,
//! carried-through input columns included, is written as a string, so a
//! name such as `=HYPERLINK(...)` stays text and is never run as a formula.
//!
//! The document's creation date is fixed ([`CREATED`]): with the zip
//! timestamps rust_xlsxwriter already fixes, the same folder gives a
//! byte-identical workbook on every run.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatBorder, Workbook, Worksheet,
};

use super::comparison::COMPARISON_FILE;
use super::quotas::{QUOTAS_FILE, QUOTA_SUMMARY_FILE};
use super::scenarios::{MONTHLY_FILE, SCENARIOS_FILE, SWEEP_FILE, YEARLY_FILE};
use super::{ASSIGNMENTS_FILE, MANIFEST_FILE, TERRITORIES_FILE};

pub use crate::error::{WorkbookError, WORKBOOK_FILE};

/// Creation date written into the workbook's properties (year, month,
/// day): fixed so that re-runs are byte-identical.
pub const CREATED: (u16, u8, u8) = (2026, 1, 1);

/// Widest column, in characters; longer text wraps off-screen rather than
/// pushing every other column out of view.
const MAX_WIDTH: usize = 40;
/// Narrowest column, in characters.
const MIN_WIDTH: usize = 6;
/// Rows looked at when sizing a column (the header always is).
const WIDTH_SAMPLE_ROWS: usize = 500;
/// Fill of the quota rows of a month in ramp (less than full quota).
const RAMP_FILL: u32 = 0xFFF2CC;
/// Rows of an Excel sheet (header included): a longer table is cut, and
/// its last row says how many rows are only in the CSV file.
const EXCEL_MAX_ROWS: usize = 1_048_576;
/// Fill of header rows.
const HEADER_FILL: u32 = 0xDDEBF7;

/// How a column's cells are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A string, always (ids, names, flags, months, carried columns).
    Text,
    /// A whole number: `#,##0`.
    Count,
    /// Currency or other large amounts: `#,##0`.
    Money,
    /// A measured quantity with two decimals: `#,##0.00`.
    Decimal,
    /// A share written in the CSV as percentage points (`_pct` columns,
    /// `+5.00`): the cell holds the fraction (0.05) shown as `0.00%`.
    PercentPoints,
    /// A share written in the CSV as a fraction (`0.3320`): shown as `0.0%`.
    Fraction,
    /// Degrees of latitude or longitude: `0.000000`.
    Degrees,
}

impl Kind {
    fn num_format(self) -> Option<&'static str> {
        match self {
            Kind::Text => None,
            Kind::Count | Kind::Money => Some("#,##0"),
            Kind::Decimal => Some("#,##0.00"),
            Kind::PercentPoints => Some("0.00%"),
            Kind::Fraction => Some("0.0%"),
            Kind::Degrees => Some("0.000000"),
        }
    }

    /// The cell value for a CSV number.
    pub fn cell_value(self, csv_number: f64) -> f64 {
        if self == Kind::PercentPoints {
            csv_number / 100.0
        } else {
            csv_number
        }
    }
}

/// Kinds of the numeric columns of each CSV file tplan writes; every
/// column not listed is text.
fn numeric_columns(file: &str) -> &'static [(&'static str, Kind)] {
    use Kind::*;
    match file {
        ASSIGNMENTS_FILE => &[
            ("distance_km", Decimal),
            ("extra_km", Decimal),
            ("potential", Money),
            ("workload", Decimal),
            ("lat", Degrees),
            ("lon", Degrees),
        ],
        TERRITORIES_FILE => &[
            ("capacity", Decimal),
            ("accounts", Count),
            ("potential", Money),
            ("workload", Decimal),
            ("potential_target", Money),
            ("workload_target", Decimal),
            ("potential_dev_pct", PercentPoints),
            ("workload_dev_pct", PercentPoints),
            ("accounts_target", Decimal),
            ("accounts_dev_pct", PercentPoints),
            ("mean_distance_km", Decimal),
            ("max_distance_km", Decimal),
            ("hull_area_km2", Money),
            ("outliers", Count),
            ("lat", Degrees),
            ("lon", Degrees),
        ],
        COMPARISON_FILE => &[
            ("accounts_assigned", Count),
            ("max_potential_deviation_pct", PercentPoints),
            ("max_workload_deviation_pct", PercentPoints),
            ("reps_outside_tolerance", Count),
            ("total_distance_km", Money),
            ("weighted_distance", Money),
            ("mean_km_per_account", Decimal),
            ("moved_accounts", Count),
            ("moved_potential", Money),
        ],
        QUOTA_SUMMARY_FILE => &[
            ("top_down", Money),
            ("bottom_up", Money),
            ("final_quota", Money),
            ("gap", Money),
            ("gap_pct", PercentPoints),
            ("pipeline_coverage", Decimal),
            ("p_attain", Fraction),
            ("capacity", Decimal),
            ("productive_share", Fraction),
            ("accounts", Count),
            ("potential", Money),
            ("bookings_last_year", Money),
            ("pipeline", Money),
            ("bu_potential", Money),
            ("bu_history", Money),
            ("bu_pipeline", Money),
            ("calibrated_quota", Money),
            ("p_attain_calibrated", Fraction),
            ("new_business", Money),
            ("expansion", Money),
            ("retention", Money),
        ],
        SCENARIOS_FILE | SWEEP_FILE => &[
            ("point", Count),
            ("attrition", Fraction),
            ("ramp_months", Count),
            ("productivity", Fraction),
            ("attainment", Fraction),
            ("lead_time_months", Count),
            ("quota_per_ramped_fte", Money),
            ("target", Money),
            ("planned_hires", Count),
            ("headcount_start", Decimal),
            ("headcount_year_end", Decimal),
            ("ramped_fte_year_end", Decimal),
            ("expected_bookings", Money),
            ("gap_to_target", Money),
            ("hires_needed", Count),
            ("headcount_year_end_with_hires", Decimal),
            ("ramped_fte_year_end_with_hires", Decimal),
            ("bookings_with_hires", Money),
            ("total_cost", Money),
            ("cost_per_dollar", Decimal),
        ],
        MONTHLY_FILE => &[
            ("horizon_month", Count),
            ("headcount", Decimal),
            ("fte", Decimal),
            ("ramped_fte", Decimal),
            ("bookings", Money),
            ("departures", Decimal),
            ("starts", Decimal),
            ("cost", Money),
            ("headcount_with_hires", Decimal),
            ("ramped_fte_with_hires", Decimal),
            ("bookings_with_hires", Money),
            ("cost_with_hires", Money),
            ("hires_needed_if_start", Count),
        ],
        YEARLY_FILE => &[
            ("target", Money),
            ("expected_bookings", Money),
            ("gap_to_target", Money),
            ("bookings_with_hires", Money),
            ("gap_with_hires", Money),
            ("total_cost", Money),
            ("cost_per_dollar", Decimal),
        ],
        _ => &[],
    }
}

/// The kind of column `column` of `file` (text unless listed).
pub fn column_kind(file: &str, column: &str) -> Kind {
    numeric_columns(file)
        .iter()
        .find(|(name, _)| *name == column)
        .map_or(Kind::Text, |(_, kind)| *kind)
}

/// The sheets made directly from one CSV file each, in workbook order
/// (sheet name, file). Quotas by rep x month and the summary are built
/// apart.
const TABLE_SHEETS_BEFORE_QUOTAS: [(&str, &str); 2] = [
    ("Territories", TERRITORIES_FILE),
    ("Assignments", ASSIGNMENTS_FILE),
];
const TABLE_SHEETS_AFTER_QUOTAS: [(&str, &str); 5] = [
    ("Quota summary", QUOTA_SUMMARY_FILE),
    ("Scenarios", SCENARIOS_FILE),
    ("Scenarios monthly", MONTHLY_FILE),
    ("Scenarios yearly", YEARLY_FILE),
    ("Sweep", SWEEP_FILE),
];

/// Every file the workbook is made from.
pub const SOURCE_FILES: [&str; 10] = [
    MANIFEST_FILE,
    COMPARISON_FILE,
    TERRITORIES_FILE,
    ASSIGNMENTS_FILE,
    QUOTAS_FILE,
    QUOTA_SUMMARY_FILE,
    SCENARIOS_FILE,
    MONTHLY_FILE,
    YEARLY_FILE,
    SWEEP_FILE,
];

/// A CSV file parsed: header and rows of text, as written.
#[derive(Debug, Clone)]
pub struct CsvTable {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl CsvTable {
    /// Parse `bytes`; `path` names the file in errors.
    pub fn parse(path: &Path, bytes: &[u8]) -> Result<CsvTable, WorkbookError> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(bytes);
        let malformed = |e: csv::Error| WorkbookError::Malformed {
            path: path.to_path_buf(),
            line: e.position().map(|p| p.line()),
            message: e.to_string(),
        };
        let header = reader
            .headers()
            .map_err(malformed)?
            .iter()
            .map(str::to_string)
            .collect();
        let rows = reader
            .records()
            .map(|r| r.map(|r| r.iter().map(str::to_string).collect()))
            .collect::<Result<Vec<Vec<String>>, _>>()
            .map_err(malformed)?;
        Ok(CsvTable { header, rows })
    }

    fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }
}

/// The files a workbook is made from, by name (see [`SOURCE_FILES`]).
#[derive(Debug, Default, Clone)]
pub struct Sources {
    /// Where the files are (or will be), for error messages.
    pub dir: PathBuf,
    pub files: BTreeMap<String, Vec<u8>>,
}

impl Sources {
    /// Read whichever of [`SOURCE_FILES`] exist in `dir`.
    pub fn read_dir(dir: &Path) -> Result<Sources, WorkbookError> {
        let mut files = BTreeMap::new();
        for name in SOURCE_FILES {
            let path = dir.join(name);
            match fs::read(&path) {
                Ok(bytes) => {
                    files.insert(name.to_string(), bytes);
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(source) => return Err(WorkbookError::Io { path, source }),
            }
        }
        Ok(Sources {
            dir: dir.to_path_buf(),
            files,
        })
    }

    fn table(&self, name: &str) -> Result<Option<CsvTable>, WorkbookError> {
        self.files
            .get(name)
            .map(|bytes| CsvTable::parse(&self.dir.join(name), bytes))
            .transpose()
    }
}

/// The workbook of the output folder `dir`, from its own files.
pub fn from_dir(dir: &Path) -> Result<Vec<u8>, WorkbookError> {
    build(&Sources::read_dir(dir)?)
}

/// Cell formats shared by every sheet.
struct Formats {
    header: Format,
    label: Format,
    numbers: BTreeMap<&'static str, Format>,
    ramp_numbers: BTreeMap<&'static str, Format>,
    ramp_text: Format,
}

impl Formats {
    fn new() -> Formats {
        let kinds = [
            Kind::Count,
            Kind::Decimal,
            Kind::PercentPoints,
            Kind::Fraction,
            Kind::Degrees,
        ];
        let mut numbers = BTreeMap::new();
        let mut ramp_numbers = BTreeMap::new();
        for kind in kinds {
            if let Some(f) = kind.num_format() {
                numbers.insert(f, Format::new().set_num_format(f));
                ramp_numbers.insert(
                    f,
                    Format::new()
                        .set_num_format(f)
                        .set_background_color(Color::RGB(RAMP_FILL)),
                );
            }
        }
        Formats {
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(HEADER_FILL))
                .set_border_bottom(FormatBorder::Thin),
            label: Format::new().set_bold(),
            numbers,
            ramp_numbers,
            ramp_text: Format::new().set_background_color(Color::RGB(RAMP_FILL)),
        }
    }

    fn number(&self, kind: Kind, ramp: bool) -> Option<&Format> {
        let key = kind.num_format()?;
        if ramp {
            self.ramp_numbers.get(key)
        } else {
            self.numbers.get(key)
        }
    }
}

/// Build the workbook from `sources`: Summary (when there is a plan
/// manifest), Territories, Assignments, Quotas, Quota summary and the
/// scenario sheets, each when its file is there.
pub fn build(sources: &Sources) -> Result<Vec<u8>, WorkbookError> {
    let formats = Formats::new();
    let mut workbook = Workbook::new();
    let (y, m, d) = CREATED;
    workbook.set_properties(
        &DocProperties::new()
            .set_title("tplan plan")
            .set_creation_datetime(&ExcelDateTime::from_ymd(y, m, d)?),
    );
    if let Some(summary) = summary_rows(sources)? {
        let sheet = workbook.add_worksheet();
        sheet.set_name("Summary")?;
        write_summary(sheet, &summary, sources.table(COMPARISON_FILE)?, &formats)?;
    }
    for (name, file) in TABLE_SHEETS_BEFORE_QUOTAS {
        if let Some(table) = sources.table(file)? {
            let sheet = workbook.add_worksheet();
            sheet.set_name(name)?;
            write_table(sheet, file, &table, &formats)?;
            if file == ASSIGNMENTS_FILE && !table.rows.is_empty() {
                let last_row = table.rows.len().min(EXCEL_MAX_ROWS - 2) as u32;
                sheet.autofilter(0, 0, last_row, last_col(&table.header))?;
            }
        }
    }
    if let Some(table) = sources.table(QUOTAS_FILE)? {
        let path = sources.dir.join(QUOTAS_FILE);
        let pivot = QuotaPivot::of(&path, &table)?;
        let sheet = workbook.add_worksheet();
        sheet.set_name("Quotas")?;
        write_quota_pivot(sheet, &pivot, &formats)?;
    }
    for (name, file) in TABLE_SHEETS_AFTER_QUOTAS {
        if let Some(table) = sources.table(file)? {
            let sheet = workbook.add_worksheet();
            sheet.set_name(name)?;
            write_table(sheet, file, &table, &formats)?;
        }
    }
    if workbook.worksheets().is_empty() {
        // An empty workbook does not open in Excel; say what was missing.
        let sheet = workbook.add_worksheet();
        sheet.write_string(0, 0, "no plan, quota or scenario tables in this folder")?;
    }
    Ok(workbook.save_to_buffer()?)
}

fn last_col(header: &[String]) -> u16 {
    header.len().saturating_sub(1) as u16
}

/// Write a header row, bold and frozen.
fn write_header(
    sheet: &mut Worksheet,
    header: &[String],
    formats: &Formats,
) -> Result<(), WorkbookError> {
    for (c, h) in header.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, h, &formats.header)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// Write one cell of column kind `kind`: a number when the text is one,
/// the text itself otherwise (an empty cell stays empty).
fn write_cell(
    sheet: &mut Worksheet,
    (row, col): (u32, u16),
    text: &str,
    kind: Kind,
    ramp: bool,
    formats: &Formats,
) -> Result<(), WorkbookError> {
    if text.is_empty() {
        if ramp {
            sheet.write_blank(row, col, &formats.ramp_text)?;
        }
        return Ok(());
    }
    let number = match kind {
        Kind::Text => None,
        _ => text.parse::<f64>().ok().filter(|x| x.is_finite()),
    };
    match (number, formats.number(kind, ramp)) {
        (Some(x), Some(format)) => {
            sheet.write_number_with_format(row, col, kind.cell_value(x), format)?;
        }
        _ if ramp => {
            sheet.write_string_with_format(row, col, text, &formats.ramp_text)?;
        }
        _ => {
            sheet.write_string(row, col, text)?;
        }
    }
    Ok(())
}

/// A CSV file as a sheet: header, one row per CSV row, column kinds from
/// [`column_kind`], widths from the content.
fn write_table(
    sheet: &mut Worksheet,
    file: &str,
    table: &CsvTable,
    formats: &Formats,
) -> Result<(), WorkbookError> {
    write_header(sheet, &table.header, formats)?;
    let kinds: Vec<Kind> = table.header.iter().map(|h| column_kind(file, h)).collect();
    let shown = rows_shown(table.rows.len(), EXCEL_MAX_ROWS);
    if shown < table.rows.len() {
        let note = format!(
            "... and {} more rows in {file}: an Excel sheet holds {EXCEL_MAX_ROWS} rows",
            table.rows.len() - shown
        );
        sheet.write_string(shown as u32 + 1, 0, note)?;
    }
    for (r, row) in table.rows.iter().take(shown).enumerate() {
        for (c, text) in row.iter().enumerate() {
            let kind = kinds.get(c).copied().unwrap_or(Kind::Text);
            write_cell(sheet, (r as u32 + 1, c as u16), text, kind, false, formats)?;
        }
    }
    set_widths(sheet, &table.header, &table.rows)
}

/// Data rows of a `total`-row table written to a sheet of `max_rows` rows
/// (header included): all of them when they fit, else as many as leave a
/// row for the note saying how many are left out.
fn rows_shown(total: usize, max_rows: usize) -> usize {
    if total < max_rows {
        total
    } else {
        max_rows - 2
    }
}

/// Column widths: the longest of the header and the first rows' text
/// (plus room for thousands separators), within [`MIN_WIDTH`, `MAX_WIDTH`].
fn set_widths(
    sheet: &mut Worksheet,
    header: &[String],
    rows: &[Vec<String>],
) -> Result<(), WorkbookError> {
    for (c, h) in header.iter().enumerate() {
        let longest = rows
            .iter()
            .take(WIDTH_SAMPLE_ROWS)
            .filter_map(|r| r.get(c))
            .map(|t| t.chars().count() + t.len() / 3)
            .max()
            .unwrap_or(0)
            .max(h.chars().count());
        let width = (longest + 2).clamp(MIN_WIDTH, MAX_WIDTH);
        sheet.set_column_width(c as u16, width as f64)?;
    }
    Ok(())
}

/// One line of the Summary sheet: a label and a value with its kind.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryRow {
    pub label: &'static str,
    pub value: SummaryValue,
}

/// A Summary value: text or a number of some kind.
#[derive(Debug, Clone, PartialEq)]
pub enum SummaryValue {
    Text(String),
    Number(f64, Kind),
}

/// The headline figures of the plan, from manifest.json: `None` when the
/// folder has no plan manifest (a scenarios-only folder).
fn summary_rows(sources: &Sources) -> Result<Option<Vec<SummaryRow>>, WorkbookError> {
    let Some(bytes) = sources.files.get(MANIFEST_FILE) else {
        return Ok(None);
    };
    let path = sources.dir.join(MANIFEST_FILE);
    let manifest: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| WorkbookError::Malformed {
            path: path.clone(),
            line: Some(e.line() as u64),
            message: e.to_string(),
        })?;
    if manifest.get("status").is_none() {
        return Ok(None);
    }
    let get = |key: &str| key.split('.').try_fold(&manifest, |v, k| v.get(k));
    let text = |key: &str| get(key).and_then(|v| v.as_str()).map(str::to_string);
    let number = |key: &str| get(key).and_then(serde_json::Value::as_f64);
    use Kind::*;
    let numbers: [(&'static str, &str, Kind); 16] = [
        ("Distance objective (potential x km)", "objective", Money),
        ("LP bound", "lp_bound", Money),
        ("Gap to the LP bound", "gap_pct", PercentPoints),
        (
            "Potential tolerance",
            "config.balance.potential_tolerance",
            Fraction,
        ),
        (
            "Workload tolerance",
            "config.balance.workload_tolerance",
            Fraction,
        ),
        (
            "Largest potential deviation",
            "balance.after.max_abs_potential_dev_pct",
            PercentPoints,
        ),
        (
            "Largest workload deviation",
            "balance.after.max_abs_workload_dev_pct",
            PercentPoints,
        ),
        (
            "Reps outside tolerance",
            "balance.after.reps_outside_tolerance",
            Count,
        ),
        ("Accounts moved", "counts.moved", Count),
        ("Potential moved", "counts.moved_potential", Money),
        ("Total potential", "counts.total_potential", Money),
        ("Quota: sales target", "quota.sales_target", Money),
        ("Quota: top-down total", "quota.top_down_total", Money),
        ("Quota: bottom-up total", "quota.bottom_up_total", Money),
        ("Quota: reconciliation gap", "quota.gap", Money),
        (
            "Quota: reconciliation gap %",
            "quota.gap_pct",
            PercentPoints,
        ),
    ];
    let mut rows = vec![SummaryRow {
        label: "Status",
        value: SummaryValue::Text(text("status").unwrap_or_default()),
    }];
    if let Some(solver) = text("solver").or_else(|| text("solver.name")) {
        rows.push(SummaryRow {
            label: "Solver",
            value: SummaryValue::Text(solver),
        });
    }
    for (label, key, kind) in numbers {
        if let Some(x) = number(key) {
            rows.push(SummaryRow {
                label,
                value: SummaryValue::Number(x, kind),
            });
        }
    }
    rows.push(SummaryRow {
        label: "tplan version",
        value: SummaryValue::Text(text("tplan_version").unwrap_or_default()),
    });
    Ok(Some(rows))
}

/// The Summary sheet: headline figures, then the comparison table of
/// status quo, nearest rep and the plan.
fn write_summary(
    sheet: &mut Worksheet,
    rows: &[SummaryRow],
    comparison: Option<CsvTable>,
    formats: &Formats,
) -> Result<(), WorkbookError> {
    write_header(sheet, &["figure".to_string(), "value".to_string()], formats)?;
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        sheet.write_string_with_format(r, 0, row.label, &formats.label)?;
        match &row.value {
            SummaryValue::Text(t) => {
                sheet.write_string(r, 1, t)?;
            }
            SummaryValue::Number(x, kind) => match formats.number(*kind, false) {
                Some(f) => {
                    sheet.write_number_with_format(r, 1, kind.cell_value(*x), f)?;
                }
                None => {
                    sheet.write_number(r, 1, *x)?;
                }
            },
        }
    }
    let mut widths = vec![36usize, 18];
    if let Some(table) = comparison {
        let top = rows.len() as u32 + 3;
        for (c, h) in table.header.iter().enumerate() {
            sheet.write_string_with_format(top, c as u16, h, &formats.header)?;
        }
        for (r, row) in table.rows.iter().enumerate() {
            for (c, text) in row.iter().enumerate() {
                let kind = table
                    .header
                    .get(c)
                    .map_or(Kind::Text, |h| column_kind(COMPARISON_FILE, h));
                write_cell(
                    sheet,
                    (top + 1 + r as u32, c as u16),
                    text,
                    kind,
                    false,
                    formats,
                )?;
            }
        }
        for (c, h) in table.header.iter().enumerate() {
            let w = (h.chars().count() + 2).clamp(MIN_WIDTH, MAX_WIDTH);
            match widths.get_mut(c) {
                Some(existing) => *existing = (*existing).max(w),
                None => widths.push(w),
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(c as u16, *w as f64)?;
    }
    Ok(())
}

/// quotas.csv turned to one row per rep and month with one column per
/// quota component, in the order the CSV has them.
#[derive(Debug, Clone, PartialEq)]
pub struct QuotaPivot {
    /// Components in order of first appearance.
    pub components: Vec<String>,
    pub rows: Vec<QuotaPivotRow>,
}

/// One rep and month of the pivot.
#[derive(Debug, Clone, PartialEq)]
pub struct QuotaPivotRow {
    pub rep_id: String,
    pub month: String,
    pub fiscal_quarter: String,
    /// Ramp factor as written in the CSV.
    pub ramp_factor: String,
    /// Amount per component as written (empty when the CSV has no row).
    pub amounts: Vec<String>,
}

impl QuotaPivotRow {
    /// True when the rep is ramping (below full quota) in this month.
    pub fn in_ramp(&self) -> bool {
        self.ramp_factor.parse::<f64>().is_ok_and(|f| f < 1.0)
    }
}

/// Header of the Quotas sheet before the component columns.
pub const QUOTA_PIVOT_KEYS: [&str; 4] = ["rep_id", "month", "fiscal_quarter", "ramp_factor"];
/// Last column of the Quotas sheet: the sum of the components.
pub const QUOTA_PIVOT_TOTAL: &str = "total";

impl QuotaPivot {
    /// Pivot `table` (quotas.csv, read from `path`).
    pub fn of(path: &Path, table: &CsvTable) -> Result<QuotaPivot, WorkbookError> {
        let col = |name: &str| {
            table.column(name).ok_or_else(|| WorkbookError::Malformed {
                path: path.to_path_buf(),
                line: Some(1),
                message: format!("no column '{name}'"),
            })
        };
        let (rep, component, month, amount, ramp, quarter) = (
            col("rep_id")?,
            col("component")?,
            col("month")?,
            col("amount")?,
            col("ramp_factor")?,
            col("fiscal_quarter")?,
        );
        let cell = |row: &Vec<String>, c: usize| row.get(c).cloned().unwrap_or_default();
        let mut components: Vec<String> = Vec::new();
        let mut index: BTreeMap<(String, String), usize> = BTreeMap::new();
        let mut cells: Vec<(QuotaPivotRow, BTreeMap<usize, String>)> = Vec::new();
        for row in &table.rows {
            let name = cell(row, component);
            let k = match components.iter().position(|c| *c == name) {
                Some(k) => k,
                None => {
                    components.push(name);
                    components.len() - 1
                }
            };
            let key = (cell(row, rep), cell(row, month));
            let at = *index.entry(key.clone()).or_insert_with(|| {
                cells.push((
                    QuotaPivotRow {
                        rep_id: key.0.clone(),
                        month: key.1.clone(),
                        fiscal_quarter: cell(row, quarter),
                        ramp_factor: cell(row, ramp),
                        amounts: Vec::new(),
                    },
                    BTreeMap::new(),
                ));
                cells.len() - 1
            });
            cells[at].1.insert(k, cell(row, amount));
        }
        // Rows by rep, then month (the CSV is by rep, component, month).
        cells.sort_by(|a, b| (&a.0.rep_id, &a.0.month).cmp(&(&b.0.rep_id, &b.0.month)));
        let rows = cells
            .into_iter()
            .map(|(mut row, amounts)| {
                row.amounts = (0..components.len())
                    .map(|k| amounts.get(&k).cloned().unwrap_or_default())
                    .collect();
                row
            })
            .collect();
        Ok(QuotaPivot { components, rows })
    }

    /// Header of the sheet.
    pub fn header(&self) -> Vec<String> {
        QUOTA_PIVOT_KEYS
            .iter()
            .map(|s| s.to_string())
            .chain(self.components.iter().cloned())
            .chain(std::iter::once(QUOTA_PIVOT_TOTAL.to_string()))
            .collect()
    }
}

/// The Quotas sheet: rep x month, components as columns and their total,
/// months in ramp shaded.
fn write_quota_pivot(
    sheet: &mut Worksheet,
    pivot: &QuotaPivot,
    formats: &Formats,
) -> Result<(), WorkbookError> {
    let header = pivot.header();
    write_header(sheet, &header, formats)?;
    sheet.set_freeze_panes(1, 2)?;
    let mut texts: Vec<Vec<String>> = Vec::with_capacity(pivot.rows.len());
    for (r, row) in pivot.rows.iter().enumerate() {
        let ramp = row.in_ramp();
        let at = |c: usize| (r as u32 + 1, c as u16);
        write_cell(sheet, at(0), &row.rep_id, Kind::Text, ramp, formats)?;
        write_cell(sheet, at(1), &row.month, Kind::Text, ramp, formats)?;
        write_cell(
            sheet,
            at(2),
            &row.fiscal_quarter,
            Kind::Count,
            ramp,
            formats,
        )?;
        write_cell(
            sheet,
            at(3),
            &row.ramp_factor,
            Kind::Fraction,
            ramp,
            formats,
        )?;
        let mut total = 0.0;
        for (k, amount) in row.amounts.iter().enumerate() {
            write_cell(sheet, at(4 + k), amount, Kind::Money, ramp, formats)?;
            total += amount.parse::<f64>().unwrap_or(0.0);
        }
        let total_text = format!("{total}");
        write_cell(
            sheet,
            at(4 + row.amounts.len()),
            &total_text,
            Kind::Money,
            ramp,
            formats,
        )?;
        let mut line = vec![
            row.rep_id.clone(),
            row.month.clone(),
            row.fiscal_quarter.clone(),
        ];
        line.push(row.ramp_factor.clone());
        line.extend(row.amounts.iter().cloned());
        line.push(total_text);
        texts.push(line);
    }
    set_widths(sheet, &header, &texts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(files: &[(&str, &str)]) -> Sources {
        Sources {
            dir: PathBuf::from("out"),
            files: files
                .iter()
                .map(|(n, b)| (n.to_string(), b.as_bytes().to_vec()))
                .collect(),
        }
    }

    #[test]
    fn percent_point_columns_hold_the_fraction() {
        assert_eq!(
            column_kind(TERRITORIES_FILE, "potential_dev_pct"),
            Kind::PercentPoints
        );
        assert_eq!(Kind::PercentPoints.cell_value(5.0), 0.05);
        assert_eq!(column_kind(TERRITORIES_FILE, "rep_id"), Kind::Text);
        assert_eq!(column_kind(ASSIGNMENTS_FILE, "city"), Kind::Text);
    }

    #[test]
    fn quotas_pivot_by_rep_and_month_with_components_as_columns() {
        let csv = "rep_id,component,month,amount,ramp_factor,fiscal_quarter\n\
                   R1,new_business,2027-02,10,0.5000,1\n\
                   R1,new_business,2027-01,0,0.0000,1\n\
                   R1,expansion,2027-01,4,0.0000,1\n\
                   R1,expansion,2027-02,6,0.5000,1\n";
        let table = CsvTable::parse(Path::new("quotas.csv"), csv.as_bytes()).unwrap();
        let pivot = QuotaPivot::of(Path::new("quotas.csv"), &table).unwrap();
        assert_eq!(pivot.components, ["new_business", "expansion"]);
        assert_eq!(pivot.rows.len(), 2);
        assert_eq!(pivot.rows[0].month, "2027-01");
        assert_eq!(pivot.rows[0].amounts, ["0", "4"]);
        assert_eq!(pivot.rows[1].amounts, ["10", "6"]);
        assert!(pivot.rows[1].in_ramp());
        assert_eq!(
            pivot.header(),
            [
                "rep_id",
                "month",
                "fiscal_quarter",
                "ramp_factor",
                "new_business",
                "expansion",
                "total"
            ]
        );
    }

    #[test]
    fn a_quotas_file_without_its_columns_is_an_error_naming_it() {
        let table = CsvTable::parse(Path::new("q.csv"), b"rep_id,month\nR1,2027-01\n").unwrap();
        let err = QuotaPivot::of(Path::new("out/quotas.csv"), &table).unwrap_err();
        assert!(
            err.to_string()
                .contains("out/quotas.csv:1: no column 'component'"),
            "{err}"
        );
    }

    #[test]
    fn a_table_longer_than_a_sheet_keeps_a_row_for_the_note() {
        assert_eq!(rows_shown(10, 11), 10);
        assert_eq!(rows_shown(11, 11), 9);
        assert_eq!(rows_shown(2_000_000, EXCEL_MAX_ROWS), EXCEL_MAX_ROWS - 2);
    }

    #[test]
    fn the_same_sources_give_the_same_bytes() {
        let s = sources(&[(
            TERRITORIES_FILE,
            "rep_id,name,potential\nR1,=HYPERLINK(\"x\"),12.50\n",
        )]);
        let a = build(&s).unwrap();
        let b = build(&s).unwrap();
        assert_eq!(a, b);
        assert!(a.starts_with(b"PK"));
    }

    #[test]
    fn a_folder_with_no_tables_still_gives_a_workbook_that_opens() {
        let bytes = build(&sources(&[])).unwrap();
        assert!(bytes.starts_with(b"PK"));
    }
}
