//! The report files end to end: `tplan plan` on the tiny fixture and on a
//! generated instance, `tplan report` regenerating them, `--no-report`,
//! and refusals. Checks are independent of the renderer: PNG signature and
//! IHDR size, SVG root size, GeoJSON structure and ring orientation, exact
//! CRM headers.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sha2::{Digest, Sha256};

const CHARTS: [(&str, u32, u32); 2] = [("map", 1400, 1000), ("balance", 1400, 1000)];

const EXPORTS: [(&str, &str); 6] = [
    ("exports/salesforce_account_owner.csv", "Id,OwnerId"),
    (
        "exports/Territory2.csv",
        "DeveloperName,Name,ParentTerritory2.DeveloperName,Territory2ModelId,Territory2TypeId",
    ),
    (
        "exports/ObjectTerritory2Association_insert.csv",
        "ObjectId,Territory2.DeveloperName,AssociationCause",
    ),
    (
        "exports/ObjectTerritory2Association_delete.csv",
        "ObjectId,Territory2.DeveloperName",
    ),
    (
        "exports/UserTerritory2Association.csv",
        "UserId,Territory2.DeveloperName,RoleInTerritory2",
    ),
    (
        "exports/alignment.csv",
        "account_id,current_territory,target_territory,effective_date",
    ),
];

/// Per-group maps of the tiny fixture: groups SMB, MM and ENT;MM.
const TINY_GROUPS: &[&str] = &["map_ENT_MM", "map_MM", "map_SMB"];
/// The generated instance's groups (SMB, MM, ENT and one hybrid ENT;MM).
const GENERATED_GROUPS: &[&str] = &["map_ENT", "map_ENT_MM", "map_MM", "map_SMB"];

fn tiny() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny")
}

fn tplan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tplan"))
        .args(args)
        .output()
        .expect("run tplan")
}

