//! The engine's layering, checked: every `crate::` path below `src/lib.rs` names a module the
//! design places below the one it is written in (`docs/adr/006-workspace-and-layers.md`).
//!
//! The paths are read from the source text: `use crate::...` lines, fully qualified paths in
//! code, and intra-doc links (rustdoc resolves those too, so a link up the stack is an arrow up
//! the stack). Items re-exported at the root (`crate::Error`) are named by their home module
//! below `lib.rs` (`crate::error::Error`), so every arrow is visible to this test; `super::`
//! stays inside a module (no module reaches the root through it).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The engine's modules from the bottom up; a module may name only modules of a lower layer.
/// Modules of one layer do not name each other. Written once: the design's order.
const LAYERS: &[(&str, u32)] = &[
    // Leaves: calendar arithmetic (one definition of a valid date) and the error type.
    ("civil", 0),
    ("error", 0),
    // Files to documents; texts to vectors; the review store (SQLite, hash chain).
    ("extract", 1),
    ("embed", 1),
    ("review", 1),
    // Documents to clauses.
    ("segment", 2),
    // Clauses to kinds and facts: the one `Classifier::analyze`.
    ("classify", 3),
    // Key dates computed from facts (to come: issue 19).
    ("deadlines", 4),
    // The store: tantivy and memory-mapped vectors, atomic commits; takes analysed documents.
    ("index", 5),
    // Ingestion (extract, segment, classify, embed, store) and search over a snapshot.
    ("pipeline", 6),
    ("search", 6),
    // The clause library: standard clauses, versions, deviation (to come: issue 20).
    ("library", 7),
    // Rule packs, flags, feedback, the review queue: reads search, review and library.
    ("risk", 8),
    // Clause-level exports for distributed engines: clauses, flags and review state.
    ("export", 9),
];

/// The module `crate::` paths go to when they name an item at the root.
const ROOT: &str = "lib.rs";

/// One `crate::` path: from the file it is written in to the module it names.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Arrow {
    file: PathBuf,
    line: usize,
    from: String,
    to: String,
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        // `src/bin/` holds binaries: crates of their own, whose `crate::` is not the library.
        if path.is_dir() && path.file_name().is_some_and(|n| n == "bin") {
            continue;
        }
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to (`src/index/writer.rs` is in `index`), or the root.
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel.components().next().unwrap().as_os_str().to_string_lossy().into_owned();
    match first.strip_suffix(".rs") {
        Some("lib") => ROOT.to_owned(),
        Some(stem) => stem.to_owned(),
        None => first,
    }
}

fn ident_at(s: &str) -> &str {
    let end = s.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(s.len());
    &s[..end]
}

/// The first segments of the paths in a `use` group: `{a::b, c, d::{e, f}}` gives a, c, d.
fn group_heads(group: &str) -> Vec<&str> {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut start = true;
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => start = true,
            c if start && depth == 0 && (c.is_alphanumeric() || c == '_') => {
                heads.push(ident_at(&group[i..]));
                start = false;
            }
            _ => {}
        }
    }
    heads
}

/// Every arrow of the crate under `src`, `modules` being the names that are modules (anything
/// else after `crate::` is an item of the root).
fn arrows(src: &Path, modules: &BTreeSet<String>) -> Vec<Arrow> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut out = Vec::new();
    for file in files {
        let from = module_of(src, &file);
        let text = std::fs::read_to_string(&file).unwrap();
        let mut push = |line: usize, head: &str| {
            let to = if modules.contains(head) { head.to_owned() } else { ROOT.to_owned() };
            if to != from {
                out.push(Arrow { file: file.clone(), line, from: from.clone(), to });
            }
        };
        for (n, line) in text.lines().enumerate() {
            let mut rest = line;
            while let Some(i) = rest.find("crate::") {
                let before = rest[..i].chars().next_back();
                rest = &rest[i + "crate::".len()..];
                // `$crate::` in macros and names ending in "crate" are not the crate root.
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
                    continue;
                }
                if let Some(group) = rest.strip_prefix('{') {
                    let end = group.find('}').map_or(group.len(), |e| e + 1);
                    // A group may span lines; its first line is enough for the heads it opens.
                    for head in group_heads(&group[..end.min(group.len())]) {
                        push(n + 1, head);
                    }
                } else {
                    push(n + 1, ident_at(rest));
                }
            }
        }
    }
    out
}

fn layer_of(module: &str) -> Option<u32> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|&(_, l)| l)
}

/// An arrow that is not allowed: to the root from below it, to a module of the same or a higher
/// layer, or from or to a module the table does not place (`unplaced` then decides).
fn runs_up(a: &Arrow, unplaced: u32) -> bool {
    if a.from == ROOT {
        return false;
    }
    if a.to == ROOT {
        return true;
    }
    let from = layer_of(&a.from).unwrap_or(unplaced);
    let to = layer_of(&a.to).unwrap_or(unplaced);
    to >= from
}

