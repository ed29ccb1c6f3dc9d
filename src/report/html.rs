//! `report.html`: one self-contained review page.
//!
//! Everything is inline: the charts as SVG, the style sheet, and a few
//! lines of script that make tables sortable by clicking a header (the
//! tables read fine without it). Nothing is loaded from the network, so the
//! page opens from a USB stick on a plane. Sections come in a fixed order;
//! optional sections (quotas, scenarios) appear only when their files are
//! in the output folder.

use std::fmt::Write as _;

use super::palette::{hex, rep_colour};
use super::Section;
use crate::output::folder::PlanFolder;
use crate::output::format::{fixed, signed, thousands};

/// Most moves listed in the page (largest potential first); the rest are
/// in assignments.csv.
pub const MAX_MOVES_LISTED: usize = 2_000;

/// Escape text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// An SVG document as an inline element (the XML declaration, if any,
/// dropped) inside a figure with a caption and links to the files.
pub fn figure(svg: &[u8], stem: &str, caption: &str) -> String {
    let text = String::from_utf8_lossy(svg);
    let start = text.find("<svg").unwrap_or(0);
    format!(
        "<figure>{}<figcaption>{} <a href=\"{stem}.png\">PNG</a> · <a href=\"{stem}.svg\">SVG</a></figcaption></figure>\n",
        &text[start..],
        escape(caption)
    )
}

/// A table cell with a number: the shown text plus a raw sort key.
pub fn num_cell(shown: &str, key: f64) -> String {
    format!(
        "<td class=\"n\" data-k=\"{}\">{}</td>",
        fixed(key, 6),
        escape(shown)
    )
}

/// A table cell with text.
pub fn text_cell(s: &str) -> String {
    format!("<td>{}</td>", escape(s))
}

/// A sortable table from a header and pre-rendered rows.
pub fn table(headers: &[&str], rows: &[String]) -> String {
    let mut s = String::from("<div class=\"scroll\"><table class=\"sortable\"><thead><tr>");
    for h in headers {
        let _ = write!(s, "<th>{}</th>", escape(h));
    }
    s.push_str("</tr></thead><tbody>\n");
    for r in rows {
        let _ = writeln!(s, "<tr>{r}</tr>");
    }
    s.push_str("</tbody></table></div>\n");
    s
}

fn pct(x: f64) -> String {
    format!("{} %", fixed(x, 2))
}

/// The headline figures.
pub fn summary_section(folder: &PlanFolder) -> Section {
    let s = &folder.summary;
    let mut rows: Vec<(String, String, String)> = Vec::new();
    let before = s.before.as_ref();
    let or_dash = |x: Option<String>| x.unwrap_or_else(|| "–".to_string());
    rows.push((
        "max |potential deviation|".into(),
        or_dash(before.map(|b| pct(b.max_abs_potential_dev_pct))),
        pct(s.after.max_abs_potential_dev_pct),
    ));
    rows.push((
        "max |workload deviation|".into(),
        or_dash(before.map(|b| pct(b.max_abs_workload_dev_pct))),
        pct(s.after.max_abs_workload_dev_pct),
    ));
    rows.push((
        "reps outside tolerance".into(),
        or_dash(before.map(|b| format!("{} of {}", b.reps_outside_tolerance, folder.reps.len()))),
        format!(
            "{} of {}",
            s.after.reps_outside_tolerance,
            folder.reps.len()
        ),
    ));
    rows.push((
        "potential × km (lower is more compact)".into(),
        or_dash(s.objective_before.map(thousands)),
        thousands(s.objective),
    ));
    let mut html = String::new();
    let status_class = if s.status == "Balanced" { "ok" } else { "bad" };
    let _ = writeln!(
        html,
        "<p class=\"status {status_class}\">Status: <b>{}</b> (tolerance ±{} % potential, ±{} % workload of each rep's fair share)</p>",
        escape(&s.status),
        fixed(s.potential_tolerance * 100.0, 1),
        fixed(s.workload_tolerance * 100.0, 1)
    );
    let _ = writeln!(
        html,
        "<ul class=\"cards\"><li><b>{}</b> accounts</li><li><b>{}</b> territories</li>\
         <li><b>{}</b> potential</li><li><b>{}</b> accounts moved ({} potential)</li>\
         <li>LP bound {}, gap <b>{}</b></li></ul>",
        thousands(folder.accounts.len() as f64),
        thousands(folder.reps.len() as f64),
        thousands(s.total_potential),
        thousands(s.moved as f64),
        thousands(s.moved_potential),
        thousands(s.lp_bound),
        pct(s.gap_pct)
    );
    html.push_str("<table class=\"figures\"><thead><tr><th></th><th>before (current owners)</th><th>after (plan)</th></tr></thead><tbody>\n");
    for (label, b, a) in rows {
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            escape(&label),
            escape(&b),
            escape(&a)
        );
    }
    html.push_str("</tbody></table>\n");
    Section {
        id: "summary",
        title: "Summary".into(),
        html,
    }
}

