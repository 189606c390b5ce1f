//! Fixture serving, built-in endpoints, methods, request recording and server lifecycle.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;

use common::{fixtures_dir, get, send, start, test_config};
use fake_okx::{Config, FakeOkx, SERVER_TIME_PATH};

/// Returns the text of the `response` value in a fixture file, cut out by hand.
fn raw_response_text(relative: &str) -> String {
    let text = std::fs::read_to_string(fixtures_dir().join(relative)).unwrap();
    let start = text.find("\"response\"").unwrap();
    let open = start + text[start..].find('{').unwrap();
    let close = text.rfind('}').unwrap();
    let inner_close = text[..close].rfind('}').unwrap();
    text[open..=inner_close].to_owned()
}

#[tokio::test]
async fn fixture_served_byte_for_byte() {
    let server = start().await;
    let reply = get(server.addr(), "/api/v5/market/ticker?instId=BTC-USDT", &[]).await;

    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(reply.text(), raw_response_text("market/ticker.json"));
    assert!(reply.text().contains(r"caf\u00e9"), "escapes stay as written");
}

#[tokio::test]
async fn nested_fixture_path_served() {
    let server = start().await;
    assert!(server.fixture_paths().contains(&"/api/v5/tradingBot/grid/orders-algo-pending".to_owned()));
}

#[tokio::test]
async fn server_time_follows_skew() {
    let server = start().await;
    server.set_clock_skew_ms(-86_400_000);

    let reply = get(server.addr(), SERVER_TIME_PATH, &[]).await;

    assert_eq!(reply.status, 200);
    assert_eq!(reply.code(), "0");
    assert_eq!(reply.msg(), "");
    let ts: i64 = reply.json()["data"][0]["ts"].as_str().unwrap().parse().unwrap();
    let expected = server.now_ms();
    assert!((expected - ts).abs() < 5_000, "ts {ts}, fake now {expected}");
}

#[tokio::test]
async fn unknown_path_gives_404() {
    let server = start().await;
    for target in ["/api/v5/market/nothing", "/api/v5/market/ticker/", "/", "/api/v4/market/ticker"] {
        let reply = get(server.addr(), target, &[]).await;
        assert_eq!(reply.status, 404, "{target}");
        assert_eq!(reply.code(), "50005", "{target}");
    }
}

#[tokio::test]
async fn other_methods_give_405() {
    let server = start().await;
    let length = vec![("content-length".to_owned(), "0".to_owned())];
    for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"] {
        let reply = send(server.addr(), method, "/api/v5/market/ticker?instId=BTC-USDT", &length).await;
        assert_eq!(reply.status, 405, "{method}");
        assert_eq!(reply.code(), "50115", "{method}");
    }
}

#[tokio::test]
async fn requests_are_recorded_raw() {
    let server = start().await;
    let target = "/api/v5/market/ticker?instId=BTC%2dUSDT";
    let headers = vec![("X-Custom".to_owned(), "yes".to_owned())];

    get(server.addr(), target, &headers).await;
    get(server.addr(), "/api/v5/nowhere", &[]).await;

    let recorded = server.requests();
    assert_eq!(recorded.len(), 2);
    assert_eq!(recorded[0].method, "GET");
    assert_eq!(recorded[0].target, target);
    assert_eq!(recorded[0].path(), "/api/v5/market/ticker");
    assert_eq!(recorded[0].header("x-custom"), Some("yes"));
    assert_eq!(recorded[1].target, "/api/v5/nowhere");

    server.clear_requests();
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn reload_picks_up_new_fixture() {
    let dir = std::env::temp_dir().join(format!("fake-okx-reload-{}", std::process::id()));
    copy_dir(&fixtures_dir(), &dir);
    let server = FakeOkx::start(Config { fixtures_dir: dir.clone(), ..test_config() }).await.unwrap();
    let target = "/api/v5/public/status-board";
    assert_eq!(get(server.addr(), target, &[]).await.status, 404);

    std::fs::create_dir_all(dir.join("public")).unwrap();
    std::fs::write(
        dir.join("public/status-board.json"),
        r#"{"auth":"public","params":[],"required":[],"response":{"code":"0","msg":"","data":[{"state":"ok"}]}}"#,
    )
    .unwrap();
    let count = server.reload_fixtures().unwrap();

    assert_eq!(count, 7);
    assert_eq!(get(server.addr(), target, &[]).await.status, 200);

    std::fs::write(dir.join("public/broken.json"), "{").unwrap();
    assert!(server.reload_fixtures().is_err());
    assert_eq!(get(server.addr(), target, &[]).await.status, 200, "old fixtures stay after a failed reload");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn invalid_fixtures_fail_start() {
    let missing = Config { fixtures_dir: "/nonexistent/fake-okx-fixtures".into(), ..test_config() };
    let error = FakeOkx::start(missing).await.unwrap_err();
    assert!(error.to_string().contains("/nonexistent/fake-okx-fixtures"), "{error}");
}

#[tokio::test]
async fn non_loopback_address_rejected() {
    let config = Config { addr: "0.0.0.0:0".parse().unwrap(), ..test_config() };
    let error = FakeOkx::start(config).await.unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
}

#[tokio::test]
async fn shutdown_frees_port() {
    let server = start().await;
    let addr = server.addr();
    server.shutdown().await;
    let rebound = tokio::net::TcpListener::bind(addr).await;
    assert!(rebound.is_ok(), "port {} still bound", addr.port());
}

#[tokio::test]
async fn default_config_uses_repo_fixtures() {
    let config = Config::default();
    assert!(config.fixtures_dir.ends_with("tests/fake-okx/../fixtures/okx"), "{}", config.fixtures_dir.display());
    assert_eq!(config.keys.len(), 2);
    assert!(config.addr.ip().is_loopback());
    assert_eq!(config.addr.port(), 0);
}

#[test]
fn start_blocking_serves_sync_clients() {
    let server = FakeOkx::start_blocking(test_config()).unwrap();

    let mut stream = TcpStream::connect(server.addr()).unwrap();
    let request = "GET /api/v5/public/time HTTP/1.1\r\nhost: fake\r\nconnection: close\r\n\r\n";
    stream.write_all(request.as_bytes()).unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();

    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    assert!(reply.contains(r#""ts":""#), "{reply}");
    assert!(server.base_url().starts_with("http://127.0.0.1:"));

    let addr = server.addr();
    drop(server);
    assert!(TcpStream::connect(addr).is_err(), "port {} still accepts after drop", addr.port());
}

#[test]
fn start_blocking_reports_errors() {
    let config = Config { fixtures_dir: "/nonexistent/fake-okx-fixtures".into(), ..test_config() };
    assert!(FakeOkx::start_blocking(config).is_err());
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
