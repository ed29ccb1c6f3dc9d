//! The output folder, written atomically and never over the inputs.
//!
//! Every file of a run is written into a fresh hidden folder next to the
//! target (same parent, `.OUT.tmp-<pid>`). Only when all of them are
//! complete does it take the target's place (see [`super::swap`]: an atomic
//! exchange on Linux, so the target is never absent). A run that fails
//! half-way therefore never leaves a partial folder under the target name:
//! the temporary folder is removed when the [`StagedDir`] is dropped
//! without [`StagedDir::commit`], and what a killed run left is cleaned up
//! (or restored) by the next one, in [`check_target`].
//!
//! Safety rules, checked before anything is created ([`check_target`]):
//! - the output folder must not be the input folder, nor contain it, nor
//!   contain (or be) any input file (a `--config` file included);
//! - an existing output folder is replaced only when it is empty or was
//!   written by tplan (it holds a `manifest.json` with a `tplan_version`
//!   key); any other folder, and any file, is left alone and the run is
//!   refused with [`Error::Usage`].

use std::fs;
use std::path::{Component, Path, PathBuf};

use super::swap::{self, sibling};
use crate::{Error, Result};

/// File whose presence (with [`MANIFEST_MARKER_KEY`]) marks a tplan output.
pub const MANIFEST_FILE: &str = "manifest.json";
/// Top-level key of the manifest that identifies a folder written by tplan.
pub const MANIFEST_MARKER_KEY: &str = "tplan_version";
/// Parent of the default output folder, relative to the current directory.
pub const DEFAULT_REPORTS_DIR: &str = "reports";

/// The default output folder: `reports/<input folder name>` relative to the
/// current directory, the name being the last component of the
/// canonicalized input folder (so `plan .` inside `data/` gives
/// `reports/data`).
pub fn default_output_dir(input_dir: &Path) -> Result<PathBuf> {
    let canonical = fs::canonicalize(input_dir).map_err(|e| Error::io(input_dir, e))?;
    let name = canonical.file_name().ok_or_else(|| {
        Error::Usage(format!(
            "cannot derive an output folder name from input folder {}; give --out",
            input_dir.display()
        ))
    })?;
    Ok(Path::new(DEFAULT_REPORTS_DIR).join(name))
}

/// An absolute path with symlinks resolved for the part that exists and
/// `.` / `..` resolved lexically for the part that does not yet exist.
pub fn resolve(path: &Path) -> Result<PathBuf> {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(|e| Error::io(".", e))?
            .join(path)
    };
    let mut current = PathBuf::new();
    let mut exists = true;
    for component in absolute.components() {
        match component {
            Component::Prefix(_) | Component::RootDir => current.push(component.as_os_str()),
            Component::CurDir => {}
            Component::ParentDir => {
                // `current` is canonical while it exists, so popping is
                // exact; past that point nothing exists and no symlink can
                // be in the way.
                current.pop();
                if !exists && current.exists() {
                    exists = true;
                    current = canonical(&current)?;
                }
            }
            Component::Normal(name) => {
                current.push(name);
                if exists {
                    if fs::symlink_metadata(&current).is_ok() {
                        current = canonical(&current)?;
                    } else {
                        exists = false;
                    }
                }
            }
        }
    }
    Ok(current)
}

fn canonical(path: &Path) -> Result<PathBuf> {
    fs::canonicalize(path).map_err(|e| Error::io(path, e))
}

/// What exists at the output path today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExistingTarget {
    /// Nothing: the folder will be created.
    Absent,
    /// An empty folder.
    Empty,
    /// A folder written by an earlier tplan run.
    TplanOutput,
}

