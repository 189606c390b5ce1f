//! Auth checks over HTTP: every error code, the timestamp window, environments and signing input.

mod common;

use common::{auth_headers, get, signed_get, start, test_config, timestamp_at_offset, with_header};
use fake_okx::{Config, DEMO_TEST_KEY, FakeOkx, KeyRecord, LIVE_TEST_KEY};

const BALANCE: &str = "/api/v5/account/balance?ccy=BTC";

#[tokio::test]
async fn signed_live_and_demo_accepted() {
    let server = start().await;
    for key in [LIVE_TEST_KEY.record(), DEMO_TEST_KEY.record()] {
        let reply = signed_get(&server, &key, BALANCE).await;
        assert_eq!(reply.status, 200, "key {}: {}", key.key, reply.text());
        assert_eq!(reply.code(), "0");
    }
}

#[tokio::test]
async fn okx_documented_example_verifies() {
    let secret = "22582BD0CFF14C41EDBF1AB98506286D";
    let key = KeyRecord::new("0f4a6b2c-1d3e-4f50-8a9b-c0d1e2f3a4b5", secret, "doc-pass", false);
    let server = FakeOkx::start(Config { keys: vec![key.clone()], ..test_config() }).await.unwrap();
    server.set_clock_skew_ms(1_607_418_537_715 - real_now_ms());

    let target = "/api/v5/account/balance?ccy=BTC";
    let headers = vec![
        ("OK-ACCESS-KEY".to_owned(), key.key.clone()),
        ("OK-ACCESS-PASSPHRASE".to_owned(), key.passphrase.clone()),
        ("OK-ACCESS-SIGN".to_owned(), "HiZhvSfMtWJA3uUIVXV3a/bSXNPCWvYFXoGCVS8V4zY=".to_owned()),
        ("OK-ACCESS-TIMESTAMP".to_owned(), "2020-12-08T09:08:57.715Z".to_owned()),
    ];
    let reply = get(server.addr(), target, &headers).await;

    assert_eq!(reply.status, 200, "{}", reply.text());
}

#[tokio::test]
async fn missing_headers_give_their_codes() {
    let server = start().await;
    let key = LIVE_TEST_KEY.record();
    let full = auth_headers(&key, &timestamp_at_offset(&server, 0), BALANCE);
    let cases =
        [("OK-ACCESS-KEY", "50103"), ("OK-ACCESS-PASSPHRASE", "50104"), ("OK-ACCESS-SIGN", "50106"), ("OK-ACCESS-TIMESTAMP", "50107")];
    for (name, code) in cases {
        let reply = get(server.addr(), BALANCE, &with_header(full.clone(), name, None)).await;
        assert_eq!(reply.status, 401, "without {name}");
        assert_eq!(reply.code(), code, "without {name}");
        assert!(reply.msg().contains(name), "message {:?} names {name}", reply.msg());
    }
}

#[tokio::test]
async fn no_auth_headers_gives_50103() {
    let server = start().await;
    let reply = get(server.addr(), BALANCE, &[]).await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.code(), "50103");
    assert_eq!(reply.json().get("data"), None, "auth errors carry no data field");
}

#[tokio::test]
async fn malformed_timestamp_gives_50112() {
    let server = start().await;
    let key = LIVE_TEST_KEY.record();
    let good = timestamp_at_offset(&server, 0);
    let malformed = [
        good.trim_end_matches('Z').to_owned(),
        good.replace('T', " "),
        format!("{}Z", &good[..19]),
        format!("{}", server.now_ms() / 1000),
        good.replace('Z', "+00:00"),
    ];
    for timestamp in malformed {
        let reply = get(server.addr(), BALANCE, &auth_headers(&key, &timestamp, BALANCE)).await;
        assert_eq!(reply.status, 401, "timestamp {timestamp:?}");
        assert_eq!(reply.code(), "50112", "timestamp {timestamp:?}");
    }
}

#[tokio::test]
async fn timestamp_window_is_30_seconds() {
    let server = start().await;
    let key = LIVE_TEST_KEY.record();
    for offset_ms in [-29_000, 29_000] {
        let timestamp = timestamp_at_offset(&server, offset_ms);
        let reply = get(server.addr(), BALANCE, &auth_headers(&key, &timestamp, BALANCE)).await;
        assert_eq!(reply.status, 200, "offset {offset_ms} ms: {}", reply.text());
    }
    for offset_ms in [-31_000, 31_000] {
        let timestamp = timestamp_at_offset(&server, offset_ms);
        let reply = get(server.addr(), BALANCE, &auth_headers(&key, &timestamp, BALANCE)).await;
        assert_eq!(reply.status, 401, "offset {offset_ms} ms");
        assert_eq!(reply.code(), "50102", "offset {offset_ms} ms");
    }
}

#[tokio::test]
async fn clock_skew_expires_real_time() {
    let server = start().await;
    let key = LIVE_TEST_KEY.record();
    let real_timestamp = timestamp_at_offset(&server, 0);
    server.set_clock_skew_ms(60_000);

    let reply = get(server.addr(), BALANCE, &auth_headers(&key, &real_timestamp, BALANCE)).await;
    assert_eq!(reply.code(), "50102");

    let skewed = signed_get(&server, &key, BALANCE).await;
    assert_eq!(skewed.status, 200, "{}", skewed.text());
}

