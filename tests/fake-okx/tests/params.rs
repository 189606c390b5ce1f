//! Query parameter checks over HTTP.

mod common;

use common::{get, signed_get, start};
use fake_okx::LIVE_TEST_KEY;

#[tokio::test]
async fn documented_params_accepted() {
    let server = start().await;
    let targets = [
        "/api/v5/market/candles?instId=BTC-USDT",
        "/api/v5/market/candles?instId=BTC-USDT&bar=1H&limit=2",
        "/api/v5/market/candles?limit=2&instId=BTC-USDT",
        "/api/v5/market/candles?instId=BTC%2DUSDT&bar=1H",
    ];
    for target in targets {
        let reply = get(server.addr(), target, &[]).await;
        assert_eq!(reply.status, 200, "{target}: {}", reply.text());
    }
}

#[tokio::test]
async fn unknown_param_gives_51000() {
    let server = start().await;
    let reply = get(server.addr(), "/api/v5/market/ticker?instId=BTC-USDT&instType=SPOT", &[]).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.code(), "51000");
    assert_eq!(reply.msg(), "Parameter instType error");
    assert_eq!(reply.json()["data"], serde_json::json!([]));
}

#[tokio::test]
async fn encoded_unknown_name_is_decoded() {
    let server = start().await;
    let reply = get(server.addr(), "/api/v5/market/ticker?instId=BTC-USDT&inst%54ype=SPOT", &[]).await;
    assert_eq!(reply.code(), "51000");
    assert_eq!(reply.msg(), "Parameter instType error");
}

#[tokio::test]
async fn duplicate_param_gives_51000() {
    let server = start().await;
    let reply = get(server.addr(), "/api/v5/market/ticker?instId=BTC-USDT&instId=ETH-USDT", &[]).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.code(), "51000");
    assert_eq!(reply.msg(), "Parameter instId error");
}

#[tokio::test]
async fn missing_required_gives_50014() {
    let server = start().await;
    for target in ["/api/v5/market/ticker", "/api/v5/market/ticker?", "/api/v5/market/ticker?instId=", "/api/v5/market/ticker?instId"] {
        let reply = get(server.addr(), target, &[]).await;
        assert_eq!(reply.status, 400, "{target}");
        assert_eq!(reply.code(), "50014", "{target}");
        assert_eq!(reply.msg(), "Parameter instId can not be empty", "{target}");
    }
}

#[tokio::test]
async fn private_params_checked_after_auth() {
    let server = start().await;
    let target = "/api/v5/tradingBot/grid/orders-algo-pending?instType=SPOT";

    let unsigned = get(server.addr(), target, &[]).await;
    assert_eq!(unsigned.status, 401, "auth is checked before parameters");

    let signed = signed_get(&server, &LIVE_TEST_KEY.record(), target).await;
    assert_eq!(signed.status, 400);
    assert_eq!(signed.code(), "50014");
    assert_eq!(signed.msg(), "Parameter algoOrdType can not be empty");

    let complete = format!("{target}&algoOrdType=grid");
    let accepted = signed_get(&server, &LIVE_TEST_KEY.record(), &complete).await;
    assert_eq!(accepted.status, 200, "{}", accepted.text());
}

#[tokio::test]
async fn server_time_takes_no_params() {
    let server = start().await;
    let reply = get(server.addr(), "/api/v5/public/time?instId=BTC-USDT", &[]).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.msg(), "Parameter instId error");
}

#[tokio::test]
async fn bad_percent_escape_gives_51000() {
    let server = start().await;
    let reply = get(server.addr(), "/api/v5/market/ticker?instId=BTC%ZZ", &[]).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.msg(), "Parameter instId error");
}
