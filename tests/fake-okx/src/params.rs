//! Query parameter checks against a fixture's `params` and `required` lists.
//!
//! The fake is stricter than OKX so that client bugs show up in tests: it rejects any parameter
//! the endpoint does not document, and any parameter sent twice.

use crate::reply::Reply;

/// A query parameter check that failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ParamError {
    /// The name is not in the fixture's `params`, is sent twice, or does not decode.
    Invalid(String),
    /// A name from the fixture's `required` is absent or has an empty value.
    Empty(String),
}

impl ParamError {
    /// Builds OKX's reply: HTTP 400 with code 51000 or 50014.
    pub(crate) fn reply(&self) -> Reply {
        match self {
            ParamError::Invalid(name) => Reply::endpoint_error(400, "51000", &format!("Parameter {name} error")),
            ParamError::Empty(name) => Reply::endpoint_error(400, "50014", &format!("Parameter {name} can not be empty")),
        }
    }
}

/// Checks a raw query string (without `?`) against the documented and required parameters.
///
/// Names and values are percent-decoded first. `+` stays a literal plus sign, and empty segments
/// such as the one in `a=1&&b=2` are skipped.
pub(crate) fn check_query(query: &str, params: &[String], required: &[String]) -> Result<(), ParamError> {
    let mut seen: Vec<(String, String)> = Vec::new();
    for segment in query.split('&').filter(|segment| !segment.is_empty()) {
        let (raw_name, raw_value) = segment.split_once('=').unwrap_or((segment, ""));
        let name = percent_decode(raw_name).ok_or_else(|| ParamError::Invalid(raw_name.to_owned()))?;
        let value = percent_decode(raw_value).ok_or_else(|| ParamError::Invalid(name.clone()))?;

        if !params.contains(&name) || seen.iter().any(|(seen_name, _)| *seen_name == name) {
            return Err(ParamError::Invalid(name));
        }
        seen.push((name, value));
    }

    for name in required {
        let present = seen.iter().any(|(seen_name, value)| seen_name == name && !value.is_empty());
        if !present {
            return Err(ParamError::Empty(name.clone()));
        }
    }
    Ok(())
}

/// Decodes `%XX` escapes. Returns `None` for a bad escape or a result that is not UTF-8.
pub(crate) fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let high = hex_value(*bytes.get(index + 1)?)?;
            let low = hex_value(*bytes.get(index + 2)?)?;
            decoded.push(high << 4 | low);
            index += 3;
        } else {
            decoded.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8(decoded).ok()
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|name| (*name).to_owned()).collect()
    }

    #[test]
    fn check_accepts_documented_params() {
        let params = names(&["instId", "bar", "limit"]);
        let required = names(&["instId"]);
        assert_eq!(check_query("instId=BTC-USDT&bar=1H&limit=2", &params, &required), Ok(()));
        assert_eq!(check_query("bar=1H&instId=BTC-USDT", &params, &required), Ok(()));
        assert_eq!(check_query("instId=BTC-USDT&", &params, &required), Ok(()));
    }

    #[test]
    fn check_rejects_unknown_param() {
        let params = names(&["instId"]);
        let result = check_query("instId=BTC-USDT&foo=1", &params, &[]);
        assert_eq!(result, Err(ParamError::Invalid("foo".to_owned())));
    }

    #[test]
    fn check_rejects_duplicate_param() {
        let params = names(&["instId"]);
        let result = check_query("instId=BTC-USDT&instId=ETH-USDT", &params, &[]);
        assert_eq!(result, Err(ParamError::Invalid("instId".to_owned())));
    }

    #[test]
    fn check_rejects_missing_or_empty_required() {
        let params = names(&["instId", "bar"]);
        let required = names(&["instId"]);
        let expected = Err(ParamError::Empty("instId".to_owned()));
        assert_eq!(check_query("", &params, &required), expected);
        assert_eq!(check_query("bar=1H", &params, &required), expected);
        assert_eq!(check_query("instId=", &params, &required), expected);
        assert_eq!(check_query("instId", &params, &required), expected);
        assert_eq!(check_query("instId=%20", &params, &required), Ok(()));
    }

    #[test]
    fn check_decodes_names_and_values() {
        let params = names(&["instId", "ccy"]);
        assert_eq!(check_query("inst%49d=BTC-USDT&ccy=BTC%2CETH", &params, &[]), Ok(()));
        assert_eq!(check_query("ccy=%ZZ", &params, &[]), Err(ParamError::Invalid("ccy".to_owned())));
        assert_eq!(check_query("ccy=%FF", &params, &[]), Err(ParamError::Invalid("ccy".to_owned())));
        assert_eq!(check_query("ccy%=1", &params, &[]), Err(ParamError::Invalid("ccy%".to_owned())));
    }

    #[test]
    fn percent_decode_cases() {
        assert_eq!(percent_decode("BTC%2cETH").as_deref(), Some("BTC,ETH"));
        assert_eq!(percent_decode("a+b").as_deref(), Some("a+b"));
        assert_eq!(percent_decode("%E2%82%AC").as_deref(), Some("\u{20ac}"));
        assert_eq!(percent_decode("%4").as_deref(), None);
    }

    #[test]
    fn reply_uses_okx_codes() {
        let invalid = ParamError::Invalid("foo".to_owned()).reply();
        assert_eq!(invalid.status, 400);
        assert_eq!(invalid.body, br#"{"code":"51000","data":[],"msg":"Parameter foo error"}"#);

        let empty = ParamError::Empty("instId".to_owned()).reply();
        assert_eq!(empty.status, 400);
        assert_eq!(empty.body, br#"{"code":"50014","data":[],"msg":"Parameter instId can not be empty"}"#);
    }
}
