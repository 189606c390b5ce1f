//! Start-up settings of the fake server.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use crate::keys::{DEMO_TEST_KEY, KeyRecord, LIVE_TEST_KEY};

/// Default number of requests kept by [`crate::FakeOkx::requests`].
pub const DEFAULT_MAX_RECORDED_REQUESTS: usize = 10_000;

/// Settings for [`crate::FakeOkx::start`].
#[derive(Debug, Clone)]
pub struct Config {
    /// Directory of fixture files, loaded at start and by [`crate::FakeOkx::reload_fixtures`].
    pub fixtures_dir: PathBuf,
    /// API keys the fake accepts.
    pub keys: Vec<KeyRecord>,
    /// Listening address. It must be a loopback address, and port 0 picks a free port.
    pub addr: SocketAddr,
    /// Number of newest requests kept in the request log. 0 disables recording.
    pub max_recorded_requests: usize,
}

impl Default for Config {
    /// Uses the repository's fixtures, the two test keys and `127.0.0.1:0`.
    fn default() -> Self {
        Config {
            fixtures_dir: default_fixtures_dir(),
            keys: vec![LIVE_TEST_KEY.record(), DEMO_TEST_KEY.record()],
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            max_recorded_requests: DEFAULT_MAX_RECORDED_REQUESTS,
        }
    }
}

/// Returns the repository's fixtures directory, `tests/fixtures/okx`, as located at build time.
pub fn default_fixtures_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/okx"))
}

/// Rejects any address outside 127.0.0.0/8 and `::1`, so the fake can never listen on a network.
pub fn check_loopback(addr: SocketAddr) -> io::Result<()> {
    if addr.ip().is_loopback() {
        Ok(())
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("listen address {addr} is not a loopback address, use 127.0.0.1 or [::1] instead"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_only() {
        for accepted in ["127.0.0.1:0", "127.1.2.3:8080", "[::1]:0"] {
            assert!(check_loopback(accepted.parse().unwrap()).is_ok(), "{accepted}");
        }
        for rejected in ["0.0.0.0:0", "[::]:0", "192.168.1.1:80", "10.0.0.1:0"] {
            let error = check_loopback(rejected.parse().unwrap()).unwrap_err();
            assert_eq!(error.kind(), io::ErrorKind::InvalidInput, "{rejected}");
        }
    }
}
