//! Server configuration from environment variables and command-line flags.
//!
//! Credentials come from the environment only, never from flags or tool arguments, so they do
//! not show up in process listings or in the model's context.

use std::time::Duration;

use crate::credentials::{ApiKey, ApiSecret, Credentials, Passphrase};

/// The OKX site an account belongs to; API keys work only on their own site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Site {
    Global,
    Eea,
    Us,
}

impl Site {
    pub const ALL: [Site; 3] = [Site::Global, Site::Eea, Site::Us];

    pub fn as_str(self) -> &'static str {
        match self {
            Site::Global => "global",
            Site::Eea => "eea",
            Site::Us => "us",
        }
    }

    /// Returns the REST base URL of the site.
    pub fn base_url(self) -> &'static str {
        match self {
            Site::Global => "https://www.okx.com",
            Site::Eea => "https://eea.okx.com",
            Site::Us => "https://app.okx.com",
        }
    }

    pub fn parse(text: &str) -> Result<Site, ConfigError> {
        Site::ALL.into_iter().find(|site| site.as_str() == text.trim().to_ascii_lowercase()).ok_or_else(|| {
            ConfigError(format!("invalid OKX_SITE {text:?}: use global (www.okx.com), eea (eea.okx.com) or us (app.okx.com)"))
        })
    }
}

/// A configuration problem that stops start-up; the message names the variable and the fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

/// The default request timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// The connect timeout, shorter than the request timeout so that an unreachable host fails fast.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Everything the client needs to reach OKX.
#[derive(Debug, Clone)]
pub struct Config {
    pub site: Site,
    /// The base URL requests go to, without a trailing slash.
    pub base_url: String,
    /// True when `OKX_BASE_URL` replaced the site's URL.
    pub custom_base_url: bool,
    pub demo: bool,
    pub credentials: Option<Credentials>,
    pub timeout: Duration,
}

impl Config {
    /// Returns the site name results report: the site, or `custom` under a base URL override.
    pub fn site_label(&self) -> &'static str {
        if self.custom_base_url { "custom" } else { self.site.as_str() }
    }

    /// Returns `live` or `demo`.
    pub fn environment(&self) -> &'static str {
        if self.demo { "demo" } else { "live" }
    }
}

/// Values given on the command line; each overrides its environment variable.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub site: Option<String>,
    pub demo: bool,
    pub timeout_ms: Option<u64>,
}

/// Reads the configuration through `lookup`, which returns an environment variable's value.
pub fn load(lookup: impl Fn(&str) -> Option<String>, overrides: &Overrides) -> Result<Config, ConfigError> {
    let lookup = |name: &str| lookup(name).map(|value| value.trim().to_owned()).filter(|value| !value.is_empty());

    let site = match overrides.site.as_deref().map(str::to_owned).or_else(|| lookup("OKX_SITE")) {
        Some(text) => Site::parse(&text)?,
        None => Site::Global,
    };

    let (base_url, custom_base_url) = match lookup("OKX_BASE_URL") {
        Some(url) => (check_base_url(&url)?, true),
        None => (site.base_url().to_owned(), false),
    };

    let demo = overrides.demo || parse_flag("OKX_DEMO", lookup("OKX_DEMO"))?;

    let timeout = match overrides.timeout_ms.map(|ms| ms.to_string()).or_else(|| lookup("OKX_TIMEOUT_MS")) {
        Some(text) => parse_timeout(&text)?,
        None => DEFAULT_TIMEOUT,
    };

    let credentials = load_credentials(&lookup)?;
    Ok(Config { site, base_url, custom_base_url, demo, credentials, timeout })
}

fn parse_flag(name: &str, value: Option<String>) -> Result<bool, ConfigError> {
    match value.as_deref().map(str::to_ascii_lowercase).as_deref() {
        None | Some("0" | "false" | "no" | "off") => Ok(false),
        Some("1" | "true" | "yes" | "on") => Ok(true),
        Some(other) => Err(ConfigError(format!("invalid {name} {other:?}: use 1 for demo trading or 0 for live"))),
    }
}

