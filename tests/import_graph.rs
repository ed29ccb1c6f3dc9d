//! The import graph between the top-level modules of `src/` (issue 19,
//! item 7): modules depend downward only, so no two of them may reach each
//! other through `crate::` or `super::` paths.
//!
//! Each `.rs` file under `src/` belongs to the top-level module it sits in
//! (`src/<module>.rs` or `src/<module>/…`); `lib.rs` and `main.rs` are the
//! root and left out. The check reads the files as text: comments, strings
//! and character literals are blanked, inline `mod name { … }` blocks are
//! followed (a `super::` inside one climbs from that block), and every
//! `crate::X` and `super::…` path that leaves the file's top-level module is
//! an edge. Names the root re-exports (`crate::Error`, from `lib.rs`'s
//! `pub use`) count as their module. Test code counts as well: a test that
//! reaches up would close a circle as surely as the code does.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fs;
use std::path::{Path, PathBuf};

/// Where an edge was seen: file and 1-based line.
type Seen = Vec<(String, usize)>;

#[test]
fn no_import_circles_between_top_level_modules() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = fs::read_to_string(src.join("lib.rs")).expect("read src/lib.rs");
    let modules = declared_modules(&lib);
    assert!(
        modules.len() > 5,
        "src/lib.rs declares too few modules: {modules:?}"
    );
    let reexports = root_reexports(&lib, &modules);

    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut graph: BTreeMap<String, BTreeMap<String, Seen>> = BTreeMap::new();
    for file in &files {
        let rel = file.strip_prefix(&src).unwrap();
        let Some(path) = module_path(rel) else {
            continue;
        };
        let top = path[0].clone();
        assert!(
            modules.contains(&top),
            "{} is not in a module lib.rs declares",
            rel.display()
        );
        graph.entry(top.clone()).or_default();
        let text = fs::read_to_string(file).expect("read source file");
        for (target, line) in references(&text, &path, &modules, &reexports) {
            if target != top {
                graph
                    .entry(top.clone())
                    .or_default()
                    .entry(target)
                    .or_default()
                    .push((format!("src/{}", rel.display()), line));
            }
        }
    }

    let circles: Vec<Vec<String>> = strongly_connected(&graph)
        .into_iter()
        .filter(|c| c.len() > 1)
        .collect();
    if circles.is_empty() {
        return;
    }
    let mut message = String::from("import circles between top-level modules:\n");
    for circle in &circles {
        message.push_str(&format!("\n{}\n", one_cycle(&graph, circle).join(" -> ")));
        for from in circle {
            for (to, seen) in &graph[from] {
                if circle.contains(to) {
                    let mut places: Vec<String> =
                        seen.iter().map(|(f, l)| format!("{f}:{l}")).collect();
                    places.dedup();
                    message.push_str(&format!("  {from} -> {to}: {}\n", places.join(", ")));
                }
            }
        }
    }
    panic!("{message}");
}

/// The `mod` items of `lib.rs`.
fn declared_modules(lib: &str) -> BTreeSet<String> {
    let code = blank_comments_and_strings(lib);
    let words = tokens(&code);
    let mut modules = BTreeSet::new();
    for i in 0..words.len() {
        if words[i].0 == "mod" && words.get(i + 2).is_some_and(|t| t.0 == ";") {
            modules.insert(words[i + 1].0.clone());
        }
    }
    modules
}

