//! The error-code table in `core/src/error.rs` is the one source of truth. Every other
//! place that spells the codes out (the README, the C header, the Python package and
//! stubs, the Node typings and loader) is read here and compared with it, so a code added,
//! renamed or renumbered in one place and not the others fails this test.

use codecommit_auth::ErrorCode;
use codecommit_auth::error::Scope;
use std::collections::BTreeMap;
use std::path::Path;

/// A file of the repository, relative to its root.
fn read(relative: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let path = root.join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The text between the first `start` and the next `end` after it.
fn section<'a>(text: &'a str, start: &str, end: &str, file: &str) -> &'a str {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("{file}: no {start:?}"));
    let rest = &text[from + start.len()..];
    let to = rest
        .find(end)
        .unwrap_or_else(|| panic!("{file}: no {end:?} after {start:?}"));
    &rest[..to]
}

fn codes_where(keep: impl Fn(ErrorCode) -> bool) -> Vec<ErrorCode> {
    ErrorCode::ALL.into_iter().filter(|c| keep(*c)).collect()
}

/// `(name, number)` for every code, the way most files list them.
fn table(codes: &[ErrorCode]) -> BTreeMap<String, i32> {
    codes
        .iter()
        .map(|c| (c.name().to_string(), c.as_i32()))
        .collect()
}

/// `INVALID_REMOTE` -> `InvalidRemoteError`, `IO` -> `IoError`: the rule the Python binding
/// (bindings/python/src/lib.rs `class_name`) uses to name one class per code.
fn python_class(code: ErrorCode) -> String {
    let mut out = String::new();
    for word in code.name().split('_') {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first);
            out.extend(chars.map(|c| c.to_ascii_lowercase()));
        }
    }
    out + "Error"
}

/// Quoted strings of a Python list literal such as `__all__ = [...]`.
fn python_list(text: &str, name: &str, file: &str) -> Vec<String> {
    section(text, &format!("{name} = ["), "]", file)
        .split(',')
        .map(|item| item.trim().trim_matches('"').to_string())
        .filter(|item| !item.is_empty())
        .collect()
}

#[test]
fn readme_exit_status_table_matches() {
    let readme = read("README.md");
    let rows = section(
        &readme,
        "### Exit statuses (shared error codes)",
        "\n#",
        "README.md",
    );
    let rows = rows
        .lines()
        .skip_while(|l| !l.starts_with("|---"))
        .skip(1)
        .take_while(|l| l.starts_with('|'));
    let mut found = Vec::new();
    for row in rows {
        let cells: Vec<&str> = row.trim()[1..row.trim().len() - 1]
            .split('|')
            .map(str::trim)
            .collect();
        let [status, code, meaning, hint] = cells[..] else {
            panic!("README.md: row {row:?} does not have 4 cells");
        };
        if code.is_empty() {
            // 0 and 2 are the CLI's own statuses, not error codes.
            assert!(
                ["0", "2"].contains(&status),
                "README.md: row {row:?} has no code"
            );
            continue;
        }
        found.push((
            status.parse::<i32>().unwrap(),
            code.trim_matches('`').to_string(),
            meaning.to_string(),
            hint.to_string(),
        ));
    }
    let want: Vec<_> = codes_where(|c| c.scope() == Scope::Everywhere)
        .into_iter()
        .map(|c| {
            let (name, meaning, hint) = (c.name(), c.meaning(), c.hint());
            (
                c.as_i32(),
                name.to_string(),
                meaning.to_string(),
                hint.to_string(),
            )
        })
        .collect();
    assert_eq!(
        found, want,
        "README.md exit-status table vs core/src/error.rs"
    );
}

#[test]
fn c_header_enum_matches() {
    let file = "include/codecommit_auth.h";
    let header = read(file);
    let body = section(&header, "typedef enum", "} codecommit_auth_status;", file);
    let mut found = BTreeMap::new();
    for line in body.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("CODECOMMIT_AUTH_") {
            let (name, number) = rest.trim_end_matches(',').split_once(" = ").unwrap();
            found.insert(name.to_string(), number.parse::<i32>().unwrap());
        }
    }
    let mut want = table(&ErrorCode::ALL);
    want.insert("OK".to_string(), 0);
    assert_eq!(found, want, "{file} vs core/src/error.rs");
}

#[test]
fn python_stubs_match() {
    // The public types are declared in the package's stub (so that mypy names them
    // codecommit_auth.X); _native.pyi re-exports them and keeps the native module's __all__.
    let file = "bindings/python/python/codecommit_auth/__init__.pyi";
    let stub = read(file);
    let native_file = "bindings/python/python/codecommit_auth/_native.pyi";
    let native = read(native_file);

    let members = section(&stub, "class ErrorCode(enum.IntEnum):", "\nclass ", file);
    let found: BTreeMap<String, i32> = members
        .lines()
        .filter_map(|l| l.trim().split_once(" = "))
        .map(|(name, number)| (name.to_string(), number.parse().unwrap()))
        .collect();
    assert_eq!(found, table(&ErrorCode::ALL), "{file}: ErrorCode members");

    // The native module makes a class for every code Python can meet (not the C-only ones).
    let want: Vec<String> = codes_where(|c| c.scope() == Scope::Everywhere)
        .into_iter()
        .map(python_class)
        .collect();
    let classes: Vec<String> = stub
        .lines()
        .filter_map(|l| l.strip_prefix("class "))
        .filter(|l| l.contains("(CodeCommitAuthError"))
        .map(|l| l[..l.find('(').unwrap()].to_string())
        .collect();
    assert_eq!(classes, want, "{file}: exception classes");
    let exported: Vec<String> = python_list(&native, "__all__", native_file)
        .into_iter()
        .filter(|n| n.ends_with("Error") && n != "CodeCommitAuthError")
        .collect();
    assert_eq!(exported, want, "{native_file}: __all__");
}

