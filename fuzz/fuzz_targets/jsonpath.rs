//! Fuzzes `kubarium_tests::fuzz::jsonpath`: it must not panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kubarium_tests::fuzz::jsonpath(data));
