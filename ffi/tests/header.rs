//! The committed `include/codecommit_auth.h` must be exactly what cbindgen generates from
//! `ffi/src` (build.rs writes the fresh copy into OUT_DIR). A drift fails `cargo test`, and so
//! CI. To accept a deliberate API change: `CODECOMMIT_AUTH_BLESS=1 cargo test -p
//! codecommit-auth-ffi --test header`, then review and commit the header.

use std::path::Path;

const GENERATED: &str = include_str!(concat!(env!("OUT_DIR"), "/codecommit_auth.h"));

#[test]
fn committed_header_matches_a_fresh_generation() {
    let committed_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../include/codecommit_auth.h");
    if std::env::var_os("CODECOMMIT_AUTH_BLESS").is_some() {
        std::fs::write(&committed_path, GENERATED).expect("write include/codecommit_auth.h");
        return;
    }
    let committed = std::fs::read_to_string(&committed_path).unwrap_or_default();
    if committed != GENERATED {
        let line = committed
            .lines()
            .zip(GENERATED.lines())
            .position(|(a, b)| a != b)
            .map_or_else(
                || committed.lines().count().min(GENERATED.lines().count()) + 1,
                |i| i + 1,
            );
        panic!(
            "include/codecommit_auth.h differs from the header cbindgen generates from ffi/src \
             (first difference at line {line}). Regenerate it with \
             `CODECOMMIT_AUTH_BLESS=1 cargo test -p codecommit-auth-ffi --test header` and commit it."
        );
    }
}

#[test]
fn every_exported_function_is_documented_in_the_header() {
    let lines: Vec<&str> = GENERATED.lines().collect();
    let mut functions = 0;
    for (i, line) in lines.iter().enumerate() {
        let is_prototype = line.contains(" codecommit_auth_")
            && line.contains('(')
            && !line.starts_with(' ')
            && !line.starts_with("typedef")
            && !line.starts_with('#')
            && !line.starts_with(" *")
            && !line.starts_with("/*");
        if is_prototype {
            functions += 1;
            let before = lines[..i]
                .iter()
                .rev()
                .find(|l| !l.trim().is_empty())
                .copied()
                .unwrap_or("");
            assert!(
                before.trim_end().ends_with("*/"),
                "no documentation above: {line}"
            );
        }
    }
    assert!(functions >= 25, "found only {functions} prototypes");
}
