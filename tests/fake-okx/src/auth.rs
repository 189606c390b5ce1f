//! Checks of OKX's auth headers, in a fixed order with one error code per failure.

use std::borrow::Cow;

use hyper::HeaderMap;
use time::{Duration, OffsetDateTime};

use crate::keys::KeyRecord;
use crate::reply::Reply;
use crate::signature::{parse_timestamp, sign_request};

/// Largest accepted distance between `OK-ACCESS-TIMESTAMP` and the fake's clock, in either direction.
pub const TIMESTAMP_WINDOW: Duration = Duration::seconds(30);

/// Header that marks a demo-trading request when its value is `1`.
pub const SIMULATED_TRADING_HEADER: &str = "x-simulated-trading";

/// An auth check that failed. Each variant maps to one OKX error code, all sent with HTTP 401.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AuthError {
    MissingKey,
    MissingPassphrase,
    MissingSign,
    MissingTimestamp,
    MalformedTimestamp,
    ExpiredTimestamp,
    UnknownKey,
    WrongPassphrase,
    EnvironmentMismatch,
    WrongSign,
}

impl AuthError {
    pub(crate) fn code(self) -> &'static str {
        match self {
            AuthError::MissingKey => "50103",
            AuthError::MissingPassphrase => "50104",
            AuthError::MissingSign => "50106",
            AuthError::MissingTimestamp => "50107",
            AuthError::MalformedTimestamp => "50112",
            AuthError::ExpiredTimestamp => "50102",
            AuthError::UnknownKey => "50111",
            AuthError::WrongPassphrase => "50105",
            AuthError::EnvironmentMismatch => "50101",
            AuthError::WrongSign => "50113",
        }
    }

    pub(crate) fn message(self) -> &'static str {
        match self {
            AuthError::MissingKey => "Request header \"OK-ACCESS-KEY\" cannot be empty.",
            AuthError::MissingPassphrase => "Request header \"OK-ACCESS-PASSPHRASE\" cannot be empty.",
            AuthError::MissingSign => "Request header \"OK-ACCESS-SIGN\" cannot be empty.",
            AuthError::MissingTimestamp => "Request header \"OK-ACCESS-TIMESTAMP\" cannot be empty.",
            AuthError::MalformedTimestamp => "Invalid OK-ACCESS-TIMESTAMP.",
            AuthError::ExpiredTimestamp => "Timestamp request expired.",
            AuthError::UnknownKey => "Invalid OK-ACCESS-KEY.",
            AuthError::WrongPassphrase => "Request header \"OK-ACCESS-PASSPHRASE\" incorrect.",
            AuthError::EnvironmentMismatch => "APIKey does not match current environment.",
            AuthError::WrongSign => "Invalid Sign",
        }
    }

    pub(crate) fn reply(self) -> Reply {
        Reply::gateway_error(401, self.code(), self.message())
    }
}

/// Returns true when the request carries a non-empty `OK-ACCESS-KEY`, which makes an
/// "optional" endpoint check auth.
pub(crate) fn has_api_key(headers: &HeaderMap) -> bool {
    header_text(headers, "ok-access-key").is_some()
}

/// Verifies the auth headers of a request and returns the calling key's record.
///
/// `target` is the request path and query exactly as received, and the body is taken as empty
/// because only GET is served. The checks run in this order, and the first failure wins:
/// missing headers, timestamp format, timestamp window, key, passphrase, environment, signature.
pub(crate) fn authenticate<'k>(
    headers: &HeaderMap,
    method: &str,
    target: &str,
    keys: &'k [KeyRecord],
    now: OffsetDateTime,
) -> Result<&'k KeyRecord, AuthError> {
    let key = header_text(headers, "ok-access-key").ok_or(AuthError::MissingKey)?;
    let passphrase = header_text(headers, "ok-access-passphrase").ok_or(AuthError::MissingPassphrase)?;
    let sign = header_text(headers, "ok-access-sign").ok_or(AuthError::MissingSign)?;
    let timestamp = header_text(headers, "ok-access-timestamp").ok_or(AuthError::MissingTimestamp)?;

    let stamped_at = parse_timestamp(&timestamp).ok_or(AuthError::MalformedTimestamp)?;
    // Compare whole milliseconds, the timestamp's resolution, so that exactly 30 s passes.
    let distance_ms = (unix_ms(now) - unix_ms(stamped_at)).abs();
    if distance_ms > TIMESTAMP_WINDOW.whole_milliseconds() {
        return Err(AuthError::ExpiredTimestamp);
    }

    let record = keys.iter().find(|record| record.key == key).ok_or(AuthError::UnknownKey)?;
    if record.passphrase != passphrase {
        return Err(AuthError::WrongPassphrase);
    }

    let simulated = header_text(headers, SIMULATED_TRADING_HEADER).is_some_and(|value| value == "1");
    if record.demo != simulated {
        return Err(AuthError::EnvironmentMismatch);
    }

    let expected = sign_request(&record.secret, &timestamp, method, target, "");
    if expected != sign {
        return Err(AuthError::WrongSign);
    }
    Ok(record)
}

