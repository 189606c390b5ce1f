//! Checks tool arguments against an endpoint's parameters before anything is sent.
//!
//! The result is a JSON object in the exact form the generated request types deserialise:
//! strings for string, decimal and enum parameters, integers for integer and timestamp ones,
//! booleans for booleans. Each error names the argument and what would be valid.

use serde_json::{Map, Value};

use crate::endpoint::{Endpoint, Param, ParamKind};
use crate::error::CallError;

/// Timestamps below this many milliseconds (1973-03-03) are almost surely seconds.
const SMALLEST_PLAUSIBLE_MS: i64 = 100_000_000_000;

/// The longest argument accepted, in bytes of JSON. OKX's longest parameters are lists of 20
/// IDs of about 40 characters; anything far longer is a mistake, and echoing it back in errors
/// or sending it in a URL would only fail later and less clearly.
pub const MAX_ARGUMENT_BYTES: usize = 4_096;

/// Characters of a rejected value that an error message repeats.
const ECHO_CHARS: usize = 80;

/// Magnitude from which an f64 no longer holds every integer (2^53): a JSON number this large
/// may already have lost digits in the host's or the server's JSON parser.
const EXACT_FLOAT_LIMIT: f64 = 9_007_199_254_740_992.0;

/// Checks and normalises `arguments` for `endpoint`.
pub fn check(endpoint: &Endpoint, arguments: Map<String, Value>) -> Result<Map<String, Value>, CallError> {
    for name in arguments.keys() {
        if endpoint.param(name).is_none() {
            return Err(CallError::input(shorten(name), unknown_argument_message(endpoint, name)));
        }
    }

    let mut checked = Map::new();
    for param in endpoint.params {
        let given = arguments.get(param.name).filter(|value| !is_blank(value));
        // A list of only separators, such as ",", has no items: it counts as not given.
        let value = match given {
            Some(value) => {
                check_size(param, value)?;
                Some(check_value(param, value)?).filter(|value| value.as_str() != Some(""))
            }
            None => None,
        };
        match value {
            Some(value) => {
                checked.insert(param.name.to_owned(), value);
            }
            None if param.required => {
                return Err(CallError::input(param.name, format!("missing required argument '{}'", param.name)));
            }
            None => {}
        }
    }
    Ok(checked)
}

