//! Putting a finished output folder in place so that the output path is
//! never absent, and cleaning up after runs that were killed.
//!
//! On Linux the new folder and the old one trade places in one system call
//! (`renameat2` with `RENAME_EXCHANGE`); the old one, now under the
//! temporary name, is deleted afterwards. Where that call is missing (other
//! systems, some file systems) the old folder is renamed aside to
//! `.OUT.old-PID` and the new one renamed in: a kill between the two leaves
//! no `OUT`, so every run first calls [`recover`], which puts the old folder
//! back and removes the temporary folders of processes that no longer run.

use std::fs;
use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// Environment variable that makes the process abort at a named point of
/// the swap, so tests can check what a kill there leaves behind. Unset in
/// normal use.
pub const FAULT_ENV: &str = "TPLAN_TEST_FAULT";
/// Environment variable that disables the atomic exchange, so tests can
/// exercise the rename-aside path on Linux too.
pub const NO_EXCHANGE_ENV: &str = "TPLAN_TEST_NO_EXCHANGE";

/// Abort here when the tests asked for it (see [`FAULT_ENV`]).
fn fault_point(name: &str) {
    if std::env::var(FAULT_ENV).is_ok_and(|v| v == name) {
        eprintln!("{FAULT_ENV}: aborting at {name}");
        std::process::abort();
    }
}

/// `<parent>/.<name>.<kind>-<pid>` for this process.
pub fn sibling(target: &Path, kind: &str) -> PathBuf {
    sibling_of(target, kind, std::process::id())
}

fn sibling_of(target: &Path, kind: &str, pid: u32) -> PathBuf {
    let parent = target.parent().unwrap_or_else(|| Path::new("."));
    parent.join(format!(".{}.{kind}-{pid}", file_name(target)))
}

fn file_name(target: &Path) -> String {
    target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Replace the existing folder `target` with `new`; `new` no longer exists
/// afterwards. The old content is deleted once the new one is in place.
pub fn replace(new: &Path, target: &Path) -> Result<()> {
    match exchange(new, target) {
        Ok(()) => {
            fault_point("after-exchange");
            // `new` now holds the old folder; a failed delete leaves a
            // hidden folder that the next run's `recover` removes.
            let _ = fs::remove_dir_all(new);
            Ok(())
        }
        Err(ExchangeError::Unsupported) => replace_by_renames(new, target),
        Err(ExchangeError::Io(e)) => Err(Error::io(target, e)),
    }
}

/// The rename-aside fallback: old out of the way, new in, old deleted.
fn replace_by_renames(new: &Path, target: &Path) -> Result<()> {
    let old = sibling(target, "old");
    if fs::symlink_metadata(&old).is_ok() {
        fs::remove_dir_all(&old).map_err(|e| Error::io(&old, e))?;
    }
    fs::rename(target, &old).map_err(|e| Error::io(target, e))?;
    fault_point("after-move-aside");
    if let Err(e) = fs::rename(new, target) {
        let _ = fs::rename(&old, target);
        return Err(Error::io(target, e));
    }
    let _ = fs::remove_dir_all(&old);
    Ok(())
}

enum ExchangeError {
    /// No atomic exchange here: use the fallback.
    Unsupported,
    Io(std::io::Error),
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::result::Result<(), ExchangeError> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    use rustix::io::Errno;
    if std::env::var_os(NO_EXCHANGE_ENV).is_some() {
        return Err(ExchangeError::Unsupported);
    }
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(()),
        Err(e) if e == Errno::INVAL || e == Errno::NOSYS || e == Errno::NOTSUP => {
            Err(ExchangeError::Unsupported)
        }
        Err(e) => Err(ExchangeError::Io(e.into())),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::result::Result<(), ExchangeError> {
    Err(ExchangeError::Unsupported)
}

/// True while process `pid` runs. Without a way to ask (non-Unix), a
/// process is assumed gone, which only matters for a run killed mid-swap.
pub fn process_alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Some(pid) = i32::try_from(pid)
            .ok()
            .and_then(rustix::process::Pid::from_raw)
        else {
            return false;
        };
        // EPERM: the process exists but belongs to someone else.
        match rustix::process::test_kill_process(pid) {
            Ok(()) => true,
            Err(e) => e == rustix::io::Errno::PERM,
        }
    }
    #[cfg(not(unix))]
    {
        pid == std::process::id()
    }
}

