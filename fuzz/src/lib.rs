//! The fuzz targets' properties live in `checks.rs`, which `core/tests/fuzz_corpus.rs` also
//! includes to replay the committed corpus on stable Rust (no libFuzzer needed).
pub mod checks;
