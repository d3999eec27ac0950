#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| codecommit_auth_fuzz::checks::host(data));
