//! Argument values that fuzzing showed to be mishandled: list values with no items, and JSON
//! numbers too small for twenty decimal places.

use okx_mcp::generated::{ACCOUNT_BALANCE, PUBLIC_CONVERT_CONTRACT_COIN, TRADE_ORDERS_ALGO_PENDING};
use serde_json::{Map, Value, json};

use crate::support::{call, error_of, live_env, spawn, start_fake};

fn arguments(value: Value) -> Map<String, Value> {
    value.as_object().expect("arguments are an object").clone()
}

/// A required list given only separators has no value, so it is missing.
#[test]
fn required_list_of_commas_is_missing() {
    for blank in [",", " , ", ",,,"] {
        let error = okx_mcp::args::check(&TRADE_ORDERS_ALGO_PENDING, arguments(json!({"ordType": blank})))
            .expect_err("a list without items must not pass as the required ordType");
        assert_eq!(error.source_kind().as_str(), "input", "{blank:?}: {error}");
        assert!(error.to_string().contains("ordType"), "{blank:?}: {error}");
    }
}

/// An optional list given only separators is left out rather than sent as `ccy=`.
#[test]
fn optional_list_of_commas_is_absent() {
    for blank in [json!(","), json!(" , "), json!([",", " "])] {
        let checked = okx_mcp::args::check(&ACCOUNT_BALANCE, arguments(json!({"ccy": blank.clone()}))).expect("an empty list is valid");
        assert_eq!(checked.get("ccy"), None, "{blank} became {checked:?}");
    }
}

/// Through the server: the required list of commas is an input error and nothing is sent.
#[tokio::test]
async fn list_of_commas_sends_nothing() {
    let fake = start_fake().await;
    let client = spawn(&fake, &live_env(), &["--toolsets", "all"], None).await;
    fake.clear_requests();

    let result = call(&client, "trade_orders_algo_pending", json!({"ordType": ","})).await.unwrap();
    let error = error_of(&result);
    assert_eq!(error["source"], "input", "{error}");
    assert_eq!(error["argument"], "ordType", "{error}");
    let sent: Vec<String> = fake.requests().into_iter().map(|request| request.target).collect();
    assert!(sent.iter().all(|target| !target.starts_with("/api/v5/trade/orders-algo-pending")), "sent {sent:?}");
    client.cancel().await.unwrap();
}

/// A decimal given as a small JSON number keeps its value instead of rounding to "0".
#[test]
fn tiny_decimal_number_keeps_value() {
    for (number, expected) in [
        (json!(1e-25), "0.0000000000000000000000001"),
        (json!(2.5e-21), "0.0000000000000000000025"),
        (json!(1.234_567e-19), "0.0000000000000000001234567"),
    ] {
        let checked = okx_mcp::args::check(&PUBLIC_CONVERT_CONTRACT_COIN, arguments(json!({"instId": "BTC-USD-SWAP", "sz": number})))
            .unwrap_or_else(|error| panic!("{number}: {error}"));
        assert_eq!(checked["sz"], expected, "{number}");
    }
}
