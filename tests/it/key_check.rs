//! The start-up check of the API key's permissions, through the built binary against the fake
//! OKX.

use std::process::{ExitStatus, Stdio};
use std::time::{Duration, Instant};

use fake_okx::{Config, FakeOkx, LIVE_TEST_KEY, TestKey};

use crate::support::{credentials_env, spawn};

/// Starts a fake OKX whose live test key has the permissions `perm`.
async fn start_fake_with_perm(perm: &str) -> FakeOkx {
    let config = Config { keys: vec![LIVE_TEST_KEY.record().with_perm(perm)], ..Config::default() };
    FakeOkx::start(config).await.expect("fake OKX starts on loopback")
}

/// Runs okx-mcp with stdin at end of file, so that a server that starts stops at once, and
/// returns its exit status and stderr.
async fn run_to_exit(fake: &FakeOkx, env: &[(&str, String)], args: &[&str]) -> (ExitStatus, String) {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_okx-mcp"));
    command.env_clear().env("OKX_BASE_URL", fake.base_url()).env("RUST_LOG", "warn");
    for (name, value) in env {
        command.env(name, value);
    }
    command.args(args).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped());
    let output =
        tokio::time::timeout(Duration::from_secs(20), command.output()).await.expect("okx-mcp exits within 20 s").expect("okx-mcp runs");
    (output.status, String::from_utf8_lossy(&output.stderr).into_owned())
}

/// Reads `path` until it contains `needle`, for at most 10 s, and returns its text.
async fn wait_for_text(path: &std::path::Path, needle: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        if text.contains(needle) || Instant::now() > deadline {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn trade_key_is_warned_about() {
    let fake = start_fake_with_perm("read_only,trade").await;
    let stderr = std::env::temp_dir().join(format!("okx-mcp-perm-warning-{}.log", std::process::id()));
    let client = spawn(&fake, &credentials_env(&LIVE_TEST_KEY), &[], Some(&stderr)).await;

    let tools = client.list_all_tools().await.expect("the server serves despite the warning");
    assert!(tools.iter().any(|tool| tool.name == "account_balance"));
    let log = wait_for_text(&stderr, "trade permission").await;
    let _ = std::fs::remove_file(&stderr);
    assert!(log.contains("the API key has the trade permission"), "no permission warning on stderr:\n{log}");
    assert!(log.contains("--require-read-only-key"), "the warning names the strict flag:\n{log}");
    assert!(!log.contains(LIVE_TEST_KEY.secret), "the secret reached stderr:\n{log}");
    assert!(!log.contains(LIVE_TEST_KEY.passphrase), "the passphrase reached stderr:\n{log}");
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn read_only_key_gets_no_warning() {
    let fake = start_fake_with_perm("read_only").await;
    let stderr = std::env::temp_dir().join(format!("okx-mcp-perm-quiet-{}.log", std::process::id()));
    let client = spawn(&fake, &credentials_env(&LIVE_TEST_KEY), &[], Some(&stderr)).await;

    client.list_all_tools().await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while fake.requests().iter().all(|request| request.path() != "/api/v5/account/config") && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let log = std::fs::read_to_string(&stderr).unwrap_or_default();
    let _ = std::fs::remove_file(&stderr);
    assert!(fake.requests().iter().any(|request| request.path() == "/api/v5/account/config"), "permissions were not read");
    assert!(!log.contains("permission"), "unexpected permission message:\n{log}");
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn strict_flag_refuses_trade_key() {
    let fake = start_fake_with_perm("read_only,trade,withdraw").await;
    let (status, stderr) = run_to_exit(&fake, &credentials_env(&LIVE_TEST_KEY), &["--require-read-only-key"]).await;

    assert_eq!(status.code(), Some(2), "stderr:\n{stderr}");
    assert!(stderr.contains("trade and withdraw permission"), "{stderr}");
    assert!(stderr.contains("only Read"), "the message names the fix:\n{stderr}");
}

#[tokio::test]
async fn strict_env_variable_refuses_trade_key() {
    let fake = start_fake_with_perm("read_only,trade").await;
    let mut env = credentials_env(&LIVE_TEST_KEY);
    env.push(("OKX_REQUIRE_READ_ONLY_KEY", "1".to_owned()));
    let (status, stderr) = run_to_exit(&fake, &env, &[]).await;

    assert_eq!(status.code(), Some(2), "stderr:\n{stderr}");
    assert!(stderr.contains("trade permission"), "{stderr}");
}

#[tokio::test]
async fn strict_flag_accepts_read_only_key() {
    let fake = start_fake_with_perm("read_only").await;
    let (status, stderr) = run_to_exit(&fake, &credentials_env(&LIVE_TEST_KEY), &["--require-read-only-key"]).await;
    assert_eq!(status.code(), Some(0), "stderr:\n{stderr}");
}

#[tokio::test]
async fn strict_flag_refuses_when_check_fails() {
    let fake = start_fake_with_perm("read_only").await;
    let key = TestKey { secret: "00000000000000000000000000000000", ..LIVE_TEST_KEY };
    let (status, stderr) = run_to_exit(&fake, &credentials_env(&key), &["--require-read-only-key"]).await;

    assert_eq!(status.code(), Some(2), "stderr:\n{stderr}");
    assert!(stderr.contains("cannot read the API key's permissions"), "{stderr}");
    assert!(stderr.contains("50113"), "the OKX code is named:\n{stderr}");
    assert!(stderr.contains("OKX_API_SECRET"), "the hint is included:\n{stderr}");
}

#[tokio::test]
async fn failed_check_only_warns_without_flag() {
    let fake = start_fake_with_perm("read_only").await;
    let key = TestKey { secret: "00000000000000000000000000000000", ..LIVE_TEST_KEY };
    let stderr = std::env::temp_dir().join(format!("okx-mcp-perm-failed-{}.log", std::process::id()));
    let client = spawn(&fake, &credentials_env(&key), &[], Some(&stderr)).await;

    client.list_all_tools().await.expect("the server serves despite the failed check");
    let log = wait_for_text(&stderr, "cannot read the API key's permissions").await;
    let _ = std::fs::remove_file(&stderr);
    assert!(log.contains("cannot read the API key's permissions"), "no warning on stderr:\n{log}");
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn strict_flag_without_credentials_starts() {
    let fake = start_fake_with_perm("read_only").await;
    let (status, stderr) = run_to_exit(&fake, &[], &["--require-read-only-key"]).await;
    assert_eq!(status.code(), Some(0), "stderr:\n{stderr}");
    assert!(fake.requests().is_empty(), "no check runs without credentials");
}

#[tokio::test]
async fn strict_start_up_is_fast_when_okx_hangs() {
    let fake = start_fake_with_perm("read_only").await;
    fake.push_fault(fake_okx::FaultRule::new(fake_okx::Fault::Delay { ms: 30_000 }));
    let (status, stderr) = run_to_exit(&fake, &credentials_env(&LIVE_TEST_KEY), &["--require-read-only-key"]).await;

    // The delay outlasts the 10 s request timeout, so this message can only come from the
    // shorter start-up bound.
    assert_eq!(status.code(), Some(2), "an unanswered check refuses in strict mode; stderr:\n{stderr}");
    assert!(stderr.contains("did not answer within 2 s"), "{stderr}");
}
