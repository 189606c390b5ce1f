//! What each fault sends in place of, or made from, the normal response.

use super::Fault;
use crate::reply::{HTML, JSON, Reply, TEXT};

const HTML_ERROR_PAGE: &str = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n\
    <body><h1>502 Bad Gateway</h1><p>The upstream server sent no valid response.</p></body></html>\n";

/// Syntactically broken JSON: the `instId` value lacks its quotes.
const INVALID_JSON_BODY: &str = r#"{"code":"0","msg":"","data":[{"instId":BTC-USDT}]}"#;

/// Returns the reply for a fault that replaces the normal response, or `None` for a fault that
/// needs the normal response first (`Truncated`, `Oversized`, `Delay`).
pub(crate) fn immediate_reply(fault: &Fault) -> Option<Reply> {
    let reply = match fault {
        Fault::Status { http, body } => {
            let content_type = if serde_json::from_str::<serde::de::IgnoredAny>(body).is_ok() { JSON } else { TEXT };
            Reply { status: *http, content_type, body: body.clone().into_bytes() }
        }
        Fault::OkxError { http, code, msg } => Reply::endpoint_error(*http, code, msg),
        Fault::Html => Reply { status: 502, content_type: HTML, body: HTML_ERROR_PAGE.into() },
        Fault::InvalidJson => Reply::json(200, INVALID_JSON_BODY),
        Fault::EmptyBody => Reply::json(200, Vec::new()),
        Fault::RateLimit => Reply::gateway_error(429, "50011", "Too Many Requests"),
        Fault::Truncated | Fault::Oversized { .. } | Fault::Delay { .. } | Fault::Random { .. } => {
            return None;
        }
    };
    Some(reply)
}

/// Alters the normal response for `Truncated` and `Oversized`, and returns it unchanged otherwise.
pub(crate) fn apply_after(fault: &Fault, mut normal: Reply) -> Reply {
    match fault {
        Fault::Truncated => {
            normal.body.truncate(normal.body.len() / 2);
        }
        Fault::Oversized { bytes } => pad_past(&mut normal.body, *bytes),
        _ => {}
    }
    normal
}

/// Inserts spaces before the final `}` (or appends them when the body does not end with one)
/// until the body is longer than `limit` bytes.
fn pad_past(body: &mut Vec<u8>, limit: usize) {
    let Some(missing) = (limit + 1).checked_sub(body.len()).filter(|&missing| missing > 0) else {
        return;
    };
    let insert_at = match body.last() {
        Some(b'}') => body.len() - 1,
        _ => body.len(),
    };
    body.splice(insert_at..insert_at, std::iter::repeat_n(b' ', missing));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normal() -> Reply {
        Reply::json(200, r#"{"code":"0","msg":"","data":[]}"#)
    }

    #[test]
    fn truncated_keeps_first_half() {
        let reply = apply_after(&Fault::Truncated, normal());
        assert_eq!(reply.body, br#"{"code":"0","ms"#);
        assert_eq!(reply.status, 200);
    }

    #[test]
    fn oversized_stays_valid_json() {
        let reply = apply_after(&Fault::Oversized { bytes: 1000 }, normal());
        assert_eq!(reply.body.len(), 1001);
        let parsed: serde_json::Value = serde_json::from_slice(&reply.body).unwrap();
        assert_eq!(parsed["code"], "0");
    }

    #[test]
    fn oversized_leaves_large_body() {
        let reply = apply_after(&Fault::Oversized { bytes: 5 }, normal());
        assert_eq!(reply.body, normal().body);
    }

    #[test]
    fn invalid_json_does_not_parse() {
        let reply = immediate_reply(&Fault::InvalidJson).unwrap();
        assert!(serde_json::from_slice::<serde_json::Value>(&reply.body).is_err());
    }

    #[test]
    fn status_picks_content_type() {
        let json = immediate_reply(&Fault::Status { http: 500, body: "{}".into() }).unwrap();
        assert_eq!(json.content_type, JSON);
        let text = immediate_reply(&Fault::Status { http: 500, body: "oops".into() }).unwrap();
        assert_eq!(text.content_type, TEXT);
        assert_eq!(text.status, 500);
    }

    #[test]
    fn delayed_faults_have_no_immediate_reply() {
        assert_eq!(immediate_reply(&Fault::Truncated), None);
        assert_eq!(immediate_reply(&Fault::Oversized { bytes: 1 }), None);
        assert_eq!(immediate_reply(&Fault::Delay { ms: 1 }), None);
    }
}
