//! core/src has no import cycle among its modules (see DESIGN.md "Core in layers").
//!
//! A module is a top-level file `src/x.rs` (with its `src/x/` children). An edge x -> y is a
//! `crate::y` path in x's non-test code (`use crate::y::…`, `use crate::{y, …}`, an inline
//! `crate::y::f()`), or `crate::Name` where lib.rs re-exports `Name` from y. Test modules
//! (a `#[cfg(test)] mod …` and what follows it, and `tests.rs` files) are left out: a test may
//! use anything. The test fails naming the cycle.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

type Graph = BTreeMap<String, BTreeSet<String>>;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("read src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to (`client/single_flight.rs` -> `client`).
fn module_of(path: &Path) -> String {
    let rel = path.strip_prefix(src()).expect("under src");
    let first = rel.components().next().expect("a component");
    let name = first.as_os_str().to_string_lossy();
    name.trim_end_matches(".rs").to_owned()
}

/// Source without `//` comments and without its test module.
fn code_of(text: &str) -> String {
    let text = text.split("#[cfg(test)]\nmod ").next().unwrap_or_default();
    text.lines()
        .map(|l| l.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The first identifiers named after each `crate::` (one, or each of a `{…}` group).
fn crate_paths(code: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = matching_brace(group);
            for item in split_top(&group[..end]) {
                names.push(ident(item.trim()));
            }
        } else {
            names.push(ident(rest));
        }
    }
    names.retain(|n| !n.is_empty() && n != "self");
    names
}

fn ident(s: &str) -> String {
    s.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

fn matching_brace(s: &str) -> usize {
    let mut depth = 0;
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return i,
            '}' => depth -= 1,
            _ => {}
        }
    }
    s.len()
}

/// Splits a `use` group at its top-level commas.
fn split_top(s: &str) -> Vec<&str> {
    let (mut parts, mut depth, mut start) = (Vec::new(), 0, 0);
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    parts
}

/// lib.rs's `pub use module::{A, B}` / `pub use module::A`: re-exported name -> module.
fn reexports(lib: &str) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for stmt in code_of(lib).split(';') {
        let Some(path) = stmt.trim().strip_prefix("pub use ") else {
            continue;
        };
        let Some((module, items)) = path.split_once("::") else {
            continue;
        };
        let items = items.trim().trim_start_matches('{').trim_end_matches('}');
        for item in split_top(items) {
            let name = ident(item.trim());
            if !name.is_empty() {
                map.insert(name, module.trim().to_owned());
            }
        }
    }
    map
}

fn graph() -> Graph {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let modules: BTreeSet<String> = files.iter().map(|f| module_of(f)).collect();
    let lib = fs::read_to_string(src().join("lib.rs")).expect("lib.rs");
    let names = reexports(&lib);
    let mut graph = Graph::new();
    for file in &files {
        let from = module_of(file);
        if from == "lib" || file.file_name().is_some_and(|n| n == "tests.rs") {
            continue;
        }
        let code = code_of(&fs::read_to_string(file).expect("read a source file"));
        let edges = graph.entry(from.clone()).or_default();
        for name in crate_paths(&code) {
            let to = if modules.contains(&name) {
                name
            } else if let Some(module) = names.get(&name) {
                module.clone()
            } else {
                continue;
            };
            if to != from {
                edges.insert(to);
            }
        }
    }
    graph
}

/// A cycle, as the list of modules along it, if there is one.
fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &Graph,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|start| visit(start, graph, &mut Vec::new(), &mut done))
}

#[test]
fn core_modules_have_no_import_cycle() {
    let graph = graph();
    if let Some(cycle) = find_cycle(&graph) {
        panic!("import cycle in core/src: {}", cycle.join(" -> "));
    }
}

#[test]
fn the_graph_sees_the_layers_it_checks() {
    // Guards the parser: if it saw no edges, the test above could not fail.
    let graph = graph();
    let client = &graph["client"];
    assert!(
        client.contains("provider") && client.contains("credential"),
        "{client:?}"
    );
    assert!(graph["resolve"].contains("plan"), "{:?}", graph["resolve"]);
    assert!(!graph["plan"].contains("resolve"), "the plan is pure");
    assert!(!graph["mfa"].contains("provider") && !graph["mfa"].contains("client"));
}

#[test]
fn a_cycle_is_found_and_named() {
    let mut graph = Graph::new();
    for (from, to) in [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")] {
        graph.entry(from.into()).or_default().insert(to.into());
    }
    assert_eq!(
        find_cycle(&graph),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    graph.get_mut("c").unwrap().remove("a");
    assert_eq!(find_cycle(&graph), None);
}

#[test]
fn grouped_and_inline_paths_are_edges() {
    let code = code_of(
        "use crate::{a, b::{c, d}, self};\nfn f() { crate::e::g(); } // crate::z\n#[cfg(test)]\nmod tests {\n    use crate::t;\n}",
    );
    assert_eq!(crate_paths(&code), ["a", "b", "e"]);
}

/// The calls that read the process environment. `environment.rs` is the one file allowed
/// them (DESIGN.md: the environment is read in one place, through an injectable `Env`).
const ENV_READS: [&str; 4] = ["env::var(", "env::var_os(", "env::vars", "Env::real("];

/// Files of core/src (test code left out) that read the environment other than through
/// `environment.rs`, each with the call it makes.
fn environment_readers() -> Vec<String> {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut readers = Vec::new();
    for file in files {
        let rel = file.strip_prefix(src()).expect("under src").to_owned();
        if rel == Path::new("environment.rs") || rel.ends_with("tests.rs") {
            continue;
        }
        let code = code_of(&fs::read_to_string(&file).expect("read a source file"));
        for call in ENV_READS.iter().filter(|call| code.contains(**call)) {
            readers.push(format!("{} calls {call}", rel.display()));
        }
    }
    readers.sort();
    readers
}

#[test]
fn only_environment_rs_reads_the_environment() {
    let readers = environment_readers();
    assert!(
        readers.is_empty(),
        "core reads the environment outside core/src/environment.rs ({}); read it through \
         crate::environment (var, var_os, or the Env from environment::real())",
        readers.join("; ")
    );
}

#[test]
fn the_environment_check_sees_the_reads_it_forbids() {
    // Guards the grep: environment.rs itself must match, or the test above could not fail.
    let text = fs::read_to_string(src().join("environment.rs")).expect("environment.rs");
    let code = code_of(&text);
    for call in ["env::var(", "env::var_os(", "Env::real("] {
        assert!(code.contains(call), "{call} not seen in environment.rs");
    }
    assert!(!code_of("// std::env::var(\"X\")").contains("env::var("));
}
