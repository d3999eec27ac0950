//! Replays the committed fuzz corpus (`fuzz/corpus/TARGET/*`, seeds, everything the fuzzers
//! kept and the inputs of every bug they found) through the same property checks the
//! libFuzzer targets run (`fuzz/src/checks.rs`), on stable Rust in every `cargo test`.
//! Long runs: `RUSTC_BOOTSTRAP=1 cargo fuzz run -s none -a TARGET` in fuzz/ (see SECURITY.md).

#[allow(dead_code)]
#[path = "../../fuzz/src/checks.rs"]
mod checks;

use std::path::Path;

fn replay(target: &str, check: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/corpus")
        .join(target);
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("corpus entry").path();
        let data = std::fs::read(&path).expect("corpus file");
        let outcome = std::panic::catch_unwind(|| check(&data));
        assert!(
            outcome.is_ok(),
            "{} fails its property check: {:?}",
            path.display(),
            String::from_utf8_lossy(&data)
        );
        count += 1;
    }
    assert!(count >= 10, "{}: only {count} inputs", dir.display());
}

#[test]
fn remote_corpus() {
    replay("remote", checks::remote);
}

#[test]
fn credential_request_corpus() {
    replay("credential_request", checks::credential_request);
}

#[test]
fn host_corpus() {
    replay("host", checks::host);
}

#[test]
fn cache_entry_corpus() {
    replay("cache_entry", checks::cache_entry);
}
