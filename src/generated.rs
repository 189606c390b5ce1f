//! Types, endpoint metadata and dispatch generated from `spec/` by `build.rs`.
//!
//! `cargo xtask codegen` writes a formatted copy of this module to `target/codegen/` for review.

#![allow(clippy::all, clippy::pedantic, missing_docs)]

include!(concat!(env!("OUT_DIR"), "/okx_generated.rs"));