/// The modules in a circle: strongly connected components of more than one module.
fn circles(arrows: &[Arrow]) -> Vec<BTreeSet<String>> {
    let mut graph: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for a in arrows {
        graph.entry(&a.from).or_default().insert(&a.to);
        graph.entry(&a.to).or_default();
    }
    let reach = |start: &str| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![start];
        while let Some(m) = stack.pop() {
            for &next in &graph[m] {
                if seen.insert(next) {
                    stack.push(next);
                }
            }
        }
        seen
    };
    let reachable: BTreeMap<&str, BTreeSet<&str>> = graph.keys().map(|&m| (m, reach(m))).collect();
    let mut out: Vec<BTreeSet<String>> = Vec::new();
    for (&m, r) in &reachable {
        if !r.contains(m) {
            continue;
        }
        let scc: BTreeSet<String> = r
            .iter()
            .filter(|&&o| reachable[o].contains(m))
            .map(|&o| o.to_owned())
            .chain([m.to_owned()])
            .collect();
        if scc.len() > 1 && !out.contains(&scc) {
            out.push(scc);
        }
    }
    out
}

fn modules_declared_in(lib: &Path) -> BTreeSet<String> {
    std::fs::read_to_string(lib)
        .unwrap()
        .lines()
        .filter_map(|l| {
            let l = l.trim_start();
            let l = l.strip_prefix("pub ").unwrap_or(l);
            let l = l.strip_prefix("pub(crate) ").unwrap_or(l);
            let name = l.strip_prefix("mod ")?.strip_suffix(';')?;
            Some(name.to_owned())
        })
        .collect()
}

fn report(arrows: &[Arrow], up: &[&Arrow]) -> String {
    let distinct: BTreeSet<(&str, &str)> =
        arrows.iter().map(|a| (a.from.as_str(), a.to.as_str())).collect();
    let up_distinct: BTreeSet<(&str, &str)> =
        up.iter().map(|a| (a.from.as_str(), a.to.as_str())).collect();
    let mut s = format!(
        "{} paths, {} arrows between modules, {} running up ({} paths)\n",
        arrows.len(),
        distinct.len(),
        up_distinct.len(),
        up.len()
    );
    for (from, to) in &up_distinct {
        let first = up.iter().find(|a| a.from == *from && a.to == *to).unwrap();
        s += &format!("  {from} -> {to}   e.g. {}:{}\n", first.file.display(), first.line);
    }
    s
}

#[test]
fn every_module_is_placed_and_every_import_runs_down() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let declared = modules_declared_in(&src.join("lib.rs"));
    for m in &declared {
        assert!(
            layer_of(m).is_some(),
            "module `{m}` has no place in LAYERS (tests/architecture.rs)"
        );
    }
    let arrows = arrows(&src, &declared);
    assert!(arrows.len() > 100, "the scan found only {} paths: is it reading src/?", arrows.len());
    let up: Vec<&Arrow> = arrows.iter().filter(|a| runs_up(a, u32::MAX)).collect();
    let circles = circles(&arrows);
    assert!(
        up.is_empty() && circles.is_empty(),
        "imports that run up the layers (docs/adr/006-workspace-and-layers.md):\n{}circles: {circles:?}",
        report(&arrows, &up)
    );
}

/// The same count on any source tree, e.g. an older checkout:
/// `CLAUSAL_ARCH_SRC=../old/src cargo test --test tests architecture -- --ignored --nocapture`.
/// Modules the table does not place (an old `eval`) count as above every placed one.
#[test]
#[ignore = "a measurement on the tree named by CLAUSAL_ARCH_SRC"]
fn count_arrows_of_another_tree() {
    let Some(src) = std::env::var_os("CLAUSAL_ARCH_SRC") else { return };
    let src = PathBuf::from(src);
    let declared = modules_declared_in(&src.join("lib.rs"));
    let arrows = arrows(&src, &declared);
    let up: Vec<&Arrow> = arrows.iter().filter(|a| runs_up(a, u32::MAX - 1)).collect();
    let circles = circles(&arrows);
    let mut out = std::io::stderr().lock();
    let _ = std::io::Write::write_fmt(
        &mut out,
        format_args!("{}: {}circles: {circles:?}\n", src.display(), report(&arrows, &up)),
    );
}

#[test]
fn the_scan_sees_groups_and_doc_links() {
    let dir = std::env::temp_dir().join(format!("clausal-arch-{}", std::process::id()));
    let src = dir.join("src");
    std::fs::create_dir_all(src.join("index")).unwrap();
    std::fs::write(src.join("lib.rs"), "mod error;\nmod index;\nmod search;\n").unwrap();
    std::fs::write(src.join("error.rs"), "use crate::Result;\n").unwrap();
    std::fs::write(
        src.join("index/mod.rs"),
        "use crate::{error::Error, search::Searcher};\n/// See [`X`](crate::search::X).\n",
    )
    .unwrap();
    std::fs::write(
        src.join("search.rs"),
        "use crate::index::Index;\nmacro_rules! m { () => { $crate::x } }\n",
    )
    .unwrap();
    let declared = modules_declared_in(&src.join("lib.rs"));
    let arrows = arrows(&src, &declared);
    let pairs: Vec<(&str, &str)> =
        arrows.iter().map(|a| (a.from.as_str(), a.to.as_str())).collect();
    assert_eq!(
        pairs,
        [
            ("error", ROOT),
            ("index", "error"),
            ("index", "search"),
            ("index", "search"),
            ("search", "index"),
        ]
    );
    let up: Vec<&Arrow> = arrows.iter().filter(|a| runs_up(a, u32::MAX)).collect();
    assert_eq!(up.len(), 3, "{up:?}"); // error -> root, index -> search (twice)
    assert_eq!(circles(&arrows).len(), 1); // index <-> search
    std::fs::remove_dir_all(&dir).unwrap();
}
