//! The fake's clock: real time plus an adjustable skew.

use std::sync::atomic::{AtomicI64, Ordering};

use time::{Duration, OffsetDateTime};

/// Wall clock shifted by a skew in milliseconds, shared by all connections.
#[derive(Debug, Default)]
pub(crate) struct Clock {
    skew_ms: AtomicI64,
}

impl Clock {
    pub(crate) fn set_skew_ms(&self, skew_ms: i64) {
        self.skew_ms.store(skew_ms, Ordering::Relaxed);
    }

    pub(crate) fn now(&self) -> OffsetDateTime {
        let skew = Duration::milliseconds(self.skew_ms.load(Ordering::Relaxed));
        OffsetDateTime::now_utc().saturating_add(skew)
    }

    /// Returns the fake time as Unix milliseconds, the unit of OKX's `ts` fields.
    pub(crate) fn now_ms(&self) -> i64 {
        let nanos = self.now().unix_timestamp_nanos();
        i64::try_from(nanos / 1_000_000).expect("Unix milliseconds fit in i64")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skew_moves_now() {
        let clock = Clock::default();
        let before = clock.now_ms();
        clock.set_skew_ms(-3_600_000);
        let skewed = clock.now_ms();
        assert!(before - skewed >= 3_599_000, "before {before}, skewed {skewed}");
        assert!(before - skewed <= 3_601_000, "before {before}, skewed {skewed}");
    }
}