fn unix_ms(instant: OffsetDateTime) -> i128 {
    instant.unix_timestamp_nanos().div_euclid(1_000_000)
}

/// Returns a header's value, or `None` when it is absent or empty.
///
/// Bytes that are not UTF-8 become U+FFFD, so such a value fails the later comparison instead of
/// counting as absent.
fn header_text<'h>(headers: &'h HeaderMap, name: &str) -> Option<Cow<'h, str>> {
    let value = headers.get(name)?;
    let text = String::from_utf8_lossy(value.as_bytes());
    if text.is_empty() { None } else { Some(text) }
}

#[cfg(test)]
mod tests {
    use hyper::header::HeaderValue;

    use super::*;
    use crate::keys::{DEMO_TEST_KEY, LIVE_TEST_KEY};
    use crate::signature::format_timestamp;

    const TARGET: &str = "/api/v5/account/balance?ccy=BTC";

    fn keys() -> Vec<KeyRecord> {
        vec![LIVE_TEST_KEY.record(), DEMO_TEST_KEY.record()]
    }

    fn signed_headers(record: &KeyRecord, timestamp: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        let sign = sign_request(&record.secret, timestamp, "GET", TARGET, "");
        headers.insert("ok-access-key", HeaderValue::from_str(&record.key).unwrap());
        headers.insert("ok-access-passphrase", HeaderValue::from_str(&record.passphrase).unwrap());
        headers.insert("ok-access-sign", HeaderValue::from_str(&sign).unwrap());
        headers.insert("ok-access-timestamp", HeaderValue::from_str(timestamp).unwrap());
        if record.demo {
            headers.insert(SIMULATED_TRADING_HEADER, HeaderValue::from_static("1"));
        }
        headers
    }

    fn check(headers: &HeaderMap, now: OffsetDateTime) -> Result<String, AuthError> {
        let keys = keys();
        authenticate(headers, "GET", TARGET, &keys, now).map(|record| record.key.clone())
    }

    #[test]
    fn accepts_live_and_demo_keys() {
        let now = OffsetDateTime::now_utc();
        let timestamp = format_timestamp(now);
        for test_key in [LIVE_TEST_KEY, DEMO_TEST_KEY] {
            let headers = signed_headers(&test_key.record(), &timestamp);
            assert_eq!(check(&headers, now), Ok(test_key.key.to_owned()));
        }
    }

    #[test]
    fn missing_headers_in_order() {
        let now = OffsetDateTime::now_utc();
        let full = signed_headers(&LIVE_TEST_KEY.record(), &format_timestamp(now));
        let cases = [
            ("ok-access-key", AuthError::MissingKey),
            ("ok-access-passphrase", AuthError::MissingPassphrase),
            ("ok-access-sign", AuthError::MissingSign),
            ("ok-access-timestamp", AuthError::MissingTimestamp),
        ];
        for (name, expected) in cases {
            let mut headers = full.clone();
            headers.remove(name);
            assert_eq!(check(&headers, now), Err(expected), "without {name}");

            headers.insert(name, HeaderValue::from_static(""));
            assert_eq!(check(&headers, now), Err(expected), "with empty {name}");
        }
    }

    #[test]
    fn timestamp_window_is_30_seconds() {
        let now = OffsetDateTime::now_utc();
        let record = LIVE_TEST_KEY.record();
        for offset_ms in [-30_000, 30_000, 0] {
            let stamped = format_timestamp(now + Duration::milliseconds(offset_ms));
            assert!(check(&signed_headers(&record, &stamped), now).is_ok(), "offset {offset_ms} ms");
        }
        for offset_ms in [-30_001, 30_001, 3_600_000] {
            let stamped = format_timestamp(now + Duration::milliseconds(offset_ms));
            let result = check(&signed_headers(&record, &stamped), now);
            assert_eq!(result, Err(AuthError::ExpiredTimestamp), "offset {offset_ms} ms");
        }
    }

    #[test]
    fn non_utf8_key_is_unknown() {
        let now = OffsetDateTime::now_utc();
        let mut headers = signed_headers(&LIVE_TEST_KEY.record(), &format_timestamp(now));
        headers.insert("ok-access-key", HeaderValue::from_bytes(b"\xff\xfe").unwrap());
        assert_eq!(check(&headers, now), Err(AuthError::UnknownKey));
    }

    #[test]
    fn codes_are_okx_codes() {
        assert_eq!(AuthError::EnvironmentMismatch.code(), "50101");
        assert_eq!(AuthError::ExpiredTimestamp.code(), "50102");
        assert_eq!(AuthError::WrongSign.reply().status, 401);
    }
}
