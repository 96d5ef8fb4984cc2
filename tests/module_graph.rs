//! No import circles: reads every source file of the core, the export crate, the CLI, the shell
//! and the other library crates (crypto, telemetry, sample, testkit) with `syn`, builds the module
//! graph from their `use` items and their `crate::`, `super::` and `self::` paths, and fails
//! naming each circle with the imports that close it.
//!
//! Nodes are the top-level modules of a crate, and inside `store`, `checks`, `report`, `pack`
//! and `cli` their child modules. A module's own file (its `mod.rs`) contains its children: a
//! child using what its parent defines, or a parent re-exporting or calling a child, is not an
//! import between two modules. Circles are looked for among the top-level modules of each
//! crate and among the children of each of those five. What the graph cannot see: paths inside
//! macro calls, and names reached through a glob re-export. Run it alone with
//! `cargo test -p vetdesk --test module_graph -- --nocapture` to print the edges.

// Tests fail loudly: unwrapping is how they say what broke.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use syn::visit::Visit;

/// Modules whose children are nodes of their own.
const SPLIT: &[&str] = &["store", "checks", "report", "pack", "cli"];

/// One crate to read: its name, `src` directory and root file.
struct CrateSource {
    name: &'static str,
    src: PathBuf,
    root: &'static str,
}

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn crates() -> Vec<CrateSource> {
    [
        ("vetdesk-core", "crates/vetdesk-core/src", "lib.rs"),
        ("vetdesk-export", "crates/vetdesk-export/src", "lib.rs"),
        ("vetdesk (CLI)", "src", "main.rs"),
        ("vetdesk-crypto", "crates/vetdesk-crypto/src", "lib.rs"),
        ("vetdesk-telemetry", "crates/vetdesk-telemetry/src", "lib.rs"),
        ("vetdesk-sample", "crates/vetdesk-sample/src", "lib.rs"),
        ("vetdesk-testkit", "crates/vetdesk-testkit/src", "lib.rs"),
        ("vetdesk-app (shell)", "src-tauri/src", "lib.rs"),
    ]
    .into_iter()
    .map(|(name, src, root)| CrateSource { name, src: workspace().join(src), root })
    .collect()
}

/// Where one import was seen: file (relative to `src`) and line.
#[derive(Clone, Debug)]
struct Seen {
    file: String,
    line: usize,
    path: String,
}

/// One path written in a module: the module it is written in (inline modules included, for
/// `super::`), the module whose file holds it (what the graph counts it for), and the path.
struct Reference {
    written_in: Vec<String>,
    file_module: Vec<String>,
    path: Vec<String>,
    seen: Seen,
}

/// The modules of a crate (every module path, root = empty) and the paths written in them.
#[derive(Default)]
struct Crate {
    modules: BTreeSet<Vec<String>>,
    references: Vec<Reference>,
}

impl Crate {
    fn read(src: &Path, root: &str) -> Crate {
        let mut c = Crate::default();
        c.read_file(src, &src.join(root), Vec::new(), true);
        c
    }

    /// Reads one file holding module `module`; `owns_dir` when it is `lib.rs`, `main.rs` or a
    /// `mod.rs` (its children's files sit beside it rather than in a folder of its name).
    fn read_file(&mut self, src: &Path, file: &Path, module: Vec<String>, owns_dir: bool) {
        let text = std::fs::read_to_string(file)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
        let parsed = syn::parse_file(&text)
            .unwrap_or_else(|e| panic!("cannot parse {}: {e}", file.display()));
        let dir =
            if owns_dir { file.parent().unwrap().to_path_buf() } else { file.with_extension("") };
        let shown = file.strip_prefix(src).unwrap_or(file).display().to_string();
        self.modules.insert(module.clone());
        self.read_items(src, &parsed.items, &module, &module, &dir, &shown);
    }

