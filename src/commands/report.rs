//! `tplan report OUT`: redraw the charts, review page, GeoJSON, CRM
//! exports and plan.xlsx of an existing output folder without solving
//! again.
//!
//! The folder must be a tplan output folder (a manifest written by tplan);
//! anything else is refused before a byte is written. Each file is
//! replaced atomically (temporary file, then rename), and the manifest's
//! `outputs` list is updated last to name every file with its new hash
//! (its other keys, timings included, are left as the plan wrote them).

use std::fs;
use std::path::Path;
use std::time::Instant;

use serde_json::Value;

use crate::output::in_place::replace_file;
use crate::output::{workbook, ManifestFile, MANIFEST_FILE, WORKBOOK_FILE};
use crate::progress::Progress;
use crate::report::{self, ReportError};
use crate::Result;

/// The report files of a staged plan folder, for `plan` and `rebalance`
/// to hand to the folder writer ([`crate::output::ReportBuilder`]).
pub(crate) fn build_plan_report(dir: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    Ok(report::build_from_dir(dir)?)
}

/// Regenerate the report files of the output folder `dir`; prints one line
/// per file and the time taken on stdout.
pub fn run(dir: &Path) -> Result<()> {
    let started = Instant::now();
    let progress = Progress::stderr(started);
    progress.phase("drawing the report");
    let mut files = report::build_from_dir(dir)?;
    progress.phase("writing the workbook");
    files.push((WORKBOOK_FILE.to_string(), workbook::from_dir(dir)?));
    let built = started.elapsed().as_secs_f64();
    progress.phase("replacing the files");
    let mut written = Vec::with_capacity(files.len());
    for (name, bytes) in &files {
        written.push(replace_file(dir, name, bytes)?);
    }
    update_manifest(dir, &written, None)?;
    progress.finish();
    for f in &written {
        println!("{:>12} bytes  {}", f.bytes, f.path);
    }
    println!(
        "tplan report: {} files in {} (drawn in {:.2} s, {:.2} s in all)",
        written.len(),
        dir.display(),
        built,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Replace the manifest's entries for `written` (appended in their order
/// after the entries for other files, as `tplan plan` lists them) and,
/// when given, set one top-level section (`tplan review` adds `review`).
pub(crate) fn update_manifest(
    dir: &Path,
    written: &[ManifestFile],
    section: Option<(&str, Value)>,
) -> Result<()> {
    let path = dir.join(MANIFEST_FILE);
    let malformed = |message: String| ReportError::Malformed {
        path: path.clone(),
        line: None,
        message,
    };
    let text = fs::read_to_string(&path).map_err(|e| crate::Error::io(&path, e))?;
    let mut manifest: Value = serde_json::from_str(&text).map_err(|e| malformed(e.to_string()))?;
    let outputs = manifest
        .get_mut("outputs")
        .and_then(Value::as_array_mut)
        .ok_or_else(|| malformed("no 'outputs' list".to_string()))?;
    outputs.retain(|o| {
        let p = o.get("path").and_then(Value::as_str).unwrap_or("");
        !written.iter().any(|w| w.path == p)
    });
    for w in written {
        outputs.push(serde_json::to_value(w).map_err(|e| malformed(e.to_string()))?);
    }
    if let Some((key, value)) = section {
        let map = manifest
            .as_object_mut()
            .ok_or_else(|| malformed("not a JSON object".to_string()))?;
        map.insert(key.to_string(), value);
    }
    let mut json = serde_json::to_string_pretty(&manifest).map_err(|e| malformed(e.to_string()))?;
    json.push('\n');
    replace_file(dir, MANIFEST_FILE, json.as_bytes())?;
    Ok(())
}