fn parse_timeout(text: &str) -> Result<Duration, ConfigError> {
    match text.parse::<u64>() {
        Ok(ms) if (100..=600_000).contains(&ms) => Ok(Duration::from_millis(ms)),
        _ => Err(ConfigError(format!("invalid OKX_TIMEOUT_MS {text:?}: give milliseconds from 100 to 600000, e.g. 10000"))),
    }
}

/// Accepts `https://` URLs, and `http://` only for loopback hosts such as a local test server.
pub fn check_base_url(text: &str) -> Result<String, ConfigError> {
    let url = url::Url::parse(text).map_err(|error| {
        let fix = if text.contains("://") { "" } else { "; start it with https:// (or http:// for a loopback host)" };
        ConfigError(format!("invalid OKX_BASE_URL {text:?}: {error}{fix}"))
    })?;
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() || url.password().is_some() {
        return Err(ConfigError(format!(
            "invalid OKX_BASE_URL {text:?}: give only scheme, host and port, e.g. https://www.okx.com; paths start with /api/v5 by themselves"
        )));
    }
    let loopback = match url.host() {
        Some(url::Host::Ipv4(address)) => address.is_loopback(),
        Some(url::Host::Ipv6(address)) => address.is_loopback(),
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        None => false,
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err(ConfigError(format!(
                "invalid OKX_BASE_URL {text:?}: plain http is accepted only for loopback hosts (127.0.0.1, ::1, localhost); use https"
            )));
        }
        other => return Err(ConfigError(format!("invalid OKX_BASE_URL {text:?}: scheme {other} is not http or https"))),
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// Reads the three credential variables, each under its two accepted names.
fn load_credentials(lookup: &impl Fn(&str) -> Option<String>) -> Result<Option<Credentials>, ConfigError> {
    let key = lookup("OKX_API_KEY");
    let secret = either(lookup, "OKX_API_SECRET", "OKX_SECRET_KEY")?;
    let passphrase = either(lookup, "OKX_API_PASSPHRASE", "OKX_PASSPHRASE")?;

    match (key, secret, passphrase) {
        (None, None, None) => Ok(None),
        (Some(key), Some(secret), Some(passphrase)) => {
            Ok(Some(Credentials { key: ApiKey::new(key), secret: ApiSecret::new(secret), passphrase: Passphrase::new(passphrase) }))
        }
        (key, secret, passphrase) => {
            let mut missing = Vec::new();
            if key.is_none() {
                missing.push("OKX_API_KEY");
            }
            if secret.is_none() {
                missing.push("OKX_API_SECRET (or OKX_SECRET_KEY)");
            }
            if passphrase.is_none() {
                missing.push("OKX_API_PASSPHRASE (or OKX_PASSPHRASE)");
            }
            Err(ConfigError(format!(
                "incomplete OKX credentials: {} not set. Set all three of OKX_API_KEY, OKX_API_SECRET and OKX_API_PASSPHRASE, or none for public market data only",
                missing.join(" and ")
            )))
        }
    }
}

/// Reads a value that may come under two names; both set to different values is an error.
fn either(lookup: &impl Fn(&str) -> Option<String>, name: &str, alias: &str) -> Result<Option<String>, ConfigError> {
    match (lookup(name), lookup(alias)) {
        (Some(first), Some(second)) if first != second => {
            Err(ConfigError(format!("conflicting credentials: {name} and {alias} are both set, to different values; unset one of them")))
        }
        (Some(value), _) | (None, Some(value)) => Ok(Some(value)),
        (None, None) => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn load_from(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        load(|name| map.get(name).cloned(), &Overrides::default())
    }

    #[test]
    fn defaults_are_global_live_public() {
        let config = load_from(&[]).unwrap();
        assert_eq!(config.base_url, "https://www.okx.com");
        assert_eq!(config.site_label(), "global");
        assert!(!config.demo);
        assert!(config.credentials.is_none());
        assert_eq!(config.timeout, DEFAULT_TIMEOUT);
    }

    #[test]
    fn site_selects_host() {
        assert_eq!(load_from(&[("OKX_SITE", "eea")]).unwrap().base_url, "https://eea.okx.com");
        assert_eq!(load_from(&[("OKX_SITE", "US")]).unwrap().base_url, "https://app.okx.com");
    }

    #[test]
    fn unknown_site_lists_valid_ones() {
        let error = load_from(&[("OKX_SITE", "europe")]).unwrap_err();
        assert!(error.0.contains("\"europe\""), "{error}");
        for site in ["global", "eea", "us"] {
            assert!(error.0.contains(site), "{site} missing: {error}");
        }
    }

    #[test]
    fn plain_http_only_for_loopback() {
        assert_eq!(load_from(&[("OKX_BASE_URL", "http://127.0.0.1:8080/")]).unwrap().base_url, "http://127.0.0.1:8080");
        assert!(load_from(&[("OKX_BASE_URL", "http://[::1]:9000")]).is_ok());
        assert!(load_from(&[("OKX_BASE_URL", "http://localhost:9000")]).is_ok());
        let error = load_from(&[("OKX_BASE_URL", "http://example.org")]).unwrap_err();
        assert!(error.0.contains("loopback"), "{error}");
        assert!(load_from(&[("OKX_BASE_URL", "ftp://127.0.0.1")]).is_err());
    }

    #[test]
    fn base_url_with_path_is_rejected() {
        let error = load_from(&[("OKX_BASE_URL", "https://www.okx.com/api/v5")]).unwrap_err();
        assert!(error.0.contains("scheme, host and port"), "{error}");
    }

    #[test]
    fn base_url_without_scheme_gets_hint() {
        let error = load_from(&[("OKX_BASE_URL", "127.0.0.1:8080")]).unwrap_err();
        assert!(error.0.contains("start it with https://"), "{error}");
    }

    #[test]
    fn partial_credentials_name_missing_variables() {
        let error = load_from(&[("OKX_API_KEY", "k")]).unwrap_err();
        assert!(error.0.contains("OKX_API_SECRET"), "{error}");
        assert!(error.0.contains("OKX_API_PASSPHRASE"), "{error}");
        assert!(!error.0.contains("k\""), "{error}");
    }

    #[test]
    fn credential_aliases_are_accepted() {
        let config = load_from(&[("OKX_API_KEY", "k"), ("OKX_SECRET_KEY", "s"), ("OKX_PASSPHRASE", "p")]).unwrap();
        let credentials = config.credentials.unwrap();
        assert_eq!(credentials.secret.expose(), "s");
        assert_eq!(credentials.passphrase.expose(), "p");
    }

    #[test]
    fn conflicting_aliases_stop_start_up() {
        let error = load_from(&[("OKX_API_KEY", "k"), ("OKX_API_SECRET", "s1"), ("OKX_SECRET_KEY", "s2"), ("OKX_API_PASSPHRASE", "p")])
            .unwrap_err();
        assert!(error.0.contains("OKX_API_SECRET and OKX_SECRET_KEY"), "{error}");
        assert!(!error.0.contains("s1"), "{error}");
        assert!(!error.0.contains("s2"), "{error}");
    }

    #[test]
    fn credential_values_are_trimmed() {
        let config = load_from(&[("OKX_API_KEY", " k\n"), ("OKX_API_SECRET", "s "), ("OKX_API_PASSPHRASE", "\tp")]).unwrap();
        assert_eq!(config.credentials.unwrap().key.expose(), "k");
    }

    #[test]
    fn demo_flag_values() {
        assert!(load_from(&[("OKX_DEMO", "1")]).unwrap().demo);
        assert!(!load_from(&[("OKX_DEMO", "0")]).unwrap().demo);
        assert!(load_from(&[("OKX_DEMO", "maybe")]).is_err());
    }

    #[test]
    fn timeout_bounds() {
        assert_eq!(load_from(&[("OKX_TIMEOUT_MS", "2500")]).unwrap().timeout, Duration::from_millis(2500));
        assert!(load_from(&[("OKX_TIMEOUT_MS", "0")]).is_err());
        assert!(load_from(&[("OKX_TIMEOUT_MS", "ten")]).is_err());
    }
}
