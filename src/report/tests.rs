//! Report tests on a hand-written output folder (no solver needed).

use std::fs;
use std::path::Path;

use super::hull::signed_area;
use super::*;
use crate::output::folder::PlanFolder;

const MANIFEST: &str = r#"{
  "tplan_version": "0.1.0",
  "config": {"fiscal_year_start_month": 2, "fiscal_year": 2027,
             "balance": {"potential_tolerance": 0.05, "workload_tolerance": 0.1}},
  "status": "Balanced", "objective": 1234.5, "lp_bound": 1200.0, "gap_pct": 2.875,
  "counts": {"moved": 2, "moved_potential": 300.0, "total_potential": 1000.0},
  "balance": {
    "before": {"max_abs_potential_dev_pct": 40.0, "max_abs_workload_dev_pct": 30.0, "reps_outside_tolerance": 2, "reps": 3},
    "after": {"max_abs_potential_dev_pct": 4.0, "max_abs_workload_dev_pct": 3.0, "reps_outside_tolerance": 0, "reps": 3},
    "objective_before": 2000.0
  },
  "outputs": []
}
"#;

const TERRITORIES: &str = "\
rep_id,name,group,capacity,accounts,potential,workload,potential_target,workload_target,potential_dev_pct,workload_dev_pct,within_tolerance,mean_distance_km,max_distance_km,region,lat,lon
R01,Ana <Chicago>,SMB,1.000,3,400.00,60.00,400.00,60.00,0.00,0.00,true,10.000,20.000,Central,41.8781,-87.6298
R02,Ben,SMB,1.000,2,400.00,60.00,400.00,60.00,0.00,0.00,true,10.000,20.000,Central,43.0389,-87.9065
R03,Kai Honolulu,SMB,0.500,1,200.00,30.00,200.00,30.00,0.00,0.00,true,10.000,20.000,,21.3069,-157.8583
";

const ASSIGNMENTS: &str = "\
account_id,rep_id,distance_km,previous_owner,moved,reason,extra_km,account_name,segment,potential,workload,lat,lon
001,R01,1.0,R01,false,nearest,,\"Acme, Inc.\",SMB,100.00,20.00,42.0,-88.0
002,R01,1.0,R02,true,balance,5.0,B & Co,SMB,150.00,20.00,41.5,-87.5
003,R01,1.0,R01,false,nearest,,C,SMB,150.00,20.00,41.0,-88.5
004,R02,1.0,R02,false,nearest,,D,SMB,200.00,30.00,43.0,-88.0
005,R02,1.0,,false,nearest,,E,SMB,200.00,30.00,43.5,-87.8
006,R03,1.0,R02,true,balance,9.0,F,SMB,200.00,30.00,21.4,-157.9
";

fn folder_at(dir: &Path) {
    fs::write(dir.join("manifest.json"), MANIFEST).unwrap();
    fs::write(dir.join("territories.csv"), TERRITORIES).unwrap();
    fs::write(dir.join("assignments.csv"), ASSIGNMENTS).unwrap();
}

fn built() -> Vec<(String, Vec<u8>)> {
    let tmp = tempfile::tempdir().unwrap();
    folder_at(tmp.path());
    build_from_dir(tmp.path()).unwrap()
}

fn file<'a>(files: &'a [(String, Vec<u8>)], name: &str) -> &'a [u8] {
    &files
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("{name} not built"))
        .1
}

