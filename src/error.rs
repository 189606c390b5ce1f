//! Errors of a tool call, split by whose problem they are.
//!
//! Everything here reaches the model as a tool result with `isError: true`, because the model
//! can act on it: fix an argument, page differently, wait, or tell the user what to configure.
//! Protocol errors (an unknown tool name) are raised by the server, not here.

use serde_json::{Value, json};

/// Where an error comes from; the `source` field of the error object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorSource {
    /// An argument failed a check before any request was sent.
    Input,
    /// OKX answered with a non-zero code, or with a body that is not a valid answer.
    Okx,
    /// The request did not complete: connection failure or timeout.
    Network,
    /// A client-side or OKX rate limit.
    RateLimit,
    /// The server's own configuration, such as missing credentials.
    Config,
}

impl ErrorSource {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorSource::Input => "input",
            ErrorSource::Okx => "okx",
            ErrorSource::Network => "network",
            ErrorSource::RateLimit => "rate_limit",
            ErrorSource::Config => "config",
        }
    }
}

/// A failed tool call.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CallError {
    /// An invalid or missing argument.
    #[error("{message}")]
    Input { argument: String, message: String },

    /// OKX answered with a non-zero `code`.
    #[error("OKX error {code}: {msg}")]
    Okx { code: String, msg: String, http_status: u16 },

    /// OKX's answer could not be read as the documented response.
    #[error("invalid response from OKX (HTTP {http_status}): {message}")]
    InvalidResponse { message: String, http_status: u16 },

    /// The request did not complete.
    #[error("request failed: {message}")]
    Network { message: String },

    /// The request did not complete within the timeout.
    #[error("request timed out after {timeout_ms} ms")]
    Timeout { timeout_ms: u64 },

    /// The endpoint's documented quota is used up for longer than a call waits, so the request
    /// was not sent.
    #[error(
        "rate limit reached: OKX allows {requests} {} per {} to this endpoint, and the next free slot is {} away",
        if *requests == 1 { "request" } else { "requests" },
        seconds(u64::from(*window_ms)),
        seconds(*retry_after_ms)
    )]
    RateLimited { requests: u32, window_ms: u32, retry_after_ms: u64 },

    /// The server is not configured for this call.
    #[error("{message}")]
    Config { message: String },
}

impl CallError {
    pub fn input(argument: impl Into<String>, message: impl Into<String>) -> Self {
        CallError::Input { argument: argument.into(), message: message.into() }
    }

    pub fn source_kind(&self) -> ErrorSource {
        match self {
            CallError::Input { .. } => ErrorSource::Input,
            CallError::Okx { code, .. } if is_rate_limit_code(code) => ErrorSource::RateLimit,
            CallError::Okx { .. } | CallError::InvalidResponse { .. } => ErrorSource::Okx,
            CallError::Network { .. } | CallError::Timeout { .. } => ErrorSource::Network,
            CallError::RateLimited { .. } => ErrorSource::RateLimit,
            CallError::Config { .. } => ErrorSource::Config,
        }
    }

    /// Builds the structured error object of the tool result.
    pub fn to_json(&self, context: &ErrorContext<'_>) -> Value {
        let mut error = json!({
            "source": self.source_kind().as_str(),
            "message": self.to_string(),
            "endpoint": context.endpoint,
            "site": context.site,
            "environment": context.environment,
        });
        let object = error.as_object_mut().expect("built as an object");
        match self {
            CallError::Input { argument, .. } => {
                object.insert("argument".into(), json!(argument));
            }
            CallError::Okx { code, msg, http_status } => {
                object.insert("code".into(), json!(code));
                object.insert("msg".into(), json!(msg));
                object.insert("httpStatus".into(), json!(http_status));
            }
            CallError::InvalidResponse { http_status, .. } => {
                object.insert("httpStatus".into(), json!(http_status));
            }
            CallError::RateLimited { retry_after_ms, .. } => {
                object.insert("retryAfterMs".into(), json!(retry_after_ms));
            }
            _ => {}
        }
        if let Some(hint) = self.hint(context) {
            object.insert("hint".into(), json!(hint));
        }
        json!({ "error": error })
    }

