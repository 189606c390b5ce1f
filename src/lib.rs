//! okx-mcp: a read-only MCP server for the OKX v5 REST API.
//!
//! The endpoints come from the YAML allowlist in `spec/`, from which `build.rs` generates typed
//! requests and responses ([`generated`]). The [`client::Client`] sends only `GET`, signs where
//! OKX needs it, and returns typed data; [`server::OkxServer`] serves the selected endpoints as
//! MCP tools.

pub mod args;
pub mod cli;
pub mod client;
pub mod commands;
pub mod config;
pub mod credentials;
pub mod endpoint;
pub mod error;
pub mod generated;
pub mod query;
pub mod ratelimit;
pub mod request;
pub mod result;
pub mod retry;
pub mod server;
pub mod signing;
pub mod startup;
pub mod text;
pub mod toolsets;
pub mod wire;

pub mod app;
