//! Query strings, encoded once so that the bytes signed are the bytes sent.
//!
//! Values are percent-encoded except for RFC 3986 unreserved characters and `,`, which OKX's
//! own examples leave as is in lists such as `ccy=BTC,ETH`.

use std::fmt::Write;

/// An encoded query string under construction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    encoded: String,
}

/// A value that can appear in a query string.
pub trait QueryValue {
    /// Appends the value's text, before encoding.
    fn write_query_value(&self, out: &mut String);
}

impl QueryValue for String {
    fn write_query_value(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl QueryValue for str {
    fn write_query_value(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl QueryValue for i64 {
    fn write_query_value(&self, out: &mut String) {
        let _ = write!(out, "{self}");
    }
}

impl QueryValue for bool {
    fn write_query_value(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

impl Query {
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends `name=value`, percent-encoding both.
    pub fn push<V: QueryValue + ?Sized>(&mut self, name: &str, value: &V) {
        let mut text = String::new();
        value.write_query_value(&mut text);
        if !self.encoded.is_empty() {
            self.encoded.push('&');
        }
        encode_into(name, &mut self.encoded);
        self.encoded.push('=');
        encode_into(&text, &mut self.encoded);
    }

    /// Returns the encoded query without the leading `?`.
    pub fn as_str(&self) -> &str {
        &self.encoded
    }

    pub fn is_empty(&self) -> bool {
        self.encoded.is_empty()
    }

    /// Returns `path` with the query appended: the request target that is sent and signed.
    pub fn target(&self, path: &str) -> String {
        if self.encoded.is_empty() { path.to_owned() } else { format!("{path}?{}", self.encoded) }
    }
}

/// Percent-encodes every byte except unreserved characters and `,`.
fn encode_into(text: &str, out: &mut String) {
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b',') {
            out.push(byte as char);
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_keeps_commas() {
        let mut query = Query::new();
        query.push("ccy", "BTC,ETH");
        assert_eq!(query.target("/api/v5/account/balance"), "/api/v5/account/balance?ccy=BTC,ETH");
    }

    #[test]
    fn reserved_characters_are_encoded() {
        let mut query = Query::new();
        query.push("clOrdId", "a b&c=d/é+");
        assert_eq!(query.as_str(), "clOrdId=a%20b%26c%3Dd%2F%C3%A9%2B");
    }

    #[test]
    fn empty_query_has_no_question_mark() {
        assert_eq!(Query::new().target("/api/v5/public/time"), "/api/v5/public/time");
    }

    #[test]
    fn values_of_each_type() {
        let mut query = Query::new();
        query.push("limit", &100_i64);
        query.push("reduceOnly", &true);
        assert_eq!(query.as_str(), "limit=100&reduceOnly=true");
    }
}
