//! A fake OKX REST API v5 server on loopback for tests and benchmarks.
//!
//! It serves JSON fixtures per path, checks OKX's request signature, timestamp window and demo
//! header, checks query parameters more strictly than OKX does, and injects faults on request.
//! Only plain HTTP/1.1 on loopback addresses is served.

mod auth;
mod clock;
mod config;
mod faults;
mod fixtures;
mod handler;
mod keys;
mod params;
mod recorded;
mod reply;
mod server;
mod signature;
mod state;

pub use auth::{SIMULATED_TRADING_HEADER, TIMESTAMP_WINDOW};
pub use config::{Config, DEFAULT_MAX_RECORDED_REQUESTS, check_loopback, default_fixtures_dir};
pub use faults::{Fault, FaultRule};
pub use fixtures::{API_PREFIX, AuthMode, Fixture, FixtureSet};
pub use handler::SERVER_TIME_PATH;
pub use keys::{DEMO_TEST_KEY, KeyRecord, LIVE_TEST_KEY, READ_ONLY_PERM, TestKey};
pub use recorded::{RecordedRequest, RequestOutcome};
pub use server::FakeOkx;
pub use signature::{format_timestamp, parse_timestamp, sign_request};
