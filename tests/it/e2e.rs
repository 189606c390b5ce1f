//! The built binary over stdio, driven by rmcp's client, against the fake OKX.

use std::collections::BTreeSet;

use fake_okx::{DEMO_TEST_KEY, LIVE_TEST_KEY, TestKey};
use serde_json::{Value, json};

use crate::support::{self, call, credentials_env, error_of, live_env, spawn, start_fake};

/// The everyday tools the server must offer with credentials, under the default toolset.
const CORE_TOOLS: &[&str] = &[
    "market_ticker",
    "market_tickers",
    "market_books",
    "market_candles",
    "market_history_candles",
    "market_trades",
    "public_instruments",
    "public_time",
    "public_funding_rate",
    "public_funding_rate_history",
    "public_open_interest",
    "public_mark_price",
    "system_status",
    "account_balance",
    "account_positions",
    "account_positions_history",
    "account_bills",
    "account_config",
    "account_trade_fee",
    "trade_order",
    "trade_orders_pending",
    "trade_orders_history",
    "trade_fills",
    "asset_balances",
    "asset_asset_valuation",
];

async fn tool_names(client: &support::Client) -> BTreeSet<String> {
    let tools = client.list_all_tools().await.expect("tools/list succeeds");
    tools.iter().map(|tool| tool.name.to_string()).collect()
}

