//! stdout carries only JSON-RPC: under injected faults, malformed input and debug logging, every
//! line the server writes is exactly one JSON-RPC 2.0 message, and every request gets one
//! response.

use std::collections::HashMap;
use std::time::Duration;

use fake_okx::{Fault, FaultRule};
use serde_json::{Value, json};

use crate::raw_rpc::{Launch, RawServer, check_jsonrpc_line, response_id};
use crate::support::{live_env, start_fake};

/// Lines that are not valid requests. None of them has an id that the test waits for.
const MALFORMED_LINES: &[&[u8]] = &[
    b"{not json",
    b"",
    b"   ",
    b"null",
    b"42",
    b"\"a string\"",
    b"[]",
    b"{}",
    b"{}{}",
    b"{\"jsonrpc\":\"1.0\",\"id\":\"old\",\"method\":\"ping\"}",
    b"{\"jsonrpc\":\"2.0\",\"method\":\"tools/call\"}",
    b"{\"jsonrpc\":\"2.0\",\"id\":{\"nested\":1},\"method\":\"ping\"}",
    b"{\"jsonrpc\":\"2.0\",\"id\":99999,\"result\":{}}",
    b"{\"jsonrpc\":\"2.0\",\"method\":\"notifications/unknown\",\"params\":{}}",
    b"{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":424242}}",
    b"\xff\xfe{\"jsonrpc\":\"2.0\"}",
    b"{\"jsonrpc\":\"2.0\",\"id\":1e400,\"method\":\"ping\"}",
];

/// Requests that are well-formed JSON-RPC but wrong for this server; each must get a response.
fn bad_requests() -> Vec<(&'static str, Value)> {
    vec![
        ("tools/call", json!({"name": "no_such_tool", "arguments": {}})),
        ("tools/call", json!({"name": "market_ticker", "arguments": [1, 2]})),
        ("tools/call", json!({"name": "market_ticker", "arguments": {"instId": {"deep": [1, {"x": null}]}}})),
        ("tools/call", json!({"name": "market_ticker"})),
        ("tools/call", json!({"arguments": {"instId": "BTC-USDT"}})),
        ("tools/call", json!({"name": 17})),
        ("tools/call", json!({"name": "market_candles", "arguments": {"instId": "BTC-USDT", "limit": "many"}})),
        ("tools/call", json!({"name": "market_candles", "arguments": {"instId": "BTC-USDT", "after": "yesterday"}})),
        ("tools/call", json!({"name": "account_balance", "arguments": {"ccy": "BTC\nETH\u{0}"}})),
        ("tools/list", json!({"cursor": "not-a-cursor"})),
        ("no/such/method", json!({})),
        ("resources/list", json!({})),
        ("prompts/list", json!({})),
        ("ping", json!({})),
    ]
}

fn good_calls() -> Vec<(&'static str, Value)> {
    vec![
        ("market_ticker", json!({"instId": "BTC-USDT"})),
        ("market_tickers", json!({"instType": "SPOT"})),
        ("market_candles", json!({"instId": "BTC-USDT", "bar": "1H", "limit": 3})),
        ("market_books", json!({"instId": "BTC-USDT"})),
        ("public_time", json!({})),
        ("account_balance", json!({"ccy": "BTC,ETH"})),
        ("account_config", json!({})),
        ("trade_fills", json!({})),
    ]
}

#[tokio::test]
async fn every_stdout_line_is_one_jsonrpc_message() {
    let fake = start_fake().await;
    fake.push_fault(FaultRule::new(Fault::Random { percent: 30, seed: 0x5eed }));
    let launch = Launch::default().envs(&live_env()).rust_log("debug").args(&["--toolsets", "all"]);
    let mut server = RawServer::spawn(&fake.base_url(), launch);
    server.initialize().await;

    let mut expected: HashMap<String, String> = HashMap::new();
    for round in 0..5 {
        for (name, arguments) in good_calls() {
            let id = server.call_tool(name, arguments).await;
            expected.insert(id.to_string(), format!("round {round}: {name}"));
        }
        for line in MALFORMED_LINES {
            server.send_line(line).await;
        }
        for (method, params) in bad_requests() {
            let id = server.request(method, params).await;
            expected.insert(id.to_string(), format!("round {round}: {method}"));
        }
        let string_id = format!("text-id-{round}");
        server.send(&json!({"jsonrpc": "2.0", "id": string_id, "method": "tools/list"})).await;
        expected.insert(string_id, format!("round {round}: tools/list with a string id"));
    }

    // The server still responds after all of that.
    let last = server.call_result("public_time", json!({})).await;
    assert!(last.get("content").is_some(), "{last}");

    tokio::time::sleep(Duration::from_millis(500)).await;
    let (status, transcript) = server.close(Duration::from_secs(30)).await;
    assert!(status.success(), "okx-mcp exited with {status}");

    let mut answered: HashMap<String, usize> = HashMap::new();
    let mut errors_without_id = 0;
    for (number, line) in transcript.iter().enumerate() {
        let message = check_jsonrpc_line(line).unwrap_or_else(|problem| {
            panic!("stdout line {number} is not one JSON-RPC message ({problem}): {:?}", String::from_utf8_lossy(line))
        });
        match response_id(&message) {
            Some(id) => *answered.entry(id).or_default() += 1,
            None if message.get("error").is_some() => errors_without_id += 1,
            None => {}
        }
    }
    // Only unreadable lines may get an error without an id.
    let unreadable = 5 * MALFORMED_LINES.len();
    assert!(errors_without_id <= unreadable, "{errors_without_id} errors without an id for {unreadable} unreadable lines");
    for (id, what) in &expected {
        assert_eq!(answered.get(id).copied().unwrap_or(0), 1, "request {id} ({what}) got no response or several");
    }
    assert!(fake.requests().len() >= 40, "only {} requests reached the fake", fake.requests().len());
}