fn ok(o: &Output) {
    assert!(
        o.status.success(),
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

fn plan(input: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "plan",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend(extra);
    tplan(&args)
}

/// Width and height from a PNG's IHDR chunk, after checking the signature.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR", "IHDR first");
    let be = |i: usize| u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    assert!(bytes.ends_with(&[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82]));
    (be(16), be(20))
}

/// The root element's width and height of an SVG document, after checking
/// that its tags are balanced.
fn svg_size(text: &str) -> (u32, u32) {
    let start = text.find("<svg").expect("an <svg> element");
    let root_tag = &text[start..start + text[start..].find('>').unwrap()];
    let attr = |name: &str| -> u32 {
        let key = format!(" {name}=\"");
        let i = root_tag.find(&key).unwrap_or_else(|| panic!("no {name}")) + key.len();
        root_tag[i..i + root_tag[i..].find('"').unwrap()]
            .parse()
            .unwrap()
    };
    assert!(text.trim_end().ends_with("</svg>"), "closed root");
    let opened = text.matches("<svg").count();
    assert_eq!(opened, text.matches("</svg>").count());
    for tag in ["text", "g"] {
        assert_eq!(
            text.matches(&format!("<{tag}")).count() - text.matches(&format!("<{tag}/>")).count(),
            text.matches(&format!("</{tag}>")).count(),
            "<{tag}> balanced"
        );
    }
    (attr("width"), attr("height"))
}

fn signed_area(ring: &[(f64, f64)]) -> f64 {
    ring.windows(2)
        .map(|w| w[0].0 * w[1].1 - w[1].0 * w[0].1)
        .sum::<f64>()
        / 2.0
}

/// Every check on a full output folder. `group_maps` are the per-group map
/// stems expected besides the fixed charts.
fn check_folder(out: &Path, accounts: usize, reps: usize, group_maps: &[&str]) {
    let charts: Vec<(String, u32, u32)> = CHARTS
        .iter()
        .map(|&(s, w, h)| (s.to_string(), w, h))
        .chain(group_maps.iter().map(|s| (s.to_string(), 1400, 1000)))
        .collect();
    for (stem, w, h) in charts.iter().cloned() {
        let png = fs::read(out.join(format!("{stem}.png"))).unwrap();
        assert_eq!(png_size(&png), (w, h), "{stem}.png");
        let svg = fs::read_to_string(out.join(format!("{stem}.svg"))).unwrap();
        assert_eq!(svg_size(&svg), (w, h), "{stem}.svg");
    }

    let page = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert_eq!(page.matches("<svg").count(), charts.len(), "charts inline");
    for remote in ["https://", "src=\"", "<link", "@import", "url("] {
        assert!(!page.contains(remote), "page loads {remote}");
    }

    let geo: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("territories.geojson")).unwrap())
            .unwrap();
    assert_eq!(geo["type"], "FeatureCollection");
    let features = geo["features"].as_array().unwrap();
    let count = |k: &str| {
        features
            .iter()
            .filter(|f| f["properties"]["kind"] == k)
            .count()
    };
    assert_eq!(count("account"), accounts);
    assert_eq!(count("territory"), reps);
    let mut polygons = 0;
    for f in features {
        let g = &f["geometry"];
        let rings: Vec<&serde_json::Value> = match g["type"].as_str() {
            Some("Polygon") => vec![&g["coordinates"][0]],
            Some("MultiPolygon") => g["coordinates"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| &p[0])
                .collect(),
            Some("Point") => {
                let c = g["coordinates"].as_array().unwrap();
                assert!(
                    c[0].as_f64().unwrap().abs() <= 180.0 && c[1].as_f64().unwrap().abs() <= 90.0
                );
                continue;
            }
            other => {
                assert!(g.is_null(), "unexpected geometry {other:?}");
                continue;
            }
        };
        for r in rings {
            polygons += 1;
            let ring: Vec<(f64, f64)> = r
                .as_array()
                .unwrap()
                .iter()
                .map(|c| (c[0].as_f64().unwrap(), c[1].as_f64().unwrap()))
                .collect();
            assert!(ring.len() >= 4, "{ring:?}");
            assert_eq!(ring.first(), ring.last(), "closed ring");
            assert!(signed_area(&ring) > 0.0, "counter-clockwise exterior");
        }
    }
    assert!(polygons >= 1);
    // At most 7 decimals anywhere in a coordinate.
    let text = fs::read_to_string(out.join("territories.geojson")).unwrap();
    for part in text.split("\"coordinates\":").skip(1) {
        let coords = &part[..part.find('}').unwrap()];
        for number in coords.split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-')) {
            if let Some((_, decimals)) = number.split_once('.') {
                assert!(decimals.len() <= 7, "{number}");
            }
        }
    }

    for (file, header) in EXPORTS {
        let bytes = fs::read(out.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(!bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "{file}: BOM");
        assert!(!bytes.contains(&b'\r'), "{file}: CR");
        let text = String::from_utf8(bytes).expect("UTF-8");
        assert_eq!(text.lines().next(), Some(header), "{file} header");
    }

    // The manifest lists every file with its hash.
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let outputs = manifest["outputs"].as_array().unwrap();
    let mut listed: Vec<&str> = outputs
        .iter()
        .map(|o| o["path"].as_str().unwrap())
        .collect();
    for o in outputs {
        let path = o["path"].as_str().unwrap();
        let bytes = fs::read(out.join(path)).unwrap();
        assert_eq!(
            o["sha256"].as_str().unwrap(),
            format!("{:x}", Sha256::digest(&bytes)),
            "{path}"
        );
    }
    listed.sort();
    let mut expected: Vec<String> = vec![
        "assignments.csv".into(),
        "territories.csv".into(),
        "report.html".into(),
        "territories.geojson".into(),
        "plan.xlsx".into(),
    ];
    for (stem, _, _) in &charts {
        expected.push(format!("{stem}.png"));
        expected.push(format!("{stem}.svg"));
    }
    expected.extend(EXPORTS.iter().map(|(f, _)| f.to_string()));
    // Both instances have reps with regions and managers.
    expected.extend(["comparison.csv".into(), "hierarchy.csv".into()]);
    expected.sort();
    assert_eq!(listed, expected);
}