#[tokio::test]
async fn unknown_key_gives_50111() {
    let server = start().await;
    let stranger = KeyRecord::new("11111111-2222-3333-4444-555555555555", "00", "pass", false);
    let reply = signed_get(&server, &stranger, BALANCE).await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.code(), "50111");
}

#[tokio::test]
async fn wrong_passphrase_gives_50105() {
    let server = start().await;
    let mut key = LIVE_TEST_KEY.record();
    key.passphrase.push('x');
    let reply = signed_get(&server, &key, BALANCE).await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.code(), "50105");
}

#[tokio::test]
async fn environment_mismatch_gives_50101() {
    let server = start().await;

    let mut demo_without_header = DEMO_TEST_KEY.record();
    demo_without_header.demo = false;
    let reply = signed_get(&server, &demo_without_header, BALANCE).await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.code(), "50101", "demo key without x-simulated-trading");

    let mut live_with_header = LIVE_TEST_KEY.record();
    live_with_header.demo = true;
    let reply = signed_get(&server, &live_with_header, BALANCE).await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.code(), "50101", "live key with x-simulated-trading: 1");

    let key = LIVE_TEST_KEY.record();
    let timestamp = timestamp_at_offset(&server, 0);
    let headers = with_header(auth_headers(&key, &timestamp, BALANCE), "x-simulated-trading", Some("0"));
    let reply = get(server.addr(), BALANCE, &headers).await;
    assert_eq!(reply.status, 200, "x-simulated-trading: 0 means live");
}

#[tokio::test]
async fn wrong_secret_gives_50113() {
    let server = start().await;
    let mut key = LIVE_TEST_KEY.record();
    key.secret = "00000000000000000000000000000000".to_owned();
    let reply = signed_get(&server, &key, BALANCE).await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.code(), "50113");
}

#[tokio::test]
async fn signature_covers_raw_target() {
    let server = start().await;
    let key = LIVE_TEST_KEY.record();
    let timestamp = timestamp_at_offset(&server, 0);
    let encoded = "/api/v5/account/balance?ccy=BTC%2CETH";
    let plain = "/api/v5/account/balance?ccy=BTC,ETH";

    let matching = get(server.addr(), encoded, &auth_headers(&key, &timestamp, encoded)).await;
    assert_eq!(matching.status, 200, "{}", matching.text());

    let decoded_signature = get(server.addr(), encoded, &auth_headers(&key, &timestamp, plain)).await;
    assert_eq!(decoded_signature.code(), "50113", "signing the decoded target must fail");

    let lower_case_escape = "/api/v5/account/balance?ccy=BTC%2cETH";
    let reply = get(server.addr(), lower_case_escape, &auth_headers(&key, &timestamp, encoded)).await;
    assert_eq!(reply.code(), "50113", "escapes are compared byte for byte");

    let without_query = get(server.addr(), encoded, &auth_headers(&key, &timestamp, "/api/v5/account/balance")).await;
    assert_eq!(without_query.code(), "50113", "the query is part of the signed input");
}

#[tokio::test]
async fn public_endpoint_ignores_auth() {
    let server = start().await;
    let headers = vec![
        ("OK-ACCESS-KEY".to_owned(), "not-a-key".to_owned()),
        ("OK-ACCESS-SIGN".to_owned(), "garbage".to_owned()),
        ("OK-ACCESS-TIMESTAMP".to_owned(), "yesterday".to_owned()),
    ];
    let reply = get(server.addr(), "/api/v5/market/ticker?instId=BTC-USDT", &headers).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
}

#[tokio::test]
async fn optional_endpoint_checks_only_with_key() {
    let server = start().await;
    let target = "/api/v5/support/announcements?page=1";

    let anonymous = get(server.addr(), target, &[]).await;
    assert_eq!(anonymous.status, 200, "{}", anonymous.text());

    let signed = signed_get(&server, &LIVE_TEST_KEY.record(), target).await;
    assert_eq!(signed.status, 200, "{}", signed.text());

    let key_only = vec![("OK-ACCESS-KEY".to_owned(), LIVE_TEST_KEY.key.to_owned())];
    let unsigned = get(server.addr(), target, &key_only).await;
    assert_eq!(unsigned.status, 401);
    assert_eq!(unsigned.code(), "50104");
}

#[tokio::test]
async fn account_config_reports_key_perm() {
    let trading = KeyRecord::new("9b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d", "ABCDEF0123456789ABCDEF0123456789", "t!", false)
        .with_perm("read_only,trade");
    let keys = vec![LIVE_TEST_KEY.record(), trading.clone()];
    let server = FakeOkx::start(Config { keys, ..test_config() }).await.unwrap();

    let read_only = signed_get(&server, &LIVE_TEST_KEY.record(), "/api/v5/account/config").await;
    assert_eq!(read_only.json()["data"][0]["perm"], "read_only");
    assert_eq!(read_only.json()["data"][0]["uid"], "44705892343619584");

    let trade = signed_get(&server, &trading, "/api/v5/account/config").await;
    assert_eq!(trade.json()["data"][0]["perm"], "read_only,trade");
}

fn real_now_ms() -> i64 {
    let elapsed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    i64::try_from(elapsed.as_millis()).unwrap()
}