/// Null, an empty string and an empty list mean "not given".
fn is_blank(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(text) => text.trim().is_empty(),
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

/// Rejects an argument longer than [`MAX_ARGUMENT_BYTES`] before any other check echoes it.
fn check_size(param: &Param, value: &Value) -> Result<(), CallError> {
    let bytes = serde_json::to_string(value).map_or(0, |text| text.len());
    if bytes <= MAX_ARGUMENT_BYTES {
        return Ok(());
    }
    Err(invalid(
        param,
        format!(
            "'{}' is {bytes} bytes long, more than the {MAX_ARGUMENT_BYTES} bytes any OKX parameter needs; check the value",
            param.name
        ),
    ))
}

/// Returns `text` cut to [`ECHO_CHARS`] characters, for messages.
fn shorten(text: &str) -> String {
    crate::text::shorten(text, ECHO_CHARS)
}

/// Returns a JSON value as compact text for messages, cut like [`shorten`].
fn echo(value: &Value) -> String {
    shorten(&value.to_string())
}

fn unknown_argument_message(endpoint: &Endpoint, name: &str) -> String {
    let valid: Vec<&str> = endpoint.params.iter().map(|param| param.name).collect();
    let suggestion =
        valid.iter().find(|candidate| candidate.eq_ignore_ascii_case(name)).map(|candidate| format!(" Did you mean '{candidate}'?"));
    let name = shorten(name);
    if valid.is_empty() {
        format!("unknown argument '{name}': {} takes no arguments", endpoint.name)
    } else {
        format!("unknown argument '{name}'; valid arguments: {}.{}", valid.join(", "), suggestion.unwrap_or_default())
    }
}

fn check_value(param: &Param, value: &Value) -> Result<Value, CallError> {
    match param.kind {
        ParamKind::String => check_string(param, value).map(Value::String),
        ParamKind::Decimal => check_decimal(param, value).map(Value::String),
        ParamKind::Integer => check_integer(param, value).map(Value::from),
        ParamKind::Boolean => check_boolean(param, value).map(Value::Bool),
        ParamKind::Timestamp => check_timestamp(param, value).map(Value::from),
    }
}

fn invalid(param: &Param, message: String) -> CallError {
    CallError::input(param.name, message)
}

fn check_string(param: &Param, value: &Value) -> Result<String, CallError> {
    let text = match (value, param.list) {
        (Value::String(text), _) => text.trim().to_owned(),
        (Value::Number(number), _) => number_text(param, number)?,
        (Value::Array(items), Some(_)) => {
            let mut parts = Vec::new();
            for item in items {
                match item {
                    Value::String(text) => parts.push(text.trim().to_owned()),
                    Value::Number(number) => parts.push(number_text(param, number)?),
                    other => {
                        return Err(invalid(
                            param,
                            format!("'{}' list items must be strings, not {}", param.name, crate::wire::kind(other)),
                        ));
                    }
                }
            }
            parts.join(",")
        }
        (other, _) => return Err(invalid(param, format!("'{}' must be a string, not {}", param.name, crate::wire::kind(other)))),
    };

    match param.list {
        Some(cap) => {
            let values: Vec<&str> = text.split(',').map(str::trim).filter(|part| !part.is_empty()).collect();
            if values.len() > cap as usize {
                return Err(invalid(param, format!("'{}' takes at most {cap} comma-separated values, got {}", param.name, values.len())));
            }
            for item in &values {
                check_enum(param, item)?;
            }
            Ok(values.join(","))
        }
        None => {
            check_enum(param, &text)?;
            Ok(text)
        }
    }
}

fn check_enum(param: &Param, value: &str) -> Result<(), CallError> {
    if param.enum_values.is_empty() || param.enum_values.contains(&value) {
        return Ok(());
    }
    let suggestion = param
        .enum_values
        .iter()
        .find(|allowed| allowed.eq_ignore_ascii_case(value))
        .map(|allowed| format!(" (values are case-sensitive: did you mean '{allowed}'?)"))
        .unwrap_or_default();
    Err(invalid(
        param,
        format!("invalid value '{}' for '{}'; valid values: {}{suggestion}", shorten(value), param.name, param.enum_values.join(", ")),
    ))
}

fn check_decimal(param: &Param, value: &Value) -> Result<String, CallError> {
    let text = match value {
        Value::String(text) => text.trim().to_owned(),
        Value::Number(number) => {
            check_exact(param, number)?;
            plain_decimal(number)
        }
        other => {
            return Err(invalid(
                param,
                format!("'{}' must be a decimal string such as \"0.5\", not {}", param.name, crate::wire::kind(other)),
            ));
        }
    };
    if is_decimal(&text) {
        Ok(text)
    } else {
        Err(invalid(
            param,
            format!("invalid decimal '{}' for '{}': write digits with an optional '.' and sign, e.g. \"0.25\"", shorten(&text), param.name),
        ))
    }
}

/// Returns `true` for `-12`, `0.5`, `.5` and `5.`, and `false` for exponents, spaces and words.
fn is_decimal(text: &str) -> bool {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    !(whole.is_empty() && fraction.is_empty())
        && whole.bytes().all(|byte| byte.is_ascii_digit())
        && fraction.bytes().all(|byte| byte.is_ascii_digit())
}

/// Writes a JSON number given for a string parameter, such as an ID or a cursor, as text.
fn number_text(param: &Param, number: &serde_json::Number) -> Result<String, CallError> {
    if number.is_i64() || number.is_u64() {
        return Ok(number.to_string());
    }
    check_exact(param, number)?;
    Ok(plain_decimal(number))
}

/// Rejects a float at or above 2^53, whose digits the JSON parsers may already have rounded.
fn check_exact(param: &Param, number: &serde_json::Number) -> Result<(), CallError> {
    if number.is_i64() || number.is_u64() || number.as_f64().is_none_or(|float| float.abs() < EXACT_FLOAT_LIMIT) {
        return Ok(());
    }
    Err(invalid(
        param,
        format!(
            "'{}' is the JSON number {number}, too large to pass through a 64-bit float without losing digits; pass it as a string, e.g. \"{}\"",
            param.name,
            plain_decimal(number)
        ),
    ))
}

/// Writes a JSON number without exponent. serde_json prints the shortest text that reads back
/// to the same f64, using an exponent for very small or large values; moving the decimal point
/// in that text keeps every digit the caller wrote, where formatting the f64 would round.
fn plain_decimal(number: &serde_json::Number) -> String {
    let text = number.to_string();
    if number.is_i64() || number.is_u64() {
        return text;
    }
    // A float prints as "1000.0", "1.5e-7" or "1e21"; without an exponent the point stays put.
    let (mantissa, exponent) = match text.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => match exponent.parse::<i64>() {
            Ok(exponent) => (mantissa, exponent),
            Err(_) => return text,
        },
        None => (text.as_str(), 0),
    };

    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", mantissa),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = format!("{whole}{fraction}");
    // Position of the decimal point within `digits` after applying the exponent.
    let point = whole.len() as i64 + exponent;

    let plain = if point <= 0 {
        format!("0.{}{digits}", "0".repeat(point.unsigned_abs() as usize))
    } else if point as usize >= digits.len() {
        format!("{digits}{}", "0".repeat(point as usize - digits.len()))
    } else {
        let (left, right) = digits.split_at(point as usize);
        format!("{left}.{right}")
    };
    let plain = trim_decimal(&plain);
    if plain == "0" { plain } else { format!("{sign}{plain}") }
}

