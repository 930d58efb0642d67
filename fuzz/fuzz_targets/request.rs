//! Raw requests through the REST surface.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kubarium_tests::fuzz::request(data));
