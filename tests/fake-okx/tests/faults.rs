//! Fault injection over HTTP: every fault kind, rule matching and the random mode.

mod common;

use std::time::{Duration, Instant};

use common::{get, start};
use fake_okx::{Fault, FaultRule, RequestOutcome};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

const TICKER: &str = "/api/v5/market/ticker?instId=BTC-USDT";
const TICKER_PATH: &str = "/api/v5/market/ticker";

#[tokio::test]
async fn status_fault_sends_body() {
    let server = start().await;
    server.push_fault(FaultRule::new(Fault::Status { http: 503, body: "upstream down".to_owned() }).times(1));

    let reply = get(server.addr(), TICKER, &[]).await;

    assert_eq!(reply.status, 503);
    assert_eq!(reply.text(), "upstream down");
    assert!(reply.header("content-type").unwrap().starts_with("text/plain"));
}

#[tokio::test]
async fn okx_error_fault_sends_envelope() {
    let server = start().await;
    let fault = Fault::OkxError { http: 500, code: "50026".to_owned(), msg: "System error".to_owned() };
    server.push_fault(FaultRule::new(fault));

    let reply = get(server.addr(), TICKER, &[]).await;

    assert_eq!(reply.status, 500);
    assert_eq!(reply.code(), "50026");
    assert_eq!(reply.msg(), "System error");
}

#[tokio::test]
async fn html_fault_sends_502_page() {
    let server = start().await;
    server.push_fault(FaultRule::new(Fault::Html));

    let reply = get(server.addr(), TICKER, &[]).await;

    assert_eq!(reply.status, 502);
    assert!(reply.header("content-type").unwrap().starts_with("text/html"));
    assert!(reply.text().contains("<html>"));
}

#[tokio::test]
async fn invalid_json_fault() {
    let server = start().await;
    server.push_fault(FaultRule::new(Fault::InvalidJson));

    let reply = get(server.addr(), TICKER, &[]).await;

    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert!(serde_json::from_slice::<serde_json::Value>(&reply.body).is_err());
}

#[tokio::test]
async fn empty_body_fault() {
    let server = start().await;
    server.push_fault(FaultRule::new(Fault::EmptyBody));

    let reply = get(server.addr(), TICKER, &[]).await;

    assert_eq!(reply.status, 200);
    assert!(reply.body.is_empty());
    assert_eq!(reply.header("content-length"), Some("0"));
}

#[tokio::test]
async fn truncated_fault_sends_half() {
    let server = start().await;
    let full = get(server.addr(), TICKER, &[]).await;
    server.push_fault(FaultRule::new(Fault::Truncated));

    let reply = get(server.addr(), TICKER, &[]).await;

    assert_eq!(reply.status, 200);
    assert_eq!(reply.body, full.body[..full.body.len() / 2]);
}

#[tokio::test]
async fn oversized_fault_pads_valid_envelope() {
    let server = start().await;
    server.push_fault(FaultRule::new(Fault::Oversized { bytes: 100_000 }));

    let reply = get(server.addr(), TICKER, &[]).await;

    assert_eq!(reply.status, 200);
    assert!(reply.body.len() > 100_000, "body has {} bytes", reply.body.len());
    assert_eq!(reply.code(), "0");
    assert_eq!(reply.json()["data"][0]["instId"], "BTC-USDT");
}

#[tokio::test]
async fn delay_fault_then_normal() {
    let server = start().await;
    server.push_fault(FaultRule::new(Fault::Delay { ms: 300 }).times(1));

    let started = Instant::now();
    let reply = get(server.addr(), TICKER, &[]).await;

    assert!(started.elapsed() >= Duration::from_millis(300), "replied after {:?}", started.elapsed());
    assert_eq!(reply.status, 200);
    assert_eq!(reply.code(), "0");
}

#[tokio::test]
async fn rate_limit_fault_gives_429() {
    let server = start().await;
    server.push_fault(FaultRule::new(Fault::RateLimit));

    let reply = get(server.addr(), TICKER, &[]).await;

    assert_eq!(reply.status, 429);
    assert_eq!(reply.code(), "50011");
    assert_eq!(reply.msg(), "Too Many Requests");
}

#[tokio::test]
async fn times_and_path_limit_rules() {
    let server = start().await;
    server.push_fault(FaultRule::new(Fault::RateLimit).on_path(TICKER_PATH).times(2));

    let other = get(server.addr(), "/api/v5/public/time", &[]).await;
    assert_eq!(other.status, 200, "other paths are not faulted");

    for attempt in 1..=2 {
        let reply = get(server.addr(), TICKER, &[]).await;
        assert_eq!(reply.status, 429, "attempt {attempt}");
    }
    let after = get(server.addr(), TICKER, &[]).await;
    assert_eq!(after.status, 200, "the rule expires after two faults");
}

#[tokio::test]
async fn clear_faults_restores_service() {
    let server = start().await;
    server.push_fault(FaultRule::new(Fault::Html));
    server.clear_faults();

    let reply = get(server.addr(), TICKER, &[]).await;

    assert_eq!(reply.status, 200);
}

#[tokio::test]
async fn faulted_requests_are_recorded() {
    let server = start().await;
    server.push_fault(FaultRule::new(Fault::EmptyBody));

    get(server.addr(), TICKER, &[]).await;

    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn served_request_is_replied() {
    let server = start().await;

    get(server.addr(), TICKER, &[]).await;

    assert_eq!(server.requests()[0].outcome, RequestOutcome::Replied);
}

#[tokio::test]
async fn hang_up_during_delay_is_dropped() {
    let server = start().await;
    server.push_fault(FaultRule::new(Fault::Delay { ms: 30_000 }).times(1));

    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    let request = format!("GET {TICKER} HTTP/1.1\r\nhost: {}\r\n\r\n", server.addr());
    stream.write_all(request.as_bytes()).await.unwrap();
    let arrived = Instant::now();
    while server.requests().is_empty() {
        assert!(arrived.elapsed() < Duration::from_secs(10), "the request never reached the fake");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(server.requests()[0].outcome, RequestOutcome::Pending, "the reply is still delayed");
    drop(stream);

    let closed = Instant::now();
    while server.requests()[0].outcome == RequestOutcome::Pending {
        assert!(closed.elapsed() < Duration::from_secs(10), "the handler kept running after the client hung up");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(server.requests()[0].outcome, RequestOutcome::Dropped);
}

#[tokio::test]
async fn random_faults_repeat_with_seed() {
    let mut runs = Vec::new();
    for _ in 0..2 {
        let server = start().await;
        server.push_fault(FaultRule::new(Fault::Random { percent: 50, seed: 1234 }));
        let mut statuses = Vec::new();
        for _ in 0..40 {
            let reply = get(server.addr(), TICKER, &[]).await;
            statuses.push((reply.status, reply.body.len()));
        }
        runs.push(statuses);
    }

    assert_eq!(runs[0], runs[1], "same seed, same faults");
    let normal_length = runs[0].iter().filter(|(status, _)| *status == 200).map(|(_, length)| *length).max();
    let faulted = runs[0].iter().filter(|(status, length)| *status != 200 || Some(*length) != normal_length).count();
    assert!((8..=32).contains(&faulted), "{faulted} of 40 requests faulted at 50 %");
}

#[tokio::test]
async fn random_pool_has_only_error_faults() {
    let pool = Fault::random_pool();
    assert_eq!(pool.len(), 8);
    assert!(pool.contains(&Fault::RateLimit));
    assert!(pool.iter().all(|fault| !matches!(fault, Fault::Delay { .. } | Fault::Oversized { .. } | Fault::Random { .. })));
}
