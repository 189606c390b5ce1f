//! Bodies of the fuzz targets, shared by cargo-fuzz (`fuzz_targets/`) and the bounded stable
//! smoke test in `tests/it/fuzz_smoke.rs`, which includes this file as a module.
//!
//! Each body panics when an invariant breaks; inputs that are merely invalid return quietly.

use okx_mcp::endpoint::{Endpoint, Param, ParamKind};
use okx_mcp::generated::{self, ENDPOINTS};
use okx_mcp::request::ReadRequest;
use serde_json::{Map, Value};

/// Timestamps below this many milliseconds are rejected as probably seconds (see `args`).
const SMALLEST_PLAUSIBLE_MS: i64 = 100_000_000_000;

type Arguments = Map<String, Value>;

/// An endpoint and the query round trip of its request type.
type TypedEndpoint = (&'static Endpoint, fn(&Arguments));

/// Endpoints whose checked arguments are also decoded into their request type and encoded as
/// a query. They cover every parameter kind, lists, enums, and required lists.
const TYPED: &[TypedEndpoint] = &[
    (&generated::MARKET_CANDLES, query_round_trip::<generated::MarketCandlesRequest>),
    (&generated::ACCOUNT_BALANCE, query_round_trip::<generated::AccountBalanceRequest>),
    (&generated::ACCOUNT_BILLS, query_round_trip::<generated::AccountBillsRequest>),
    (&generated::ACCOUNT_MAX_AVAIL_SIZE, query_round_trip::<generated::AccountMaxAvailSizeRequest>),
    (&generated::ACCOUNT_MAX_SIZE, query_round_trip::<generated::AccountMaxSizeRequest>),
    (&generated::TRADE_ORDERS_ALGO_PENDING, query_round_trip::<generated::TradeOrdersAlgoPendingRequest>),
    (&generated::TRADE_FILLS, query_round_trip::<generated::TradeFillsRequest>),
    (&generated::USERS_SUBACCOUNT_LIST, query_round_trip::<generated::UsersSubaccountListRequest>),
    (&generated::PUBLIC_CONVERT_CONTRACT_COIN, query_round_trip::<generated::PublicConvertContractCoinRequest>),
];

/// Returns the number of endpoints a check-arguments input can select with its first two bytes.
pub fn selectable_endpoints() -> usize {
    TYPED.len() + ENDPOINTS.len()
}

/// Returns the endpoint that `selector` picks: the typed endpoints first, then every endpoint.
pub fn selected_endpoint(selector: usize) -> &'static Endpoint {
    let index = selector % selectable_endpoints();
    match TYPED.get(index) {
        Some((endpoint, _)) => endpoint,
        None => ENDPOINTS[index - TYPED.len()],
    }
}

/// Builds a check-arguments input: a big-endian endpoint selector, then JSON arguments.
pub fn check_arguments_input(selector: usize, arguments: &Value) -> Vec<u8> {
    let selector = u16::try_from(selector % selectable_endpoints()).expect("fewer than 65536 endpoints");
    let mut input = selector.to_be_bytes().to_vec();
    input.extend(serde_json::to_vec(arguments).expect("JSON serialises"));
    input
}

/// Fuzz body: checks arbitrary JSON arguments against one endpoint, selected by the first two
/// bytes, and verifies what `okx_mcp::args::check` returns.
pub fn check_arguments(data: &[u8]) {
    let Some((selector, json)) = data.split_first_chunk::<2>() else { return };
    let Ok(Value::Object(arguments)) = serde_json::from_slice::<Value>(json) else { return };
    let index = usize::from(u16::from_be_bytes(*selector)) % selectable_endpoints();
    match TYPED.get(index) {
        Some((endpoint, round_trip)) => check_endpoint(endpoint, &arguments, Some(*round_trip)),
        None => check_endpoint(ENDPOINTS[index - TYPED.len()], &arguments, None),
    }
}

fn check_endpoint(endpoint: &Endpoint, arguments: &Arguments, round_trip: Option<fn(&Arguments)>) {
    let checked = match okx_mcp::args::check(endpoint, arguments.clone()) {
        Ok(checked) => checked,
        Err(error) => {
            assert_eq!(error.source_kind().as_str(), "input", "{}: a rejected argument is an input error: {error}", endpoint.name);
            assert!(!error.to_string().is_empty(), "{}: empty error message", endpoint.name);
            return;
        }
    };

    for (name, value) in &checked {
        let param = endpoint.param(name).unwrap_or_else(|| panic!("{}: checked arguments gained '{name}'", endpoint.name));
        check_value(endpoint, param, value, arguments.get(name));
    }
    for param in endpoint.params.iter().filter(|param| param.required) {
        assert!(checked.contains_key(param.name), "{}: required '{}' missing from checked arguments", endpoint.name, param.name);
    }

    // Checked arguments are already normal, so checking them again changes nothing.
    let again = okx_mcp::args::check(endpoint, checked.clone())
        .unwrap_or_else(|error| panic!("{}: checked arguments {checked:?} fail a second check: {error}", endpoint.name));
    assert_eq!(again, checked, "{}: a second check changed the arguments", endpoint.name);

    if let Some(round_trip) = round_trip {
        round_trip(&checked);
    }
}

