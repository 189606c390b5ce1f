//! Integration tests, in one binary so that the generated library links once.

mod raw_rpc;
mod support;

mod argument_edges;
mod broken_answers;
mod build_script;
mod cancellation;
mod cli;
mod codegen;
mod e2e;
mod every_tool;
mod fuzz_smoke;
mod get_only;
mod key_check;
mod load;
mod no_persistence;
mod query_encoding;
mod redirects;
mod resilience;
mod schema_lint;
mod secrets;
mod size_cap;
mod snapshots;
mod stdout_hygiene;
