//! Deterministic choice of error faults for [`Fault::Random`].

use super::Fault;

/// SplitMix64, a small pseudo-random generator. Its quality is ample for picking faults and it
/// needs no dependency.
#[derive(Debug, Clone)]
pub(super) struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub(super) fn new(seed: u64) -> Self {
        SplitMix64 { state: seed }
    }

    pub(super) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut mixed = self.state;
        mixed = (mixed ^ (mixed >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        mixed = (mixed ^ (mixed >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        mixed ^ (mixed >> 31)
    }

    /// Returns a value in `0..bound`. The modulo bias is negligible for the small bounds used here.
    fn below(&mut self, bound: u64) -> u64 {
        self.next_u64() % bound
    }

    /// Decides whether a request gets a fault, and which one.
    pub(super) fn draw(&mut self, percent: u8) -> Option<Fault> {
        let percent = u64::from(percent.min(100));
        if self.below(100) >= percent {
            return None;
        }
        let pool = random_pool();
        let index = usize::try_from(self.below(pool.len() as u64)).expect("pool index fits in usize");
        Some(pool[index].clone())
    }
}

pub(super) fn random_pool() -> [Fault; 8] {
    [
        Fault::RateLimit,
        okx_error(429, "50013", "Systems are busy. Please try again later."),
        okx_error(503, "50001", "Service temporarily unavailable. Please try again later."),
        okx_error(500, "50026", "System error. Try again later"),
        Fault::Html,
        Fault::InvalidJson,
        Fault::EmptyBody,
        Fault::Truncated,
    ]
}

fn okx_error(http: u16, code: &str, msg: &str) -> Fault {
    Fault::OkxError { http, code: code.to_owned(), msg: msg.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_faults() {
        let mut first = SplitMix64::new(42);
        let mut second = SplitMix64::new(42);
        for _ in 0..200 {
            assert_eq!(first.draw(30), second.draw(30));
        }
    }

    #[test]
    fn rate_is_roughly_honoured() {
        let mut generator = SplitMix64::new(7);
        let faulted = (0..10_000).filter(|_| generator.draw(25).is_some()).count();
        assert!((2_200..=2_800).contains(&faulted), "faulted {faulted} of 10000 at 25 %");
    }

    #[test]
    fn zero_and_hundred_percent() {
        let mut generator = SplitMix64::new(1);
        assert!((0..1_000).all(|_| generator.draw(0).is_none()));
        assert!((0..1_000).all(|_| generator.draw(100).is_some()));
        assert!((0..1_000).all(|_| generator.draw(250).is_some()));
    }

    #[test]
    fn every_pool_fault_occurs() {
        let mut generator = SplitMix64::new(3);
        let drawn: Vec<Fault> = (0..2_000).filter_map(|_| generator.draw(100)).collect();
        for fault in random_pool() {
            assert!(drawn.contains(&fault), "{fault:?} never drawn");
        }
    }
}
