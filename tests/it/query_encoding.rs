//! What is signed is what is sent: the request target that `Query` builds is a valid URI that the
//! HTTP stack sends unchanged, and decoding it gives back every original name and value.

use proptest::prelude::*;
use serde_json::json;

use okx_mcp::query::Query;

use crate::support::{call, live_env, spawn, start_fake};

const PATH: &str = "/api/v5/account/balance";
const BASE_URL: &str = "http://127.0.0.1:8443";

/// Characters that URIs and query strings treat specially, plus any Unicode scalar value.
fn tricky_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => any::<char>(),
        1 => prop::sample::select(vec![',', ' ', '%', '+', '&', '=', '#', '?', '/', ';', ':', '@', '\'', '"', '<', '>', '[', ']', '{', '}', '|', '\\', '^', '`', '~', '\t', '\n', '\u{0}', '\u{7f}', 'é', '€', '😀', '\u{fffd}', '\u{202e}']),
        2 => prop::char::range('a', 'z'),
    ]
}

fn tricky_string(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(tricky_char(), 0..max).prop_map(String::from_iter)
}

/// Percent-decodes `text` strictly: `+` stays `+`, and a bad escape is an error.
fn percent_decode(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let hex = text.get(index + 1..index + 3).ok_or_else(|| format!("short escape at {index} in {text:?}"))?;
            out.push(u8::from_str_radix(hex, 16).map_err(|_| format!("bad escape {hex:?} in {text:?}"))?);
            index += 3;
        } else {
            out.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8(out).map_err(|error| format!("decoded bytes are not UTF-8: {error}"))
}

/// Splits and decodes a query string into its name and value pairs.
fn decode_query(query: &str) -> Result<Vec<(String, String)>, String> {
    query
        .split('&')
        .map(|pair| {
            let (name, value) = pair.split_once('=').ok_or_else(|| format!("pair without '=': {pair:?}"))?;
            Ok((percent_decode(name)?, percent_decode(value)?))
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn target_is_sent_unchanged_and_decodes(pairs in prop::collection::vec((tricky_string(12), tricky_string(40)), 1..6)) {
        let mut query = Query::new();
        for (name, value) in &pairs {
            query.push(name.as_str(), value.as_str());
        }
        let target = query.target(PATH);

        // Only unreserved characters, ',' and escapes appear inside names and values, so '&'
        // and '=' are separators only.
        let encoded = query.as_str();
        prop_assert!(
            encoded.bytes().all(|byte| byte.is_ascii_alphanumeric() || b"-._~,%&=".contains(&byte)),
            "unexpected byte in {encoded:?}"
        );
        prop_assert_eq!(encoded.matches('&').count(), pairs.len() - 1);
        prop_assert_eq!(encoded.matches('=').count(), pairs.len());

        // The target is a valid origin-form URI, byte for byte.
        let uri: hyper::Uri = target.parse().map_err(|error| TestCaseError::fail(format!("{target:?} is not a URI: {error}")))?;
        prop_assert_eq!(uri.path_and_query().map(|part| part.as_str()), Some(target.as_str()));

        // The client sends format!("{base}{target}") through reqwest, which must not re-encode it.
        let url = reqwest::Url::parse(&format!("{BASE_URL}{target}")).map_err(|error| TestCaseError::fail(error.to_string()))?;
        prop_assert!(url.as_str().ends_with(&target), "reqwest changed {target:?} into {:?}", url.as_str());
        prop_assert_eq!(url.as_str(), format!("{BASE_URL}{target}"));
        let on_the_wire: hyper::Uri = url.as_str().parse().map_err(|error| TestCaseError::fail(format!("{error}")))?;
        prop_assert_eq!(on_the_wire.path_and_query().map(|part| part.as_str()), Some(target.as_str()));

        // Decoding gives back the original names and values, in order.
        let decoded = decode_query(uri.query().unwrap_or_default()).map_err(TestCaseError::fail)?;
        prop_assert_eq!(decoded, pairs);
    }
}

#[test]
fn empty_value_keeps_its_name() {
    let mut query = Query::new();
    query.push("ccy", "");
    assert_eq!(query.target(PATH), "/api/v5/account/balance?ccy=");
}

/// End to end: the fake checks the signature over the target exactly as received, so a wrong
/// encoding or a re-encoded URL shows up as OKX error 50113.
#[tokio::test]
async fn reserved_characters_are_signed_as_sent() {
    let fake = start_fake().await;
    let client = spawn(&fake, &live_env(), &[], None).await;
    let values = ["A B&C=D%E+F/é?#x", "100%", "a+b", "Ω≈ç√∫", "x=1&y=2", "%20", "  spaced  ", "quote\"and'apostrophe", "tab\there"];

    for value in values {
        fake.clear_requests();
        let result = call(&client, "trade_fills", json!({"instId": value})).await.unwrap();
        assert_ne!(result.is_error, Some(true), "instId {value:?}: {}", crate::support::text_of(&result));

        let requests = fake.requests();
        let sent = requests.iter().find(|request| request.path() == "/api/v5/trade/fills").expect("the request reached the fake");
        let decoded = decode_query(sent.query().unwrap_or_default()).unwrap();
        // Arguments are trimmed before they are sent.
        assert_eq!(decoded, [("instId".to_owned(), value.trim().to_owned())], "target {:?}", sent.target);
    }

    fake.clear_requests();
    let result = call(&client, "account_balance", json!({"ccy": ["BTC", "é%+&= x", "E,TH"]})).await.unwrap();
    assert_ne!(result.is_error, Some(true), "{}", crate::support::text_of(&result));
    let sent = fake.requests().into_iter().find(|request| request.path() == PATH).unwrap();
    assert_eq!(
        decode_query(sent.query().unwrap()).unwrap(),
        [("ccy".to_owned(), "BTC,é%+&= x,E,TH".to_owned())],
        "target {:?}",
        sent.target
    );
    client.cancel().await.unwrap();
}