/// Check that `target` may be (re)written without touching any input:
/// returns the resolved absolute target and what is there today.
///
/// `input_dir` is the input folder; `input_files` every file the run read
/// (CSV files, the config), as given or absolute.
pub fn check_target(
    target: &Path,
    input_dir: &Path,
    input_files: &[PathBuf],
) -> Result<(PathBuf, ExistingTarget)> {
    let resolved = resolve(target)?;
    let shown = target.display();
    let input = resolve(input_dir)?;
    if resolved == input {
        return Err(Error::Usage(format!(
            "refusing to write the output into the input folder {}: outputs never go over \
             the inputs; choose another --out (the default is {}/<input folder name>)",
            input_dir.display(),
            DEFAULT_REPORTS_DIR
        )));
    }
    if input.starts_with(&resolved) {
        return Err(Error::Usage(format!(
            "refusing to use {shown} as the output folder: it contains the input folder {}, \
             which replacing it would delete; choose another --out",
            input_dir.display()
        )));
    }
    for file in input_files {
        if resolve(file)?.starts_with(&resolved) {
            return Err(Error::Usage(format!(
                "refusing to use {shown} as the output folder: it would replace the input \
                 file {}; choose another --out",
                file.display()
            )));
        }
    }
    if resolved.parent().is_none() {
        return Err(Error::Usage(format!(
            "refusing to use {shown} as the output folder: it is a file system root"
        )));
    }
    let recovered = swap::recover(&resolved)?;
    if let Some(old) = &recovered.restored {
        eprintln!(
            "note: restored {shown} from {}, left by a run killed while replacing it",
            old.display()
        );
    }
    let existing = match fs::metadata(&resolved) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => ExistingTarget::Absent,
        Err(e) => return Err(Error::io(target, e)),
        Ok(meta) if !meta.is_dir() => {
            return Err(Error::Usage(format!(
                "refusing to use {shown} as the output folder: it exists and is not a folder"
            )))
        }
        Ok(_) => {
            let mut entries = fs::read_dir(&resolved).map_err(|e| Error::io(target, e))?;
            if entries.next().is_none() {
                ExistingTarget::Empty
            } else if is_tplan_output(&resolved) {
                ExistingTarget::TplanOutput
            } else if manifest_is_corrupt(&resolved) {
                return Err(Error::Usage(format!(
                    "refusing to replace {shown}: its {MANIFEST_FILE} is corrupt (not JSON), so \
                     tplan cannot tell whether it wrote the folder; choose another --out or \
                     remove it yourself"
                )));
            } else {
                return Err(Error::Usage(format!(
                    "refusing to replace {shown}: the folder is not empty and is not a tplan \
                     output folder (no {MANIFEST_FILE} written by tplan); choose another --out \
                     or remove it yourself"
                )));
            }
        }
    };
    Ok((resolved, existing))
}

/// True when `dir` holds a manifest.json that is not JSON at all.
fn manifest_is_corrupt(dir: &Path) -> bool {
    fs::read(dir.join(MANIFEST_FILE))
        .is_ok_and(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).is_err())
}

/// True when `dir` holds a manifest written by tplan.
pub fn is_tplan_output(dir: &Path) -> bool {
    let Ok(text) = fs::read_to_string(dir.join(MANIFEST_FILE)) else {
        return false;
    };
    matches!(
        serde_json::from_str::<serde_json::Value>(&text),
        Ok(serde_json::Value::Object(map)) if map.contains_key(MANIFEST_MARKER_KEY)
    )
}

/// A temporary folder next to the output target, renamed into place by
/// [`StagedDir::commit`] and deleted when dropped uncommitted.
#[derive(Debug)]
pub struct StagedDir {
    /// The output folder as the user named it (for messages).
    shown: PathBuf,
    /// Resolved absolute target.
    target: PathBuf,
    /// The temporary folder the files are written into.
    temp: PathBuf,
    committed: bool,
}

