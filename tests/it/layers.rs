//! The layers of `src/` hold (issue 24): every `crate::` and `super::` path
//! in the library — `use` lines, inline paths and `pub use` alike, outside
//! comments, string literals and `#[cfg(test)]` modules — reaches only its
//! own layer or the layers below it, and no cycle of modules exists.
//!
//! The layer table is written once, in the crate docs (`src/lib.rs`, the
//! table under "# Layers"); `docs/architecture.md` carries the same rows.
//! A module and the modules nested in it are one place: a child may use
//! what its parent declares or re-exports, so edges between a module and
//! its own ancestors are not cycles; every other pair of modules is.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The layer table: (layer number, top-level modules), from the rows of the
/// first Markdown table after `heading` in `text` whose first cell is a
/// number and second the modules in backticks.
fn layer_table(text: &str, heading: &str) -> BTreeMap<String, usize> {
    let start = text.find(heading).expect("the layer table's heading");
    let mut out = BTreeMap::new();
    for line in text[start..].lines().skip(1) {
        let line = line.trim_start_matches("//!").trim();
        if out.is_empty() && !line.starts_with('|') {
            continue;
        }
        if !line.starts_with('|') {
            break;
        }
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        let Ok(n) = cells[0].parse::<usize>() else {
            continue;
        };
        // Each module is the text between a pair of backticks.
        for m in cells[2].split('`').skip(1).step_by(2) {
            out.insert(m.to_string(), n);
        }
    }
    out
}

