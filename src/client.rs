//! The OKX client: one sending path, `GET` only, signed when the endpoint needs it.
//!
//! Requests are built from a generated request type, so only allowlisted paths can be reached.
//! The request target (path plus encoded query) is built once; the same string is signed and
//! put on the wire.
//!
//! Every try of a request first waits for its turn under the endpoint's rate limit
//! ([`crate::ratelimit`]), then is stamped and signed, so a wait cannot expire a signature.
//! Failures that a second try can fix are retried ([`crate::retry`]). A rejected timestamp
//! (50102) makes the client measure OKX's clock and retry once with the corrected time.

use std::hash::BuildHasher;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::{Map, Value};

use crate::config::{CONNECT_TIMEOUT, Config, ConfigError};
use crate::credentials::Credentials;
use crate::endpoint::{Auth, Endpoint};
use crate::error::CallError;
use crate::generated::PublicTimeRequest;
use crate::query::Query;
use crate::ratelimit::{BucketKey, RateLimiter};
use crate::request::ReadRequest;
use crate::retry::{self, Decision, Reason};
use crate::signing;

/// The largest response body read, in bytes; larger answers are an error rather than memory
/// growth. OKX's largest documented pages (5,000-level books, full instrument lists) stay far
/// below this.
pub const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

/// The longest excerpt of an unreadable body quoted in an error message.
const BODY_EXCERPT_CHARS: usize = 160;

/// A client for one OKX site and environment.
#[derive(Debug)]
pub struct Client {
    http: reqwest::Client,
    config: Arc<Config>,
    /// OKX's clock minus ours, in milliseconds, added to request timestamps.
    clock_offset_ms: AtomicI64,
    limiter: RateLimiter,
}

/// The result of one call: OKX's `data` after typing, as JSON, and any fields OKX sent
/// beside `data` (such as `totalPage`).
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub data: Value,
    pub meta: Map<String, Value>,
}

/// A typed answer and the envelope fields beside `data`.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer<T> {
    pub data: T,
    pub meta: Map<String, Value>,
}