/// Names the root re-exports from a module (`pub use error::{Error, …};`),
/// mapped to that module.
fn root_reexports(lib: &str, modules: &BTreeSet<String>) -> BTreeMap<String, String> {
    let code = blank_comments_and_strings(lib);
    let words = tokens(&code);
    let mut names = BTreeMap::new();
    let mut i = 0;
    while i < words.len() {
        if words[i].0 == "use" {
            let mut j = i + 1;
            if words.get(j).is_some_and(|t| t.0 == "crate") {
                j += 2;
            }
            let module = words.get(j).map(|t| t.0.clone()).unwrap_or_default();
            let end = (j..words.len())
                .find(|&k| words[k].0 == ";")
                .unwrap_or(words.len());
            if modules.contains(&module) {
                // Every last segment of the tree is a name the root now has
                // (an `as` rename gives its new name).
                for k in j + 1..end {
                    let next = words.get(k + 1).map(|t| t.0.as_str());
                    let word = &words[k].0;
                    if is_ident(word)
                        && word != "as"
                        && word != "self"
                        && matches!(next, Some(",") | Some("}") | Some(";"))
                    {
                        names.insert(word.clone(), module.clone());
                    }
                }
            }
            i = end;
        }
        i += 1;
    }
    names
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .expect("read src dir")
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module path a file defines (`foo/bar.rs` and `foo/bar/mod.rs` are
/// `[foo, bar]`); `None` for the crate root files.
fn module_path(rel: &Path) -> Option<Vec<String>> {
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let last = parts.pop()?;
    let stem = last.strip_suffix(".rs")?.to_string();
    if parts.is_empty() && (stem == "lib" || stem == "main") {
        return None;
    }
    if stem != "mod" {
        parts.push(stem);
    }
    (!parts.is_empty()).then_some(parts)
}

/// The top-level modules a file's paths name, with the line of each.
fn references(
    text: &str,
    file_module: &[String],
    modules: &BTreeSet<String>,
    reexports: &BTreeMap<String, String>,
) -> Vec<(String, usize)> {
    let code = blank_comments_and_strings(text);
    let words = tokens(&code);
    let mut found = Vec::new();
    // Inline modules open at a brace depth; a `super::` climbs from the
    // innermost.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut pending_mod: Option<String> = None;
    let mut i = 0;
    while i < words.len() {
        let (word, line) = (&words[i].0, words[i].1);
        match word.as_str() {
            "{" => {
                depth += 1;
                if let Some(name) = pending_mod.take() {
                    inline.push((name, depth));
                }
            }
            "}" => {
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
                depth = depth.saturating_sub(1);
            }
            ";" => pending_mod = None,
            "mod" if words.get(i + 1).is_some_and(|t| is_ident(&t.0)) => {
                pending_mod = Some(words[i + 1].0.clone());
            }
            _ => {}
        }
        let follows_path = i > 0 && words[i - 1].0 == "::";
        let base: Option<(Vec<String>, usize)> = if word == "crate" && !follows_path {
            Some((Vec::new(), i + 1))
        } else if word == "super" && !follows_path {
            let mut here: Vec<String> = file_module.to_vec();
            here.extend(inline.iter().map(|(n, _)| n.clone()));
            let mut j = i;
            while words.get(j).is_some_and(|t| t.0 == "super")
                && words.get(j + 1).is_some_and(|t| t.0 == "::")
            {
                here.pop();
                j += 2;
            }
            // `j` now stands after the last `super ::`; step back onto that
            // `::` so both bases read the same way.
            Some((here, j - 1))
        } else {
            None
        };
        if let Some((prefix, at)) = base {
            if words.get(at).is_some_and(|t| t.0 == "::") {
                let firsts = if prefix.is_empty() {
                    first_segments(&words, at + 1)
                } else {
                    vec![prefix[0].clone()]
                };
                for first in firsts {
                    if modules.contains(&first) {
                        found.push((first, line));
                    } else if let Some(module) = reexports.get(&first) {
                        found.push((module.clone(), line));
                    }
                }
            }
        }
        i += 1;
    }
    found
}

/// The first segment of a path at `at`, or of every item of a `{ … }` group
/// there.
fn first_segments(words: &[(String, usize)], at: usize) -> Vec<String> {
    let Some((word, _)) = words.get(at) else {
        return Vec::new();
    };
    if word != "{" {
        return vec![word.clone()];
    }
    let mut out = Vec::new();
    let mut depth = 0;
    let mut expect_item = true;
    for (w, _) in &words[at..] {
        match w.as_str() {
            "{" => {
                depth += 1;
                if depth == 1 {
                    expect_item = true;
                }
            }
            "}" => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            "," if depth == 1 => expect_item = true,
            _ if depth == 1 && expect_item => {
                out.push(w.clone());
                expect_item = false;
            }
            _ => {}
        }
    }
    out
}

fn is_ident(word: &str) -> bool {
    word.chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
}

/// Identifiers, `::` and single punctuation, each with its line.
fn tokens(code: &str) -> Vec<(String, usize)> {
    let chars: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            // `r#name` is `name`; a `$crate` is not the path root here.
            let word: String = chars[start..i].iter().collect();
            let dollar = start > 0 && chars[start - 1] == '$';
            out.push((if dollar { format!("${word}") } else { word }, line));
        } else if c == ':' && chars.get(i + 1) == Some(&':') {
            out.push(("::".to_string(), line));
            i += 2;
        } else {
            out.push((c.to_string(), line));
            i += 1;
        }
    }
    out
}