/// One row per territory.
pub fn territories_section(folder: &PlanFolder) -> Section {
    let rows: Vec<String> = folder
        .reps
        .iter()
        .enumerate()
        .map(|(i, r)| {
            [
                format!(
                    "<td><span class=\"sw\" style=\"background:{}\"></span>{}</td>",
                    hex(rep_colour(i)),
                    escape(&r.id)
                ),
                text_cell(&r.name),
                text_cell(&r.region),
                text_cell(&r.group),
                num_cell(&fixed(r.capacity, 2), r.capacity),
                num_cell(&thousands(r.accounts as f64), r.accounts as f64),
                num_cell(&thousands(r.potential), r.potential),
                num_cell(&signed(r.potential_dev_pct, 2), r.potential_dev_pct),
                num_cell(&thousands(r.workload), r.workload),
                num_cell(&signed(r.workload_dev_pct, 2), r.workload_dev_pct),
                text_cell(if r.within_tolerance { "yes" } else { "NO" }),
                num_cell(&fixed(r.mean_distance_km, 1), r.mean_distance_km),
                num_cell(&fixed(r.max_distance_km, 1), r.max_distance_km),
            ]
            .concat()
        })
        .collect();
    Section {
        id: "territories",
        title: "Territories".into(),
        html: table(
            &[
                "rep",
                "name",
                "region",
                "group",
                "FTE",
                "accounts",
                "potential",
                "potential dev %",
                "workload h",
                "workload dev %",
                "within tolerance",
                "mean km",
                "max km",
            ],
            &rows,
        ),
    }
}

/// Accounts that change owner, largest potential first.
pub fn moves_section(folder: &PlanFolder) -> Section {
    let mut moved: Vec<usize> = (0..folder.accounts.len())
        .filter(|&i| folder.accounts[i].moved)
        .collect();
    moved.sort_by(|&a, &b| {
        let (a, b) = (&folder.accounts[a], &folder.accounts[b]);
        b.potential.total_cmp(&a.potential).then(a.id.cmp(&b.id))
    });
    let total = moved.len();
    let rows: Vec<String> = moved
        .iter()
        .take(MAX_MOVES_LISTED)
        .map(|&i| {
            let a = &folder.accounts[i];
            [
                text_cell(&a.id),
                text_cell(&a.name),
                text_cell(&a.segment),
                text_cell(&a.previous_owner),
                text_cell(&a.rep_id),
                num_cell(&thousands(a.potential), a.potential),
                num_cell(&fixed(a.distance_km, 1), a.distance_km),
                text_cell(&a.reason),
            ]
            .concat()
        })
        .collect();
    let mut html = if total == 0 {
        "<p>No account changes owner.</p>\n".to_string()
    } else {
        format!(
            "<p>{} accounts change owner{}.</p>\n",
            thousands(total as f64),
            if total > MAX_MOVES_LISTED {
                format!(
                    "; the {} with the largest potential are listed, every one is in assignments.csv",
                    thousands(MAX_MOVES_LISTED as f64)
                )
            } else {
                String::new()
            }
        )
    };
    if total > 0 {
        html.push_str(&table(
            &[
                "account",
                "name",
                "segment",
                "from",
                "to",
                "potential",
                "km to new rep",
                "reason",
            ],
            &rows,
        ));
    }
    Section {
        id: "moves",
        title: "Moves".into(),
        html,
    }
}