    /// Returns what the user or model can do about the error, where there is something.
    pub fn hint(&self, context: &ErrorContext<'_>) -> Option<String> {
        match self {
            CallError::Okx { code, .. } => okx_hint(code, context),
            CallError::Input { .. } => Some("Fix the argument and call the tool again.".to_owned()),
            CallError::InvalidResponse { .. } => Some(
                "OKX or a proxy between here and OKX sent something other than an OKX API response; try again later, and check OKX_BASE_URL if it is set.".to_owned(),
            ),
            CallError::Network { .. } => {
                Some(format!("Check the network connection to {}; a proxy or firewall may block it.", context.base_url))
            }
            CallError::Timeout { .. } => {
                Some("OKX did not respond in time; try again, narrow the query, or raise OKX_TIMEOUT_MS.".to_owned())
            }
            CallError::RateLimited { retry_after_ms, .. } => Some(format!(
                "Wait at least {} before calling this tool again, and make fewer calls to it; batch tools (tickers over ticker) return more per call.",
                seconds(*retry_after_ms)
            )),
            CallError::Config { .. } => None,
        }
    }
}

/// Where a call went, for error messages.
#[derive(Debug, Clone, Copy)]
pub struct ErrorContext<'a> {
    pub endpoint: &'a str,
    pub site: &'a str,
    pub environment: &'a str,
    pub base_url: &'a str,
}

/// Formats milliseconds as seconds for messages, rounded up to a tenth: `2 s`, `0.4 s`.
fn seconds(ms: u64) -> String {
    let tenths = ms.div_ceil(100);
    if tenths.is_multiple_of(10) { format!("{} s", tenths / 10) } else { format!("{}.{} s", tenths / 10, tenths % 10) }
}

fn is_rate_limit_code(code: &str) -> bool {
    matches!(code, "50011" | "50040" | "50061")
}

