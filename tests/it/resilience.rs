//! Rate limiting, retries, clock correction and timeouts, through the built binary against the
//! fake OKX.

use std::path::Path;
use std::time::{Duration, Instant};

use fake_okx::{FakeOkx, Fault, FaultRule, LIVE_TEST_KEY, RecordedRequest, TestKey};
use rmcp::model::CallToolResult;
use serde_json::json;

use crate::support::{self, call, credentials_env, error_of, live_env, spawn, start_fake};

/// Requests the fake received for `path`, oldest first.
fn requests_to(fake: &FakeOkx, path: &str) -> Vec<RecordedRequest> {
    fake.requests().into_iter().filter(|request| request.path() == path).collect()
}

fn assert_success(result: &CallToolResult) {
    assert_ne!(result.is_error, Some(true), "expected success, got {}", support::text_of(result));
}

fn okx_error(http: u16, code: &str, msg: &str) -> Fault {
    Fault::OkxError { http, code: code.to_owned(), msg: msg.to_owned() }
}

/// Starts okx-mcp with `--require-read-only-key`, so that the start-up checks (clock and key
/// permissions) have finished when the MCP handshake completes.
async fn spawn_checked(fake: &FakeOkx, stderr_file: Option<&Path>) -> support::Client {
    spawn(fake, &live_env(), &["--require-read-only-key"], stderr_file).await
}

#[tokio::test]
async fn rate_limit_spaces_and_rejects_calls() {
    // market/exchange-rate allows 1 request per 2 s per IP: the first call goes at once, the
    // second waits one window, and the third would wait two windows, longer than a call waits.
    let fake = start_fake().await;
    let client = spawn(&fake, &[], &["--tools", "market_exchange_rate"], None).await;

    let timed_call = || async {
        let started = Instant::now();
        let result = call(&client, "market_exchange_rate", json!({})).await.unwrap();
        (result, started.elapsed())
    };
    let (first, second, third) = tokio::join!(timed_call(), timed_call(), timed_call());
    let mut outcomes = [first, second, third];
    outcomes.sort_by_key(|(result, _)| result.is_error == Some(true));

    assert_success(&outcomes[0].0);
    assert_success(&outcomes[1].0);
    let (rejected, rejected_after) = &outcomes[2];
    let error = error_of(rejected);
    assert_eq!(error["source"], "rate_limit");
    assert!(error["hint"].as_str().unwrap().contains("Wait at least"), "{error}");
    assert!(error["retryAfterMs"].as_u64().unwrap() > 2_000, "{error}");
    assert!(*rejected_after < Duration::from_millis(1_500), "the rejected call returns at once, not after {rejected_after:?}");

    let sent = requests_to(&fake, "/api/v5/market/exchange-rate");
    assert_eq!(sent.len(), 2, "the rejected call sends nothing");
    let gap = sent[1].received_at.duration_since(sent[0].received_at).unwrap();
    assert!(gap >= Duration::from_millis(1_900), "requests only {gap:?} apart under a quota of 1 per 2 s");
    client.cancel().await.unwrap();
}

