//! Rewriting files inside an existing output folder (`tplan report`).
//!
//! Each file is written to a hidden temporary file beside it and renamed
//! over the old one, so a reader (or a crash) sees the old file or the new
//! one, never half of either.

use std::fs;
use std::io::Write;
use std::path::Path;

use super::{sha256_hex, ManifestFile};
use crate::{Error, Result};

/// Replace `dir/name` (creating its folder if needed) with `bytes`.
pub fn replace_file(dir: &Path, name: &str, bytes: &[u8]) -> Result<ManifestFile> {
    let path = dir.join(name);
    let parent = path.parent().unwrap_or(dir);
    fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = parent.join(format!(".{file_name}.tmp-{}", std::process::id()));
    let written = fs::File::create(&temp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    if let Err(e) = written.and_then(|_| fs::rename(&temp, &path)) {
        let _ = fs::remove_file(&temp);
        return Err(Error::io(&path, e));
    }
    Ok(ManifestFile {
        path: name.to_string(),
        sha256: sha256_hex(bytes),
        bytes: bytes.len() as u64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_and_creates_folders_leaving_no_temporary_file() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("a.txt"), "old").unwrap();
        let f = replace_file(tmp.path(), "a.txt", b"new").unwrap();
        assert_eq!(fs::read_to_string(tmp.path().join("a.txt")).unwrap(), "new");
        assert_eq!(f.bytes, 3);
        replace_file(tmp.path(), "sub/b.csv", b"x\n").unwrap();
        assert!(tmp.path().join("sub/b.csv").is_file());
        let names: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");
    }
}
