//! Fuzzes `kubarium_tests::fuzz::selector`: it must not panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kubarium_tests::fuzz::selector(data));
