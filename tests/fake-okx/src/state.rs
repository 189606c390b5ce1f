//! State shared by the server handle and every connection.

use std::io;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use crate::clock::Clock;
use crate::config::Config;
use crate::faults::FaultRules;
use crate::fixtures::FixtureSet;
use crate::keys::KeyRecord;
use crate::recorded::RequestLog;

#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) fixtures_dir: PathBuf,
    fixtures: RwLock<Arc<FixtureSet>>,
    pub(crate) keys: Vec<KeyRecord>,
    pub(crate) clock: Clock,
    pub(crate) faults: FaultRules,
    pub(crate) log: RequestLog,
}

impl Shared {
    /// Loads the fixtures named in `config`, failing when any fixture is invalid.
    pub(crate) fn load(config: Config) -> io::Result<Shared> {
        let fixtures = FixtureSet::load(&config.fixtures_dir)?;
        Ok(Shared {
            fixtures_dir: config.fixtures_dir,
            fixtures: RwLock::new(Arc::new(fixtures)),
            keys: config.keys,
            clock: Clock::default(),
            faults: FaultRules::default(),
            log: RequestLog::new(config.max_recorded_requests),
        })
    }

    /// Returns the current fixtures. A reload does not affect a request already holding them.
    pub(crate) fn fixtures(&self) -> Arc<FixtureSet> {
        let guard = self.fixtures.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        Arc::clone(&guard)
    }

    /// Reloads the fixtures directory and returns the number of fixtures. On error the old
    /// fixtures stay in use.
    pub(crate) fn reload_fixtures(&self) -> io::Result<usize> {
        let fixtures = FixtureSet::load(&self.fixtures_dir)?;
        let count = fixtures.len();
        let mut guard = self.fixtures.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        *guard = Arc::new(fixtures);
        Ok(count)
    }
}