/// Hints for OKX's codes that a user or model can act on. Codes from OKX's error code list.
fn okx_hint(code: &str, context: &ErrorContext<'_>) -> Option<String> {
    let other_sites =
        |site: &str| ["global", "eea", "us"].iter().filter(|candidate| **candidate != site).copied().collect::<Vec<_>>().join(" or ");
    let hint = match code.split('_').next().unwrap_or(code) {
        "50119" => format!(
            "The API key does not exist on the {} site ({}). Keys work only on the site where they were created: set OKX_SITE to {}.",
            context.site,
            context.base_url,
            other_sites(context.site)
        ),
        "50101" => match context.environment {
            "demo" => "This is a live-trading key, but demo mode is on: unset OKX_DEMO, or create a key under Demo Trading.".to_owned(),
            _ => "This key belongs to Demo Trading: set OKX_DEMO=1, or create a key for live trading.".to_owned(),
        },
        "50102" => "The request timestamp was more than 30 s away from OKX's clock: synchronise this computer's clock (NTP) and try again.".to_owned(),
        "50112" => "OKX rejected the timestamp format; this is a bug in okx-mcp, please report it.".to_owned(),
        "50113" => "Invalid signature: check OKX_API_SECRET (the secret key, not the API key or passphrase) for typos, swapped values or extra characters.".to_owned(),
        "50105" => "Wrong passphrase: OKX_API_PASSPHRASE must be the passphrase chosen when the key was created.".to_owned(),
        "50111" | "50114" => "OKX does not recognise OKX_API_KEY: check it, and that the key was not deleted.".to_owned(),
        "50100" => "The API key is frozen; check it on the OKX website.".to_owned(),
        "50110" => "This computer's IP address is not in the key's IP allowlist; add it on the OKX website.".to_owned(),
        "50035" => "This endpoint needs an API key bound to IP addresses.".to_owned(),
        "50120" | "50030" => "The API key lacks the permission or account role this endpoint needs.".to_owned(),
        "50011" | "50040" | "50061" => "OKX rate limit reached: wait a few seconds before calling again, and prefer batch tools (tickers over ticker).".to_owned(),
        "50001" | "50004" | "50013" | "50026" => "OKX is busy or had a temporary failure; try again in a few seconds.".to_owned(),
        "50005" => "OKX has taken this endpoint offline.".to_owned(),
        "50038" => "This feature is not available in demo trading.".to_owned(),
        "50053" => "This feature is available only in demo trading.".to_owned(),
        "50076" | "50077" => "The requested time range is too long; split it into shorter ranges.".to_owned(),
        "50014" | "50015" | "50016" | "50024" | "50025" | "51000" => {
            "OKX rejected the arguments: check the parameter named in msg against the tool's input schema and description.".to_owned()
        }
        "50039" => "`before` does not work with timestamp paging here; use `after` to page back.".to_owned(),
        "51001" => "Instrument not found: check instId (e.g. BTC-USDT, BTC-USDT-SWAP), or list valid ones with public_instruments.".to_owned(),
        "51010" => "Not supported in the account's current mode; account_config shows the mode (acctLv).".to_owned(),
        "51155" | "51734" => format!(
            "Restricted for this account's region; if the account belongs to another OKX site, set OKX_SITE to {}.",
            other_sites(context.site)
        ),
        "51603" => "Order not found: it may be older than this tool's window; try the history or archive tool.".to_owned(),
        _ => return None,
    };
    Some(hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context() -> ErrorContext<'static> {
        ErrorContext { endpoint: "/api/v5/account/balance", site: "global", environment: "live", base_url: "https://www.okx.com" }
    }

    #[test]
    fn site_hint_names_other_sites() {
        let error = CallError::Okx { code: "50119".into(), msg: "API key doesn't exist".into(), http_status: 401 };
        let hint = error.hint(&context()).unwrap();
        assert!(hint.contains("OKX_SITE"), "{hint}");
        assert!(hint.contains("eea or us"), "{hint}");
    }

    #[test]
    fn error_json_carries_code_and_msg() {
        let error = CallError::Okx { code: "50113".into(), msg: "Invalid Sign".into(), http_status: 401 };
        let value = error.to_json(&context());
        assert_eq!(value["error"]["code"], "50113");
        assert_eq!(value["error"]["msg"], "Invalid Sign");
        assert_eq!(value["error"]["source"], "okx");
        assert!(value["error"]["hint"].as_str().unwrap().contains("OKX_API_SECRET"));
    }

    #[test]
    fn client_rate_limit_says_when_to_retry() {
        let error = CallError::RateLimited { requests: 1, window_ms: 2000, retry_after_ms: 3_950 };
        assert_eq!(error.source_kind(), ErrorSource::RateLimit);
        assert!(error.to_string().contains("1 request per 2 s"), "{error}");
        let value = error.to_json(&context());
        assert_eq!(value["error"]["source"], "rate_limit");
        assert_eq!(value["error"]["retryAfterMs"], 3_950);
        let hint = value["error"]["hint"].as_str().unwrap();
        assert!(hint.contains("Wait at least 4 s"), "{hint}");
    }

    #[test]
    fn seconds_round_up_to_tenths() {
        assert_eq!(seconds(2000), "2 s");
        assert_eq!(seconds(350), "0.4 s");
        assert_eq!(seconds(1), "0.1 s");
        assert_eq!(seconds(0), "0 s");
    }

    #[test]
    fn rate_limit_code_has_own_source() {
        let error = CallError::Okx { code: "50011".into(), msg: "Too Many Requests".into(), http_status: 429 };
        assert_eq!(error.source_kind(), ErrorSource::RateLimit);
    }
}