    fn read_items(
        &mut self,
        src: &Path,
        items: &[syn::Item],
        module: &[String],
        file_module: &[String],
        dir: &Path,
        file: &str,
    ) {
        for item in items {
            if let syn::Item::Mod(m) = item {
                let mut child = module.to_vec();
                child.push(m.ident.to_string());
                if let Some((_, inner)) = &m.content {
                    // An inline module (a `mod tests { … }`) is part of its file's module; its
                    // paths are relative to it, and its files would sit in a folder of its name.
                    self.modules.insert(child.clone());
                    let dir = dir.join(m.ident.to_string());
                    self.read_items(src, inner, &child, file_module, &dir, file);
                } else {
                    assert!(
                        !m.attrs.iter().any(|a| a.path().is_ident("path")),
                        "{file}: #[path] on mod {} is not followed by this test",
                        m.ident
                    );
                    let flat = dir.join(format!("{}.rs", m.ident));
                    let nested = dir.join(m.ident.to_string()).join("mod.rs");
                    if flat.exists() {
                        self.read_file(src, &flat, child, false);
                    } else if nested.exists() {
                        self.read_file(src, &nested, child, true);
                    } else {
                        panic!("{file}: no file for mod {}", m.ident);
                    }
                }
                continue;
            }
            let mut visitor = Paths {
                module: module.to_vec(),
                file_module: file_module.to_vec(),
                file,
                found: Vec::new(),
            };
            visitor.visit_item(item);
            self.references.extend(visitor.found);
        }
    }

    /// The module a reference names: the longest prefix of its absolute path that is a module.
    fn target(&self, from: &[String], path: &[String]) -> Option<Vec<String>> {
        let first = path.first()?;
        let mut absolute: Vec<String> = match first.as_str() {
            "crate" => Vec::new(),
            "self" => from.to_vec(),
            "super" => from.to_vec(),
            // A plain name is a child of the current module when there is one of that name
            // (anything else is an outside crate or a name already in scope).
            name => {
                let mut child = from.to_vec();
                child.push(name.to_string());
                if !self.modules.contains(&child) {
                    return None;
                }
                from.to_vec()
            }
        };
        let mut rest = path;
        while let Some(segment) = rest.first() {
            match segment.as_str() {
                "crate" | "self" => {}
                "super" => {
                    absolute.pop()?;
                }
                _ => break,
            }
            rest = &rest[1..];
        }
        for segment in rest {
            let mut next = absolute.clone();
            next.push(segment.clone());
            if !self.modules.contains(&next) {
                break;
            }
            absolute = next;
        }
        Some(absolute)
    }

    /// Edges between nodes (see [`node`]), each with the first place it was seen.
    fn edges(&self) -> BTreeMap<(String, String), Seen> {
        let mut edges = BTreeMap::new();
        for r in &self.references {
            let Some(to) = self.target(&r.written_in, &r.path) else { continue };
            let (Some(a), Some(b)) = (node(&r.file_module), node(&to)) else { continue };
            if a != b {
                edges.entry((a, b)).or_insert_with(|| r.seen.clone());
            }
        }
        edges
    }
}

/// The graph node a module belongs to: its top-level module, or for a module inside one of
/// [`SPLIT`], `parent::child`. The crate root belongs to none.
fn node(module: &[String]) -> Option<String> {
    let top = module.first()?;
    match module.get(1) {
        Some(child) if SPLIT.contains(&top.as_str()) => Some(format!("{top}::{child}")),
        _ => Some(top.clone()),
    }
}

/// Collects the paths of one item: `use` trees expanded, and every path in its code.
struct Paths<'a> {
    module: Vec<String>,
    file_module: Vec<String>,
    file: &'a str,
    found: Vec<Reference>,
}