impl StagedDir {
    /// Check the target (see [`check_target`]) and create the temporary
    /// folder next to it, creating the target's parent folders as needed.
    pub fn create(target: &Path, input_dir: &Path, input_files: &[PathBuf]) -> Result<StagedDir> {
        let (resolved, _) = check_target(target, input_dir, input_files)?;
        let parent = resolved
            .parent()
            .expect("check_target refuses a root")
            .to_path_buf();
        fs::create_dir_all(&parent).map_err(|e| Error::io(target, e))?;
        let temp = sibling(&resolved, "tmp");
        if fs::symlink_metadata(&temp).is_ok() {
            // Left by an earlier run with the same process id.
            fs::remove_dir_all(&temp).map_err(|e| Error::io(&temp, e))?;
        }
        // Named after the folder the user asked for: the temporary name is
        // ours, and the cause (permissions, a full disk) is the parent's.
        fs::create_dir(&temp).map_err(|e| Error::io(target, e))?;
        Ok(StagedDir {
            shown: target.to_path_buf(),
            target: resolved,
            temp,
            committed: false,
        })
    }

    /// The temporary folder: write every output file here.
    pub fn path(&self) -> &Path {
        &self.temp
    }

    /// The resolved absolute output folder.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Replace the target with the temporary folder. The previous target,
    /// if any, is checked again, swapped out (see [`swap::replace`]) and
    /// deleted once the new folder is in place.
    pub fn commit(mut self) -> Result<PathBuf> {
        let exists = fs::symlink_metadata(&self.target).is_ok();
        if exists {
            // Re-check: something may have appeared since `create`.
            let replaceable = fs::read_dir(&self.target)
                .map(|mut d| d.next().is_none())
                .unwrap_or(false)
                || is_tplan_output(&self.target);
            if !replaceable {
                return Err(Error::Usage(format!(
                    "refusing to replace {}: it is no longer empty or a tplan output folder",
                    self.shown.display()
                )));
            }
            swap::replace(&self.temp, &self.target)?;
            self.committed = true;
        } else {
            fs::rename(&self.temp, &self.target).map_err(|e| Error::io(&self.target, e))?;
            self.committed = true;
        }
        Ok(self.target.clone())
    }
}

