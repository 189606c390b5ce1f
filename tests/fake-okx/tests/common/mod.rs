//! Helpers shared by the integration tests: a raw HTTP/1.1 client and request signing.
//!
//! The client writes the request target byte for byte, so tests control percent-encoding exactly.

#![allow(dead_code, reason = "each test file uses a different subset")]

use std::net::SocketAddr;
use std::path::PathBuf;

use fake_okx::{Config, FakeOkx, KeyRecord, format_timestamp, sign_request};
use time::{Duration, OffsetDateTime};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The small fixture set that ships with these tests.
pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures"))
}

pub fn test_config() -> Config {
    Config { fixtures_dir: fixtures_dir(), ..Config::default() }
}

pub async fn start() -> FakeOkx {
    FakeOkx::start(test_config()).await.expect("fake OKX starts on the test fixtures")
}

/// Status, headers and body of one HTTP response.
#[derive(Debug)]
pub struct HttpReply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpReply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(header_name, _)| header_name.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|error| panic!("body is not JSON ({error}): {}", self.text()))
    }

    /// Returns the OKX `code` field of a JSON body.
    pub fn code(&self) -> String {
        self.json()["code"].as_str().expect("`code` is a string").to_owned()
    }

    pub fn msg(&self) -> String {
        self.json()["msg"].as_str().expect("`msg` is a string").to_owned()
    }
}

/// Sends `method target` with the given headers on a new connection and reads the whole reply.
pub async fn send(addr: SocketAddr, method: &str, target: &str, headers: &[(String, String)]) -> HttpReply {
    let mut request = format!("{method} {target} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");

    let mut stream = TcpStream::connect(addr).await.expect("connect to the fake");
    stream.write_all(request.as_bytes()).await.expect("send request");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.expect("read reply");
    parse_reply(&raw)
}

pub async fn get(addr: SocketAddr, target: &str, headers: &[(String, String)]) -> HttpReply {
    send(addr, "GET", target, headers).await
}

/// Sends a GET signed with `key` at the fake's current time.
pub async fn signed_get(server: &FakeOkx, key: &KeyRecord, target: &str) -> HttpReply {
    let timestamp = timestamp_at_offset(server, 0);
    get(server.addr(), target, &auth_headers(key, &timestamp, target)).await
}

/// Returns an `OK-ACCESS-TIMESTAMP` value `offset_ms` milliseconds away from the fake's clock.
pub fn timestamp_at_offset(server: &FakeOkx, offset_ms: i64) -> String {
    let now = OffsetDateTime::from_unix_timestamp_nanos(i128::from(server.now_ms()) * 1_000_000).unwrap();
    format_timestamp(now + Duration::milliseconds(offset_ms))
}

/// Builds the four auth headers plus `x-simulated-trading: 1` for a demo key.
pub fn auth_headers(key: &KeyRecord, timestamp: &str, target: &str) -> Vec<(String, String)> {
    let mut headers = vec![
        ("OK-ACCESS-KEY".to_owned(), key.key.clone()),
        ("OK-ACCESS-PASSPHRASE".to_owned(), key.passphrase.clone()),
        ("OK-ACCESS-SIGN".to_owned(), sign_request(&key.secret, timestamp, "GET", target, "")),
        ("OK-ACCESS-TIMESTAMP".to_owned(), timestamp.to_owned()),
    ];
    if key.demo {
        headers.push(("x-simulated-trading".to_owned(), "1".to_owned()));
    }
    headers
}

/// Replaces or removes (with `None`) one header, matching the name case-insensitively.
pub fn with_header(mut headers: Vec<(String, String)>, name: &str, value: Option<&str>) -> Vec<(String, String)> {
    headers.retain(|(header_name, _)| !header_name.eq_ignore_ascii_case(name));
    if let Some(value) = value {
        headers.push((name.to_owned(), value.to_owned()));
    }
    headers
}

fn parse_reply(raw: &[u8]) -> HttpReply {
    let split = raw
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("reply has no header end: {:?}", String::from_utf8_lossy(raw)));
    let head = std::str::from_utf8(&raw[..split]).expect("reply head is UTF-8");
    let mut lines = head.split("\r\n");
    let status_line = lines.next().expect("status line");
    let status =
        status_line.split(' ').nth(1).and_then(|code| code.parse().ok()).unwrap_or_else(|| panic!("bad status line {status_line:?}"));
    let headers =
        lines.filter_map(|line| line.split_once(':')).map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned())).collect();
    HttpReply { status, headers, body: raw[split + 4..].to_vec() }
}