impl Paths<'_> {
    fn add(&mut self, path: Vec<String>, line: usize) {
        let seen = Seen { file: self.file.to_string(), line, path: path.join("::") };
        self.found.push(Reference {
            written_in: self.module.clone(),
            file_module: self.file_module.clone(),
            path,
            seen,
        });
    }

    fn use_tree(&mut self, prefix: &[String], tree: &syn::UseTree, line: usize) {
        let with = |name: String| {
            let mut p = prefix.to_vec();
            p.push(name);
            p
        };
        match tree {
            syn::UseTree::Path(p) => self.use_tree(&with(p.ident.to_string()), &p.tree, line),
            syn::UseTree::Name(n) if n.ident == "self" => self.add(prefix.to_vec(), line),
            syn::UseTree::Name(n) => self.add(with(n.ident.to_string()), line),
            syn::UseTree::Rename(r) => self.add(with(r.ident.to_string()), line),
            syn::UseTree::Glob(_) => self.add(prefix.to_vec(), line),
            syn::UseTree::Group(g) => {
                for tree in &g.items {
                    self.use_tree(prefix, tree, line);
                }
            }
        }
    }
}

impl<'ast> Visit<'ast> for Paths<'_> {
    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        let line = item.use_token.span.start().line;
        self.use_tree(&[], &item.tree, line);
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        if let Some(first) = path.segments.first() {
            let name = first.ident.to_string();
            if matches!(name.as_str(), "crate" | "super" | "self") && path.segments.len() > 1 {
                let segments = path.segments.iter().map(|s| s.ident.to_string()).collect();
                self.add(segments, first.ident.span().start().line);
            }
        }
        syn::visit::visit_path(self, path);
    }
}

/// Every circle of a graph: its strongly connected components of more than one node, each
/// written as one cycle through them (`a → b → a`), with the import that makes each step.
fn circles(edges: &BTreeMap<(String, String), Seen>) -> Vec<(String, Vec<String>)> {
    let nodes: BTreeSet<&String> = edges.keys().flat_map(|(a, b)| [a, b]).collect();
    let next = |n: &String| -> Vec<&String> {
        edges.keys().filter(|(a, _)| a == n).map(|(_, b)| b).collect()
    };
    let reaches = |from: &String, to: &String| -> bool {
        let mut stack = vec![from];
        let mut seen = BTreeSet::new();
        while let Some(n) = stack.pop() {
            if n == to {
                return true;
            }
            if seen.insert(n) {
                stack.extend(next(n));
            }
        }
        false
    };
    let mut done: BTreeSet<&String> = BTreeSet::new();
    let mut out = Vec::new();
    for n in &nodes {
        if done.contains(n) {
            continue;
        }
        let component: Vec<&String> =
            nodes.iter().copied().filter(|m| reaches(n, m) && reaches(m, n)).collect();
        done.extend(component.iter().copied());
        if component.len() < 2 {
            continue;
        }
        // One cycle through the component: follow edges inside it from its first node until
        // a node repeats, keeping the part that loops.
        let inside: BTreeSet<&String> = component.iter().copied().collect();
        let mut walk = vec![component[0]];
        let looped = loop {
            let last = walk[walk.len() - 1];
            let step = next(last).into_iter().find(|m| inside.contains(m)).unwrap();
            if let Some(at) = walk.iter().position(|m| *m == step) {
                let mut cycle: Vec<&String> = walk[at..].to_vec();
                cycle.push(step);
                break cycle;
            }
            walk.push(step);
        };
        let name = component.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" → ");
        let steps = looped
            .windows(2)
            .map(|w| {
                let seen = &edges[&(w[0].clone(), w[1].clone())];
                format!("{} → {}: {}:{} uses {}", w[0], w[1], seen.file, seen.line, seen.path)
            })
            .collect();
        out.push((name, steps));
    }
    out
}

