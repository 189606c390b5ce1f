//! Fault injection: rules that replace or alter the normal response, for robustness tests.

mod output;
mod random;
mod rules;

pub(crate) use output::{apply_after, immediate_reply};
pub(crate) use rules::FaultRules;

/// A faulty response, or a change to the normal one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Sends `body` with HTTP status `http`, as JSON when `body` parses as JSON and as plain text otherwise.
    Status { http: u16, body: String },
    /// Sends an OKX envelope `{"code":code,"data":[],"msg":msg}` with HTTP status `http`.
    OkxError { http: u16, code: String, msg: String },
    /// Sends an HTML error page with HTTP 502, as a proxy in front of OKX does.
    Html,
    /// Sends HTTP 200 with a JSON content type and a body that is not valid JSON.
    InvalidJson,
    /// Sends HTTP 200 with a JSON content type and an empty body.
    EmptyBody,
    /// Sends the first half of the normal body, with the normal status and a matching Content-Length.
    Truncated,
    /// Sends the normal body padded with whitespace inside its closing brace until it is longer
    /// than `bytes`. It stays valid JSON with the same content.
    Oversized { bytes: usize },
    /// Waits `ms` milliseconds, then sends the normal response.
    Delay { ms: u64 },
    /// Sends HTTP 429 with OKX code 50011 "Too Many Requests".
    RateLimit,
    /// Injects an error fault into `percent` percent of the requests that reach this rule.
    ///
    /// The choice of requests and faults comes from a pseudo-random sequence seeded by `seed`, so
    /// the same seed and the same request order give the same faults. A `percent` above 100
    /// counts as 100. The faults drawn from are those of [`Fault::random_pool`].
    Random { percent: u8, seed: u64 },
}

impl Fault {
    /// Returns the error faults that [`Fault::Random`] picks from, each with equal weight:
    /// `RateLimit`, OKX errors 50013 (HTTP 429), 50001 (HTTP 503) and 50026 (HTTP 500), `Html`,
    /// `InvalidJson`, `EmptyBody` and `Truncated`.
    pub fn random_pool() -> Vec<Fault> {
        random::random_pool().to_vec()
    }
}

/// A fault and the requests it applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRule {
    /// Exact request path such as `/api/v5/market/ticker`, compared without the query string.
    /// `None` matches every path.
    pub path: Option<String>,
    /// Number of requests to fault before the rule expires. `None` keeps it forever.
    /// For [`Fault::Random`], only requests that actually got a fault count.
    pub times: Option<u32>,
    pub fault: Fault,
}

impl FaultRule {
    /// Creates a rule that applies `fault` to every path, forever.
    pub fn new(fault: Fault) -> Self {
        FaultRule { path: None, times: None, fault }
    }

    /// Restricts the rule to one request path.
    pub fn on_path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// Limits the rule to `times` faulted requests.
    pub fn times(mut self, times: u32) -> Self {
        self.times = Some(times);
        self
    }
}
