//! Integration tests, in one binary so that the generated library links once.

mod support;

mod build_script;
mod codegen;
mod e2e;
mod every_tool;
mod get_only;
mod schema_lint;
mod snapshots;
