//! HTTP replies that the fake sends, and OKX's two error body shapes.

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::{Response, StatusCode};

pub(crate) const JSON: &str = "application/json";
pub(crate) const HTML: &str = "text/html; charset=utf-8";
pub(crate) const TEXT: &str = "text/plain; charset=utf-8";

/// Status, content type and body of one response, before it becomes a hyper response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) content_type: &'static str,
    pub(crate) body: Vec<u8>,
}

impl Reply {
    pub(crate) fn json(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Reply { status, content_type: JSON, body: body.into() }
    }

    /// Builds an error as OKX's gateway sends it (auth, method, rate limit): `{"msg":…,"code":…}`
    /// without a `data` field.
    pub(crate) fn gateway_error(status: u16, code: &str, msg: &str) -> Self {
        let body = format!(r#"{{"msg":{},"code":{}}}"#, json_string(msg), json_string(code));
        Reply::json(status, body)
    }

    /// Builds an error as OKX's endpoints send it (parameter checks): `{"code":…,"data":[],"msg":…}`.
    pub(crate) fn endpoint_error(status: u16, code: &str, msg: &str) -> Self {
        let body = format!(r#"{{"code":{},"data":[],"msg":{}}}"#, json_string(code), json_string(msg));
        Reply::json(status, body)
    }

    pub(crate) fn into_response(self) -> Response<Full<Bytes>> {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = Response::new(Full::new(Bytes::from(self.body)));
        *response.status_mut() = status;
        response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static(self.content_type));
        response
    }
}

/// Encodes a string as a JSON string literal, quotes included.
pub(crate) fn json_string(value: &str) -> String {
    serde_json::to_string(value).expect("a string always serializes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gateway_error_has_no_data() {
        let reply = Reply::gateway_error(401, "50113", "Invalid Sign");
        assert_eq!(reply.status, 401);
        assert_eq!(reply.body, br#"{"msg":"Invalid Sign","code":"50113"}"#);
    }

    #[test]
    fn endpoint_error_escapes_message() {
        let reply = Reply::endpoint_error(400, "51000", "Parameter a\"b error");
        assert_eq!(reply.body, br#"{"code":"51000","data":[],"msg":"Parameter a\"b error"}"#);
    }
}