#[test]
fn a_plan_without_current_owners_has_no_before() {
    let tmp = tempfile::tempdir().unwrap();
    folder_at(tmp.path());
    let fresh: String = ASSIGNMENTS
        .lines()
        .enumerate()
        .map(|(i, l)| {
            let mut f: Vec<String> = l.split(',').map(str::to_string).collect();
            if i > 0 {
                // Columns 3 and 4: previous_owner and moved (the quoted
                // name comes later, so splitting on commas is safe here).
                let k = 3;
                f[k] = String::new();
                f[k + 1] = "false".into();
            }
            f.join(",") + "\n"
        })
        .collect();
    fs::write(tmp.path().join("assignments.csv"), fresh).unwrap();
    let files = build_from_dir(tmp.path()).unwrap();
    let svg = String::from_utf8(file(&files, "balance.svg").to_vec()).unwrap();
    assert!(svg.contains("no before"), "title says there is no before");
    assert!(!svg.contains("before (current owners)"), "no before series");
    let delete =
        String::from_utf8(file(&files, "exports/ObjectTerritory2Association_delete.csv").to_vec())
            .unwrap();
    assert_eq!(
        delete, "ObjectId,Territory2.DeveloperName\n",
        "nothing to delete"
    );
    let owner =
        String::from_utf8(file(&files, "exports/salesforce_account_owner.csv").to_vec()).unwrap();
    assert_eq!(owner.lines().count(), 7, "every account gets an owner");
}

#[test]
fn group_keys_become_file_names() {
    assert_eq!(group_file_part("SMB"), "SMB");
    assert_eq!(group_file_part("ENT;MM"), "ENT_MM");
    assert_eq!(group_file_part("*"), "all");
}

#[test]
fn one_map_per_group_when_groups_differ() {
    let tmp = tempfile::tempdir().unwrap();
    folder_at(tmp.path());
    let t = TERRITORIES.replace("R02,Ben,SMB", "R02,Ben,ENT;MM");
    fs::write(tmp.path().join("territories.csv"), t).unwrap();
    let files = build_from_dir(tmp.path()).unwrap();
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    for f in [
        "map_SMB.png",
        "map_SMB.svg",
        "map_ENT_MM.png",
        "map_ENT_MM.svg",
    ] {
        assert!(names.contains(&f), "{f} missing from {names:?}");
    }
    let smb = String::from_utf8(file(&files, "map_SMB.svg").to_vec()).unwrap();
    assert!(
        smb.contains("balance group SMB: 4 accounts in 2 territories"),
        "R01 and R03 only"
    );
    assert!(
        built().iter().all(|(n, _)| !n.starts_with("map_")),
        "one group, one map"
    );
}

#[test]
fn folder_reads_back_rows_sorted_with_rep_indices() {
    let tmp = tempfile::tempdir().unwrap();
    folder_at(tmp.path());
    let f = PlanFolder::read(tmp.path()).unwrap();
    assert_eq!(f.accounts.len(), 6);
    assert_eq!(f.accounts[0].id, "001", "ids kept as text");
    assert_eq!(f.accounts[5].rep, 2);
    assert_eq!(f.summary.fiscal_year, Some(2027));
    assert!(f.has_before());
    let before = f.before_loads();
    assert_eq!(before[1], (550.0, 80.0), "R02 had 002, 004 and 006");
}

#[test]
fn missing_and_malformed_files_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    folder_at(tmp.path());
    fs::remove_file(tmp.path().join("assignments.csv")).unwrap();
    let err = build_from_dir(tmp.path()).unwrap_err().to_string();
    assert!(err.contains("assignments.csv: missing"), "{err}");

    folder_at(tmp.path());
    let bad = ASSIGNMENTS.replace("150.00,20.00,41.5", "lots,20.00,41.5");
    fs::write(tmp.path().join("assignments.csv"), bad).unwrap();
    let err = build_from_dir(tmp.path()).unwrap_err().to_string();
    assert!(
        err.contains("assignments.csv:3") && err.contains("'lots'"),
        "{err}"
    );

    folder_at(tmp.path());
    fs::write(tmp.path().join("territories.csv"), "rep_id,name\nR01,A\n").unwrap();
    let err = build_from_dir(tmp.path()).unwrap_err().to_string();
    assert!(
        err.contains("territories.csv") && err.contains("no column"),
        "{err}"
    );

    fs::write(tmp.path().join("manifest.json"), "{\"name\":\"x\"}").unwrap();
    let err = build_from_dir(tmp.path()).unwrap_err().to_string();
    assert!(err.contains("not a tplan output folder"), "{err}");
}