/// What an earlier, killed run left next to `target`.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Recovered {
    /// The old folder was put back under the target name.
    pub restored: Option<PathBuf>,
    /// Temporary and old folders of dead processes, removed.
    pub removed: Vec<PathBuf>,
}

/// Undo what a killed run left: when `target` is absent and a dead
/// process's `.OUT.old-PID` exists, rename it back; then remove the
/// `.OUT.tmp-PID` and `.OUT.old-PID` folders of processes that no longer
/// run. Folders of live processes (another run) are left alone.
pub fn recover(target: &Path) -> Result<Recovered> {
    let mut recovered = Recovered::default();
    let Some(parent) = target.parent() else {
        return Ok(recovered);
    };
    let Ok(entries) = fs::read_dir(parent) else {
        return Ok(recovered); // No parent yet: nothing was left.
    };
    let prefix = format!(".{}.", file_name(target));
    let mut stale: Vec<(String, PathBuf)> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let (kind, pid) = name.strip_prefix(&prefix)?.split_once('-')?;
            let pid: u32 = pid.parse().ok()?;
            let ours = (kind == "tmp" || kind == "old") && !process_alive(pid);
            ours.then(|| (kind.to_string(), e.path()))
        })
        .collect();
    stale.sort();
    if fs::symlink_metadata(target).is_err() {
        if let Some((_, old)) = stale.iter().find(|(kind, _)| kind == "old") {
            fs::rename(old, target).map_err(|e| Error::io(old, e))?;
            recovered.restored = Some(old.clone());
        }
    }
    for (_, path) in stale {
        if recovered.restored.as_ref() == Some(&path) {
            continue;
        }
        // Best effort: a leftover that cannot be removed is harmless (it is
        // hidden) and must not stop the run.
        let removed = if path.is_dir() {
            fs::remove_dir_all(&path)
        } else {
            fs::remove_file(&path)
        };
        if removed.is_ok() {
            recovered.removed.push(path);
        }
    }
    Ok(recovered)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pid no process has: above the kernel's maximum.
    const DEAD_PID: u32 = 0x7fff_fff0;

    fn folder_with(path: &Path, file: &str, text: &str) {
        fs::create_dir_all(path).unwrap();
        fs::write(path.join(file), text).unwrap();
    }

    #[test]
    fn this_process_is_alive_and_a_huge_pid_is_not() {
        assert!(process_alive(std::process::id()));
        assert!(!process_alive(DEAD_PID));
    }

    #[test]
    fn replace_swaps_content_and_leaves_nothing_behind() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("out");
        let new = sibling(&target, "tmp");
        folder_with(&target, "a.csv", "old");
        folder_with(&new, "a.csv", "new");
        replace(&new, &target).unwrap();
        assert_eq!(fs::read_to_string(target.join("a.csv")).unwrap(), "new");
        let names: Vec<_> = fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn recover_restores_the_old_folder_of_a_run_killed_between_renames() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("out");
        // The state a kill between the two renames leaves: no target, the
        // old folder aside, the new one complete under its temporary name.
        folder_with(&sibling_of(&target, "old", DEAD_PID), "a.csv", "old");
        folder_with(&sibling_of(&target, "tmp", DEAD_PID), "a.csv", "new");
        let recovered = recover(&target).unwrap();
        assert_eq!(fs::read_to_string(target.join("a.csv")).unwrap(), "old");
        assert!(recovered.restored.is_some());
        assert_eq!(
            recovered.removed,
            vec![sibling_of(&target, "tmp", DEAD_PID)]
        );
        let names: Vec<_> = fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "only the target is left");
    }

    #[test]
    fn recover_leaves_live_runs_and_other_folders_alone() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("out");
        folder_with(&target, "a.csv", "current");
        let live = sibling(&target, "tmp");
        folder_with(&live, "a.csv", "being written");
        let other = tmp.path().join(format!(".outer.tmp-{DEAD_PID}"));
        folder_with(&other, "a.csv", "another output's");
        let dead = sibling_of(&target, "old", DEAD_PID);
        folder_with(&dead, "a.csv", "left by a killed run");
        let recovered = recover(&target).unwrap();
        assert_eq!(recovered.removed, vec![dead]);
        assert!(live.exists() && other.exists());
        assert_eq!(fs::read_to_string(target.join("a.csv")).unwrap(), "current");
    }
}
