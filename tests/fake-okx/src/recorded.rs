//! The log of requests the fake received, for tests to inspect.

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard};
use std::time::SystemTime;

/// One request as the fake received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// HTTP method, for example `GET`.
    pub method: String,
    /// Request target as received: path and query with their original percent-encoding.
    pub target: String,
    /// Header names in lower case with their values in arrival order. Bytes that are not UTF-8
    /// appear as U+FFFD.
    pub headers: Vec<(String, String)>,
    /// Real time of arrival, without the clock skew.
    pub received_at: SystemTime,
}

impl RecordedRequest {
    /// Returns the target without its query string.
    pub fn path(&self) -> &str {
        self.target.split_once('?').map_or(self.target.as_str(), |(path, _)| path)
    }

    /// Returns the raw query string without `?`, or `None` when the target has no `?`.
    pub fn query(&self) -> Option<&str> {
        self.target.split_once('?').map(|(_, query)| query)
    }

    /// Returns the first value of a header, matching the name case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(header_name, _)| header_name.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }
}

/// Recorded requests, oldest first, keeping at most `capacity` of the newest.
#[derive(Debug)]
pub(crate) struct RequestLog {
    capacity: usize,
    entries: Mutex<VecDeque<RecordedRequest>>,
}

impl RequestLog {
    pub(crate) fn new(capacity: usize) -> Self {
        RequestLog { capacity, entries: Mutex::new(VecDeque::new()) }
    }

    pub(crate) fn record(&self, request: RecordedRequest) {
        if self.capacity == 0 {
            return;
        }
        let mut entries = self.lock();
        if entries.len() == self.capacity {
            entries.pop_front();
        }
        entries.push_back(request);
    }

    pub(crate) fn snapshot(&self) -> Vec<RecordedRequest> {
        self.lock().iter().cloned().collect()
    }

    pub(crate) fn clear(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> MutexGuard<'_, VecDeque<RecordedRequest>> {
        // Each update is a single push or pop, so a poisoned lock still guards a consistent log.
        self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(target: &str) -> RecordedRequest {
        RecordedRequest {
            method: "GET".to_owned(),
            target: target.to_owned(),
            headers: vec![("ok-access-key".to_owned(), "abc".to_owned())],
            received_at: SystemTime::now(),
        }
    }

    #[test]
    fn log_keeps_newest() {
        let log = RequestLog::new(2);
        log.record(request("/1"));
        log.record(request("/2"));
        log.record(request("/3"));
        let targets: Vec<String> = log.snapshot().into_iter().map(|entry| entry.target).collect();
        assert_eq!(targets, ["/2", "/3"]);
    }

    #[test]
    fn request_accessors() {
        let entry = request("/api/v5/market/ticker?instId=BTC-USDT");
        assert_eq!(entry.path(), "/api/v5/market/ticker");
        assert_eq!(entry.query(), Some("instId=BTC-USDT"));
        assert_eq!(entry.header("OK-ACCESS-KEY"), Some("abc"));
        assert_eq!(request("/a").query(), None);
    }
}
