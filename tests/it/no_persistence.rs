//! Nothing is persisted: a session leaves its home, working and temporary directories empty.

use std::time::Duration;

use fake_okx::{Fault, FaultRule};
use serde_json::json;

use crate::raw_rpc::{Launch, RawServer, TempDir};
use crate::support::{live_env, start_fake};

#[tokio::test]
async fn session_writes_no_files() {
    let fake = start_fake().await;
    let home = TempDir::new("home");
    let working = TempDir::new("cwd");
    let temporary = TempDir::new("tmp");

    // The XDG directories point inside the empty home, so creating any of them shows up there.
    let under_home = |name: &str| home.path().join(name).to_string_lossy().into_owned();
    let launch = Launch::default()
        .envs(&live_env())
        .env("HOME", home.path().to_string_lossy())
        .env("XDG_CONFIG_HOME", under_home(".config"))
        .env("XDG_CACHE_HOME", under_home(".cache"))
        .env("XDG_DATA_HOME", under_home(".local/share"))
        .env("XDG_STATE_HOME", under_home(".local/state"))
        .env("XDG_RUNTIME_DIR", under_home("run"))
        .env("TMPDIR", temporary.path().to_string_lossy())
        .rust_log("debug")
        .working_dir(working.path())
        .args(&["--toolsets", "all"]);
    let mut server = RawServer::spawn(&fake.base_url(), launch);
    server.initialize().await;
    let list = server.request("tools/list", json!({})).await;
    server.response(list, Duration::from_secs(10)).await.expect("tools/list answered");

    let ticker = server.call_result("market_ticker", json!({"instId": "BTC-USDT"})).await;
    assert_ne!(ticker["isError"], true, "{ticker}");
    let balance = server.call_result("account_balance", json!({"ccy": "BTC"})).await;
    assert_ne!(balance["isError"], true, "{balance}");
    let candles = server.call_result("market_candles", json!({"instId": "BTC-USDT", "bar": "1H", "limit": 5})).await;
    assert_ne!(candles["isError"], true, "{candles}");
    let bad = server.call_result("market_candles", json!({"instId": "BTC-USDT", "bar": "7H"})).await;
    assert_eq!(bad["isError"], true, "{bad}");
    // Every answer to this path is HTML, so the retries fail too and the call ends in an error.
    fake.push_fault(FaultRule::new(Fault::Html).on_path("/api/v5/account/config"));
    let broken = server.call_result("account_config", json!({})).await;
    assert_eq!(broken["isError"], true, "{broken}");

    let (status, _) = server.close(Duration::from_secs(10)).await;
    assert!(status.success(), "okx-mcp exited with {status}");

    assert_eq!(home.entries(), Vec::<std::path::PathBuf>::new(), "files appeared in HOME");
    assert_eq!(working.entries(), Vec::<std::path::PathBuf>::new(), "files appeared in the working directory");
    assert_eq!(temporary.entries(), Vec::<std::path::PathBuf>::new(), "files appeared in TMPDIR");
}