/// Source text without comments, string and char literals, and
/// `#[cfg(test)]` items.
fn code_only(src: &str) -> String {
    let b: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i += 2;
            let mut depth = 1;
            while i < b.len() && depth > 0 {
                if b[i] == '/' && b.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 1;
                } else if b[i] == '*' && b.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 1;
                }
                i += 1;
            }
        } else if c == 'r'
            && (next == Some('"') || next == Some('#'))
            && !b
                .get(i.wrapping_sub(1))
                .is_some_and(|p| p.is_alphanumeric() || *p == '_')
        {
            // A raw string: r"…", r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= b.len() {
                    break;
                }
                if b[j] == '"' && (0..hashes).all(|k| b.get(j + 1 + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            out.push_str("\"\"");
            i = j;
        } else if c == '"' {
            i += 1;
            while i < b.len() && b[i] != '"' {
                if b[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == '\'' {
            // A char literal ('x', '\n', '\u{..}') or a lifetime ('a).
            if next == Some('\\') {
                i += 2;
                while i < b.len() && b[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if b.get(i + 2) == Some(&'\'') {
                i += 3;
            } else {
                out.push(c);
                i += 1;
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    strip_test_items(&out)
}

/// Removes each `#[cfg(test)]` item (a `mod … { … }` or one `use` line).
fn strip_test_items(code: &str) -> String {
    let mut out = String::new();
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        let end = match (after.find('{'), after.find(';')) {
            (Some(brace), semi) if semi.is_none_or(|s| brace < s) => {
                let mut depth = 0;
                let mut end = after.len();
                for (k, ch) in after[brace..].char_indices() {
                    match ch {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = brace + k + 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                end
            }
            (_, Some(semi)) => semi + 1,
            _ => after.len(),
        };
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// Every path starting at `crate`, `super` or `self` in code, brace groups
/// expanded (`crate::a::{b, c::{d}}` gives `crate::a::b` and `crate::a::c::d`).
fn paths(code: &str) -> Vec<Vec<String>> {
    let b: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let starts_word =
            i == 0 || !(b[i - 1].is_alphanumeric() || b[i - 1] == '_' || b[i - 1] == ':');
        if starts_word {
            for head in ["crate", "super", "self"] {
                let h: Vec<char> = head.chars().collect();
                if b[i..].starts_with(&h)
                    && b.get(i + h.len()) == Some(&':')
                    && b.get(i + h.len() + 1) == Some(&':')
                {
                    let mut prefix = vec![head.to_string()];
                    let end = path_at(&b, i + h.len(), &mut prefix, &mut out);
                    i = end;
                    break;
                }
            }
        }
        i += 1;
    }
    out
}

/// Reads `::seg::seg…` or `::{…}` from `i` after `prefix`; returns where it ended.
fn path_at(
    b: &[char],
    mut i: usize,
    prefix: &mut Vec<String>,
    out: &mut Vec<Vec<String>>,
) -> usize {
    let depth = prefix.len();
    loop {
        if b.get(i) == Some(&':') && b.get(i + 1) == Some(&':') {
            i += 2;
            while b.get(i).is_some_and(|c| c.is_whitespace()) {
                i += 1;
            }
            if b.get(i) == Some(&'{') {
                i += 1;
                loop {
                    while b.get(i).is_some_and(|c| c.is_whitespace() || *c == ',') {
                        i += 1;
                    }
                    if i >= b.len() || b[i] == '}' {
                        i += 1;
                        break;
                    }
                    let mut inner = prefix.clone();
                    let start = i;
                    while b
                        .get(i)
                        .is_some_and(|c| c.is_alphanumeric() || *c == '_' || *c == '*')
                    {
                        i += 1;
                    }
                    if i == start {
                        i += 1;
                        continue;
                    }
                    let seg: String = b[start..i].iter().collect();
                    if seg != "self" {
                        inner.push(seg);
                    }
                    i = path_at(b, i, &mut inner, out);
                    // ` as Name` and anything else up to the next `,` or `}`.
                    while b.get(i).is_some_and(|c| *c != ',' && *c != '}') {
                        i += 1;
                    }
                }
                prefix.truncate(depth);
                return i;
            }
            let start = i;
            while b.get(i).is_some_and(|c| c.is_alphanumeric() || *c == '_') {
                i += 1;
            }
            if i == start {
                break;
            }
            prefix.push(b[start..i].iter().collect());
        } else {
            break;
        }
    }
    out.push(prefix.clone());
    i
}

/// The library's modules: path segments → file, from `src/` (the binary's
/// `main.rs` and `cli/` left out: the front end is not a layer of the library).
fn modules(src: &Path) -> BTreeMap<Vec<String>, PathBuf> {
    let mut out = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).expect("src readable") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                if p != src.join("cli") {
                    stack.push(p);
                }
                continue;
            }
            if p.extension().is_none_or(|x| x != "rs") {
                continue;
            }
            let rel = p.strip_prefix(src).expect("under src").with_extension("");
            let mut segs: Vec<String> = rel
                .iter()
                .map(|s| s.to_string_lossy().into_owned())
                .collect();
            if segs.last().is_some_and(|s| s == "mod") {
                segs.pop();
            }
            if segs == ["lib"] {
                segs.clear();
            } else if segs == ["main"] {
                continue;
            }
            out.insert(segs, p);
        }
    }
    out
}

/// The module a path names: the longest known module prefix, after
/// resolving `crate`, `super` and `self` from `from`.
fn resolve(
    path: &[String],
    from: &[String],
    known: &BTreeMap<Vec<String>, PathBuf>,
) -> Option<Vec<String>> {
    let mut segs: Vec<String> = Vec::new();
    let mut rest = path;
    match path.first().map(String::as_str) {
        Some("crate") => rest = &path[1..],
        Some("self") => {
            segs = from.to_vec();
            rest = &path[1..];
        }
        Some("super") => {
            segs = from.to_vec();
            while rest.first().is_some_and(|s| s == "super") {
                segs.pop();
                rest = &rest[1..];
            }
        }
        _ => return None,
    }
    segs.extend(rest.iter().cloned());
    (0..=segs.len())
        .rev()
        .map(|n| segs[..n].to_vec())
        .find(|m| known.contains_key(m))
}

/// Every layer breach and every cycle in the sources given (module path →
/// source text), under `layers` (top-level module → layer).
fn breaches(
    sources: &BTreeMap<Vec<String>, String>,
    layers: &BTreeMap<String, usize>,
) -> Vec<String> {
    let known: BTreeMap<Vec<String>, PathBuf> = sources
        .keys()
        .map(|k| (k.clone(), PathBuf::new()))
        .collect();
    let mut problems = Vec::new();
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    let name = |m: &[String]| {
        if m.is_empty() {
            "crate".to_string()
        } else {
            m.join("::")
        }
    };
    for (module, text) in sources {
        if module.is_empty() {
            continue; // the crate root declares and re-exports: the front door
        }
        let Some(&own) = layers.get(&module[0]) else {
            problems.push(format!("module {} has no layer in the table", module[0]));
            continue;
        };
        for p in paths(&code_only(text)) {
            let Some(target) = resolve(&p, module, &known) else {
                continue;
            };
            if target.is_empty() {
                problems.push(format!(
                    "{} uses {} through the crate root; name the module it lives in",
                    name(module),
                    p.join("::")
                ));
                continue;
            }
            let nested = target.starts_with(module) || module.starts_with(&target);
            if nested {
                continue;
            }
            let Some(&theirs) = layers.get(&target[0]) else {
                continue;
            };
            if theirs > own {
                problems.push(format!(
                    "{} (layer {own}) uses {} (layer {theirs}): {}",
                    name(module),
                    name(&target),
                    p.join("::")
                ));
            }
            edges.entry(module.clone()).or_default().insert(target);
        }
    }
    for cycle in cycles(&edges) {
        problems.push(format!(
            "a cycle of modules: {}",
            cycle
                .iter()
                .map(|m| name(m))
                .collect::<Vec<_>>()
                .join(" -> ")
        ));
    }
    problems
}

/// The cycles of a directed graph, one per strongly connected component of
/// more than one module (Tarjan), each as a path back to its start.
fn cycles(edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Vec<Vec<Vec<String>>> {
    struct T<'a> {
        edges: &'a BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        index: BTreeMap<Vec<String>, usize>,
        low: BTreeMap<Vec<String>, usize>,
        stack: Vec<Vec<String>>,
        on: BTreeSet<Vec<String>>,
        out: Vec<Vec<Vec<String>>>,
    }
    fn visit(t: &mut T<'_>, v: &Vec<String>) {
        let n = t.index.len();
        t.index.insert(v.clone(), n);
        t.low.insert(v.clone(), n);
        t.stack.push(v.clone());
        t.on.insert(v.clone());
        for w in t.edges.get(v).into_iter().flatten() {
            if !t.index.contains_key(w) {
                visit(t, w);
                let lw = t.low[w];
                let lv = t.low.get_mut(v).expect("visited");
                *lv = (*lv).min(lw);
            } else if t.on.contains(w) {
                let iw = t.index[w];
                let lv = t.low.get_mut(v).expect("visited");
                *lv = (*lv).min(iw);
            }
        }
        if t.low[v] == t.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on.remove(&w);
                let done = &w == v;
                comp.push(w);
                if done {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.reverse();
                comp.push(comp[0].clone());
                t.out.push(comp);
            }
        }
    }
    let mut t = T {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in edges.keys() {
        if !t.index.contains_key(v) {
            visit(&mut t, v);
        }
    }
    t.out
}

fn library() -> BTreeMap<Vec<String>, String> {
    modules(&root().join("src"))
        .into_iter()
        .map(|(m, p)| (m, std::fs::read_to_string(p).expect("source readable")))
        .collect()
}

fn crate_layers() -> BTreeMap<String, usize> {
    let lib = std::fs::read_to_string(root().join("src/lib.rs")).expect("lib.rs");
    layer_table(&lib, "# Layers")
}

#[test]
fn every_module_uses_only_its_layer_and_those_below_and_no_cycle_exists() {
    let sources = library();
    let layers = crate_layers();
    assert!(
        layers.len() >= 10,
        "the layer table was not found in src/lib.rs: {layers:?}"
    );
    let problems = breaches(&sources, &layers);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Every top-level module of the library is in the table, and the table
    // names no module that does not exist.
    let top: BTreeSet<String> = sources.keys().filter_map(|m| m.first().cloned()).collect();
    let named: BTreeSet<String> = layers.keys().cloned().collect();
    assert_eq!(top, named, "the layer table and src/ disagree");
}

#[test]
fn the_architecture_page_carries_the_crate_docs_layer_table() {
    let page =
        std::fs::read_to_string(root().join("docs/architecture.md")).expect("docs/architecture.md");
    assert_eq!(layer_table(&page, "## Layers"), crate_layers());
}

/// The checker itself: an upward import, one through a brace group, an
/// inline path, a `pub use` and a cycle are each found; comments, strings
/// and test modules are not read.
#[test]
fn the_checker_finds_an_upward_import_and_a_cycle() {
    let layers: BTreeMap<String, usize> =
        [("model", 1), ("input", 2), ("output", 2), ("report", 8)]
            .map(|(m, n)| (m.to_string(), n))
            .into();
    let src = |pairs: &[(&str, &str)]| -> BTreeMap<Vec<String>, String> {
        pairs
            .iter()
            .map(|(m, t)| (m.split("::").map(str::to_string).collect(), t.to_string()))
            .collect()
    };
    let clean = src(&[
        ("model", "pub struct Unit;"),
        ("input", "use crate::model::Unit; // crate::report::x\nconst S: &str = \"crate::report::y\";\n#[cfg(test)]\nmod tests { use crate::report::z; }"),
        ("report", "use crate::{input, model::Unit};"),
    ]);
    assert_eq!(breaches(&clean, &layers), Vec::<String>::new());
    for upward in [
        "use crate::report::html;",
        "use crate::{input, report::{html, words}};",
        "fn f() { crate::report::html::page(); }",
        "pub use crate::report::Lang;",
        "use super::report::Lang;",
    ] {
        let mut s = clean.clone();
        s.insert(vec!["model".into()], upward.into());
        let p = breaches(&s, &layers);
        assert!(
            p.iter()
                .any(|p| p.starts_with("model (layer 1) uses report (layer 8)")),
            "{upward}: {p:?}"
        );
    }
    let mut s = clean.clone();
    s.insert(vec!["input".into()], "use crate::output::Guard;".into());
    s.insert(vec!["output".into()], "use crate::input::Reading;".into());
    let p = breaches(&s, &layers);
    assert!(
        p.iter()
            .any(|p| p.starts_with("a cycle of modules: input -> output -> input")),
        "{p:?}"
    );
}

/// The examples (but the solver comparison, which reaches the internals on
/// purpose) use the crate root's re-exports only: every `boligmatch::` path
/// names a root item, never a module.
#[test]
fn the_examples_use_only_the_crate_roots_re_exports() {
    let modules: BTreeSet<String> = library()
        .keys()
        .filter(|m| m.len() == 1)
        .map(|m| m[0].clone())
        .collect();
    let mut checked = 0;
    for e in std::fs::read_dir(root().join("examples")).expect("examples") {
        let path = e.expect("entry").path();
        if path
            .file_name()
            .is_some_and(|n| n == "aggregated_level1.rs")
        {
            continue;
        }
        let code = code_only(&std::fs::read_to_string(&path).expect("example readable"));
        let text: String = code.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut rest = text.as_str();
        while let Some(at) = rest.find("boligmatch::") {
            rest = &rest[at + "boligmatch::".len()..];
            // The items named: a brace group's, or the path's first.
            let items: Vec<String> = match rest.strip_prefix('{') {
                Some(group) => group
                    .split('}')
                    .next()
                    .unwrap_or("")
                    .split(',')
                    .map(|i| i.trim().to_string())
                    .filter(|i| !i.is_empty())
                    .collect(),
                None => vec![rest
                    .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                    .next()
                    .unwrap_or("")
                    .to_string()],
            };
            for item in items {
                // A module reached into (`report::files`): not a root item.
                let first = item.split("::").next().unwrap_or("");
                let reaches_in = item.contains("::") && modules.contains(first);
                assert!(
                    !reaches_in && item != "self",
                    "{} uses boligmatch::{item}; use the crate root's re-exports",
                    path.display()
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 2, "no example paths found");
}