#[test]
fn plan_writes_every_report_file() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    ok(&plan(&tiny(), &out, &[]));
    check_folder(&out, 12, 4, TINY_GROUPS);
    // Ids kept as text and owner changes only in the owner update.
    let owner = fs::read_to_string(out.join("exports/salesforce_account_owner.csv")).unwrap();
    let assignments = fs::read_to_string(out.join("assignments.csv")).unwrap();
    let changed = assignments
        .lines()
        .skip(1)
        .filter(|l| {
            let f: Vec<&str> = l.split(',').collect();
            f[1] != f[3]
        })
        .count();
    assert_eq!(owner.lines().count() - 1, changed);
}

#[test]
fn report_regenerates_the_same_bytes_without_solving() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    ok(&plan(&tiny(), &out, &[]));
    let before: Vec<(String, Vec<u8>)> = [
        "report.html",
        "map.png",
        "map.svg",
        "balance.png",
        "territories.geojson",
        "manifest.json",
        "exports/alignment.csv",
        "plan.xlsx",
    ]
    .iter()
    .map(|f| (f.to_string(), fs::read(out.join(f)).unwrap()))
    .collect();
    fs::remove_file(out.join("map.png")).unwrap();
    fs::remove_dir_all(out.join("exports")).unwrap();
    let o = tplan(&["report", out.to_str().unwrap()]);
    ok(&o);
    assert!(String::from_utf8_lossy(&o.stdout).contains("tplan report: 19 files"));
    for (f, bytes) in before {
        assert_eq!(fs::read(out.join(&f)).unwrap(), bytes, "{f} differs");
    }
    check_folder(&out, 12, 4, TINY_GROUPS);
    let hidden: Vec<String> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(hidden.is_empty(), "temporary files left: {hidden:?}");
}

#[test]
fn no_report_writes_only_the_plan_and_report_adds_the_rest() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    ok(&plan(&tiny(), &out, &["--no-report"]));
    let mut names: Vec<String> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    // The plan's own tables (comparison and roll-up included), no report.
    assert_eq!(
        names,
        [
            "assignments.csv",
            "comparison.csv",
            "hierarchy.csv",
            "manifest.json",
            "territories.csv"
        ]
    );
    ok(&tplan(&["report", out.to_str().unwrap()]));
    check_folder(&out, 12, 4, TINY_GROUPS);
}