/// Drops leading zeros of the whole part and trailing zeros of the fraction: "007.50" → "7.5".
fn trim_decimal(text: &str) -> String {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let whole = whole.trim_start_matches('0');
    let whole = if whole.is_empty() { "0" } else { whole };
    let fraction = fraction.trim_end_matches('0');
    if fraction.is_empty() { whole.to_owned() } else { format!("{whole}.{fraction}") }
}

fn check_integer(param: &Param, value: &Value) -> Result<i64, CallError> {
    let number = match value {
        Value::Number(number) => {
            number.as_i64().or_else(|| number.as_f64().filter(|float| float.fract() == 0.0 && float.abs() < 9e15).map(|float| float as i64))
        }
        Value::String(text) => text.trim().parse::<i64>().ok(),
        _ => None,
    };
    let Some(number) = number else {
        return Err(invalid(param, format!("'{}' must be an integer, got {}", param.name, echo(value))));
    };
    if !param.enum_values.is_empty() && !param.enum_values.contains(&number.to_string().as_str()) {
        return Err(invalid(param, format!("invalid value {number} for '{}'; valid values: {}", param.name, param.enum_values.join(", "))));
    }
    let below = param.minimum.is_some_and(|minimum| number < minimum);
    let above = param.maximum.is_some_and(|maximum| number > maximum);
    if below || above {
        let range = match (param.minimum, param.maximum) {
            (Some(minimum), Some(maximum)) => format!("from {minimum} to {maximum}"),
            (Some(minimum), None) => format!("at least {minimum}"),
            (None, Some(maximum)) => format!("at most {maximum}"),
            (None, None) => unreachable!("a bound was crossed"),
        };
        return Err(invalid(param, format!("'{}' is {number}; it must be {range}", param.name)));
    }
    Ok(number)
}

fn check_boolean(param: &Param, value: &Value) -> Result<bool, CallError> {
    match value {
        Value::Bool(flag) => Ok(*flag),
        Value::String(text) if text.trim() == "true" => Ok(true),
        Value::String(text) if text.trim() == "false" => Ok(false),
        other => Err(invalid(param, format!("'{}' must be true or false, got {}", param.name, echo(other)))),
    }
}

