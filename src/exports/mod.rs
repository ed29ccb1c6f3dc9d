//! CRM and compensation loader files, written to `exports/` of the output
//! folder from the plan as read back from it.
//!
//! - `salesforce_account_owner.csv` (`Id,OwnerId`): a Data Loader update of
//!   Account.OwnerId for every account whose owner changes (or has none).
//! - Enterprise Territory Management: `Territory2.csv` (the territory tree:
//!   a root, one node per rep region, one territory per rep, parents before
//!   children), `ObjectTerritory2Association_insert.csv` and `_delete.csv`
//!   (account to territory links to create and to remove) and
//!   `UserTerritory2Association.csv` (each rep in its territory).
//! - `alignment.csv`: account, current and target territory and the
//!   effective date (the first day of the fiscal year when `fiscal_year`
//!   is set in the plan config, else empty) for compensation tools.
//!
//! Salesforce record ids are not known to tplan: `Id`, `OwnerId`,
//! `ObjectId` and `UserId` hold the account_id / rep_id of the data (load
//! them as the Salesforce ids, or map them first), and references to
//! territories use the `Territory2.DeveloperName` relationship column that
//! this file's `DeveloperName` defines. Every file is UTF-8 without BOM,
//! LF line ends, ids written exactly as read (text, leading zeros kept).

use std::collections::BTreeMap;

use crate::output::csv_writer;
use crate::output::folder::PlanFolder;

/// Folder of the exports inside the output folder.
pub const EXPORTS_DIR: &str = "exports";

pub const OWNER_UPDATE_FILE: &str = "exports/salesforce_account_owner.csv";
pub const TERRITORY2_FILE: &str = "exports/Territory2.csv";
pub const OBJECT_INSERT_FILE: &str = "exports/ObjectTerritory2Association_insert.csv";
pub const OBJECT_DELETE_FILE: &str = "exports/ObjectTerritory2Association_delete.csv";
pub const USER_TERRITORY_FILE: &str = "exports/UserTerritory2Association.csv";
pub const ALIGNMENT_FILE: &str = "exports/alignment.csv";

pub const OWNER_UPDATE_HEADER: [&str; 2] = ["Id", "OwnerId"];
pub const TERRITORY2_HEADER: [&str; 5] = [
    "DeveloperName",
    "Name",
    "ParentTerritory2.DeveloperName",
    "Territory2ModelId",
    "Territory2TypeId",
];
pub const OBJECT_INSERT_HEADER: [&str; 3] =
    ["ObjectId", "Territory2.DeveloperName", "AssociationCause"];
pub const OBJECT_DELETE_HEADER: [&str; 2] = ["ObjectId", "Territory2.DeveloperName"];
pub const USER_TERRITORY_HEADER: [&str; 3] =
    ["UserId", "Territory2.DeveloperName", "RoleInTerritory2"];
pub const ALIGNMENT_HEADER: [&str; 4] = [
    "account_id",
    "current_territory",
    "target_territory",
    "effective_date",
];

/// DeveloperName of the root of the territory tree.
pub const ROOT_DEVELOPER_NAME: &str = "tplan_All_Territories";
/// Salesforce's limit on DeveloperName length.
const MAX_DEVELOPER_NAME: usize = 80;

/// A valid, unique DeveloperName: letters, digits and single underscores,
/// starting with a letter (the prefix), not ending with `_`, at most 80
/// characters.
pub fn developer_name(prefix: &str, raw: &str) -> String {
    let mut s = String::from(prefix);
    for c in raw.chars() {
        let c = if c.is_ascii_alphanumeric() { c } else { '_' };
        if !(c == '_' && s.ends_with('_')) {
            s.push(c);
        }
    }
    s.truncate(MAX_DEVELOPER_NAME);
    while s.ends_with('_') {
        s.pop();
    }
    s
}

/// Names made unique in order of first use by a numeric suffix.
#[derive(Default)]
struct UniqueNames {
    used: BTreeMap<String, usize>,
}

impl UniqueNames {
    fn take(&mut self, name: String) -> String {
        let mut candidate = name.clone();
        let mut n = 1;
        while self.used.contains_key(&candidate) {
            n += 1;
            let suffix = format!("_{n}");
            let mut base = name.clone();
            base.truncate(MAX_DEVELOPER_NAME - suffix.len());
            candidate = format!("{}{suffix}", base.trim_end_matches('_'));
        }
        self.used.insert(candidate.clone(), n);
        candidate
    }
}

/// The territory tree's DeveloperNames: per rep (index of
/// `PlanFolder::reps`) and per region.
struct Tree {
    reps: Vec<String>,
    regions: BTreeMap<String, String>,
}

fn tree(folder: &PlanFolder) -> Tree {
    let mut names = UniqueNames::default();
    names.take(ROOT_DEVELOPER_NAME.to_string());
    let mut regions = BTreeMap::new();
    let mut region_list: Vec<&str> = folder
        .reps
        .iter()
        .map(|r| r.region.as_str())
        .filter(|r| !r.is_empty())
        .collect();
    region_list.sort();
    region_list.dedup();
    for region in region_list {
        regions.insert(
            region.to_string(),
            names.take(developer_name("Region_", region)),
        );
    }
    let reps = folder
        .reps
        .iter()
        .map(|r| names.take(developer_name("T_", &r.id)))
        .collect();
    Tree { reps, regions }
}

