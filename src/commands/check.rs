//! `okx-mcp check`: checks the configuration, the connection to OKX, the clock offset and the
//! API key, one line per check.

use std::fmt::Display;
use std::process::ExitCode;
use std::time::Instant;

use super::{EXIT_FAILURE, env_lookup, output};
use crate::app;
use crate::cli::Cli;
use crate::client::Client;
use crate::config::Config;
use crate::error::{CallError, ErrorContext};
use crate::generated::{AccountConfigRequest, PublicTimeRequest};
use crate::request::ReadRequest;
use crate::startup;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Ok,
    Warn,
    Fail,
}

impl Status {
    fn label(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warn => "warn",
            Status::Fail => "fail",
        }
    }
}

/// Prints check results and remembers whether any failed.
#[derive(Debug, Default)]
struct Report {
    failed: bool,
}

/// The exit code to stop with at once, because stdout cannot take more lines.
type Stop = ExitCode;

impl Report {
    fn line(&mut self, status: Status, check: &str, detail: impl Display) -> Result<(), Stop> {
        self.failed |= status == Status::Fail;
        output::stdout(&format!("{:<4}  {check:<11}  {detail}\n", status.label()))
    }

    fn exit_code(&self) -> ExitCode {
        if self.failed { ExitCode::from(EXIT_FAILURE) } else { ExitCode::SUCCESS }
    }
}

/// Runs every check and prints one line for each. It stops after a failed connection check,
/// because every later check needs a response from OKX, and as soon as stdout is closed.
pub async fn run(cli: &Cli) -> ExitCode {
    let mut report = Report::default();
    match run_checks(&mut report, cli).await {
        Ok(()) => report.exit_code(),
        Err(code) => code,
    }
}

async fn run_checks(report: &mut Report, cli: &Cli) -> Result<(), Stop> {
    let server = match app::build_server(cli, env_lookup) {
        Ok(server) => server,
        Err(error) => return report.line(Status::Fail, "config", error),
    };
    let client = server.client();
    let config = client.config();

    report.line(Status::Ok, "config", describe_config(config))?;
    if config.credentials.is_some() {
        report.line(Status::Ok, "credentials", "set in the environment (values not shown)")?;
    } else {
        report.line(Status::Ok, "credentials", "not set, so only public tools are served")?;
    }
    match server.tools().len() {
        0 => report.line(Status::Warn, "tools", "no tools served: the toolsets hold only private tools, which need credentials")?,
        count => report.line(Status::Ok, "tools", format!("{count} tools served"))?,
    }

    let Some(offset_ms) = check_connection(report, client).await? else {
        return Ok(());
    };
    check_clock(report, offset_ms)?;
    if config.credentials.is_some() {
        check_key(report, client, cli.require_read_only_key).await?;
    }
    Ok(())
}

fn describe_config(config: &Config) -> String {
    let target = if config.custom_base_url {
        format!("base URL {} from OKX_BASE_URL", config.base_url)
    } else {
        format!("site {} ({})", config.site_label(), config.base_url)
    };
    format!("{target}, {} environment, request timeout {} ms", config.environment(), config.timeout.as_millis())
}

/// Reads OKX's time as the server does at start-up, which also makes the client stamp later
/// requests with OKX's time. Returns the clock offset (OKX's minus this computer's) in
/// milliseconds, or `None` when OKX could not be reached.
async fn check_connection(report: &mut Report, client: &Client) -> Result<Option<i64>, Stop> {
    let path = PublicTimeRequest::ENDPOINT.path;
    let started = Instant::now();
    let measured = client.sync_clock().await;
    let round_trip_ms = started.elapsed().as_millis();

    match measured {
        Ok(offset_ms) => {
            report.line(Status::Ok, "connection", format!("GET {path} answered in {round_trip_ms} ms"))?;
            Ok(Some(offset_ms))
        }
        Err(error) => {
            report.line(Status::Fail, "connection", describe_error(&error, path, client.config()))?;
            Ok(None)
        }
    }
}

fn check_clock(report: &mut Report, offset_ms: i64) -> Result<(), Stop> {
    let detail = format!("OKX's clock minus this computer's is {offset_ms:+} ms");
    if offset_ms.abs() <= startup::CLOCK_WARNING_MS {
        report.line(Status::Ok, "clock", detail)
    } else {
        report.line(
            Status::Warn,
            "clock",
            format!(
                "{detail}. okx-mcp stamps signed requests with OKX's time, but OKX rejects timestamps more than 30 s off its clock until it does: synchronise this computer's clock (NTP)"
            ),
        )
    }
}

/// Reads the key's account configuration: OKX accepting the signature proves the key, secret
/// and passphrase, and `perm` lists what the key may do.
async fn check_key(report: &mut Report, client: &Client, require_read_only: bool) -> Result<(), Stop> {
    let path = AccountConfigRequest::ENDPOINT.path;
    let rows = match client.send(&AccountConfigRequest::new()).await {
        Ok(rows) => rows,
        Err(error) => {
            return report.line(Status::Fail, "api key", describe_error(&error, path, client.config()));
        }
    };
    report.line(Status::Ok, "api key", format!("accepted by OKX (GET {path})"))?;

    // With --require-read-only-key the server refuses to start where this check warns.
    let problem = if require_read_only { Status::Fail } else { Status::Warn };
    let Some(perm) = rows.first().and_then(|row| row.perm.as_deref()).filter(|perm| !perm.trim().is_empty()) else {
        return report.line(problem, "permissions", format!("GET {path} did not report the key's permissions (perm)"));
    };
    let granted = startup::write_permissions(perm);
    if granted.is_empty() {
        return report.line(Status::Ok, "permissions", format!("{perm}: the key cannot trade or withdraw"));
    }
    let mut detail = format!(
        "{perm}: the key has the {} permission. okx-mcp sends only GET requests, but a key with only the Read permission limits the harm if it leaks",
        granted.join(" and ")
    );
    if require_read_only {
        detail.push_str("; --require-read-only-key stops the server with this key");
    }
    report.line(problem, "permissions", detail)
}

/// Returns the error message followed by its hint, on one line.
fn describe_error(error: &CallError, endpoint: &str, config: &Config) -> String {
    let context = ErrorContext { endpoint, site: config.site_label(), environment: config.environment(), base_url: &config.base_url };
    let message = error.to_string();
    match error.hint(&context) {
        Some(hint) => format!("{}. {hint}", message.trim_end_matches('.')),
        None => message,
    }
}