fn check_timestamp(param: &Param, value: &Value) -> Result<i64, CallError> {
    let millis = match value {
        Value::Number(number) => number.as_i64(),
        Value::String(text) => parse_time_text(text.trim()),
        _ => None,
    };
    let Some(millis) = millis else {
        return Err(invalid(
            param,
            format!(
                "invalid time {} for '{}': give Unix milliseconds (1717200000000), RFC 3339 (2024-06-01T00:00:00Z) or a date (2024-06-01)",
                echo(value),
                param.name
            ),
        ));
    };
    if (0..SMALLEST_PLAUSIBLE_MS).contains(&millis) {
        return Err(invalid(
            param,
            format!("'{}' is {millis}, which reads as 1970-1973 in milliseconds; if it is in seconds, multiply by 1000", param.name),
        ));
    }
    if millis < 0 {
        return Err(invalid(param, format!("'{}' is negative", param.name)));
    }
    Ok(millis)
}

/// Parses digits as milliseconds, RFC 3339 as a point in time, or `YYYY-MM-DD` as midnight UTC.
fn parse_time_text(text: &str) -> Option<i64> {
    if !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit()) {
        return text.parse().ok();
    }
    if let Ok(at) = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339) {
        return i64::try_from(at.unix_timestamp_nanos() / 1_000_000).ok();
    }
    let date_format = time::macros::format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(text, date_format).ok()?;
    Some(date.midnight().assume_utc().unix_timestamp() * 1000)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::endpoint::{Auth, DataShape, LimitKey, RateLimit};

    const PARAMS: &[Param] = &[
        Param {
            name: "instType",
            kind: ParamKind::String,
            required: true,
            enum_values: &["SPOT", "SWAP"],
            list: None,
            minimum: None,
            maximum: None,
            default: None,
            example: None,
        },
        Param {
            name: "ccy",
            kind: ParamKind::String,
            required: false,
            enum_values: &[],
            list: Some(3),
            minimum: None,
            maximum: None,
            default: None,
            example: None,
        },
        Param {
            name: "limit",
            kind: ParamKind::Integer,
            required: false,
            enum_values: &[],
            list: None,
            minimum: Some(1),
            maximum: Some(100),
            default: Some("100"),
            example: None,
        },
        Param {
            name: "px",
            kind: ParamKind::Decimal,
            required: false,
            enum_values: &[],
            list: None,
            minimum: None,
            maximum: None,
            default: None,
            example: None,
        },
        Param {
            name: "begin",
            kind: ParamKind::Timestamp,
            required: false,
            enum_values: &[],
            list: None,
            minimum: None,
            maximum: None,
            default: None,
            example: None,
        },
        Param {
            name: "reduceOnly",
            kind: ParamKind::Boolean,
            required: false,
            enum_values: &[],
            list: None,
            minimum: None,
            maximum: None,
            default: None,
            example: None,
        },
    ];

    const ENDPOINT: Endpoint = Endpoint {
        name: "test_tool",
        title: "Test",
        toolset: "test",
        path: "/api/v5/test/tool",
        auth: Auth::Public,
        rate_limit: RateLimit { requests: 1, window_ms: 1000, key: LimitKey::Ip, dimensions: &[] },
        default: false,
        sensitive: false,
        description: "Test.",
        params: PARAMS,
        paging: None,
        shape: DataShape::Array,
        input_schema: "{}",
        output_schema: "{}",
    };

    fn run(arguments: Value) -> Result<Map<String, Value>, CallError> {
        check(&ENDPOINT, arguments.as_object().unwrap().clone())
    }

    fn message(error: CallError) -> String {
        error.to_string()
    }

    #[test]
    fn valid_arguments_are_normalised() {
        let checked =
            run(json!({"instType": "SPOT", "ccy": ["BTC", " ETH"], "limit": "50", "px": 0.5, "begin": "2024-06-01", "reduceOnly": "true"}))
                .unwrap();
        assert_eq!(checked["ccy"], "BTC,ETH");
        assert_eq!(checked["limit"], 50);
        assert_eq!(checked["px"], "0.5");
        assert_eq!(checked["begin"], 1_717_200_000_000_i64);
        assert_eq!(checked["reduceOnly"], true);
    }

    #[test]
    fn unknown_argument_lists_valid_ones() {
        let text = message(run(json!({"instType": "SPOT", "instid": "x"})).unwrap_err());
        assert!(text.contains("'instid'"), "{text}");
        assert!(text.contains("instType, ccy, limit"), "{text}");
    }

    #[test]
    fn missing_required_is_named() {
        let text = message(run(json!({})).unwrap_err());
        assert!(text.contains("missing required argument 'instType'"), "{text}");
    }

    #[test]
    fn enum_error_lists_values_and_case_hint() {
        let text = message(run(json!({"instType": "spot"})).unwrap_err());
        assert!(text.contains("valid values: SPOT, SWAP"), "{text}");
        assert!(text.contains("did you mean 'SPOT'"), "{text}");
    }

    #[test]
    fn integer_bounds_are_checked() {
        let text = message(run(json!({"instType": "SPOT", "limit": 500})).unwrap_err());
        assert!(text.contains("from 1 to 100"), "{text}");
    }

    #[test]
    fn list_cap_is_checked() {
        let text = message(run(json!({"instType": "SPOT", "ccy": "A,B,C,D"})).unwrap_err());
        assert!(text.contains("at most 3"), "{text}");
    }

    #[test]
    fn seconds_are_caught() {
        let text = message(run(json!({"instType": "SPOT", "begin": 1_717_200_000})).unwrap_err());
        assert!(text.contains("multiply by 1000"), "{text}");
    }

    #[test]
    fn rfc3339_times_convert() {
        let checked = run(json!({"instType": "SPOT", "begin": "2024-06-01T00:00:01.5Z"})).unwrap();
        assert_eq!(checked["begin"], 1_717_200_001_500_i64);
    }

    #[test]
    fn bad_decimal_is_rejected() {
        let text = message(run(json!({"instType": "SPOT", "px": "1e5"})).unwrap_err());
        assert!(text.contains("invalid decimal '1e5'"), "{text}");
    }

    #[test]
    fn small_float_has_no_exponent() {
        let checked = run(json!({"instType": "SPOT", "px": 1e-7})).unwrap();
        assert_eq!(checked["px"], "0.0000001");
        let checked = run(json!({"instType": "SPOT", "px": -1.5e15})).unwrap();
        assert_eq!(checked["px"], "-1500000000000000");
        let checked = run(json!({"instType": "SPOT", "px": -0.0})).unwrap();
        assert_eq!(checked["px"], "0");
        let checked = run(json!({"instType": "SPOT", "px": 1000.0})).unwrap();
        assert_eq!(checked["px"], "1000");
    }

    #[test]
    fn large_float_must_be_string() {
        let text = message(run(json!({"instType": "SPOT", "px": 1.2345678901234568e19})).unwrap_err());
        assert!(text.contains("pass it as a string"), "{text}");
        let text = message(run(json!({"instType": "SPOT", "ccy": 2.3456789012345677e22})).unwrap_err());
        assert!(text.contains("pass it as a string"), "{text}");
    }

    #[test]
    fn float_id_is_written_plain() {
        let checked = run(json!({"instType": "SPOT", "ccy": 1e3})).unwrap();
        assert_eq!(checked["ccy"], "1000");
    }

    #[test]
    fn oversized_argument_is_rejected_briefly() {
        let long = "A".repeat(MAX_ARGUMENT_BYTES + 1);
        let text = message(run(json!({"instType": "SPOT", "ccy": long})).unwrap_err());
        assert!(text.contains("bytes long"), "{text}");
        assert!(text.len() < 400, "the message repeats the value: {} bytes", text.len());

        let long_name = "x".repeat(100_000);
        let text = message(run(json!({"instType": "SPOT", long_name: 1})).unwrap_err());
        assert!(text.len() < 1_000, "the message repeats the name: {} bytes", text.len());
    }

    #[test]
    fn blank_optional_is_dropped() {
        let checked = run(json!({"instType": "SPOT", "ccy": "", "px": null})).unwrap();
        assert!(!checked.contains_key("ccy"));
        assert!(!checked.contains_key("px"));
    }
}