#[test]
fn report_refuses_folders_tplan_did_not_write() {
    let tmp = tempfile::tempdir().unwrap();
    let mine = tmp.path().join("mine");
    fs::create_dir(&mine).unwrap();
    fs::write(mine.join("notes.txt"), "keep me\n").unwrap();
    let o = tplan(&["report", mine.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a tplan output folder"));
    let names: Vec<_> = fs::read_dir(&mine).unwrap().collect();
    assert_eq!(names.len(), 1, "nothing written");

    let out = tmp.path().join("out");
    ok(&plan(&tiny(), &out, &["--no-report"]));
    fs::remove_file(out.join("territories.csv")).unwrap();
    let o = tplan(&["report", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("territories.csv: missing"), "{err}");
    assert!(!out.join("report.html").exists());
}

#[test]
fn generated_instance_report_is_complete() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("gen");
    ok(&tplan(&[
        "generate",
        "--accounts",
        "1500",
        "--reps",
        "15",
        "--seed",
        "3",
        "--out",
        input.to_str().unwrap(),
    ]));
    let out = tmp.path().join("out");
    let o = plan(&input, &out, &[]);
    // Balanced or not, a completed plan is written in full.
    assert!(
        out.join("manifest.json").is_file(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    check_folder(&out, 1500, 15, GENERATED_GROUPS);
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// `stem.png` and `stem.svg` exist with the given size.
fn check_chart(out: &Path, stem: &str, size: (u32, u32)) {
    let png =
        fs::read(out.join(format!("{stem}.png"))).unwrap_or_else(|e| panic!("{stem}.png: {e}"));
    assert_eq!(png_size(&png), size, "{stem}.png");
    let svg = fs::read_to_string(out.join(format!("{stem}.svg")))
        .unwrap_or_else(|e| panic!("{stem}.svg: {e}"));
    assert_eq!(svg_size(&svg), size, "{stem}.svg");
}

/// The body of `<section id="id">` in the page, if there is one.
fn section<'a>(page: &'a str, id: &str) -> Option<&'a str> {
    let start = page.find(&format!("<section id=\"{id}\">"))?;
    let len = page[start..].find("</section>").expect("section closed");
    Some(&page[start..start + len])
}

#[test]
fn quotas_add_their_chart_and_section_and_plans_without_quotas_do_not() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    ok(&plan(&fixture("quota_tiny"), &out, &[]));
    check_chart(&out, "quotas", (1400, 1000));
    let page = fs::read_to_string(out.join("report.html")).unwrap();
    let quotas = section(&page, "quotas").expect("a Quotas section");
    assert!(
        page.contains("<a href=\"#quotas\">Quotas</a>"),
        "in the nav"
    );
    assert_eq!(quotas.matches("<svg").count(), 1, "the chart inline");
    assert!(quotas.contains("href=\"quotas.png\""));
    assert!(quotas.contains("<table class=\"sortable\">"));
    for header in [
        "<th>final quota</th>",
        "<th>top-down</th>",
        "<th>bottom-up</th>",
    ] {
        assert!(quotas.contains(header), "{header}");
    }
    // One table row per rep of quota_summary.csv, with its final quota.
    let summary = fs::read_to_string(out.join("quota_summary.csv")).unwrap();
    let body = &quotas[quotas.find("<tbody>").unwrap()..];
    assert_eq!(body.matches("<tr>").count(), summary.lines().count() - 1);
    for line in summary.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let quota: f64 = f[3].parse().unwrap();
        assert!(
            body.contains(&format!("data-k=\"{quota:.6}\"")),
            "final quota {quota} of {}",
            f[0]
        );
    }
    // R02 starts during the year: its panel says it is ramping.
    let svg = fs::read_to_string(out.join("quotas.svg")).unwrap();
    assert!(svg.contains("R02 ·") && svg.contains("ramping"), "R02 ramp");
    assert!(section(&page, "scenarios").is_none(), "no scenarios run");
    let manifest = fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(
        manifest.contains("\"quotas.png\""),
        "listed in the manifest"
    );

    // Without a company target: no quota files, chart or section.
    let plain = tmp.path().join("plain");
    ok(&plan(&tiny(), &plain, &[]));
    assert!(!plain.join("quotas.png").exists());
    assert!(!plain.join("quotas.svg").exists());
    let page = fs::read_to_string(plain.join("report.html")).unwrap();
    assert!(section(&page, "quotas").is_none());
    assert!(!page.contains("#quotas"));
}

#[test]
fn report_after_scenarios_in_a_plan_folder_shows_the_scenarios() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let input = fixture("scen");
    ok(&plan(&input, &out, &[]));
    let page = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(section(&page, "scenarios").is_none());
    assert!(
        section(&page, "quotas").is_some(),
        "scen has a company target"
    );
    assert!(!out.join("scenarios.png").exists());

    let o = tplan(&[
        "scenarios",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    ok(&o);
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("tplan report"),
        "scenarios beside a plan point at `tplan report`"
    );
    ok(&tplan(&["report", out.to_str().unwrap()]));
    check_chart(&out, "scenarios", (1400, 1000));
    check_chart(&out, "quotas", (1400, 1000));
    let page = fs::read_to_string(out.join("report.html")).unwrap();
    let sc = section(&page, "scenarios").expect("a Scenarios section");
    assert!(page.contains("<a href=\"#scenarios\">Scenarios</a>"));
    assert_eq!(sc.matches("<svg").count(), 1);
    assert!(sc.contains("href=\"scenarios.png\""));
    // One row per scenario of scenarios.csv, by name.
    let csv = fs::read_to_string(out.join("scenarios.csv")).unwrap();
    let body = &sc[sc.find("<tbody>").unwrap()..];
    assert_eq!(body.matches("<tr>").count(), csv.lines().count() - 1);
    for line in csv.lines().skip(1) {
        let name = line.split(',').next().unwrap();
        assert!(body.contains(&format!("</span>{name}</td>")), "{name}");
    }
    // The quota section stays, before the scenarios.
    assert!(page.find("id=\"quotas\"").unwrap() < page.find("id=\"scenarios\"").unwrap());
    let svg = fs::read_to_string(out.join("scenarios.svg")).unwrap();
    assert!(svg.contains("sales target"), "target line in the legend");
    let manifest = fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"scenarios.svg\""));
}