const STYLE: &str = "body{font-family:DejaVu Sans,Verdana,Arial,sans-serif;margin:0 auto;max-width:1440px;padding:0 16px;color:#222}\
h1{margin-bottom:4px}nav a{margin-right:12px}section{margin:28px 0}\
figure{margin:0}figure svg{max-width:100%;height:auto;border:1px solid #ddd}figcaption{color:#555;font-size:90%}\
table{border-collapse:collapse;font-size:13px}th,td{border-bottom:1px solid #ddd;padding:3px 8px;text-align:left}\
td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f3f3f3;position:sticky;top:0}\
table.sortable th{cursor:pointer}.scroll{max-height:640px;overflow:auto}\
.sw{display:inline-block;width:11px;height:11px;margin-right:6px;vertical-align:middle}\
.cards{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:10px}.cards li{background:#f3f6fa;padding:8px 12px;border-radius:4px}\
.status.ok b{color:#1a7f37}.status.bad b{color:#c62828}footer{color:#777;font-size:85%;margin:30px 0}";

/// Click a header to sort by it; numbers sort by their `data-k` key.
const SCRIPT: &str = "document.querySelectorAll('table.sortable th').forEach(function(th){\
th.addEventListener('click',function(){var t=th.closest('table'),b=t.tBodies[0],i=th.cellIndex,\
d=th.dataset.d==='a'?'d':'a';th.dataset.d=d;var r=Array.prototype.slice.call(b.rows);\
r.sort(function(x,y){var p=x.cells[i],q=y.cells[i],a=p.dataset.k,c=q.dataset.k;\
var v=(a!==undefined&&c!==undefined)?(parseFloat(a)-parseFloat(c)):p.textContent.localeCompare(q.textContent);\
return d==='a'?v:-v;});r.forEach(function(e){b.appendChild(e);});});});";

/// The whole page.
pub fn page(folder: &PlanFolder, sections: &[Section], files: &[String]) -> String {
    let mut s = String::from("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
    let _ = writeln!(
        s,
        "<title>tplan plan review</title><style>{STYLE}</style></head><body>"
    );
    let _ = writeln!(
        s,
        "<h1>Territory plan review</h1><p>{} accounts, {} territories. Written by tplan {} from the files in this folder.</p>",
        thousands(folder.accounts.len() as f64),
        thousands(folder.reps.len() as f64),
        escape(&folder.summary.tplan_version)
    );
    s.push_str("<nav>");
    for sec in sections {
        let _ = write!(s, "<a href=\"#{}\">{}</a>", sec.id, escape(&sec.title));
    }
    s.push_str("<a href=\"#files\">Files</a></nav>\n");
    for sec in sections {
        let _ = writeln!(
            s,
            "<section id=\"{}\"><h2>{}</h2>\n{}</section>",
            sec.id,
            escape(&sec.title),
            sec.html
        );
    }
    s.push_str("<section id=\"files\"><h2>Files</h2><ul>\n");
    for f in files {
        let _ = writeln!(s, "<li><a href=\"{0}\">{0}</a></li>", escape(f));
    }
    s.push_str("</ul></section>\n<footer>Self-contained page: no network access needed. Click a table header to sort.</footer>\n");
    let _ = writeln!(s, "<script>{SCRIPT}</script></body></html>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_characters() {
        assert_eq!(
            escape("<a href=\"x\">R&D's</a>"),
            "&lt;a href=&quot;x&quot;&gt;R&amp;D&#39;s&lt;/a&gt;"
        );
    }

    #[test]
    fn figure_drops_the_xml_declaration() {
        let f = figure(
            b"<?xml version=\"1.0\"?>\n<svg width=\"1\"></svg>",
            "map",
            "Map",
        );
        assert!(f.starts_with("<figure><svg width"), "{f}");
        assert!(f.contains("href=\"map.png\""));
    }
}