#[test]
fn python_package_exports_the_codes_python_can_meet() {
    let file = "bindings/python/python/codecommit_auth/__init__.py";
    let init = read(file);
    let want: Vec<String> = codes_where(|c| c.scope() == Scope::Everywhere)
        .into_iter()
        .map(python_class)
        .collect();

    let imports = section(&init, "from ._native import (", ")", file);
    let mut imported: Vec<String> = imports
        .lines()
        .filter_map(|l| l.trim().split_once(" as "))
        .map(|(name, _)| name.to_string())
        .filter(|n| n.ends_with("Error") && n != "CodeCommitAuthError")
        .collect();
    imported.sort();
    let mut sorted_want = want.clone();
    sorted_want.sort();
    assert_eq!(
        imported, sorted_want,
        "{file}: classes imported from _native"
    );

    // `TimeoutError` stays out of `__all__` on purpose: `import *` must not shadow the builtin.
    let mut all: Vec<String> = python_list(&init, "__all__", file)
        .into_iter()
        .filter(|n| n.ends_with("Error") && n != "CodeCommitAuthError")
        .collect();
    all.sort();
    sorted_want.retain(|n| n != "TimeoutError");
    assert_eq!(all, sorted_want, "{file}: __all__");
}

#[test]
fn node_loader_exports_error_codes() {
    let file = "bindings/node/index.js";
    let loader = read(file);
    assert!(
        loader.contains("module.exports.errorCodes = nativeBinding.errorCodes"),
        "{file}: errorCodes is not exported"
    );
    let file = "bindings/node/index.d.ts";
    let typings = read(file);
    assert!(
        typings.contains("export declare function errorCodes()"),
        "{file}: errorCodes() is not declared"
    );
}

/// The `'NAME'` string literals of a TypeScript union such as `'A' | 'B'`.
fn typescript_union(text: &str) -> Vec<String> {
    text.split('|')
        .map(|member| member.trim().trim_matches('\'').to_string())
        .filter(|member| !member.is_empty())
        .collect()
}

/// `readonly NAME: NUMBER` members of a TypeScript object type.
fn typescript_members(text: &str) -> BTreeMap<String, i32> {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("readonly "))
        .filter_map(|l| l.trim_end_matches([';', ',']).split_once(": "))
        .map(|(name, number)| (name.to_string(), number.parse().unwrap_or(-1)))
        .collect()
}

/// Issue 12: `errorCodes()` is typed, not `Record<string, number>`: index.d.ts declares
/// `export type ErrorCodeName = 'INVALID_REMOTE' | ...` and `errorCodes(): ErrorCodes`
/// with `interface ErrorCodes { readonly INVALID_REMOTE: 10 ... }`. index.d.ts is generated
/// by napi-rs (`npm run build`): `error_codes` (bindings/node/src/errors.rs) declares its
/// return type, and the types come from bindings/node/dts-header.d.ts (napi's
/// `dtsHeaderFile`).
#[test]
fn node_typings_list_every_code() {
    let file = "bindings/node/index.d.ts";
    let typings = read(file);
    let want = table(&ErrorCode::ALL);
    let union = typescript_union(section(&typings, "export type ErrorCodeName =", ";", file));
    let names: Vec<&String> = want.keys().collect();
    let mut sorted = union.clone();
    sorted.sort();
    assert_eq!(
        sorted.iter().collect::<Vec<_>>(),
        names,
        "{file}: ErrorCodeName"
    );
    let members = typescript_members(section(&typings, "interface ErrorCodes {", "}", file));
    assert_eq!(members, want, "{file}: ErrorCodes");
    assert!(
        typings.contains("export declare function errorCodes(): ErrorCodes"),
        "{file}: errorCodes() is not typed"
    );
}

/// The parsers the Node check relies on read the form it documents.
#[test]
fn typescript_parsers_read_the_documented_form() {
    let d_ts = "export type ErrorCodeName = 'INVALID_REMOTE' | 'IO';\n\
                export interface ErrorCodes {\n  readonly INVALID_REMOTE: 10\n  readonly IO: 23\n}\n";
    let union = typescript_union(section(d_ts, "export type ErrorCodeName =", ";", "x"));
    assert_eq!(union, ["INVALID_REMOTE", "IO"]);
    let members = typescript_members(section(d_ts, "interface ErrorCodes {", "}", "x"));
    let want = table(&[ErrorCode::InvalidRemote, ErrorCode::Io]);
    assert_eq!(members, want);
}
