//! The run lock: one run at a time per output folder.
//!
//! Two runs aimed at the same `--out` would each stage a folder and swap it
//! in, and the loser's plan would vanish without a word. A run therefore
//! holds `<parent>/.OUT.lock`, a file created exclusively and holding its
//! process id, from before the solve until it exits. A second run finds
//! the file and refuses, naming the first run's PID. The file is deleted
//! when the lock is dropped; after a crash (`kill -9`) it stays, but its PID
//! no longer runs, so the next run takes it over.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::swap::process_alive;
use crate::{Error, Result};

/// The lock on one output folder, released when dropped.
#[derive(Debug)]
pub struct RunLock {
    path: PathBuf,
    /// False when this process already held the lock (a command that runs
    /// another, as `quota` runs `plan`): the outer holder releases it.
    owned: bool,
}

/// `<parent>/.<name>.lock` for output folder `target`.
pub fn lock_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    target
        .parent()
        .unwrap_or_else(|| Path::new("."))
        .join(format!(".{name}.lock"))
}

impl RunLock {
    /// Take the lock on `target` (the resolved output folder), creating its
    /// parent folder if needed. `shown` is the folder as the user named it.
    pub fn acquire(target: &Path, shown: &Path) -> Result<RunLock> {
        let path = lock_path(target);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io(shown, e))?;
        }
        // Two attempts: the second after removing a dead run's lock.
        for _ in 0..2 {
            match create_exclusive(&path) {
                Ok(()) => return Ok(RunLock { path, owned: true }),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(Error::io(&path, e)),
            }
            match holder(&path) {
                Some(pid) if pid == std::process::id() => {
                    return Ok(RunLock { path, owned: false })
                }
                Some(pid) if process_alive(pid) => {
                    return Err(Error::Usage(format!(
                        "another tplan run (PID {pid}) is writing {}: wait for it to finish, or stop it; its lock is {}",
                        shown.display(),
                        path.display()
                    )))
                }
                // A dead run's lock (or one cut short while being written).
                _ => {
                    let _ = fs::remove_file(&path);
                }
            }
        }
        Err(Error::Usage(format!(
            "cannot take the lock {} for {}: another run keeps recreating it",
            path.display(),
            shown.display()
        )))
    }
}

impl Drop for RunLock {
    fn drop(&mut self) {
        if self.owned {
            let _ = fs::remove_file(&self.path);
        }
    }
}

fn create_exclusive(path: &Path) -> std::io::Result<()> {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    writeln!(file, "{}", std::process::id())
}

/// The PID written in a lock file, if it holds one.
fn holder(path: &Path) -> Option<u32> {
    fs::read_to_string(path).ok()?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_is_reentrant_for_this_process_and_released_on_drop() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("out");
        let lock = RunLock::acquire(&target, &target).unwrap();
        let path = lock_path(&target);
        assert_eq!(holder(&path), Some(std::process::id()));
        {
            let inner = RunLock::acquire(&target, &target).unwrap();
            assert!(!inner.owned);
        }
        assert!(path.exists(), "the inner lock does not release the outer");
        drop(lock);
        assert!(!path.exists());
    }

    #[test]
    fn a_dead_runs_lock_is_taken_over() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("out");
        fs::write(lock_path(&target), "2147483632\n").unwrap();
        let lock = RunLock::acquire(&target, &target).unwrap();
        assert!(lock.owned);
        assert_eq!(holder(&lock_path(&target)), Some(std::process::id()));
    }

    #[cfg(unix)]
    #[test]
    fn a_live_runs_lock_is_refused_with_its_pid() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("out");
        // PID 1 always runs (init); it stands in for the other run.
        fs::write(lock_path(&target), "1\n").unwrap();
        let err = RunLock::acquire(&target, Path::new("reports/x")).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("another tplan run (PID 1) is writing reports/x"),
            "{text}"
        );
        assert!(
            lock_path(&target).exists(),
            "the other run's lock is left alone"
        );
    }
}
