//! Client-side rate limiting with the quotas documented for each endpoint.
//!
//! OKX counts requests per endpoint, per IP address or per user ID, and for some endpoints per
//! value of a parameter such as `instId`. Each such combination is one bucket here.
//!
//! A bucket is a sliding-window log of grant times. A request is granted at the earliest instant
//! at which fewer than `requests` grants fall within the preceding `window_ms`. So no window of
//! that length ever carries more requests than OKX allows. A call whose turn is further away
//! than [`max_wait`] fails at once instead of queueing.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use tokio::time::Instant;

use crate::endpoint::{LimitKey, RateLimit};
use crate::query::Query;

/// The maximum time any call waits for its turn. Most OKX windows are 1 or 2 s, so this cap applies
/// only to the few endpoints with a 5 or 10 s window.
pub const MAX_WAIT: Duration = Duration::from_secs(5);

/// The bucket count above which idle buckets are dropped. The threshold then doubles with the
/// number of busy buckets, so pruning costs amortized constant time per request.
const PRUNE_THRESHOLD: usize = 256;

/// Returns how long a call to an endpoint with `limit` may wait for its turn: one window, at
/// most [`MAX_WAIT`]. Waiting one window lets a burst of twice the quota through.
pub fn max_wait(limit: &RateLimit) -> Duration {
    window(limit).min(MAX_WAIT)
}

fn window(limit: &RateLimit) -> Duration {
    Duration::from_millis(u64::from(limit.window_ms.max(1)))
}

fn capacity(limit: &RateLimit) -> usize {
    usize::try_from(limit.requests.max(1)).unwrap_or(usize::MAX)
}

/// The quota a request counts against: the endpoint, the caller (IP or user ID) and the value of
/// each dimension parameter.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BucketKey {
    path: &'static str,
    kind: LimitKey,
    /// The encoded value of each dimension parameter in the order of the spec, `None` where the
    /// query lacks it.
    dimensions: Vec<Option<String>>,
}

impl BucketKey {
    /// Builds the key of a request to `path` with `query`.
    ///
    /// A user-ID quota applies only to signed requests, because OKX cannot tell the user of an
    /// unsigned one and counts it per IP. An IP quota stays per IP even on signed requests.
    pub fn new(path: &'static str, limit: &RateLimit, signed: bool, query: &Query) -> Self {
        let kind = match (limit.key, signed) {
            (LimitKey::Uid | LimitKey::MasterUid, true) => limit.key,
            _ => LimitKey::Ip,
        };
        let dimensions = limit.dimensions.iter().map(|name| query_value(query, name)).collect();
        BucketKey { path, kind, dimensions }
    }
}

/// Returns the encoded value of the first `name=value` pair in `query`.
fn query_value(query: &Query, name: &str) -> Option<String> {
    query.as_str().split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key == name).then(|| value.to_owned())
    })
}

/// A request that would have waited longer than its endpoint allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttled {
    /// How long until the bucket has room again, if no other call takes it first.
    pub retry_after: Duration,
}

/// The grants of one bucket, oldest first, at most the quota's `requests` of them. Grant times
/// may lie in the future: they are the turns of calls that are still waiting.
#[derive(Debug)]
struct Bucket {
    window: Duration,
    grants: VecDeque<Instant>,
}

impl Bucket {
    /// True when the bucket would grant a request at `now` at once, like an absent bucket.
    fn is_idle(&self, now: Instant) -> bool {
        self.grants.back().is_none_or(|last| *last + self.window <= now)
    }
}

#[derive(Debug)]
struct State {
    buckets: HashMap<BucketKey, Bucket>,
    prune_at: usize,
}

/// The rate limiter of one client: a bucket per [`BucketKey`].
#[derive(Debug)]
pub struct RateLimiter {
    state: Mutex<State>,
}

impl Default for RateLimiter {
    fn default() -> Self {
        RateLimiter { state: Mutex::new(State { buckets: HashMap::new(), prune_at: PRUNE_THRESHOLD }) }
    }
}

