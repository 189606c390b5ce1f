//! The retry policy: which failed requests are sent again, and after how long.
//!
//! Every request is a `GET`, so sending one again cannot change anything at OKX. Retries are
//! still limited to failures that a second try can fix: the connection, a timeout, a server
//! error, and the OKX codes for a busy or briefly unavailable service. Authentication and input
//! errors fail at once, because they fail the same way every time.

use std::fmt;
use std::time::Duration;

use crate::error::CallError;

/// The maximum number of tries of one request, the first included.
pub const MAX_ATTEMPTS: u32 = 3;

/// No retry starts later than this after the first try began, so that a call ends in about
/// this time plus one request timeout.
pub const RETRY_BUDGET: Duration = Duration::from_secs(15);

/// The delay before the first retry; each further retry doubles it.
const BASE_DELAY: Duration = Duration::from_millis(400);

/// The delay before the first retry after OKX reported a rate limit or a busy system, so that
/// with jitter the first retry comes 1 to 2 s later. OKX's quotas count over windows of mostly
/// 2 s, and its error list advises waiting 1 to 2 s after 50013 (system busy).
const BUSY_BASE_DELAY: Duration = Duration::from_secs(2);

/// The largest delay between two tries.
const MAX_DELAY: Duration = Duration::from_secs(4);

/// OKX codes worth a retry: 50001 service temporarily unavailable, 50004 endpoint request
/// timeout, 50011 rate limit reached, 50013 system busy, 50026 system error.
const RETRYABLE_CODES: [&str; 5] = ["50001", "50004", "50011", "50013", "50026"];

/// The cause that makes a failed request worth sending again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// The connection failed or broke before the response was read.
    Network,
    /// No response within the request timeout.
    Timeout,
    /// An HTTP 5xx status.
    ServerError { http_status: u16 },
    /// One of [`RETRYABLE_CODES`].
    OkxCode { code: String },
    /// OKX rejected the request timestamp (50102). The client corrects its clock offset and
    /// retries once, outside [`decide`].
    ClockSkew,
}

impl fmt::Display for Reason {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Network => formatter.write_str("network error"),
            Reason::Timeout => formatter.write_str("timeout"),
            Reason::ServerError { http_status } => write!(formatter, "HTTP {http_status}"),
            Reason::OkxCode { code } => write!(formatter, "OKX code {code}"),
            Reason::ClockSkew => formatter.write_str("timestamp expired (OKX code 50102)"),
        }
    }
}

/// Returns why `error` is worth a retry, or `None` when a retry would fail the same way.
pub fn classify(error: &CallError) -> Option<Reason> {
    match error {
        CallError::Network { .. } => Some(Reason::Network),
        CallError::Timeout { .. } => Some(Reason::Timeout),
        CallError::Okx { code, .. } if code == "50102" => Some(Reason::ClockSkew),
        CallError::Okx { code, .. } if RETRYABLE_CODES.contains(&code.as_str()) => Some(Reason::OkxCode { code: code.clone() }),
        // Authentication errors (501xx) may come with any status, and never pass on retry.
        CallError::Okx { code, .. } if code.starts_with("501") => None,
        CallError::Okx { http_status, .. } | CallError::InvalidResponse { http_status, .. } if *http_status >= 500 => {
            Some(Reason::ServerError { http_status: *http_status })
        }
        _ => None,
    }
}

/// The next step after a failed try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Retry { delay: Duration },
    GiveUp,
}

/// Decides whether to try again after try number `attempt` (1 for the first) failed for
/// `reason`, `elapsed` after the first try began. `jitter` is a random number in [0, 1).
pub fn decide(reason: &Reason, attempt: u32, elapsed: Duration, jitter: f64) -> Decision {
    if *reason == Reason::ClockSkew || attempt >= MAX_ATTEMPTS {
        return Decision::GiveUp;
    }
    let delay = backoff(reason, attempt, jitter);
    if elapsed + delay > RETRY_BUDGET {
        return Decision::GiveUp;
    }
    Decision::Retry { delay }
}

