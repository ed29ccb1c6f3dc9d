/// One open (or closed) deal from `deals.csv`, for grandfathering.
#[derive(Debug, Clone, PartialEq)]
pub struct Deal {
    pub id: String,
    /// Index into `Dataset::accounts`.
    pub account: usize,
    /// rep_id credited with the deal today (may be a departed rep).
    pub owner: String,
    /// Deal value in currency, >= 0.
    pub amount: f64,
    /// Stage as written (e.g. `Negotiation`, `Closed Won`).
    pub stage: String,
    /// Expected (or actual) close date.
    pub close_date: chrono::NaiveDate,
    /// Line in deals.csv.
    pub line: u64,
}

impl Deal {
    /// A deal is open unless its stage says it is closed (won or lost).
    pub fn is_open(&self) -> bool {
        !self.stage.trim().to_ascii_lowercase().starts_with("closed")
    }
}
