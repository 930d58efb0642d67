//! Manifest bytes through kubectl's reader and the API server's decoder.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kubarium_tests::fuzz::manifest(data));