/// The code with comments, string and character literals replaced by
/// spaces (newlines kept, so lines still count).
fn blank_comments_and_strings(text: &str) -> String {
    let c: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let blank = |out: &mut String, ch: char| out.push(if ch == '\n' { '\n' } else { ' ' });
    let mut i = 0;
    while i < c.len() {
        if c[i] == '/' && c.get(i + 1) == Some(&'/') {
            while i < c.len() && c[i] != '\n' {
                blank(&mut out, c[i]);
                i += 1;
            }
        } else if c[i] == '/' && c.get(i + 1) == Some(&'*') {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    blank(&mut out, c[i]);
                    i += 1;
                }
            }
        } else if c[i] == 'r'
            && (i == 0 || !(c[i - 1].is_alphanumeric() || c[i - 1] == '_'))
            && matches!(c.get(i + 1), Some('"') | Some('#'))
            && raw_string_hashes(&c, i + 1).is_some()
        {
            // r"…", r#"…"#, br"…" (the b is already copied).
            let hashes = raw_string_hashes(&c, i + 1).unwrap();
            let close: Vec<char> = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            let mut j = i + 2 + hashes;
            for &ch in &c[i..j] {
                blank(&mut out, ch);
            }
            while j < c.len() && !c[j..].starts_with(&close) {
                blank(&mut out, c[j]);
                j += 1;
            }
            for &ch in c.iter().skip(j).take(close.len()) {
                blank(&mut out, ch);
            }
            i = j + close.len();
        } else if c[i] == '"' {
            blank(&mut out, c[i]);
            i += 1;
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' {
                    blank(&mut out, c[i]);
                    i += 1;
                }
                if i < c.len() {
                    blank(&mut out, c[i]);
                    i += 1;
                }
            }
            if i < c.len() {
                blank(&mut out, c[i]);
                i += 1;
            }
        } else if c[i] == '\'' {
            // A char literal ('x', '\n', '\u{1F600}') or a lifetime ('a).
            let end = if c.get(i + 1) == Some(&'\\') {
                (i + 2..c.len()).find(|&k| c[k] == '\'')
            } else if c.get(i + 2) == Some(&'\'') {
                Some(i + 2)
            } else {
                None
            };
            match end {
                Some(end) => {
                    for &ch in &c[i..=end] {
                        blank(&mut out, ch);
                    }
                    i = end + 1;
                }
                None => {
                    out.push(c[i]);
                    i += 1;
                }
            }
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

/// After an `r`: the number of `#` before the opening quote of a raw
/// string, or `None` when this is no raw string.
fn raw_string_hashes(c: &[char], at: usize) -> Option<usize> {
    let mut n = 0;
    while c.get(at + n) == Some(&'#') {
        n += 1;
    }
    (c.get(at + n) == Some(&'"')).then_some(n)
}

/// Tarjan's strongly connected components.
fn strongly_connected(graph: &BTreeMap<String, BTreeMap<String, Seen>>) -> Vec<Vec<String>> {
    struct State<'a> {
        graph: &'a BTreeMap<String, BTreeMap<String, Seen>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        s.on_stack.insert(v);
        let graph = s.graph;
        for w in graph.get(v).into_iter().flat_map(|m| m.keys()) {
            if !s.index.contains_key(w.as_str()) {
                visit(s, w);
                let low = s.low[v].min(s.low[w.as_str()]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w.as_str()) {
                let low = s.low[v].min(s.index[w.as_str()]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w.to_string());
                if w == v {
                    break;
                }
            }
            component.sort();
            s.out.push(component);
        }
    }
    let mut s = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in graph.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.out.sort();
    s.out
}

/// A shortest cycle through the first module of a component, as
/// `a -> b -> a`.
fn one_cycle(
    graph: &BTreeMap<String, BTreeMap<String, Seen>>,
    component: &[String],
) -> Vec<String> {
    let start = &component[0];
    let mut came_from: BTreeMap<&str, &str> = BTreeMap::new();
    let mut queue = VecDeque::from([start.as_str()]);
    while let Some(v) = queue.pop_front() {
        for w in graph[v].keys().filter(|w| component.contains(w)) {
            if w == start {
                let mut path = vec![start.clone()];
                let mut at = v;
                while at != start {
                    path.push(at.to_string());
                    at = came_from[at];
                }
                path.push(start.clone());
                path.reverse();
                return path;
            }
            if !came_from.contains_key(w.as_str()) {
                came_from.insert(w, v);
                queue.push_back(w);
            }
        }
    }
    component.to_vec()
}

#[test]
fn paths_are_read_as_the_compiler_reads_them() {
    let modules: BTreeSet<String> = ["error", "io", "model", "report"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let reexports = root_reexports("pub use error::{Error, InputProblem, Result};", &modules);
    assert_eq!(reexports.get("Result").map(String::as_str), Some("error"));
    let refs = |text: &str, path: &[&str]| -> Vec<String> {
        let path: Vec<String> = path.iter().map(|s| s.to_string()).collect();
        let mut found: Vec<String> = references(text, &path, &modules, &reexports)
            .into_iter()
            .map(|(m, _)| m)
            .collect();
        found.sort();
        found.dedup();
        found
    };
    // A group, a re-export and a nested group.
    assert_eq!(
        refs("use crate::{io::{a, b}, model, Error};", &["report"]),
        ["error", "io", "model"]
    );
    // `super` from foo/bar.rs is foo; from foo/mod.rs it is the root.
    assert_eq!(refs("use super::x::Y;", &["report", "html"]), ["report"]);
    assert_eq!(refs("use super::model::Y;", &["report"]), ["model"]);
    assert_eq!(
        refs("use super::{io, model};", &["report"]),
        ["io", "model"]
    );
    // An inline module climbs from itself.
    assert_eq!(
        refs("mod tests { use super::*; fn f() {} }", &["report"]),
        ["report"]
    );
    assert_eq!(
        refs("mod tests { use super::super::io::X; }", &["report"]),
        ["io"]
    );
    assert_eq!(
        refs("mod a; fn f() { super::io::g() }", &["report"]),
        ["io"]
    );
    // Comments, strings and char literals are not code; lifetimes are.
    assert!(refs(
        "// crate::io\n/* crate::model */ fn f<'a>(x: &'a str) { let s = \"crate::io\"; let r = r#\"crate::model\"#; let c = '{'; }",
        &["report"]
    )
    .is_empty());
    assert_eq!(
        refs("fn f<'a>(x: &'a str) -> crate::model::X {}", &["report"]),
        ["model"]
    );
    // A path that merely ends in `crate` or `super` is not one.
    assert!(refs("use std::crate_x; let super_y = 1;", &["report"]).is_empty());
}