/// The circles of a crate: among its top-level modules, and among the children of each split
/// module. Named `crate: a → b` (the nodes of the circle in order of their names).
fn crate_circles(name: &str, c: &Crate) -> Vec<(String, Vec<String>)> {
    let edges = c.edges();
    let mut levels: BTreeMap<String, BTreeMap<(String, String), Seen>> = BTreeMap::new();
    for ((a, b), seen) in edges {
        let top = |n: &str| n.split("::").next().unwrap_or(n).to_string();
        let (ta, tb) = (top(&a), top(&b));
        if ta != tb {
            levels.entry(String::new()).or_default().entry((ta, tb)).or_insert(seen);
        } else if a.contains("::") && b.contains("::") {
            levels.entry(ta).or_default().insert((a, b), seen);
        }
    }
    levels
        .values()
        .flat_map(circles)
        .map(|(circle, steps)| (format!("{name}: {circle}"), steps))
        .collect()
}

fn describe(found: &[(String, Vec<String>)]) -> String {
    let mut out = String::new();
    for (circle, steps) in found {
        out.push_str(&format!("import circle {circle}\n"));
        for step in steps {
            out.push_str(&format!("    {step}\n"));
        }
    }
    out
}

#[test]
fn no_module_imports_a_module_that_imports_it() {
    let mut found = Vec::new();
    for source in crates() {
        let c = Crate::read(&source.src, source.root);
        assert!(c.modules.len() > 3, "{}: read only {} modules", source.name, c.modules.len());
        for ((a, b), seen) in c.edges() {
            println!("{}: {a} → {b}  ({}:{})", source.name, seen.file, seen.line);
        }
        found.extend(crate_circles(source.name, &c));
    }
    assert!(
        found.is_empty(),
        "modules that import each other (move the shared piece into a module of its own):\n{}",
        describe(&found)
    );
}

/// The reader on a crate written for the purpose: a circle between two children of `store`
/// through `use super::…`, one between top-level modules through `crate::` paths in code, and
/// the imports that are not circles (a parent and its children, outside crates, inline tests).
#[test]
fn the_reader_finds_circles_and_names_the_imports() {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        ("lib.rs", "pub mod store;\npub mod model;\npub mod checks;\nuse store::Store;\n"),
        ("model.rs", "pub struct Case;\nfn f() -> crate::checks::Finding { todo!() }\n"),
        ("checks/mod.rs", "pub mod mrz;\npub struct Finding(crate::model::Case);\n"),
        ("checks/mrz.rs", "use super::Finding;\nuse std::fmt;\n"),
        (
            "store/mod.rs",
            "mod apply;\nmod verification;\npub use apply::apply;\npub struct Store;\n",
        ),
        (
            "store/apply.rs",
            "use super::{Store, verification::{self, record}};\npub fn apply() {}\n\
             #[cfg(test)]\nmod tests { use super::super::Store; }\n",
        ),
        (
            "store/verification.rs",
            "use crate::checks::mrz;\npub fn record() { super::apply::apply(); }\n",
        ),
    ];
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let c = Crate::read(dir.path(), "lib.rs");
    let found = crate_circles("sample", &c);
    let names: Vec<&str> = found.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["sample: checks → model", "sample: store::apply → store::verification"]);
    let text = describe(&found);
    assert!(text.contains("store/apply.rs:1 uses super::verification"), "{text}");
    assert!(text.contains("store/verification.rs:2 uses super::apply::apply"), "{text}");
    assert!(text.contains("model.rs:2 uses crate::checks::Finding"), "{text}");
    // A parent and its children need each other without a circle; outside crates are not
    // modules; an inline test module counts for the module of its file.
    let edges = c.edges();
    assert!(edges.contains_key(&("store".into(), "store::apply".into())), "{edges:?}");
    assert!(edges.contains_key(&("store::apply".into(), "store".into())), "{edges:?}");
    assert!(!edges.keys().any(|(a, b)| a.contains("tests") || b.starts_with("std")), "{edges:?}");
    assert!(edges.contains_key(&("store::verification".into(), "checks::mrz".into())), "{edges:?}");
}
