/// Largest workload of one account, in hours per year (about 500 FTE):
/// more is a unit or exponent typo, and beyond what the solver handles
/// reliably. Bounds the `workload` column and the `[workload]` defaults.
pub const MAX_WORKLOAD_HOURS: f64 = 1e6;

/// Where an account's workload figure came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkloadSource {
    /// The `workload` column of accounts.csv.
    Data,
    /// The segment default of the plan config (column absent or empty).
    SegmentDefault,
}

/// One account to be assigned to exactly one rep.
#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    pub id: String,
    pub name: Option<String>,
    /// WGS84 degrees.
    pub lat: f64,
    pub lon: f64,
    /// Annual opportunity in currency, >= 0.
    pub potential: f64,
    /// Hours per year to work the account, resolved (never missing).
    pub workload: f64,
    pub workload_source: WorkloadSource,
    /// Segment code as written in the data (e.g. SMB, MM, ENT), if any.
    pub segment: Option<String>,
    pub industry: Option<String>,
    /// rep_id of today's owner.
    pub current_owner: Option<String>,
    /// Must stay with `current_owner` (named account).
    pub locked: bool,
    pub bookings_last_year: Option<f64>,
    pub pipeline: Option<f64>,
    /// Values of the extra columns, aligned with `Dataset::account_extra_columns`.
    pub extra: Vec<String>,
}
