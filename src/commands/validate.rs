//! `tplan validate DIR`: read every input, report all problems and warnings.
//!
//! Problems come back as `Error::Input` (main prints them and exits 1).
//! On success a short summary goes to stdout, so a planner can see at a
//! glance that the folder holds what they think it holds, and warnings go
//! to stderr.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use crate::error::MAX_LISTED_PROBLEMS;
use crate::io::{load_dataset_with_sheet, thousands, Loaded};
use crate::model::Dataset;
use crate::Result;

/// Validate the input folder; prints a report on stdout, warnings on stderr.
pub fn run(dir: &Path, config: Option<&Path>, sheet: Option<&str>) -> Result<()> {
    let loaded = load_dataset_with_sheet(dir, config, sheet)?;
    print_warnings(&loaded);
    print!("{}", summary(dir, &loaded));
    Ok(())
}

fn print_warnings(loaded: &Loaded) {
    for w in loaded.warnings.iter().take(MAX_LISTED_PROBLEMS) {
        eprintln!("warning: {w}");
    }
    let more = loaded.warnings.len().saturating_sub(MAX_LISTED_PROBLEMS);
    if more > 0 {
        eprintln!("warning: ... and {more} more warnings");
    }
}

/// Accounts, potential and covering capacity of one account segment.
#[derive(Default)]
struct SegmentLine {
    accounts: usize,
    potential: f64,
    reps: usize,
    fte: f64,
}

/// The stdout report: counts, a table by segment, locks, owners, inputs.
pub fn summary(dir: &Path, loaded: &Loaded) -> String {
    let d = &loaded.dataset;
    let mut out = String::new();
    let total_fte: f64 = d.reps.iter().map(|r| r.capacity).sum();
    let locked = d.accounts.iter().filter(|a| a.locked).count();
    let owned = d
        .accounts
        .iter()
        .filter(|a| a.current_owner.is_some())
        .count();
    let _ = writeln!(out, "{}: valid", dir.display());
    let _ = writeln!(
        out,
        "  {} accounts, {} reps ({} FTE), {} warning{}",
        d.accounts.len(),
        d.reps.len(),
        fte(total_fte),
        loaded.warnings.len(),
        if loaded.warnings.len() == 1 { "" } else { "s" }
    );
    let _ = writeln!(
        out,
        "  {locked} locked account{}; {owned} of {} accounts have a current owner",
        if locked == 1 { "" } else { "s" },
        d.accounts.len()
    );
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "  {:<12} {:>9} {:>18} {:>6} {:>7}",
        "segment", "accounts", "potential", "reps", "FTE"
    );
    for (segment, line) in segment_lines(d) {
        let _ = writeln!(
            out,
            "  {:<12} {:>9} {:>18} {:>6} {:>7}",
            segment,
            line.accounts,
            thousands(line.potential),
            line.reps,
            fte(line.fte)
        );
    }
    for line in rule_lines(d) {
        let _ = writeln!(out, "  {line}");
    }
    let _ = writeln!(out);
    for input in &loaded.inputs {
        let _ = writeln!(
            out,
            "  read {} ({} bytes, sha256 {})",
            input.path, input.bytes, input.sha256
        );
    }
    out
}

/// One line per territory rule of the config, saying what it resolved to
/// in this data (a rule that picks nobody or matches nothing shows it).
fn rule_lines(d: &Dataset) -> Vec<String> {
    let rules = &d.rules;
    let mut lines = Vec::new();
    for list in &d.config.named {
        lines.push(format!(
            "rule {}: named list, {} account(s) pinned to {}",
            list.name,
            list.accounts.len(),
            list.rep
        ));
    }
    for r in &rules.restrictions {
        let allowed = r
            .allowed
            .as_ref()
            .map(|a| format!(", {} account(s) match", a.iter().filter(|&&x| x).count()))
            .unwrap_or_default();
        let radius = r
            .radius_km
            .map(|k| format!(", within {k} km of home"))
            .unwrap_or_default();
        lines.push(format!(
            "rule {}: restriction on {} rep(s){allowed}{radius}",
            r.name,
            r.reps.len()
        ));
    }
    for p in &rules.preferences {
        lines.push(format!(
            "rule {}: preference for {} rep(s), {} matching account(s) count {} km closer",
            p.name,
            p.reps.len(),
            p.matches.iter().filter(|&&x| x).count(),
            p.bonus_km
        ));
    }
    for l in &d.config.limits {
        let reps = rules
            .limits
            .iter()
            .filter(|x| {
                [&x.max_accounts, &x.max_workload_hours, &x.max_distance_km]
                    .iter()
                    .any(|m| m.as_ref().is_some_and(|m| m.rule == l.name))
            })
            .count();
        lines.push(format!("rule {}: limits on {reps} rep(s)", l.name));
    }
    for share in &d.config.segment_share {
        let split: Vec<&str> = rules
            .shares
            .iter()
            .zip(&d.reps)
            .filter(|(s, _)| s.as_ref().is_some_and(|s| s.rule == share.name))
            .map(|(_, rep)| rep.id.as_str())
            .collect();
        let parts: Vec<String> = share
            .shares
            .iter()
            .map(|(segment, f)| format!("{segment} {}", crate::output::format::share_pct(*f)))
            .collect();
        lines.push(format!(
            "rule {}: segment shares {} for {} rep(s) ({})",
            share.name,
            parts.join(" / "),
            split.len(),
            split.join(", ")
        ));
    }
    lines
}

/// One line per account segment ("(none)" for accounts without one), with
/// the reps (capacity > 0) that may take it.
fn segment_lines(d: &Dataset) -> BTreeMap<String, SegmentLine> {
    let mut lines: BTreeMap<String, SegmentLine> = BTreeMap::new();
    let mut keys: BTreeMap<String, Option<String>> = BTreeMap::new();
    for a in &d.accounts {
        let key = a.segment.clone().unwrap_or_else(|| "(none)".to_string());
        keys.entry(key.clone()).or_insert_with(|| a.segment.clone());
        let line = lines.entry(key).or_default();
        line.accounts += 1;
        line.potential += a.potential;
    }
    for (key, segment) in keys {
        let covering = d
            .reps
            .iter()
            .filter(|r| r.capacity > 0.0 && r.covers(segment.as_deref()));
        if let Some(line) = lines.get_mut(&key) {
            for r in covering {
                line.reps += 1;
                line.fte += r.capacity;
            }
        }
    }
    lines
}

/// FTE with at most two decimals and no trailing zeros: 23.5, 1, 0.33.
fn fte(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}