/// A call that waits for its turn signs its request after the wait: OKX rejects a timestamp
/// older than 30 s, and a queue could otherwise hold a signed request that long.
#[tokio::test]
async fn waiting_call_is_signed_after_wait() {
    // trade/account-rate-limit allows 1 request per 1 s per user, so the second call waits
    // one window for its turn.
    let fake = start_fake().await;
    let client = spawn(&fake, &live_env(), &["--tools", "trade_account_rate_limit"], None).await;

    let (first, second) =
        tokio::join!(call(&client, "trade_account_rate_limit", json!({})), call(&client, "trade_account_rate_limit", json!({})));
    assert_success(&first.unwrap());
    assert_success(&second.unwrap());

    let sent = requests_to(&fake, "/api/v5/trade/account-rate-limit");
    assert_eq!(sent.len(), 2, "both calls reach OKX");
    let signed_at = |request: &RecordedRequest| {
        let header = request.header("ok-access-timestamp").expect("a private request carries OK-ACCESS-TIMESTAMP");
        fake_okx::parse_timestamp(header).unwrap_or_else(|| panic!("unreadable timestamp {header:?}"))
    };
    let between_signatures = signed_at(&sent[1]) - signed_at(&sent[0]);
    assert!(
        between_signatures >= time::Duration::milliseconds(900),
        "the second request was signed {between_signatures} after the first, so it was signed before its wait"
    );
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn server_error_is_retried() {
    let fake = start_fake().await;
    let client = spawn(&fake, &[], &[], None).await;
    let path = "/api/v5/market/ticker";
    fake.push_fault(FaultRule::new(okx_error(503, "50001", "Service temporarily unavailable")).on_path(path).times(1));
    fake.push_fault(FaultRule::new(Fault::Html).on_path(path).times(1));

    let result = call(&client, "market_ticker", json!({"instId": "BTC-USDT"})).await.unwrap();
    assert_success(&result);
    assert_eq!(requests_to(&fake, path).len(), 3, "one 503, one HTML 502 page, then the answer");
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn retries_stop_after_three_tries() {
    let fake = start_fake().await;
    let client = spawn(&fake, &[], &[], None).await;
    let path = "/api/v5/market/ticker";
    fake.push_fault(FaultRule::new(okx_error(500, "50026", "System error")).on_path(path));

    let error = error_of(&call(&client, "market_ticker", json!({"instId": "BTC-USDT"})).await.unwrap());
    assert_eq!(error["code"], "50026");
    assert_eq!(requests_to(&fake, path).len(), 3);
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn input_error_is_not_retried() {
    let fake = start_fake().await;
    let client = spawn(&fake, &[], &[], None).await;
    let path = "/api/v5/market/ticker";
    fake.push_fault(FaultRule::new(okx_error(400, "51000", "Parameter instId error")).on_path(path).times(1));

    let error = error_of(&call(&client, "market_ticker", json!({"instId": "BTC-USDT"})).await.unwrap());
    assert_eq!(error["code"], "51000");
    assert_eq!(requests_to(&fake, path).len(), 1);
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn auth_error_is_not_retried() {
    let fake = start_fake().await;
    let key = TestKey { secret: "00000000000000000000000000000000", ..LIVE_TEST_KEY };
    let client = spawn(&fake, &credentials_env(&key), &[], None).await;

    let error = error_of(&call(&client, "account_balance", json!({})).await.unwrap());
    assert_eq!(error["code"], "50113");
    assert_eq!(requests_to(&fake, "/api/v5/account/balance").len(), 1);
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn retry_is_signed_again() {
    let fake = start_fake().await;
    let client = spawn_checked(&fake, None).await;
    let path = "/api/v5/account/balance";
    fake.push_fault(FaultRule::new(okx_error(429, "50013", "System is busy, please try again later")).on_path(path).times(1));

    let result = call(&client, "account_balance", json!({})).await.unwrap();
    assert_success(&result);
    let sent = requests_to(&fake, path);
    assert_eq!(sent.len(), 2);
    assert_ne!(sent[0].header("ok-access-timestamp"), sent[1].header("ok-access-timestamp"), "the retry has a new timestamp");
    assert_ne!(sent[0].header("ok-access-sign"), sent[1].header("ok-access-sign"), "the retry has a new signature");
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn clock_offset_measured_at_start_up() {
    let fake = start_fake().await;
    fake.set_clock_skew_ms(60_000);
    let stderr = std::env::temp_dir().join(format!("okx-mcp-clock-{}.log", std::process::id()));
    let client = spawn_checked(&fake, Some(&stderr)).await;

    let result = call(&client, "account_balance", json!({})).await.unwrap();
    assert_success(&result);
    assert_eq!(requests_to(&fake, "/api/v5/account/balance").len(), 1, "the first signed request already carries OKX's time");

    let log = std::fs::read_to_string(&stderr).unwrap();
    let _ = std::fs::remove_file(&stderr);
    assert!(log.contains("s behind OKX's"), "no clock warning on stderr:\n{log}");
    client.cancel().await.unwrap();
}

/// An OKX clock that is days away is a broken answer, not skew to correct: the call ends with
/// an error result, the offset is not adopted, and the server keeps serving.
#[tokio::test]
async fn implausible_okx_clock_is_error() {
    let fake = start_fake().await;
    let client = spawn_checked(&fake, None).await;
    fake.set_clock_skew_ms(10 * 86_400_000);

    // OKX's rejection stands, since the clock it reports cannot be used.
    let result = call(&client, "account_balance", json!({})).await.unwrap();
    let error = error_of(&result);
    assert_eq!(error["code"], "50102", "{error}");
    assert!(error["hint"].as_str().unwrap().contains("clock"), "{error}");

    fake.set_clock_skew_ms(0);
    assert_success(&call(&client, "account_balance", json!({})).await.unwrap());
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn expired_timestamp_corrects_clock_once() {
    let fake = start_fake().await;
    let client = spawn_checked(&fake, None).await;
    fake.clear_requests();
    fake.set_clock_skew_ms(60_000);

    let result = call(&client, "account_balance", json!({})).await.unwrap();
    assert_success(&result);
    let paths: Vec<String> = fake.requests().iter().map(|request| request.path().to_owned()).collect();
    assert_eq!(paths, ["/api/v5/account/balance", "/api/v5/public/time", "/api/v5/account/balance"]);
    assert!(fake.requests()[1].header("ok-access-key").is_none(), "the clock is read unsigned");

    // The correction works in the other direction too.
    fake.set_clock_skew_ms(-60_000);
    assert_success(&call(&client, "account_positions", json!({})).await.unwrap());

    // A timestamp that is still rejected after one correction ends the call.
    fake.clear_requests();
    fake.push_fault(FaultRule::new(okx_error(401, "50102", "Timestamp request expired")).on_path("/api/v5/account/balance"));
    let error = error_of(&call(&client, "account_balance", json!({})).await.unwrap());
    assert_eq!(error["code"], "50102");
    assert!(error["hint"].as_str().unwrap().contains("clock"), "{error}");
    assert_eq!(requests_to(&fake, "/api/v5/account/balance").len(), 2);
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn timeout_returns_network_error() {
    let fake = start_fake().await;
    let client = spawn(&fake, &[("OKX_TIMEOUT_MS", "300".to_owned())], &[], None).await;
    let path = "/api/v5/market/ticker";
    fake.push_fault(FaultRule::new(Fault::Delay { ms: 5_000 }).on_path(path));

    let started = Instant::now();
    let error = error_of(&call(&client, "market_ticker", json!({"instId": "BTC-USDT"})).await.unwrap());
    let elapsed = started.elapsed();

    assert_eq!(error["source"], "network");
    assert!(error["message"].as_str().unwrap().contains("300 ms"), "{error}");
    assert!(error["hint"].as_str().unwrap().contains("OKX_TIMEOUT_MS"), "{error}");
    assert_eq!(requests_to(&fake, path).len(), 3, "a timed-out GET is tried three times");
    assert!(elapsed < Duration::from_secs(4), "three 300 ms tries with backoff took {elapsed:?}");
    client.cancel().await.unwrap();
}