/// Returns the delay after try number `attempt`: the base delay doubled per earlier retry,
/// capped at [`MAX_DELAY`], then scaled by a random factor from 0.5 to 1 so that clients that
/// failed together do not retry together.
pub fn backoff(reason: &Reason, attempt: u32, jitter: f64) -> Duration {
    let base = match reason {
        Reason::OkxCode { code } if code == "50011" || code == "50013" => BUSY_BASE_DELAY,
        _ => BASE_DELAY,
    };
    let doublings = attempt.saturating_sub(1).min(16);
    let delay = base.saturating_mul(1 << doublings).min(MAX_DELAY);
    delay.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn okx(code: &str, http_status: u16) -> CallError {
        CallError::Okx { code: code.to_owned(), msg: String::new(), http_status }
    }

    #[test]
    fn transient_failures_are_retried() {
        assert_eq!(classify(&CallError::Network { message: "connection refused".into() }), Some(Reason::Network));
        assert_eq!(classify(&CallError::Timeout { timeout_ms: 300 }), Some(Reason::Timeout));
        for (code, http_status) in [("50001", 503), ("50004", 400), ("50011", 429), ("50011", 200), ("50013", 429), ("50026", 500)] {
            assert_eq!(classify(&okx(code, http_status)), Some(Reason::OkxCode { code: code.to_owned() }), "{code}");
        }
    }

    #[test]
    fn server_errors_are_retried() {
        let html = CallError::InvalidResponse { message: "the body is an HTML page".into(), http_status: 502 };
        assert_eq!(classify(&html), Some(Reason::ServerError { http_status: 502 }));
        assert_eq!(classify(&okx("50000", 500)), Some(Reason::ServerError { http_status: 500 }));
    }

    #[test]
    fn auth_and_input_errors_are_not_retried() {
        for (code, http_status) in
            [("50113", 401), ("50105", 401), ("50101", 401), ("50111", 500), ("50119", 200), ("50014", 400), ("51000", 400), ("51001", 200)]
        {
            assert_eq!(classify(&okx(code, http_status)), None, "{code}");
        }
        assert_eq!(classify(&CallError::input("instId", "missing")), None);
        assert_eq!(classify(&CallError::InvalidResponse { message: "not JSON".into(), http_status: 200 }), None);
        assert_eq!(classify(&CallError::RateLimited { requests: 1, window_ms: 2000, retry_after_ms: 3000 }), None);
    }

    #[test]
    fn clock_skew_is_left_to_client() {
        assert_eq!(classify(&okx("50102", 401)), Some(Reason::ClockSkew));
        assert_eq!(decide(&Reason::ClockSkew, 1, Duration::ZERO, 0.5), Decision::GiveUp);
    }

    #[test]
    fn attempts_are_bounded() {
        assert!(matches!(decide(&Reason::Network, 1, Duration::ZERO, 0.0), Decision::Retry { .. }));
        assert!(matches!(decide(&Reason::Network, MAX_ATTEMPTS - 1, Duration::ZERO, 0.0), Decision::Retry { .. }));
        assert_eq!(decide(&Reason::Network, MAX_ATTEMPTS, Duration::ZERO, 0.0), Decision::GiveUp);
    }

    #[test]
    fn total_time_is_bounded() {
        assert_eq!(decide(&Reason::Timeout, 1, RETRY_BUDGET, 0.0), Decision::GiveUp);
        assert_eq!(decide(&Reason::Timeout, 1, RETRY_BUDGET - Duration::from_millis(100), 0.0), Decision::GiveUp);
        assert!(matches!(decide(&Reason::Timeout, 1, Duration::from_secs(10), 0.0), Decision::Retry { .. }));
    }

    #[test]
    fn backoff_doubles_within_jitter() {
        let reason = Reason::ServerError { http_status: 503 };
        assert_eq!(backoff(&reason, 1, 0.0), Duration::from_millis(200));
        assert_eq!(backoff(&reason, 1, 1.0), Duration::from_millis(400));
        assert_eq!(backoff(&reason, 2, 0.0), Duration::from_millis(400));
        assert_eq!(backoff(&reason, 2, 1.0), Duration::from_millis(800));
        assert_eq!(backoff(&reason, 30, 1.0), MAX_DELAY);
    }

    #[test]
    fn busy_codes_wait_longer() {
        let busy = Reason::OkxCode { code: "50013".into() };
        assert_eq!(backoff(&busy, 1, 0.0), Duration::from_secs(1));
        assert_eq!(backoff(&busy, 1, 1.0), Duration::from_secs(2));
        assert_eq!(backoff(&Reason::OkxCode { code: "50011".into() }, 2, 1.0), MAX_DELAY);
    }
}
