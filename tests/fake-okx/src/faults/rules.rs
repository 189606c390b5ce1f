//! The list of active fault rules and how a request is matched against it.

use std::sync::Mutex;

use super::random::SplitMix64;
use super::{Fault, FaultRule};

#[derive(Debug)]
struct ActiveRule {
    rule: FaultRule,
    /// Generator state, present for [`Fault::Random`] rules only.
    generator: Option<SplitMix64>,
}

/// Fault rules in the order they were pushed, shared by all connections.
#[derive(Debug, Default)]
pub(crate) struct FaultRules {
    active: Mutex<Vec<ActiveRule>>,
}

impl FaultRules {
    pub(crate) fn push(&self, rule: FaultRule) {
        if rule.times == Some(0) {
            return;
        }
        let generator = match rule.fault {
            Fault::Random { seed, .. } => Some(SplitMix64::new(seed)),
            _ => None,
        };
        self.lock().push(ActiveRule { rule, generator });
    }

    pub(crate) fn clear(&self) {
        self.lock().clear();
    }

    /// Picks the fault for a request to `path` from the first rule that applies, and counts it
    /// against that rule's `times`.
    ///
    /// A [`Fault::Random`] rule that decides not to fault passes the request on to later rules.
    /// The returned fault is never `Random`.
    pub(crate) fn next_fault(&self, path: &str) -> Option<Fault> {
        let mut active = self.lock();
        let mut chosen = None;
        for (index, entry) in active.iter_mut().enumerate() {
            if entry.rule.path.as_deref().is_some_and(|rule_path| rule_path != path) {
                continue;
            }
            let fault = match (&entry.rule.fault, entry.generator.as_mut()) {
                (Fault::Random { percent, .. }, Some(generator)) => generator.draw(*percent),
                (fault, _) => Some(fault.clone()),
            };
            if let Some(fault) = fault {
                chosen = Some((index, fault));
                break;
            }
        }

        let (index, fault) = chosen?;
        if let Some(remaining) = active[index].rule.times.as_mut() {
            *remaining -= 1;
            if *remaining == 0 {
                active.remove(index);
            }
        }
        Some(fault)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<ActiveRule>> {
        // A panic while holding the lock cannot leave the list half-updated, so a poisoned lock is
        // still usable.
        self.active.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_limits_a_rule() {
        let rules = FaultRules::default();
        rules.push(FaultRule::new(Fault::EmptyBody).times(2));
        assert_eq!(rules.next_fault("/a"), Some(Fault::EmptyBody));
        assert_eq!(rules.next_fault("/b"), Some(Fault::EmptyBody));
        assert_eq!(rules.next_fault("/a"), None);
    }

    #[test]
    fn path_rule_skips_other_paths() {
        let rules = FaultRules::default();
        rules.push(FaultRule::new(Fault::Html).on_path("/a").times(1));
        rules.push(FaultRule::new(Fault::RateLimit));
        assert_eq!(rules.next_fault("/b"), Some(Fault::RateLimit));
        assert_eq!(rules.next_fault("/a"), Some(Fault::Html));
        assert_eq!(rules.next_fault("/a"), Some(Fault::RateLimit));
    }

    #[test]
    fn zero_times_never_applies() {
        let rules = FaultRules::default();
        rules.push(FaultRule::new(Fault::Html).times(0));
        assert_eq!(rules.next_fault("/a"), None);
    }

    #[test]
    fn random_never_returned_as_is() {
        let rules = FaultRules::default();
        rules.push(FaultRule::new(Fault::Random { percent: 100, seed: 9 }).times(3));
        for _ in 0..3 {
            let fault = rules.next_fault("/a").expect("100 % always faults");
            assert!(!matches!(fault, Fault::Random { .. }));
        }
        assert_eq!(rules.next_fault("/a"), None);
    }

    #[test]
    fn random_miss_falls_through() {
        let rules = FaultRules::default();
        rules.push(FaultRule::new(Fault::Random { percent: 0, seed: 9 }));
        rules.push(FaultRule::new(Fault::EmptyBody));
        assert_eq!(rules.next_fault("/a"), Some(Fault::EmptyBody));
    }

    #[test]
    fn clear_removes_all() {
        let rules = FaultRules::default();
        rules.push(FaultRule::new(Fault::Html));
        rules.clear();
        assert_eq!(rules.next_fault("/a"), None);
    }
}
