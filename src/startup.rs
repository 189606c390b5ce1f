//! Checks made once at start-up when credentials are set: the API key's permissions and the
//! offset between this computer's clock and OKX's.
//!
//! Both requests run concurrently, each capped at [`CHECK_TIMEOUT`]. Normally they run in the
//! background while the server already responds to the MCP host, so start-up never waits for
//! the network. With `--require-read-only-key` they finish before serving, because a key that can
//! trade must stop the server before the host sees any tool.

use std::time::Duration;

use crate::client::Client;
use crate::config::ConfigError;
use crate::error::{CallError, ErrorContext};
use crate::generated::AccountConfigRequest;
use crate::request::ReadRequest;
use crate::server::OkxServer;

/// The maximum time each start-up check waits for OKX. Both run concurrently, so a strict start-up
/// waits at most this long.
pub const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

/// The clock offset above which start-up warns. OKX rejects timestamps more than 30 s away from
/// its clock. The client corrects for the measured offset, but a clock this far off is worth
/// fixing.
pub const CLOCK_WARNING_MS: i64 = 5_000;

/// The permissions in `perm` that let a key change the account.
const WRITE_PERMISSIONS: [&str; 2] = ["trade", "withdraw"];

/// Runs the start-up checks for `server` when it has credentials.
///
/// When `require_read_only_key` is set, the checks finish before this returns, and a key with
/// trade or withdraw permission, or a permission check that fails, is an error that should stop
/// start-up. Otherwise the checks run in a background task that only logs warnings, and this
/// returns at once. A failed clock measurement never stops start-up.
pub async fn run_checks(server: &OkxServer, require_read_only_key: bool) -> Result<(), ConfigError> {
    if server.client().config().credentials.is_none() {
        if require_read_only_key {
            tracing::info!("--require-read-only-key has nothing to check: no API credentials are set");
        }
        return Ok(());
    }
    if require_read_only_key {
        return check(server.client(), true).await;
    }
    let server = server.clone();
    tokio::spawn(async move {
        // Without strict mode `check` logs its findings and never returns an error.
        let _ = check(server.client(), false).await;
    });
    Ok(())
}

async fn check(client: &Client, strict: bool) -> Result<(), ConfigError> {
    let (clock, permissions) = tokio::join!(
        tokio::time::timeout(CHECK_TIMEOUT, client.sync_clock()),
        tokio::time::timeout(CHECK_TIMEOUT, read_permissions(client))
    );

    match clock {
        Ok(Ok(offset_ms)) => report_clock_offset(offset_ms),
        Ok(Err(error)) => tracing::info!(error = %error, "could not read OKX's clock at start-up; timestamps use this computer's clock"),
        Err(_) => tracing::info!(
            timeout_ms = CHECK_TIMEOUT.as_millis(),
            "OKX's clock did not answer in time at start-up; timestamps use this computer's clock"
        ),
    }

    let permissions = match permissions {
        Ok(Ok(permissions)) => permissions,
        Ok(Err(error)) => return permission_check_failed(strict, &describe_error(client, &error)),
        Err(_) => return permission_check_failed(strict, &format!("OKX did not answer within {} s", CHECK_TIMEOUT.as_secs())),
    };
    let granted = write_permissions(&permissions);
    if granted.is_empty() {
        tracing::debug!(perm = %permissions, "the API key is read-only");
        return Ok(());
    }
    let granted = granted.join(" and ");
    if strict {
        return Err(ConfigError(format!(
            "the API key has the {granted} permission (perm {permissions:?}), and --require-read-only-key (OKX_REQUIRE_READ_ONLY_KEY) accepts only keys with the Read permission alone. Create an API key with only Read on the OKX website and set it in OKX_API_KEY, OKX_API_SECRET and OKX_API_PASSPHRASE"
        )));
    }
    tracing::warn!(
        perm = %permissions,
        "the API key has the {granted} permission. okx-mcp sends only read requests, but anyone who obtains this key can use it fully: create a key with only the Read permission, or start with --require-read-only-key to refuse such keys"
    );
    Ok(())
}

/// Reads the key's permissions from `GET /api/v5/account/config`: the `perm` field, a comma
/// list such as `read_only,trade`.
pub async fn read_permissions(client: &Client) -> Result<String, CallError> {
    let rows = client.send(&AccountConfigRequest::new()).await?;
    rows.into_iter().find_map(|row| row.perm).ok_or_else(|| CallError::InvalidResponse {
        message: format!("{} returned no `perm` field", AccountConfigRequest::ENDPOINT.path),
        http_status: 200,
    })
}

/// Returns the permissions in `perm` that let a key trade or withdraw.
pub fn write_permissions(perm: &str) -> Vec<&'static str> {
    let granted: Vec<&str> = perm.split(',').map(str::trim).collect();
    WRITE_PERMISSIONS.into_iter().filter(|permission| granted.contains(permission)).collect()
}

fn report_clock_offset(offset_ms: i64) {
    if offset_ms.abs() <= CLOCK_WARNING_MS {
        tracing::debug!(offset_ms, "measured OKX's clock");
        return;
    }
    let direction = if offset_ms > 0 { "behind" } else { "ahead of" };
    tracing::warn!(
        offset_ms,
        "this computer's clock is {:.1} s {direction} OKX's; signed requests are stamped with OKX's time, but synchronise the clock (NTP)",
        offset_ms.unsigned_abs() as f64 / 1000.0
    );
}

fn permission_check_failed(strict: bool, reason: &str) -> Result<(), ConfigError> {
    let path = AccountConfigRequest::ENDPOINT.path;
    if strict {
        return Err(ConfigError(format!(
            "cannot read the API key's permissions from {path}: {reason}. --require-read-only-key (OKX_REQUIRE_READ_ONLY_KEY) needs that check to pass; fix the problem or start without the flag"
        )));
    }
    tracing::warn!("cannot read the API key's permissions from {path}: {reason}");
    Ok(())
}

/// Returns the error with its hint, as the tool result would show it.
fn describe_error(client: &Client, error: &CallError) -> String {
    let config = client.config();
    let context = ErrorContext {
        endpoint: AccountConfigRequest::ENDPOINT.path,
        site: config.site_label(),
        environment: config.environment(),
        base_url: &config.base_url,
    };
    match error.hint(&context) {
        // OKX's msg often ends with a full stop already.
        Some(hint) => format!("{}. {hint}", error.to_string().trim_end_matches('.')),
        None => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_only_has_no_write_permission() {
        assert!(write_permissions("read_only").is_empty());
    }

    #[test]
    fn trade_and_withdraw_are_found() {
        assert_eq!(write_permissions("read_only,trade"), ["trade"]);
        assert_eq!(write_permissions("read_only, withdraw,trade"), ["trade", "withdraw"]);
    }

    #[test]
    fn similar_names_are_not_matched() {
        assert!(write_permissions("read_only,trade_history").is_empty());
    }
}