#[tokio::test]
async fn default_list_has_core_tools() {
    let fake = start_fake().await;
    let client = spawn(&fake, &live_env(), &[], None).await;
    let names = tool_names(&client).await;

    for tool in CORE_TOOLS {
        assert!(names.contains(*tool), "default toolset lacks {tool}; it has {names:?}");
    }
    assert!(names.len() <= 40, "default toolset has {} tools, more than 40", names.len());
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn every_listed_tool_is_annotated_read_only() {
    let fake = start_fake().await;
    let client = spawn(&fake, &live_env(), &["--toolsets", "all"], None).await;
    let tools = client.list_all_tools().await.unwrap();
    assert!(tools.len() > 200, "only {} tools with --toolsets all", tools.len());

    for tool in &tools {
        let annotations = tool.annotations.as_ref().unwrap_or_else(|| panic!("{} has no annotations", tool.name));
        assert_eq!(annotations.read_only_hint, Some(true), "{}", tool.name);
        assert_eq!(annotations.destructive_hint, Some(false), "{}", tool.name);
        assert_eq!(annotations.idempotent_hint, Some(true), "{}", tool.name);
        assert_eq!(annotations.open_world_hint, Some(true), "{}", tool.name);
        assert!(tool.output_schema.is_some(), "{} has no output schema", tool.name);
    }
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn public_only_without_credentials() {
    let fake = start_fake().await;
    let client = spawn(&fake, &[], &["--toolsets", "all"], None).await;
    let names = tool_names(&client).await;

    assert!(names.contains("market_ticker"));
    assert!(names.contains("support_announcements"), "auth: optional tools work unsigned");
    for private in ["account_balance", "trade_order", "asset_balances", "public_economic_calendar"] {
        assert!(!names.contains(private), "{private} listed without credentials");
    }

    let error = call(&client, "account_balance", json!({})).await.unwrap_err();
    let text = error.to_string();
    assert!(text.contains("-32602") || text.contains("Invalid params"), "{text}");
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn public_call_returns_exact_strings() {
    let fake = start_fake().await;
    let client = spawn(&fake, &[], &[], None).await;
    let result = call(&client, "market_ticker", json!({"instId": "BTC-USDT"})).await.unwrap();

    assert_ne!(result.is_error, Some(true), "{}", support::text_of(&result));
    let structured = result.structured_content.clone().expect("structuredContent is set");
    let expected = support::fixture("/api/v5/market/ticker")["response"]["data"].clone();
    assert_eq!(structured["data"], expected);
    assert_eq!(structured["endpoint"], "/api/v5/market/ticker");
    assert_eq!(structured["site"], "custom");
    assert_eq!(structured["environment"], "live");

    let text = support::text_of(&result);
    let from_text: Value = serde_json::from_str(&text).expect("the text block is the same JSON");
    assert_eq!(from_text, structured);

    let requests = fake.requests();
    let sent = requests.iter().find(|request| request.path() == "/api/v5/market/ticker").expect("request reached the fake");
    assert_eq!(sent.method, "GET");
    assert!(sent.header("ok-access-key").is_none(), "public calls are not signed");
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn private_balance_is_byte_exact() {
    let fake = start_fake().await;
    let client = spawn(&fake, &live_env(), &[], None).await;
    let tools = client.list_all_tools().await.unwrap();
    let tool = tools.iter().find(|tool| tool.name == "account_balance").expect("account_balance is listed");

    let result = call(&client, "account_balance", json!({"ccy": "BTC,ETH"})).await.unwrap();
    assert_ne!(result.is_error, Some(true), "{}", support::text_of(&result));
    let structured = result.structured_content.clone().unwrap();

    let expected = support::fixture("/api/v5/account/balance")["response"]["data"].clone();
    assert_eq!(support::leaves(&structured["data"]), support::leaves(&expected));
    let details = expected[0]["details"].as_array().expect("the fixture has details");
    let ccys: Vec<&Value> = details.iter().map(|detail| &detail["ccy"]).collect();
    assert!(ccys.contains(&&json!("BTC")), "{ccys:?}");
    assert!(ccys.contains(&&json!("ETH")), "{ccys:?}");
    assert_eq!(structured["data"][0]["details"], expected[0]["details"]);

    let schema = Value::Object((*tool.output_schema.clone().unwrap()).clone());
    support::assert_valid(&schema, &structured, "account_balance");

    let sent = fake.requests().into_iter().find(|request| request.path() == "/api/v5/account/balance").unwrap();
    assert_eq!(sent.target, "/api/v5/account/balance?ccy=BTC,ETH", "the comma list is sent as is, and signed as sent");
    assert!(sent.header("ok-access-sign").is_some());
    assert!(sent.header("x-simulated-trading").is_none(), "live mode sends no demo header");
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn wrong_secret_gives_50113_with_hint() {
    let fake = start_fake().await;
    let key = TestKey { secret: "00000000000000000000000000000000", ..LIVE_TEST_KEY };
    let client = spawn(&fake, &credentials_env(&key), &[], None).await;
    let result = call(&client, "account_balance", json!({})).await.unwrap();

    let error = error_of(&result);
    assert_eq!(error["source"], "okx");
    assert_eq!(error["code"], "50113");
    assert!(error["hint"].as_str().unwrap().contains("OKX_API_SECRET"), "{error}");
    assert_eq!(error["endpoint"], "/api/v5/account/balance");
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn demo_key_needs_demo_mode() {
    let fake = start_fake().await;

    let live_mode = spawn(&fake, &credentials_env(&DEMO_TEST_KEY), &[], None).await;
    let error = error_of(&call(&live_mode, "account_balance", json!({})).await.unwrap());
    assert_eq!(error["code"], "50101");
    assert!(error["hint"].as_str().unwrap().contains("OKX_DEMO=1"), "{error}");
    live_mode.cancel().await.unwrap();

    let mut env = credentials_env(&DEMO_TEST_KEY);
    env.push(("OKX_DEMO", "1".to_owned()));
    let demo_mode = spawn(&fake, &env, &[], None).await;
    let result = call(&demo_mode, "account_balance", json!({})).await.unwrap();
    assert_ne!(result.is_error, Some(true), "{}", support::text_of(&result));
    assert_eq!(result.structured_content.unwrap()["environment"], "demo");
    let sent = fake.requests().into_iter().rev().find(|request| request.path() == "/api/v5/account/balance").unwrap();
    assert_eq!(sent.header("x-simulated-trading"), Some("1"));
    demo_mode.cancel().await.unwrap();
}

#[tokio::test]
async fn bad_argument_is_tool_error_without_request() {
    let fake = start_fake().await;
    let client = spawn(&fake, &[], &[], None).await;

    let result = call(&client, "market_candles", json!({"instId": "BTC-USDT", "bar": "1h"})).await.unwrap();
    let error = error_of(&result);
    assert_eq!(error["source"], "input");
    assert_eq!(error["argument"], "bar");
    let message = error["message"].as_str().unwrap();
    assert!(message.contains("'1h'"), "{message}");
    assert!(message.contains("1H"), "{message}");

    let missing = error_of(&call(&client, "market_ticker", json!({})).await.unwrap());
    assert_eq!(missing["argument"], "instId");

    assert!(fake.requests().is_empty(), "no request may be sent for invalid arguments");
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn unknown_tool_is_protocol_error() {
    let fake = start_fake().await;
    let client = spawn(&fake, &[], &[], None).await;
    let error = call(&client, "trade_place_order", json!({})).await.unwrap_err();
    let text = format!("{error:?}");
    assert!(text.contains("-32602") || text.contains("InvalidParams") || text.contains("INVALID_PARAMS"), "{text}");
    assert!(text.contains("unknown tool"), "{text}");
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn okx_error_code_reaches_model() {
    let fake = start_fake().await;
    let client = spawn(&fake, &[], &[], None).await;
    fake.push_fault(fake_okx::FaultRule::new(fake_okx::Fault::OkxError {
        http: 200,
        code: "51001".to_owned(),
        msg: "Instrument ID does not exist".to_owned(),
    }));
    let error = error_of(&call(&client, "market_ticker", json!({"instId": "NOPE-USDT"})).await.unwrap());
    assert_eq!(error["code"], "51001");
    assert_eq!(error["msg"], "Instrument ID does not exist");
    assert!(error["hint"].as_str().unwrap().contains("public_instruments"), "{error}");
    client.cancel().await.unwrap();
}
