//! API key records that the fake accepts.

/// Permission string that OKX reports in `account/config` for a key with only the Read permission.
pub const READ_ONLY_PERM: &str = "read_only";

/// Live-environment test key: OKX accepts it only without the `x-simulated-trading: 1` header.
pub const LIVE_TEST_KEY: TestKey = TestKey {
    key: "7c1f9d2e-4b6a-4e8d-9a3f-52b0c7e1d864",
    secret: "5E0A93C1B7D24F6E8A1C3B5D7F9E2A40",
    passphrase: "Fake#Live-Pass_2024!",
    demo: false,
};

/// Demo-trading test key: OKX accepts it only with the `x-simulated-trading: 1` header.
pub const DEMO_TEST_KEY: TestKey = TestKey {
    key: "d3a8e6b1-92c4-4f07-b5e2-0a6c9f41b37d",
    secret: "A4C6E8F0B2D413579BDF02468ACE1357",
    passphrase: "Demo$Pass:4711?",
    demo: true,
};

/// Credentials of a built-in test key, usable in `const` context.
///
/// Its permission is always [`READ_ONLY_PERM`]. Convert it with [`TestKey::record`] to change that.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TestKey {
    pub key: &'static str,
    pub secret: &'static str,
    pub passphrase: &'static str,
    /// True for a demo-trading key.
    pub demo: bool,
}

impl TestKey {
    /// Builds the key record that the fake stores for this key.
    pub fn record(&self) -> KeyRecord {
        KeyRecord::new(self.key, self.secret, self.passphrase, self.demo)
    }
}

impl From<TestKey> for KeyRecord {
    fn from(test_key: TestKey) -> Self {
        test_key.record()
    }
}

/// One API key known to the fake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRecord {
    /// Value expected in the `OK-ACCESS-KEY` header.
    pub key: String,
    /// HMAC-SHA256 key for `OK-ACCESS-SIGN`, used as the UTF-8 bytes of this string.
    pub secret: String,
    /// Value expected in the `OK-ACCESS-PASSPHRASE` header.
    pub passphrase: String,
    /// True for a demo-trading key, which requires the `x-simulated-trading: 1` header.
    pub demo: bool,
    /// Value served as `perm` in `account/config`, for example `"read_only,trade"`.
    pub perm: String,
}

impl KeyRecord {
    /// Creates a record with the permission [`READ_ONLY_PERM`].
    pub fn new(key: impl Into<String>, secret: impl Into<String>, passphrase: impl Into<String>, demo: bool) -> Self {
        KeyRecord { key: key.into(), secret: secret.into(), passphrase: passphrase.into(), demo, perm: READ_ONLY_PERM.to_owned() }
    }

    /// Replaces the permission string, for example with `"read_only,trade"`.
    pub fn with_perm(mut self, perm: impl Into<String>) -> Self {
        self.perm = perm.into();
        self
    }
}
