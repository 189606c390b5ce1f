//! `notifications/cancelled` stops the HTTP request to OKX, not only the wait for it.

use std::time::{Duration, Instant};

use fake_okx::{Fault, FaultRule, RequestOutcome};
use serde_json::json;

use crate::raw_rpc::{Launch, RawServer};
use crate::support::start_fake;

const TICKER: &str = "/api/v5/market/ticker";

#[tokio::test]
async fn cancelled_call_drops_http_request() {
    let fake = start_fake().await;
    // The delay outlasts every wait below, so a reply from the fake means the abort failed.
    fake.push_fault(FaultRule::new(Fault::Delay { ms: 30_000 }).on_path(TICKER).times(1));
    let mut server = RawServer::spawn(&fake.base_url(), Launch::default());
    server.initialize().await;

    let slow = server.call_tool("market_ticker", json!({"instId": "BTC-USDT"})).await;
    let sent = Instant::now();
    while !fake.requests().iter().any(|request| request.path() == TICKER) {
        assert!(sent.elapsed() < Duration::from_secs(10), "the ticker request never reached the fake");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::sleep(Duration::from_millis(200).saturating_sub(sent.elapsed())).await;
    let recorded = fake.requests().into_iter().find(|request| request.path() == TICKER).unwrap();
    assert_eq!(recorded.outcome, RequestOutcome::Pending, "the delayed reply is not due yet");

    server.notify("notifications/cancelled", json!({"requestId": slow, "reason": "the user moved on"})).await;
    let cancelled = Instant::now();
    loop {
        let outcome = fake.requests().into_iter().find(|request| request.path() == TICKER).unwrap().outcome;
        match outcome {
            RequestOutcome::Dropped => break,
            RequestOutcome::Replied => panic!("the fake replied: the HTTP request was not aborted"),
            RequestOutcome::Pending => {}
        }
        // A guard against hanging, not a speed check: the abort takes milliseconds.
        assert!(
            cancelled.elapsed() < Duration::from_secs(10),
            "the HTTP request to OKX is still open {:?} after the cancellation",
            cancelled.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    // The server goes on serving, and the cancelled call gets no response.
    let next = server.call_tool("market_ticker", json!({"instId": "BTC-USDT"})).await;
    let response = server.response(next, Duration::from_secs(10)).await.expect("the next call is answered");
    assert_ne!(response["result"]["isError"], true, "{response}");
    assert!(server.response(slow, Duration::from_millis(300)).await.is_none(), "the cancelled request was answered");

    let (status, _) = server.close(Duration::from_secs(10)).await;
    assert!(status.success(), "okx-mcp exited with {status}");
}
