use chrono::NaiveDate;

/// One sales rep (or open requisition) with a home base and capacity.
#[derive(Debug, Clone, PartialEq)]
pub struct Rep {
    pub id: String,
    pub name: Option<String>,
    /// Home base, WGS84 degrees.
    pub lat: f64,
    pub lon: f64,
    /// Segments covered, sorted and de-duplicated; empty means every segment.
    pub segments: Vec<String>,
    /// FTE; 0 means the rep takes no accounts.
    pub capacity: f64,
    pub start_date: Option<NaiveDate>,
    pub manager: Option<String>,
    pub region: Option<String>,
    /// Values of the extra columns, aligned with `Dataset::rep_extra_columns`.
    pub extra: Vec<String>,
}

impl Rep {
    /// True when this rep may take an account of `segment`.
    pub fn covers(&self, segment: Option<&str>) -> bool {
        match segment {
            None => true,
            Some(s) => self.segments.is_empty() || self.segments.iter().any(|c| c == s),
        }
    }

    /// The balance-group key: reps with the same coverage are peers.
    pub fn coverage_key(&self) -> String {
        if self.segments.is_empty() {
            "*".to_string()
        } else {
            self.segments.join(";")
        }
    }
}
