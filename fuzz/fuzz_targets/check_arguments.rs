//! Arbitrary JSON arguments through `okx_mcp::args::check`; the first two bytes pick the endpoint.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| okx_mcp_fuzz::check_arguments(data));