/// Verifies one checked value against its parameter; `original` is what the caller passed.
fn check_value(endpoint: &Endpoint, param: &Param, value: &Value, original: Option<&Value>) {
    let what = format!("{}.{} = {value} (from {original:?})", endpoint.name, param.name);
    match param.kind {
        ParamKind::String => {
            let text = value.as_str().unwrap_or_else(|| panic!("{what}: not a string"));
            assert!(!text.trim().is_empty(), "{what}: an empty value would be sent");
            assert_eq!(text, text.trim(), "{what}: not trimmed");
            let items: Vec<&str> = match param.list {
                Some(cap) => {
                    let items: Vec<&str> = text.split(',').collect();
                    assert!(items.len() <= cap as usize, "{what}: more than {cap} items");
                    assert!(items.iter().all(|item| !item.is_empty() && *item == item.trim()), "{what}: empty or padded list item");
                    items
                }
                None => vec![text],
            };
            if !param.enum_values.is_empty() {
                assert!(items.iter().all(|item| param.enum_values.contains(item)), "{what}: outside {:?}", param.enum_values);
            }
        }
        ParamKind::Decimal => {
            let text = value.as_str().unwrap_or_else(|| panic!("{what}: not a string"));
            let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
            assert!(
                !unsigned.is_empty() && unsigned != "." && unsigned.bytes().all(|byte| byte.is_ascii_digit() || byte == b'.'),
                "{what}: not a plain decimal"
            );
            assert!(unsigned.matches('.').count() <= 1, "{what}: several decimal points");
            if let Some(Value::Number(number)) = original {
                let given = number.as_f64().expect("JSON numbers convert to f64");
                let sent: f64 = text.parse().unwrap_or_else(|_| panic!("{what}: does not parse as f64"));
                let tolerance = given.abs() * 1e-12;
                assert!((sent - given).abs() <= tolerance, "{what}: the number {given:e} would be sent as {text}");
            }
        }
        ParamKind::Integer => {
            let number = value.as_i64().unwrap_or_else(|| panic!("{what}: not an i64"));
            assert!(param.minimum.is_none_or(|minimum| number >= minimum), "{what}: below the minimum");
            assert!(param.maximum.is_none_or(|maximum| number <= maximum), "{what}: above the maximum");
            if !param.enum_values.is_empty() {
                assert!(param.enum_values.contains(&number.to_string().as_str()), "{what}: outside {:?}", param.enum_values);
            }
        }
        ParamKind::Boolean => assert!(value.is_boolean(), "{what}: not a boolean"),
        ParamKind::Timestamp => {
            let millis = value.as_i64().unwrap_or_else(|| panic!("{what}: not an i64"));
            assert!(millis >= SMALLEST_PLAUSIBLE_MS, "{what}: an implausible millisecond time was accepted");
        }
    }
}

/// Decodes checked arguments into `R`, builds its query, and verifies that the query carries
/// exactly the checked values.
fn query_round_trip<R: ReadRequest>(checked: &Arguments) {
    let name = R::ENDPOINT.name;
    let request: R = serde_json::from_value(Value::Object(checked.clone()))
        .unwrap_or_else(|error| panic!("{name}: checked arguments {checked:?} do not fit the request type: {error}"));
    let query = request.query();
    let target = query.target(R::ENDPOINT.path);
    assert!(target.starts_with(R::ENDPOINT.path), "{name}: target {target:?}");

    let mut sent: Vec<(String, String)> = if query.is_empty() {
        Vec::new()
    } else {
        query
            .as_str()
            .split('&')
            .map(|pair| {
                let (key, value) = pair.split_once('=').unwrap_or_else(|| panic!("{name}: pair without '=' in {target:?}"));
                (percent_decode(key), percent_decode(value))
            })
            .collect()
    };
    let mut expected: Vec<(String, String)> = checked
        .iter()
        .map(|(key, value)| {
            let text = match value {
                Value::String(text) => text.clone(),
                Value::Number(number) => number.to_string(),
                Value::Bool(flag) => flag.to_string(),
                other => panic!("{name}: checked value {other} is not a scalar"),
            };
            (key.clone(), text)
        })
        .collect();
    sent.sort();
    expected.sort();
    assert_eq!(sent, expected, "{name}: the query {target:?} does not carry the checked arguments");
}