fn to_bytes(header: &[&str], rows: Vec<Vec<String>>) -> Vec<u8> {
    let mut buf = Vec::new();
    {
        let mut w = csv_writer(&mut buf);
        // Writing to memory cannot fail.
        let _ = w.write_record(header);
        for r in rows {
            let _ = w.write_record(&r);
        }
        let _ = w.flush();
    }
    buf
}

/// True when the account's owner changes (including "no owner yet").
fn changes_owner(a: &crate::output::folder::AccountRow) -> bool {
    a.previous_owner != a.rep_id
}

/// The effective date of the alignment: first day of the fiscal year.
pub fn effective_date(folder: &PlanFolder) -> String {
    match folder.summary.fiscal_year {
        Some(y) => format!("{y:04}-{:02}-01", folder.summary.fiscal_year_start_month),
        None => String::new(),
    }
}

/// Every export file: (path relative to the output folder, bytes).
pub fn files(folder: &PlanFolder) -> Vec<(String, Vec<u8>)> {
    let tree = tree(folder);
    let territory_of = |rep_id: &str| -> String {
        folder
            .rep_index(rep_id)
            .map(|i| tree.reps[i].clone())
            .unwrap_or_default()
    };

    let owner_rows = folder
        .accounts
        .iter()
        .filter(|a| changes_owner(a))
        .map(|a| vec![a.id.clone(), a.rep_id.clone()])
        .collect();

    let mut territory_rows = vec![vec![
        ROOT_DEVELOPER_NAME.to_string(),
        "All territories".to_string(),
        String::new(),
        String::new(),
        String::new(),
    ]];
    for (region, dev) in &tree.regions {
        territory_rows.push(vec![
            dev.clone(),
            region.clone(),
            ROOT_DEVELOPER_NAME.to_string(),
            String::new(),
            String::new(),
        ]);
    }
    for (i, r) in folder.reps.iter().enumerate() {
        let parent = tree
            .regions
            .get(&r.region)
            .cloned()
            .unwrap_or_else(|| ROOT_DEVELOPER_NAME.to_string());
        let name = if r.name.is_empty() {
            r.id.clone()
        } else {
            format!("{} {}", r.id, r.name)
        };
        territory_rows.push(vec![
            tree.reps[i].clone(),
            name,
            parent,
            String::new(),
            String::new(),
        ]);
    }

    let insert_rows = folder
        .accounts
        .iter()
        .filter(|a| changes_owner(a))
        .map(|a| {
            vec![
                a.id.clone(),
                tree.reps[a.rep].clone(),
                "Territory2Manual".to_string(),
            ]
        })
        .collect();
    let delete_rows = folder
        .accounts
        .iter()
        .filter(|a| changes_owner(a) && folder.rep_index(&a.previous_owner).is_some())
        .map(|a| vec![a.id.clone(), territory_of(&a.previous_owner)])
        .collect();
    let user_rows = folder
        .reps
        .iter()
        .enumerate()
        .map(|(i, r)| vec![r.id.clone(), tree.reps[i].clone(), String::new()])
        .collect();
    let date = effective_date(folder);
    let alignment_rows = folder
        .accounts
        .iter()
        .map(|a| {
            vec![
                a.id.clone(),
                territory_of(&a.previous_owner),
                tree.reps[a.rep].clone(),
                date.clone(),
            ]
        })
        .collect();

    vec![
        (
            OWNER_UPDATE_FILE.to_string(),
            to_bytes(&OWNER_UPDATE_HEADER, owner_rows),
        ),
        (
            TERRITORY2_FILE.to_string(),
            to_bytes(&TERRITORY2_HEADER, territory_rows),
        ),
        (
            OBJECT_INSERT_FILE.to_string(),
            to_bytes(&OBJECT_INSERT_HEADER, insert_rows),
        ),
        (
            OBJECT_DELETE_FILE.to_string(),
            to_bytes(&OBJECT_DELETE_HEADER, delete_rows),
        ),
        (
            USER_TERRITORY_FILE.to_string(),
            to_bytes(&USER_TERRITORY_HEADER, user_rows),
        ),
        (
            ALIGNMENT_FILE.to_string(),
            to_bytes(&ALIGNMENT_HEADER, alignment_rows),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn developer_names_are_valid() {
        assert_eq!(developer_name("T_", "R01"), "T_R01");
        assert_eq!(developer_name("T_", "r-01 / west"), "T_r_01_west");
        assert_eq!(developer_name("Region_", "Nord-Est!"), "Region_Nord_Est");
        assert_eq!(developer_name("T_", "ü__x"), "T_x");
        let long = developer_name("T_", &"a".repeat(200));
        assert_eq!(long.len(), 80);
    }

    #[test]
    fn unique_names_get_suffixes() {
        let mut u = UniqueNames::default();
        assert_eq!(u.take("T_a_b".into()), "T_a_b");
        assert_eq!(u.take("T_a_b".into()), "T_a_b_2");
        assert_eq!(u.take("T_a_b".into()), "T_a_b_3");
    }
}
