//! The docs cannot drift from the binary: every ```console block in
//! README.md and docs/*.md that starts with `$ tplan ...` is run, in file
//! order, and each line quoted under it must appear in what the command
//! printed (stdout then stderr), in the same order. A line `...` stands
//! for lines left out (timings, paths). Commands run in a temporary folder
//! in which `data` links to the repository's sample, one folder per doc
//! file, so outputs land in its `reports/` and a later block (`tplan
//! quota data/`) sees what an earlier one wrote. Prose quotes no figure
//! that a block does not show.

use std::path::{Path, PathBuf};

use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One `$ tplan ...` block: the arguments and the quoted lines.
struct Block {
    line: usize,
    args: Vec<String>,
    quoted: Vec<String>,
    expect_failure: bool,
}

fn console_blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut lines = text.lines().enumerate();
    while let Some((n, line)) = lines.next() {
        if line.trim() != "```console" {
            continue;
        }
        let mut body = Vec::new();
        for (_, l) in lines.by_ref() {
            if l.trim_start().starts_with("```") {
                break;
            }
            body.push(l.to_string());
        }
        let Some(first) = body.first() else { continue };
        let Some(command) = first.strip_prefix("$ tplan ") else {
            continue;
        };
        // `$ tplan ... # exit 1` marks a block whose command must fail.
        let (command, expect_failure) = match command.split_once("# exit 1") {
            Some((c, _)) => (c, true),
            None => (command, false),
        };
        blocks.push(Block {
            line: n + 1,
            args: command.split_whitespace().map(str::to_string).collect(),
            quoted: body[1..].to_vec(),
            expect_failure,
        });
    }
    blocks
}

/// Check every block of one file; returns the problems found.
fn check_file(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(root().join("data"), tmp.path().join("data")).unwrap();
    let mut problems = Vec::new();
    for block in console_blocks(&text) {
        let out = Command::new(env!("CARGO_BIN_EXE_tplan"))
            .args(&block.args)
            .current_dir(tmp.path())
            .output()
            .unwrap();
        let printed = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let where_ = format!("{}:{}", path.display(), block.line);
        if out.status.success() == block.expect_failure {
            problems.push(format!(
                "{where_}: `tplan {}` exited {:?}:\n{printed}",
                block.args.join(" "),
                out.status.code()
            ));
            continue;
        }
        let printed_lines: Vec<&str> = printed.lines().map(str::trim_end).collect();
        let mut at = 0;
        for q in &block.quoted {
            let q = q.trim_end();
            if q.trim() == "..." || q.is_empty() {
                continue;
            }
            match printed_lines[at..].iter().position(|l| *l == q) {
                Some(k) => at += k + 1,
                None => {
                    problems.push(format!(
                        "{where_}: `tplan {}` did not print (in this order):\n  {q}\nit printed:\n{printed}",
                        block.args.join(" ")
                    ));
                    break;
                }
            }
        }
    }
    problems
}

fn doc_files() -> Vec<PathBuf> {
    let mut files = vec![root().join("README.md")];
    if let Ok(dir) = std::fs::read_dir(root().join("docs")) {
        let mut docs: Vec<PathBuf> = dir
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "md"))
            .collect();
        docs.sort();
        files.extend(docs);
    }
    files
}

#[test]
fn every_quoted_console_block_matches_the_binary() {
    let mut blocks = 0;
    let mut problems = Vec::new();
    for f in doc_files() {
        let text = std::fs::read_to_string(&f).unwrap();
        blocks += console_blocks(&text).len();
        problems.extend(check_file(&f));
    }
    assert!(blocks > 0, "no console block found in the docs");
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn a_block_that_drifted_is_caught() {
    let tmp = tempfile::tempdir().unwrap();
    let doc = tmp.path().join("drift.md");
    std::fs::write(
        &doc,
        "```console\n$ tplan validate data/\n...\nvalid: 2,500 accounts and 31 reps\n```\n",
    )
    .unwrap();
    let problems = check_file(&doc);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("did not print"), "{}", problems[0]);
}