impl Drop for StagedDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.temp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        fs::write(path, text).unwrap();
    }

    fn input_folder(root: &Path) -> (PathBuf, Vec<PathBuf>) {
        let input = root.join("data");
        fs::create_dir_all(&input).unwrap();
        let files = vec![input.join("accounts.csv"), input.join("reps.csv")];
        for f in &files {
            write(f, "x\n");
        }
        (input, files)
    }

    fn usage_message(r: Result<impl std::fmt::Debug>) -> String {
        match r {
            Err(Error::Usage(m)) => m,
            other => panic!("expected a usage error, got {other:?}"),
        }
    }

    #[test]
    fn resolve_handles_missing_parts_and_dots() {
        let tmp = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(tmp.path()).unwrap();
        fs::create_dir(root.join("a")).unwrap();
        assert_eq!(resolve(&root.join("a/./b/c/..")).unwrap(), root.join("a/b"));
        assert_eq!(resolve(&root.join("a/x/../../a")).unwrap(), root.join("a"));
        assert_eq!(resolve(&root.join("a/..")).unwrap(), root);
    }

    #[test]
    fn refuses_the_input_folder_itself() {
        let tmp = tempfile::tempdir().unwrap();
        let (input, files) = input_folder(tmp.path());
        let msg = usage_message(check_target(&input, &input, &files));
        assert!(msg.contains("into the input folder"), "{msg}");
        let msg = usage_message(check_target(&input.join("."), &input, &files));
        assert!(msg.contains("into the input folder"), "{msg}");
    }

    #[test]
    fn refuses_a_folder_containing_the_inputs() {
        let tmp = tempfile::tempdir().unwrap();
        let (input, files) = input_folder(tmp.path());
        let msg = usage_message(check_target(tmp.path(), &input, &files));
        assert!(msg.contains("contains the input folder"), "{msg}");
    }

    #[test]
    fn refuses_to_replace_an_input_file() {
        let tmp = tempfile::tempdir().unwrap();
        let (input, files) = input_folder(tmp.path());
        let msg = usage_message(check_target(&files[0], &input, &files));
        assert!(msg.contains("input file"), "{msg}");
        // A config file that lives in the would-be output folder.
        let elsewhere = tmp.path().join("cfg");
        fs::create_dir(&elsewhere).unwrap();
        write(&elsewhere.join("plan.toml"), "");
        write(&elsewhere.join(MANIFEST_FILE), r#"{"tplan_version":"0"}"#);
        let mut with_config = files.clone();
        with_config.push(elsewhere.join("plan.toml"));
        let msg = usage_message(check_target(&elsewhere, &input, &with_config));
        assert!(msg.contains("plan.toml"), "{msg}");
    }

    #[test]
    fn allows_a_fresh_folder_inside_the_input_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let (input, files) = input_folder(tmp.path());
        let (_, existing) = check_target(&input.join("out"), &input, &files).unwrap();
        assert_eq!(existing, ExistingTarget::Absent);
    }

    #[test]
    fn refuses_a_foreign_folder_and_a_file() {
        let tmp = tempfile::tempdir().unwrap();
        let (input, files) = input_folder(tmp.path());
        let foreign = tmp.path().join("mine");
        fs::create_dir(&foreign).unwrap();
        write(&foreign.join("notes.txt"), "keep me");
        let msg = usage_message(check_target(&foreign, &input, &files));
        assert!(msg.contains("not a tplan output folder"), "{msg}");
        // A manifest.json that tplan did not write does not count.
        write(&foreign.join(MANIFEST_FILE), r#"{"name":"web app"}"#);
        usage_message(check_target(&foreign, &input, &files));
        let file = tmp.path().join("file.txt");
        write(&file, "x");
        let msg = usage_message(check_target(&file, &input, &files));
        assert!(msg.contains("not a folder"), "{msg}");
        assert_eq!(
            fs::read_to_string(foreign.join("notes.txt")).unwrap(),
            "keep me"
        );
    }

    #[test]
    fn commit_creates_then_replaces_a_tplan_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let (input, files) = input_folder(tmp.path());
        let target = tmp.path().join("reports/data");

        let staged = StagedDir::create(&target, &input, &files).unwrap();
        assert!(staged
            .path()
            .starts_with(resolve(&tmp.path().join("reports")).unwrap()));
        write(
            &staged.path().join(MANIFEST_FILE),
            r#"{"tplan_version":"1"}"#,
        );
        write(&staged.path().join("a.csv"), "first");
        assert!(!target.exists(), "nothing visible before commit");
        staged.commit().unwrap();
        assert_eq!(fs::read_to_string(target.join("a.csv")).unwrap(), "first");

        let staged = StagedDir::create(&target, &input, &files).unwrap();
        write(
            &staged.path().join(MANIFEST_FILE),
            r#"{"tplan_version":"1"}"#,
        );
        write(&staged.path().join("b.csv"), "second");
        staged.commit().unwrap();
        assert!(!target.join("a.csv").exists(), "old files are gone");
        assert_eq!(fs::read_to_string(target.join("b.csv")).unwrap(), "second");
        let leftovers: Vec<_> = fs::read_dir(tmp.path().join("reports"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("data")]);
    }

    #[test]
    fn dropped_stage_leaves_the_old_folder_untouched() {
        let tmp = tempfile::tempdir().unwrap();
        let (input, files) = input_folder(tmp.path());
        let target = tmp.path().join("out");
        fs::create_dir(&target).unwrap();
        write(&target.join(MANIFEST_FILE), r#"{"tplan_version":"1"}"#);
        {
            let staged = StagedDir::create(&target, &input, &files).unwrap();
            write(&staged.path().join("partial.csv"), "half");
            // dropped: a failed run
        }
        assert!(!target.join("partial.csv").exists());
        assert!(target.join(MANIFEST_FILE).exists());
        let names: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.contains(".tmp-")), "{names:?}");
    }

    #[test]
    fn default_output_uses_the_canonical_input_name() {
        let tmp = tempfile::tempdir().unwrap();
        let (input, _) = input_folder(tmp.path());
        assert_eq!(
            default_output_dir(&input.join(".")).unwrap(),
            Path::new("reports/data")
        );
    }
}