#[test]
fn builds_every_file_deterministically() {
    let a = built();
    let names: Vec<&str> = a.iter().map(|(n, _)| n.as_str()).collect();
    for expected in [
        "report.html",
        "map.svg",
        "map.png",
        "balance.svg",
        "balance.png",
        "territories.geojson",
        "exports/salesforce_account_owner.csv",
        "exports/Territory2.csv",
        "exports/ObjectTerritory2Association_insert.csv",
        "exports/ObjectTerritory2Association_delete.csv",
        "exports/UserTerritory2Association.csv",
        "exports/alignment.csv",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} missing from {names:?}"
        );
    }
    let b = built();
    assert_eq!(a, b, "same folder, same bytes");
}

#[test]
fn geojson_parses_with_closed_counter_clockwise_rings() {
    let files = built();
    let v: serde_json::Value = serde_json::from_slice(file(&files, "territories.geojson")).unwrap();
    assert_eq!(v["type"], "FeatureCollection");
    let features = v["features"].as_array().unwrap();
    let kinds = |k: &str| {
        features
            .iter()
            .filter(|f| f["properties"]["kind"] == k)
            .count()
    };
    assert_eq!(
        (kinds("territory"), kinds("rep_home"), kinds("account")),
        (3, 3, 6)
    );
    for f in features {
        let g = &f["geometry"];
        let polygons: Vec<&serde_json::Value> = match g["type"].as_str() {
            Some("Polygon") => vec![&g["coordinates"]],
            Some("MultiPolygon") => g["coordinates"].as_array().unwrap().iter().collect(),
            _ => continue,
        };
        for p in polygons {
            let ring: Vec<(f64, f64)> = p[0]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| (c[0].as_f64().unwrap(), c[1].as_f64().unwrap()))
                .collect();
            assert!(ring.len() >= 4);
            assert_eq!(ring.first(), ring.last(), "closed");
            assert!(signed_area(&ring) > 0.0, "counter-clockwise");
            assert!(ring
                .iter()
                .all(|&(lon, lat)| lon.abs() <= 180.0 && lat.abs() <= 90.0));
        }
    }
    // [lon, lat] order: the Honolulu account.
    let acct = features
        .iter()
        .find(|f| f["properties"]["account_id"] == "006")
        .unwrap();
    assert_eq!(acct["geometry"]["coordinates"][0].as_f64(), Some(-157.9));
}

#[test]
fn exports_have_exact_headers_and_keep_ids_as_text() {
    let files = built();
    let text = |n: &str| String::from_utf8(file(&files, n).to_vec()).unwrap();
    let owner = text("exports/salesforce_account_owner.csv");
    assert_eq!(owner, "Id,OwnerId\n002,R01\n005,R02\n006,R03\n");
    let tree = text("exports/Territory2.csv");
    assert!(tree.starts_with(
        "DeveloperName,Name,ParentTerritory2.DeveloperName,Territory2ModelId,Territory2TypeId\n\
         tplan_All_Territories,All territories,,,\n\
         Region_Central,Central,tplan_All_Territories,,\n\
         T_R01,R01 Ana <Chicago>,Region_Central,,\n"
    ), "{tree}");
    assert!(tree.contains("T_R03,R03 Kai Honolulu,tplan_All_Territories,,\n"));
    let delete = text("exports/ObjectTerritory2Association_delete.csv");
    assert_eq!(
        delete,
        "ObjectId,Territory2.DeveloperName\n002,T_R02\n006,T_R02\n"
    );
    let insert = text("exports/ObjectTerritory2Association_insert.csv");
    assert!(insert.starts_with(
        "ObjectId,Territory2.DeveloperName,AssociationCause\n002,T_R01,Territory2Manual\n"
    ));
    let align = text("exports/alignment.csv");
    assert!(align.starts_with("account_id,current_territory,target_territory,effective_date\n001,T_R01,T_R01,2027-02-01\n"), "{align}");
    assert!(align.contains("005,,T_R02,2027-02-01\n"));
    for (name, bytes) in &files {
        if name.starts_with("exports/") {
            assert!(!bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "{name}: no BOM");
            assert!(!bytes.contains(&b'\r'), "{name}: LF only");
        }
    }
}