impl Client {
    /// Builds a client; fails only when the TLS or HTTP stack cannot start.
    pub fn new(config: Config) -> Result<Self, ConfigError> {
        // reqwest is built without a default crypto provider so that ring, which builds
        // without a C toolchain beyond cc, is the one used. Installing twice is harmless.
        let _ = rustls::crypto::ring::default_provider().install_default();

        let mut builder = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(CONNECT_TIMEOUT.min(config.timeout))
            .user_agent(concat!("okx-mcp/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none());
        if config.custom_base_url && config.base_url.starts_with("http://") {
            // A plain-http base URL is always loopback (see config); proxies must not see it.
            builder = builder.no_proxy();
        }
        let http = builder.build().map_err(|error| ConfigError(format!("cannot start the HTTP client: {error}")))?;
        Ok(Client { http, config: Arc::new(config), clock_offset_ms: AtomicI64::new(0), limiter: RateLimiter::new() })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Returns the clock offset added to request timestamps, in milliseconds.
    pub fn clock_offset_ms(&self) -> i64 {
        self.clock_offset_ms.load(Ordering::Relaxed)
    }

    /// Sets the clock offset: OKX's clock minus ours, in milliseconds.
    pub fn set_clock_offset_ms(&self, offset: i64) {
        self.clock_offset_ms.store(offset, Ordering::Relaxed);
    }

    /// Sends a typed request and returns OKX's `data`, typed.
    pub async fn send<R: ReadRequest>(&self, request: &R) -> Result<R::Response, CallError> {
        Ok(self.send_with_meta(request).await?.data)
    }

    /// Sends a typed request and returns `data`, typed, with the envelope fields beside it.
    pub async fn send_with_meta<R: ReadRequest>(&self, request: &R) -> Result<Answer<R::Response>, CallError> {
        let endpoint = R::ENDPOINT;
        let query = request.query();
        let started = tokio::time::Instant::now();
        let mut attempt = 1;
        let mut clock_corrected = false;
        loop {
            let outcome = match self.get(endpoint, &query).await {
                Ok((status, body)) => parse_answer::<R::Response>(endpoint, status, &body),
                Err(error) => Err(error),
            };
            let error = match outcome {
                Ok(answer) => return Ok(answer),
                Err(error) => error,
            };
            let Some(reason) = retry::classify(&error) else {
                return Err(error);
            };

            if reason == Reason::ClockSkew {
                // One correction per call: a second 50102 means the clock moves or OKX's time
                // cannot be read, and another try would fail the same way.
                if clock_corrected || self.signing_credentials(endpoint)?.is_none() {
                    return Err(error);
                }
                clock_corrected = true;
                self.correct_clock_after_rejection(endpoint).await.map_err(|_| error)?;
                continue;
            }

            match retry::decide(&reason, attempt, started.elapsed(), random_fraction()) {
                Decision::GiveUp => return Err(error),
                Decision::Retry { delay } => {
                    attempt += 1;
                    tracing::info!(
                        endpoint = endpoint.path,
                        attempt,
                        reason = %reason,
                        delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                        "retrying OKX request"
                    );
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }

    /// Measures OKX's clock with `GET /api/v5/public/time`, stores the offset for request
    /// timestamps, and returns it in milliseconds (OKX's clock minus ours).
    ///
    /// The offset assumes that OKX read its clock halfway through the round trip. One try only,
    /// without retries.
    pub async fn sync_clock(&self) -> Result<i64, CallError> {
        let request = PublicTimeRequest::new();
        let endpoint = <PublicTimeRequest as ReadRequest>::ENDPOINT;
        let sent_ms = now_ms();
        let (status, body) = self.get(endpoint, &request.query()).await?;
        let received_ms = now_ms();
        let answer = parse_answer::<<PublicTimeRequest as ReadRequest>::Response>(endpoint, status, &body)?;

        let server_ms = answer.data.first().and_then(|row| row.ts.as_deref()).and_then(|ts| ts.parse::<i64>().ok()).ok_or_else(|| {
            CallError::InvalidResponse { message: "public/time has no `ts` in Unix milliseconds".to_owned(), http_status: status }
        })?;
        let midpoint_ms = sent_ms / 2 + received_ms / 2;
        let offset = server_ms.checked_sub(midpoint_ms).filter(|offset| offset.abs() <= MAX_CLOCK_OFFSET_MS).ok_or_else(|| {
            CallError::InvalidResponse {
                message: format!(
                    "public/time says {server_ms} ms since 1970, more than a day from this computer's clock ({midpoint_ms} ms); check this computer's date and OKX_BASE_URL"
                ),
                http_status: status,
            }
        })?;
        self.set_clock_offset_ms(offset);
        Ok(offset)
    }

    async fn correct_clock_after_rejection(&self, endpoint: &Endpoint) -> Result<(), CallError> {
        match self.sync_clock().await {
            Ok(offset) => {
                tracing::warn!(
                    endpoint = endpoint.path,
                    offset_ms = offset,
                    "OKX rejected the request timestamp (50102); signing again with OKX's clock. Synchronise this computer's clock (NTP)."
                );
                Ok(())
            }
            Err(error) => {
                tracing::warn!(endpoint = endpoint.path, error = %error, "OKX rejected the request timestamp (50102), and reading OKX's clock failed");
                Err(error)
            }
        }
    }

    /// Decodes checked arguments into `R`, sends it, and returns `data` as JSON.
    pub(crate) async fn call_json<R: ReadRequest>(&self, arguments: Map<String, Value>) -> Result<Reply, CallError> {
        let request: R = serde_json::from_value(Value::Object(arguments))
            .map_err(|error| CallError::input("arguments", format!("arguments do not fit {}: {error}", R::ENDPOINT.name)))?;
        let answer = self.send_with_meta(&request).await?;
        let data = serde_json::to_value(&answer.data)
            .map_err(|error| CallError::InvalidResponse { message: format!("cannot re-encode data: {error}"), http_status: 200 })?;
        Ok(Reply { data, meta: answer.meta })
    }

    /// Returns the credentials that sign requests to `endpoint`, `None` for unsigned ones.
    fn signing_credentials(&self, endpoint: &Endpoint) -> Result<Option<&Credentials>, CallError> {
        match (endpoint.auth, &self.config.credentials) {
            (Auth::Public, _) | (Auth::Optional, None) => Ok(None),
            (Auth::Private | Auth::Optional, Some(credentials)) => Ok(Some(credentials)),
            (Auth::Private, None) => Err(CallError::Config {
                message: format!(
                    "{} needs API credentials: set OKX_API_KEY, OKX_API_SECRET and OKX_API_PASSPHRASE (a read-only key is enough)",
                    endpoint.name
                ),
            }),
        }
    }

    /// The one sending path: a `GET` of `endpoint` with `query`, after the rate limiter grants
    /// a turn, signed when needed.
    async fn get(&self, endpoint: &Endpoint, query: &Query) -> Result<(u16, Vec<u8>), CallError> {
        let target = query.target(endpoint.path);
        let url = format!("{}{target}", self.config.base_url);
        let signing = self.signing_credentials(endpoint)?;

        let limit = &endpoint.rate_limit;
        let bucket = BucketKey::new(endpoint.path, limit, signing.is_some(), query);
        self.limiter.acquire(bucket, limit).await.map_err(|throttled| {
            tracing::debug!(endpoint = endpoint.path, retry_after_ms = throttled.retry_after.as_millis(), "client-side rate limit reached");
            CallError::RateLimited {
                requests: limit.requests,
                window_ms: limit.window_ms,
                retry_after_ms: u64::try_from(throttled.retry_after.as_millis()).unwrap_or(u64::MAX),
            }
        })?;

        let mut headers = HeaderMap::new();
        if self.config.demo {
            headers.insert(HeaderName::from_static("x-simulated-trading"), HeaderValue::from_static("1"));
        }
        if let Some(credentials) = signing {
            // Stamped here, after any wait, so that a slow queue cannot expire the signature.
            let offset = time::Duration::milliseconds(self.clock_offset_ms());
            let now = time::OffsetDateTime::now_utc().checked_add(offset).unwrap_or_else(time::OffsetDateTime::now_utc);
            let timestamp = signing::timestamp(now);
            let signature = signing::sign(&credentials.secret, &timestamp, &target);
            auth_headers(&mut headers, credentials, &timestamp, &signature)?;
        }

        tracing::debug!(endpoint = endpoint.path, "sending GET");
        let response = self.http.get(&url).headers(headers).send().await.map_err(|error| self.transport_error(&error))?;
        let status = response.status().as_u16();
        let body = read_body(response).await.map_err(|error| self.transport_error(&error))??;
        tracing::debug!(endpoint = endpoint.path, status, bytes = body.len(), "received response");
        Ok((status, body))
    }

    fn transport_error(&self, error: &reqwest::Error) -> CallError {
        if error.is_timeout() {
            return CallError::Timeout { timeout_ms: u64::try_from(self.config.timeout.as_millis()).unwrap_or(u64::MAX) };
        }
        let what = if error.is_connect() { "cannot connect to" } else { "request failed to" };
        // Only the source chain's text is kept: reqwest's own Display includes the URL, which is
        // harmless, but headers never appear in either.
        let mut cause = String::new();
        let mut source = std::error::Error::source(error);
        while let Some(inner) = source {
            cause = inner.to_string();
            source = inner.source();
        }
        let detail = if cause.is_empty() { error.to_string() } else { cause };
        CallError::Network { message: format!("{what} {}: {detail}", self.config.base_url) }
    }
}

/// The largest clock offset accepted from `public/time`, in milliseconds: one day. OKX accepts
/// timestamps within 30 s of its clock, so a response further off than this is broken, not skew.
const MAX_CLOCK_OFFSET_MS: i64 = 86_400_000;

/// Returns the current Unix time in milliseconds by this computer's clock.
fn now_ms() -> i64 {
    i64::try_from(time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

/// Returns a random number in [0, 1) for retry jitter. The standard library's `RandomState`
/// is seeded randomly per thread and advances with every instance, which is random enough to
/// spread retries and needs no extra dependency.
fn random_fraction() -> f64 {
    let bits = std::collections::hash_map::RandomState::new().hash_one(std::time::SystemTime::now());
    (bits >> 11) as f64 / (1_u64 << 53) as f64
}

fn auth_headers(headers: &mut HeaderMap, credentials: &Credentials, timestamp: &str, signature: &str) -> Result<(), CallError> {
    let sensitive = |name: &'static str, value: &str, variable: &str| -> Result<(HeaderName, HeaderValue), CallError> {
        let mut value = HeaderValue::from_str(value).map_err(|_| CallError::Config {
            message: format!("{variable} contains characters that cannot be sent in an HTTP header; check it for stray characters"),
        })?;
        value.set_sensitive(true);
        Ok((HeaderName::from_static(name), value))
    };
    for (name, value) in [
        sensitive("ok-access-key", credentials.key.expose(), "OKX_API_KEY")?,
        sensitive("ok-access-passphrase", credentials.passphrase.expose(), "OKX_API_PASSPHRASE")?,
        sensitive("ok-access-sign", signature, "the signature")?,
        sensitive("ok-access-timestamp", timestamp, "the timestamp")?,
    ] {
        headers.insert(name, value);
    }
    Ok(())
}

/// Reads the body up to `MAX_BODY_BYTES`; a larger body is an error result, not a transport error.
async fn read_body(mut response: reqwest::Response) -> Result<Result<Vec<u8>, CallError>, reqwest::Error> {
    let status = response.status().as_u16();
    if response.content_length().is_some_and(|length| length > MAX_BODY_BYTES as u64) {
        return Ok(Err(too_large(status)));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Ok(Err(too_large(status)));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Ok(body))
}

fn too_large(status: u16) -> CallError {
    CallError::InvalidResponse {
        message: format!("the response is larger than {} MiB; narrow the query (instId, limit)", MAX_BODY_BYTES / 1024 / 1024),
        http_status: status,
    }
}

/// Reads OKX's envelope and types `data`. Every failure is a `CallError`: `Okx` for a non-zero
/// code, `InvalidResponse` for anything that is not a well-formed answer. Public for the fuzzers.
pub fn parse_answer<T: serde::de::DeserializeOwned>(endpoint: &Endpoint, status: u16, body: &[u8]) -> Result<Answer<T>, CallError> {
    let invalid = |message: String| CallError::InvalidResponse { message, http_status: status };

    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(invalid("the body is empty".to_owned()));
    }
    let mut envelope: Map<String, Value> = match serde_json::from_slice(body) {
        Ok(envelope) => envelope,
        Err(error) if error.classify() == serde_json::error::Category::Data => {
            return Err(invalid(format!("the body is JSON but not an object: {:?}", excerpt(body))));
        }
        Err(error) => {
            let excerpt = excerpt(body);
            let looks_html = excerpt.trim_start().starts_with('<');
            let what = if looks_html { "an HTML page instead of JSON".to_owned() } else { format!("not valid JSON ({error})") };
            return Err(invalid(format!("the body is {what}: {excerpt:?}")));
        }
    };

    let code = match envelope.remove("code") {
        Some(Value::String(code)) => code,
        Some(Value::Number(code)) => code.to_string(),
        Some(other) => return Err(invalid(format!("`code` is {}, not a string", crate::wire::kind(&other)))),
        None => return Err(invalid("the JSON has no `code` field, so it is not an OKX answer".to_owned())),
    };
    // OKX's codes are short digit strings such as "50113".
    if code.len() > 16 {
        return Err(invalid(format!("`code` is {} characters long, so it is not an OKX code", code.chars().count())));
    }
    let msg = match envelope.remove("msg") {
        Some(Value::String(msg)) => msg,
        Some(other) => other.to_string(),
        None => String::new(),
    };
    // OKX's messages are one short sentence; a longer one is a broken answer, cut for the result.
    let msg = crate::text::shorten(&msg, MAX_MSG_CHARS);
    if code != "0" {
        return Err(CallError::Okx { code, msg, http_status: status });
    }
    if !(200..300).contains(&status) {
        return Err(invalid(format!("HTTP status {status} with code 0")));
    }

    let Some(data) = envelope.remove("data") else {
        return Err(invalid("code 0 but no `data` field".to_owned()));
    };
    let data = serde_json::from_value(data)
        .map_err(|error| invalid(format!("`data` does not match the documented shape of {}: {error}", endpoint.path)))?;
    Ok(Answer { data, meta: envelope })
}

/// Characters of OKX's `msg` that a result repeats.
const MAX_MSG_CHARS: usize = 500;

/// Returns the start of a body as text, for error messages.
fn excerpt(body: &[u8]) -> String {
    crate::text::shorten(&String::from_utf8_lossy(body), BODY_EXCERPT_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoint::{DataShape, LimitKey, RateLimit};

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
        params: &[],
        paging: None,
        shape: DataShape::Array,
        input_schema: "{}",
        output_schema: "{}",
    };

    fn parse(status: u16, body: &str) -> Result<Vec<Value>, CallError> {
        parse_answer::<Vec<Value>>(&ENDPOINT, status, body.as_bytes()).map(|answer| answer.data)
    }

    #[test]
    fn success_returns_data() {
        assert_eq!(parse(200, r#"{"code":"0","msg":"","data":[{"a":"1"}]}"#).unwrap().len(), 1);
    }

    #[test]
    fn okx_code_is_kept() {
        let error = parse(401, r#"{"code":"50113","msg":"Invalid Sign","data":[]}"#).unwrap_err();
        assert_eq!(error, CallError::Okx { code: "50113".into(), msg: "Invalid Sign".into(), http_status: 401 });
    }

    #[test]
    fn long_msg_and_code_are_cut() {
        let long_msg = format!(r#"{{"code":"50000","msg":"{}","data":[]}}"#, "m".repeat(100_000));
        let CallError::Okx { msg, .. } = parse(400, &long_msg).unwrap_err() else { panic!("not an OKX error") };
        assert!(msg.chars().count() <= MAX_MSG_CHARS + 1, "msg kept {} characters", msg.chars().count());

        let long_code = format!(r#"{{"code":"{}","msg":"","data":[]}}"#, "5".repeat(100_000));
        let error = parse(400, &long_code).unwrap_err();
        assert!(error.to_string().len() < 200, "{} bytes", error.to_string().len());
    }

    #[test]
    fn html_page_is_named() {
        let error = parse(502, "<html><body>Bad gateway</body></html>").unwrap_err();
        assert!(error.to_string().contains("HTML page"), "{error}");
    }

    #[test]
    fn empty_body_is_named() {
        assert!(parse(200, "").unwrap_err().to_string().contains("empty"));
    }

    #[test]
    fn truncated_json_is_invalid() {
        let error = parse(200, r#"{"code":"0","msg":"","data":[{"a""#).unwrap_err();
        assert!(error.to_string().contains("not valid JSON"), "{error}");
    }

    #[test]
    fn wrong_data_shape_names_endpoint() {
        let error = parse(200, r#"{"code":"0","msg":"","data":{"a":"1"}}"#).unwrap_err();
        assert!(error.to_string().contains("/api/v5/test/tool"), "{error}");
    }

    #[test]
    fn fields_beside_data_are_kept() {
        let answer = parse_answer::<Vec<Value>>(&ENDPOINT, 200, br#"{"code":"0","msg":"","data":[],"totalPage":"3"}"#).unwrap();
        assert_eq!(answer.meta.get("totalPage"), Some(&Value::from("3")));
    }

    #[test]
    fn json_without_code_is_rejected() {
        let error = parse(200, r#"{"data":[]}"#).unwrap_err();
        assert!(error.to_string().contains("no `code`"), "{error}");
    }
}
