//! The log of requests the fake received, for tests to inspect.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::SystemTime;

/// What became of a request after it was recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestOutcome {
    /// The handler is still working on it, for example during a `Delay` fault.
    Pending,
    /// The handler produced a reply and handed it to the connection.
    Replied,
    /// The handler was dropped before it produced a reply, because the client closed the
    /// connection or the server stopped.
    Dropped,
}

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
    /// Whether a reply was produced, as of the moment the log was read.
    pub outcome: RequestOutcome,
    /// Position in arrival order, used to update `outcome`.
    sequence: u64,
}

impl RecordedRequest {
    /// Creates a pending request; the log assigns its sequence number.
    pub(crate) fn new(method: String, target: String, headers: Vec<(String, String)>, received_at: SystemTime) -> Self {
        RecordedRequest { method, target, headers, received_at, outcome: RequestOutcome::Pending, sequence: 0 }
    }

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
    next_sequence: AtomicU64,
}

impl RequestLog {
    pub(crate) fn new(capacity: usize) -> Self {
        RequestLog { capacity, entries: Mutex::new(VecDeque::new()), next_sequence: AtomicU64::new(0) }
    }

    /// Appends `request` and returns its sequence number for [`RequestLog::set_outcome`].
    pub(crate) fn record(&self, mut request: RecordedRequest) -> u64 {
        let sequence = self.next_sequence.fetch_add(1, Ordering::Relaxed);
        if self.capacity == 0 {
            return sequence;
        }
        request.sequence = sequence;
        let mut entries = self.lock();
        if entries.len() == self.capacity {
            entries.pop_front();
        }
        entries.push_back(request);
        sequence
    }

    /// Sets the outcome of the request with `sequence`, if it is still in the log.
    pub(crate) fn set_outcome(&self, sequence: u64, outcome: RequestOutcome) {
        let mut entries = self.lock();
        if let Some(entry) = entries.iter_mut().rev().find(|entry| entry.sequence == sequence) {
            entry.outcome = outcome;
        }
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
        RecordedRequest::new("GET".to_owned(), target.to_owned(), vec![("ok-access-key".to_owned(), "abc".to_owned())], SystemTime::now())
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
    fn outcome_updates_the_matching_entry() {
        let log = RequestLog::new(2);
        let first = log.record(request("/1"));
        let second = log.record(request("/2"));
        log.set_outcome(second, RequestOutcome::Dropped);
        log.set_outcome(first, RequestOutcome::Replied);
        let outcomes: Vec<RequestOutcome> = log.snapshot().into_iter().map(|entry| entry.outcome).collect();
        assert_eq!(outcomes, [RequestOutcome::Replied, RequestOutcome::Dropped]);
    }

    #[test]
    fn outcome_of_evicted_entry_is_ignored() {
        let log = RequestLog::new(1);
        let first = log.record(request("/1"));
        log.record(request("/2"));
        log.set_outcome(first, RequestOutcome::Replied);
        let snapshot = log.snapshot();
        assert_eq!(snapshot.len(), 1);
        assert_eq!(snapshot[0].outcome, RequestOutcome::Pending);
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