#[test]
fn page_is_self_contained_and_escapes_names() {
    let files = built();
    let page = String::from_utf8(file(&files, "report.html").to_vec()).unwrap();
    assert!(page.contains("Ana &lt;Chicago&gt;"));
    assert!(!page.contains("Ana <Chicago>"));
    assert_eq!(page.matches("<svg").count(), 2, "map and balance inline");
    for remote in ["http://", "https://", "src=\"", "@import", "url("] {
        // The SVG namespace URI is a name, not a load.
        let hits = page.matches(remote).count();
        let ns = page.matches("xmlns=\"http://www.w3.org/2000/svg\"").count();
        let allowed = if remote == "http://" { ns } else { 0 };
        assert!(hits <= allowed, "{remote} appears {hits} times");
    }
    for section in [
        "id=\"summary\"",
        "id=\"map\"",
        "id=\"balance\"",
        "id=\"territories\"",
        "id=\"moves\"",
    ] {
        assert!(page.contains(section), "{section}");
    }
    assert!(
        page.contains("B &amp; Co"),
        "moves table lists moved accounts"
    );
}

/// A folder with `reps` reps in a grid and one account per rep.
fn many_reps_folder(dir: &Path, reps: usize) {
    fs::write(dir.join("manifest.json"), MANIFEST).unwrap();
    let mut t = TERRITORIES.lines().next().unwrap().to_string() + "\n";
    let mut a = ASSIGNMENTS.lines().next().unwrap().to_string() + "\n";
    for i in 0..reps {
        let (lat, lon) = (35.0 + (i / 10) as f64, -100.0 + (i % 10) as f64);
        t.push_str(&format!(
            "R{i:03},,SMB,1.000,1,{p}.00,10.00,100.00,10.00,0.00,0.00,true,1.000,1.000,,{lat},{lon}\n",
            p = 50 + i
        ));
        a.push_str(&format!(
            "A{i:03},R{i:03},1.0,R{j:03},false,nearest,,,SMB,{p}.00,10.00,{lat},{lon}\n",
            j = (i + 1) % reps,
            p = 50 + i
        ));
    }
    fs::write(dir.join("territories.csv"), t).unwrap();
    fs::write(dir.join("assignments.csv"), a).unwrap();
}

#[test]
fn many_reps_switch_to_ranked_curves_and_drop_the_legend() {
    let tmp = tempfile::tempdir().unwrap();
    many_reps_folder(tmp.path(), balance::MAX_LABELLED_REPS + 1);
    let files = build_from_dir(tmp.path()).unwrap();
    let svg = String::from_utf8(file(&files, "balance.svg").to_vec()).unwrap();
    assert!(svg.contains("ranked from lowest to highest"), "ranked mode");
    assert!(!svg.contains("R000"), "no per-rep labels");
    let map = String::from_utf8(file(&files, "map.svg").to_vec()).unwrap();
    assert!(map.contains("colours repeat every 20 reps"));
    assert!(!map.contains("Territory (rep)"), "legend left out");

    let few = tempfile::tempdir().unwrap();
    many_reps_folder(few.path(), 12);
    let files = build_from_dir(few.path()).unwrap();
    let svg = String::from_utf8(file(&files, "balance.svg").to_vec()).unwrap();
    assert!(svg.contains("rep (sorted by id)") && svg.contains("R011"));
    let map = String::from_utf8(file(&files, "map.svg").to_vec()).unwrap();
    assert!(map.contains("Territory (rep)"), "legend shown");
}
