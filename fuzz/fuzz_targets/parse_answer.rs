//! Arbitrary bytes as an OKX answer body, typed with generated response types.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| okx_mcp_fuzz::parse_answer(data));