impl RateLimiter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Waits for the request's turn in its bucket, or fails at once when the turn is more than
    /// [`max_wait`] away.
    ///
    /// A turn is reserved before the wait starts, so a call that is cancelled while waiting
    /// still counts against the quota. That errs on the side of sending fewer requests.
    pub async fn acquire(&self, key: BucketKey, limit: &RateLimit) -> Result<(), Throttled> {
        let now = Instant::now();
        let turn = self.reserve(key, limit, now)?;
        // Tokio's timer rounds a deadline up to its next 1 ms tick, so sleeping until a turn
        // that has already come would delay every call that needs no wait by up to 1 ms.
        if turn > now {
            tokio::time::sleep_until(turn).await;
        }
        Ok(())
    }

    /// Reserves the earliest turn at or after `now` and returns it.
    fn reserve(&self, key: BucketKey, limit: &RateLimit, now: Instant) -> Result<Instant, Throttled> {
        let window = window(limit);
        let capacity = capacity(limit);
        let mut state = self.lock();

        let bucket = state.buckets.entry(key).or_insert_with(|| Bucket { window, grants: VecDeque::with_capacity(capacity) });
        let mut turn = now;
        if let Some(last) = bucket.grants.back() {
            // Turns are handed out in order, which keeps the log sorted.
            turn = turn.max(*last);
        }
        if bucket.grants.len() >= capacity {
            // The grant `capacity` places back must lie a full window before this one.
            turn = turn.max(bucket.grants[bucket.grants.len() - capacity] + window);
        }

        let wait = turn.saturating_duration_since(now);
        if wait > max_wait(limit) {
            return Err(Throttled { retry_after: wait });
        }
        bucket.grants.push_back(turn);
        while bucket.grants.len() > capacity {
            bucket.grants.pop_front();
        }

        if state.buckets.len() > state.prune_at {
            state.buckets.retain(|_, bucket| !bucket.is_idle(now));
            state.prune_at = PRUNE_THRESHOLD.max(state.buckets.len() * 2);
        }
        Ok(turn)
    }

    /// Returns the number of buckets held, idle ones included until the next pruning.
    pub fn bucket_count(&self) -> usize {
        self.lock().buckets.len()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Every update leaves the map consistent, so a panic elsewhere cannot corrupt it.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO_PER_SECOND: RateLimit = RateLimit { requests: 2, window_ms: 1000, key: LimitKey::Ip, dimensions: &[] };
    const PER_INSTRUMENT: RateLimit = RateLimit { requests: 1, window_ms: 2000, key: LimitKey::Ip, dimensions: &["instId"] };
    const PER_USER: RateLimit = RateLimit { requests: 1, window_ms: 2000, key: LimitKey::Uid, dimensions: &[] };
    const SLOW: RateLimit = RateLimit { requests: 1, window_ms: 10_000, key: LimitKey::Ip, dimensions: &[] };

    fn key(limit: &RateLimit, signed: bool, pairs: &[(&str, &str)]) -> BucketKey {
        let mut query = Query::new();
        for (name, value) in pairs {
            query.push(name, *value);
        }
        BucketKey::new("/api/v5/test", limit, signed, &query)
    }

    fn ms(value: u64) -> Duration {
        Duration::from_millis(value)
    }

    #[test]
    fn turns_follow_sliding_window() {
        let limiter = RateLimiter::new();
        let start = Instant::now();
        let turns: Vec<Duration> =
            (0..4).map(|_| limiter.reserve(key(&TWO_PER_SECOND, false, &[]), &TWO_PER_SECOND, start).unwrap() - start).collect();
        assert_eq!(turns, [ms(0), ms(0), ms(1000), ms(1000)]);
    }

    #[test]
    fn turn_beyond_max_wait_is_throttled() {
        let limiter = RateLimiter::new();
        let start = Instant::now();
        for _ in 0..4 {
            limiter.reserve(key(&TWO_PER_SECOND, false, &[]), &TWO_PER_SECOND, start).unwrap();
        }
        let error = limiter.reserve(key(&TWO_PER_SECOND, false, &[]), &TWO_PER_SECOND, start).unwrap_err();
        assert_eq!(error.retry_after, ms(2000));
    }

    #[test]
    fn throttled_call_reserves_nothing() {
        let limiter = RateLimiter::new();
        let start = Instant::now();
        for _ in 0..4 {
            limiter.reserve(key(&TWO_PER_SECOND, false, &[]), &TWO_PER_SECOND, start).unwrap();
        }
        assert!(limiter.reserve(key(&TWO_PER_SECOND, false, &[]), &TWO_PER_SECOND, start).is_err());
        let later = start + ms(1000);
        assert_eq!(limiter.reserve(key(&TWO_PER_SECOND, false, &[]), &TWO_PER_SECOND, later).unwrap(), start + ms(2000));
    }

    #[test]
    fn long_window_wait_is_capped() {
        assert_eq!(max_wait(&SLOW), MAX_WAIT);
        assert_eq!(max_wait(&TWO_PER_SECOND), ms(1000));

        let limiter = RateLimiter::new();
        let start = Instant::now();
        limiter.reserve(key(&SLOW, false, &[]), &SLOW, start).unwrap();
        let error = limiter.reserve(key(&SLOW, false, &[]), &SLOW, start).unwrap_err();
        assert_eq!(error.retry_after, ms(10_000));
    }

    #[test]
    fn dimension_values_get_own_buckets() {
        let limiter = RateLimiter::new();
        let start = Instant::now();
        let btc = || key(&PER_INSTRUMENT, false, &[("instId", "BTC-USDT"), ("bar", "1m")]);
        let eth = key(&PER_INSTRUMENT, false, &[("bar", "1m"), ("instId", "ETH-USDT")]);

        assert_eq!(limiter.reserve(btc(), &PER_INSTRUMENT, start).unwrap(), start);
        assert_eq!(limiter.reserve(eth, &PER_INSTRUMENT, start).unwrap(), start, "another instId has its own quota");
        assert_eq!(limiter.reserve(btc(), &PER_INSTRUMENT, start).unwrap(), start + ms(2000), "same instId shares one quota");
    }

    #[test]
    fn other_parameters_share_bucket() {
        let first = key(&PER_INSTRUMENT, false, &[("instId", "BTC-USDT"), ("bar", "1m")]);
        let second = key(&PER_INSTRUMENT, false, &[("instId", "BTC-USDT"), ("bar", "1H")]);
        assert_eq!(first, second);
    }

    #[test]
    fn user_quota_applies_only_when_signed() {
        assert_eq!(key(&PER_USER, true, &[]).kind, LimitKey::Uid);
        assert_eq!(key(&PER_USER, false, &[]).kind, LimitKey::Ip);
        assert_eq!(key(&TWO_PER_SECOND, true, &[]).kind, LimitKey::Ip, "an IP quota stays per IP when signed");
        let master = RateLimit { key: LimitKey::MasterUid, ..PER_USER };
        assert_eq!(key(&master, true, &[]).kind, LimitKey::MasterUid);
    }

    #[test]
    fn idle_buckets_are_pruned() {
        let limiter = RateLimiter::new();
        let start = Instant::now();
        for index in 0..PRUNE_THRESHOLD {
            let value = format!("COIN{index}-USDT");
            limiter.reserve(key(&PER_INSTRUMENT, false, &[("instId", &value)]), &PER_INSTRUMENT, start).unwrap();
        }
        assert_eq!(limiter.bucket_count(), PRUNE_THRESHOLD, "no pruning up to the threshold");

        let later = start + ms(2000);
        limiter.reserve(key(&PER_INSTRUMENT, false, &[("instId", "NEW-USDT")]), &PER_INSTRUMENT, later).unwrap();
        assert_eq!(limiter.bucket_count(), 1, "only the bucket used at the later time is busy");
    }

    #[test]
    fn busy_buckets_survive_pruning() {
        let limiter = RateLimiter::new();
        let start = Instant::now();
        for index in 0..=PRUNE_THRESHOLD * 2 {
            let value = format!("COIN{index}-USDT");
            limiter.reserve(key(&PER_INSTRUMENT, false, &[("instId", &value)]), &PER_INSTRUMENT, start).unwrap();
        }
        assert_eq!(limiter.bucket_count(), PRUNE_THRESHOLD * 2 + 1, "buckets used within the window are kept");
        let turn = limiter.reserve(key(&PER_INSTRUMENT, false, &[("instId", "COIN0-USDT")]), &PER_INSTRUMENT, start + ms(1));
        assert_eq!(turn, Ok(start + ms(2000)), "a kept bucket still enforces its quota");
    }

    #[tokio::test(start_paused = true)]
    async fn acquire_waits_for_turn() {
        let limiter = RateLimiter::new();
        let start = Instant::now();
        for _ in 0..3 {
            limiter.acquire(key(&TWO_PER_SECOND, false, &[]), &TWO_PER_SECOND).await.unwrap();
        }
        assert_eq!(Instant::now() - start, ms(1000), "the third request waits one window");
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_acquires_are_spread() {
        let limiter = std::sync::Arc::new(RateLimiter::new());
        let start = Instant::now();
        let tasks: Vec<_> = (0..5)
            .map(|_| {
                let limiter = limiter.clone();
                tokio::spawn(async move {
                    limiter.acquire(key(&TWO_PER_SECOND, false, &[]), &TWO_PER_SECOND).await.map(|()| Instant::now() - start)
                })
            })
            .collect();
        let mut outcomes = Vec::new();
        for task in tasks {
            outcomes.push(task.await.unwrap());
        }
        let mut granted: Vec<Duration> = outcomes.iter().filter_map(|outcome| outcome.ok()).collect();
        granted.sort();
        let throttled = outcomes.iter().filter(|outcome| outcome.is_err()).count();
        assert_eq!(granted, [ms(0), ms(0), ms(1000), ms(1000)]);
        assert_eq!(throttled, 1);
    }

    #[tokio::test(start_paused = true)]
    async fn quota_refills_after_window() {
        let limiter = RateLimiter::new();
        limiter.acquire(key(&PER_USER, true, &[]), &PER_USER).await.unwrap();
        tokio::time::advance(ms(2000)).await;
        let before = Instant::now();
        limiter.acquire(key(&PER_USER, true, &[]), &PER_USER).await.unwrap();
        assert_eq!(Instant::now(), before, "no wait once the window has passed");
    }
}
