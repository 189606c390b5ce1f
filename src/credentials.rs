//! API credentials as types that cannot leak through `Debug` or serialisation.
//!
//! None of these types implements `Display` or `Serialize`, and their `Debug` prints only
//! `<redacted>`, so a stray `{:?}` or `tracing` field cannot print a secret.

use std::fmt;

/// The API key (`OK-ACCESS-KEY`).
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

/// The secret key that signs requests; it never leaves the process.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiSecret(String);

/// The passphrase chosen when the key was created (`OK-ACCESS-PASSPHRASE`).
#[derive(Clone, PartialEq, Eq)]
pub struct Passphrase(String);

macro_rules! redacted_text {
    ($name:ident) => {
        impl $name {
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// Returns the secret text, for signing and headers only.
            pub fn expose(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(formatter, concat!(stringify!($name), "(<redacted>)"))
            }
        }
    };
}

redacted_text!(ApiKey);
redacted_text!(ApiSecret);
redacted_text!(Passphrase);

/// The three values OKX needs to sign a request.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub key: ApiKey,
    pub secret: ApiSecret,
    pub passphrase: Passphrase,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("Credentials(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_every_value() {
        let credentials = Credentials {
            key: ApiKey::new("key-value-1"),
            secret: ApiSecret::new("secret-value-2"),
            passphrase: Passphrase::new("passphrase-value-3"),
        };
        let printed = format!("{credentials:?} {:?} {:?} {:?}", credentials.key, credentials.secret, credentials.passphrase);
        for value in ["key-value-1", "secret-value-2", "passphrase-value-3"] {
            assert!(!printed.contains(value), "{printed}");
        }
        assert!(printed.contains("<redacted>"));
    }
}