/// Percent-decodes a query component that `okx_mcp::query::Query` encoded; `+` stays `+`.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let hex = text.get(index + 1..index + 3).unwrap_or_else(|| panic!("short escape in {text:?}"));
            out.push(u8::from_str_radix(hex, 16).unwrap_or_else(|_| panic!("bad escape in {text:?}")));
            index += 3;
        } else {
            out.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| panic!("{text:?} decodes to bytes that are not UTF-8"))
}

/// Fuzz body: reads arbitrary bytes as an OKX response body and types it with generated response
/// types, as the client does, then verifies that what parsed re-serialises consistently.
pub fn parse_answer(data: &[u8]) {
    envelope::<Vec<generated::AccountBalanceRow>>(&generated::ACCOUNT_BALANCE, data);
    envelope::<Vec<generated::MarketCandlesRow>>(&generated::MARKET_CANDLES, data);
    envelope::<Value>(&generated::PUBLIC_UNDERLYING, data);

    balance_rows(serde_json::from_slice::<Vec<generated::AccountBalanceRow>>(data).ok());
    candle_rows(serde_json::from_slice::<Vec<generated::MarketCandlesRow>>(data).ok());
    if let Ok(row) = serde_json::from_slice::<generated::AccountBalanceRow>(data) {
        balance_rows(Some(vec![row]));
    }

    // The client reads the envelope first and types `data` from a JSON value.
    let Ok(Value::Object(mut envelope)) = serde_json::from_slice::<Value>(data) else { return };
    let data_field = match envelope.remove("data") {
        Some(data) => data,
        // A fixture file wraps the envelope in `response`.
        None => match envelope.remove("response") {
            Some(Value::Object(mut response)) => response.remove("data").unwrap_or(Value::Null),
            _ => return,
        },
    };
    balance_rows(serde_json::from_value::<Vec<generated::AccountBalanceRow>>(data_field.clone()).ok());
    candle_rows(serde_json::from_value::<Vec<generated::MarketCandlesRow>>(data_field).ok());
}

/// Runs the client's envelope parser: it accepts the body or returns an OKX or invalid-answer
/// error with a message, for any status.
fn envelope<T: serde::de::DeserializeOwned>(endpoint: &Endpoint, data: &[u8]) {
    for status in [200, 502] {
        match okx_mcp::client::parse_answer::<T>(endpoint, status, data) {
            Ok(_) => assert_eq!(status, 200, "{}: an answer with HTTP {status} was accepted", endpoint.name),
            Err(error) => {
                // Rate-limit codes (50011, 50061) in a fuzzed envelope are OKX's answer too.
                let kind = error.source_kind().as_str();
                assert!(kind == "okx" || kind == "rate_limit", "{}: a broken body gave a {kind} error: {error}", endpoint.name);
                assert!(!error.to_string().is_empty(), "{}: empty error message", endpoint.name);
            }
        }
    }
}

/// Re-serialises balance rows and reads them back: the second reading equals the first.
fn balance_rows(rows: Option<Vec<generated::AccountBalanceRow>>) {
    let Some(rows) = rows else { return };
    let json = serde_json::to_value(&rows).unwrap_or_else(|error| panic!("balance rows do not serialise: {error}"));
    let again: Vec<generated::AccountBalanceRow> =
        serde_json::from_value(json.clone()).unwrap_or_else(|error| panic!("re-serialised balance rows {json} do not parse: {error}"));
    assert_eq!(again, rows, "balance rows changed on a round trip through {json}");
}

/// Re-serialises candles, which become objects with named columns, and checks their keys.
fn candle_rows(rows: Option<Vec<generated::MarketCandlesRow>>) {
    const COLUMNS: [&str; 9] = ["ts", "o", "h", "l", "c", "vol", "volCcy", "volCcyQuote", "confirm"];
    let Some(rows) = rows else { return };
    let json = serde_json::to_value(&rows).unwrap_or_else(|error| panic!("candle rows do not serialise: {error}"));
    for (row, object) in rows.iter().zip(json.as_array().expect("rows serialise as an array")) {
        let object = object.as_object().unwrap_or_else(|| panic!("a candle serialises as {object}, not an object"));
        for key in object.keys() {
            let known = COLUMNS.contains(&key.as_str());
            let extra =
                key.strip_prefix("column").and_then(|index| index.parse::<usize>().ok()).is_some_and(|index| index >= COLUMNS.len());
            assert!(known || extra, "a candle serialises with the unexpected key {key:?}: {object:?}");
        }
        assert_eq!(object.get("ts").and_then(Value::as_str), row.ts.as_deref(), "ts changed");
        assert_eq!(object.get("c").and_then(Value::as_str), row.c.as_deref(), "c changed");
    }
}
