//! Results larger than `--max-result-bytes` lose rows from the end, stay valid, and say how to
//! get the rest.

use fake_okx::{Fault, FaultRule};
use serde_json::{Value, json};

use crate::support::{self, call, spawn, start_fake};

/// An OKX answer with `count` candles, newest first, one minute apart.
fn candles(count: usize) -> String {
    let rows: Vec<Value> = (0..count)
        .map(|index| {
            let ts = 1_717_200_000_000_i64 - (index as i64) * 60_000;
            json!([ts.to_string(), "67000.123456789012345678", "67100.5", "66900.1", "67050.0", "12.5", "838000.25", "838000.25", "1"])
        })
        .collect();
    json!({"code": "0", "msg": "", "data": rows}).to_string()
}

#[tokio::test]
async fn large_result_is_cut_with_next_page() {
    let fake = start_fake().await;
    fake.push_fault(FaultRule::new(Fault::Status { http: 200, body: candles(300) }).on_path("/api/v5/market/candles"));
    let client = spawn(&fake, &[], &["--max-result-bytes", "8000"], None).await;
    let tools = client.list_all_tools().await.unwrap();
    let tool = tools.iter().find(|tool| tool.name == "market_candles").unwrap();

    let result = call(&client, "market_candles", json!({"instId": "BTC-USDT", "limit": 300})).await.unwrap();
    assert_ne!(result.is_error, Some(true), "{}", support::text_of(&result));
    let structured = result.structured_content.clone().unwrap();

    let bytes = serde_json::to_vec(&structured).unwrap().len();
    assert!(bytes <= 8000, "result has {bytes} bytes");
    let rows = structured["data"].as_array().unwrap();
    let truncated = &structured["truncated"];
    assert_eq!(truncated["returnedRows"], rows.len());
    assert_eq!(truncated["omittedRows"].as_u64().unwrap() as usize + rows.len(), 300);
    assert!(rows.len() > 10, "kept only {} rows", rows.len());
    assert_eq!(structured["nextPage"]["after"], rows.last().unwrap()["ts"], "paging continues after the last row shown");

    let schema = Value::Object((*tool.output_schema.clone().unwrap()).clone());
    support::assert_valid(&schema, &structured, "market_candles");
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn small_result_is_untouched() {
    let fake = start_fake().await;
    let client = spawn(&fake, &[], &["--max-result-bytes", "8000"], None).await;
    let result = call(&client, "market_ticker", json!({"instId": "BTC-USDT"})).await.unwrap();
    let structured = result.structured_content.clone().unwrap();
    assert!(structured.get("truncated").is_none());
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn invalid_size_limit_stops_start_up() {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_okx-mcp"))
        .args(["--max-result-bytes", "10"])
        .env_clear()
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("at least 2000 bytes"), "{stderr}");
}
