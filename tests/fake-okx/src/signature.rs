//! OKX request signature and the `OK-ACCESS-TIMESTAMP` format.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime};

/// `YYYY-MM-DDTHH:MM:SS.mmmZ`, always UTC with exactly three fraction digits.
const TIMESTAMP_FORMAT: &[BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");

/// Computes `OK-ACCESS-SIGN`: Base64 of HMAC-SHA256 over `timestamp + method + target + body`.
///
/// `target` is the request path with its query string exactly as sent, and `body` is empty for GET.
pub fn sign_request(secret: &str, timestamp: &str, method: &str, target: &str, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC-SHA256 accepts a key of any length");
    mac.update(timestamp.as_bytes());
    mac.update(method.as_bytes());
    mac.update(target.as_bytes());
    mac.update(body.as_bytes());
    BASE64.encode(mac.finalize().into_bytes())
}

/// Formats a UTC instant as an `OK-ACCESS-TIMESTAMP` value, for example `2020-12-08T09:08:57.715Z`.
pub fn format_timestamp(instant: OffsetDateTime) -> String {
    instant.to_offset(time::UtcOffset::UTC).format(TIMESTAMP_FORMAT).expect("a UTC instant with a four-digit year formats")
}

/// Parses an `OK-ACCESS-TIMESTAMP` value, accepting only the exact `YYYY-MM-DDTHH:MM:SS.mmmZ` shape.
///
/// Returns `None` for any other shape (an offset, a missing or longer fraction, Unix seconds)
/// and for impossible dates such as month 13.
pub fn parse_timestamp(value: &str) -> Option<OffsetDateTime> {
    if !has_timestamp_shape(value.as_bytes()) {
        return None;
    }
    let parsed = PrimitiveDateTime::parse(value, TIMESTAMP_FORMAT).ok()?;
    Some(parsed.assume_utc())
}

/// Checks the byte layout before parsing, because the `time` parser alone would accept a signed
/// or longer year.
fn has_timestamp_shape(bytes: &[u8]) -> bool {
    const PATTERN: &[u8; 24] = b"dddd-dd-ddTdd:dd:dd.dddZ";
    if bytes.len() != PATTERN.len() {
        return false;
    }
    bytes.iter().zip(PATTERN).all(|(&byte, &expected)| match expected {
        b'd' => byte.is_ascii_digit(),
        literal => byte == literal,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC_SECRET: &str = "22582BD0CFF14C41EDBF1AB98506286D";
    const DOC_TIMESTAMP: &str = "2020-12-08T09:08:57.715Z";

    #[test]
    fn sign_matches_okx_balance_example() {
        let signature = sign_request(DOC_SECRET, DOC_TIMESTAMP, "GET", "/api/v5/account/balance?ccy=BTC", "");
        assert_eq!(signature, "HiZhvSfMtWJA3uUIVXV3a/bSXNPCWvYFXoGCVS8V4zY=");
    }

    #[test]
    fn sign_without_query() {
        let signature = sign_request(DOC_SECRET, DOC_TIMESTAMP, "GET", "/api/v5/account/balance", "");
        assert_eq!(signature, "AkD5YszBhggtIyjDlmTy/9PpNVntel+1Lff8wh0qpQw=");
    }

    #[test]
    fn sign_with_several_parameters() {
        let signature = sign_request(DOC_SECRET, DOC_TIMESTAMP, "GET", "/api/v5/market/candles?instId=BTC-USDT&bar=1H&limit=2", "");
        assert_eq!(signature, "H/9vfBOTzmjrK3yEoB3+vrUSSDm2ECBFe7xHOmcGb7k=");
    }

    #[test]
    fn timestamp_round_trip() {
        let parsed = parse_timestamp(DOC_TIMESTAMP).expect("documented timestamp parses");
        assert_eq!(parsed.unix_timestamp_nanos() / 1_000_000, 1_607_418_537_715);
        assert_eq!(format_timestamp(parsed), DOC_TIMESTAMP);
    }

    #[test]
    fn timestamp_rejects_other_shapes() {
        let rejected = [
            "",
            "2020-12-08T09:08:57Z",
            "2020-12-08T09:08:57.71Z",
            "2020-12-08T09:08:57.7150Z",
            "2020-12-08T09:08:57.715",
            "2020-12-08T09:08:57.715+00:00",
            "2020-12-08 09:08:57.715Z",
            "2020-12-08t09:08:57.715z",
            "+020-12-08T09:08:57.715Z",
            "2020-13-08T09:08:57.715Z",
            "2020-02-30T09:08:57.715Z",
            "2020-12-08T24:08:57.715Z",
            "1607418537",
            "1607418537715",
        ];
        for value in rejected {
            assert_eq!(parse_timestamp(value), None, "accepted {value:?}");
        }
    }
}
