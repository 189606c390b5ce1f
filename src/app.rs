//! Start-up: configuration, logging, tool selection, and serving over stdio.

use std::io::IsTerminal;
use std::process::ExitCode;

use rmcp::ServiceExt;
use tracing_subscriber::EnvFilter;

use crate::cli::Cli;
use crate::client::Client;
use crate::commands::output::stderr_line;
use crate::config::{self, ConfigError, Overrides};
use crate::server::OkxServer;
use crate::toolsets;

/// The log filter when neither `--log-level` nor `RUST_LOG` is set.
const DEFAULT_LOG_FILTER: &str = "warn,okx_mcp=info";

/// Runs okx-mcp with parsed options and returns the process exit code.
pub async fn run(cli: Cli) -> ExitCode {
    if let Some(command) = &cli.command {
        return crate::commands::run(command, &cli).await;
    }
    init_logging(cli.log_level.as_deref(), DEFAULT_LOG_FILTER);

    let server = match build_server(&cli, |name| std::env::var(name).ok()) {
        Ok(server) => server,
        // One plain line, not a log record as well: it must show whatever the log filter is.
        Err(error) => {
            stderr_line(&format!("okx-mcp: {error}"));
            return ExitCode::from(2);
        }
    };

    if let Err(error) = crate::startup::run_checks(&server, cli.require_read_only_key).await {
        stderr_line(&format!("okx-mcp: {error}"));
        return ExitCode::from(2);
    }
    let config = server.client().config();
    tracing::info!(
        tools = server.tools().len(),
        site = config.site_label(),
        environment = config.environment(),
        base_url = %config.base_url,
        "okx-mcp ready"
    );

    if std::io::stdin().is_terminal() {
        stderr_line(
            "okx-mcp serves MCP on stdin/stdout and is meant to be started by an MCP host (see README.md); run `okx-mcp --help` for options. Press Ctrl-D to quit.",
        );
    }

    match serve(server).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("server stopped: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Builds the server from options and the environment read through `lookup`.
pub fn build_server(cli: &Cli, lookup: impl Fn(&str) -> Option<String>) -> Result<OkxServer, ConfigError> {
    let overrides = Overrides { site: cli.site.clone(), demo: cli.demo, timeout_ms: cli.timeout_ms };
    let config = config::load(&lookup, &overrides)?;

    let toolsets = cli.toolsets.clone().or_else(|| lookup("OKX_TOOLSETS")).unwrap_or_else(|| toolsets::DEFAULT.to_owned());
    let tools = cli.tools.clone().or_else(|| lookup("OKX_TOOLS")).unwrap_or_default();
    let selection = toolsets::select(&toolsets::split_list(&toolsets), &toolsets::split_list(&tools), config.credentials.is_some())?;

    if config.credentials.is_none() {
        tracing::info!(
            hidden = selection.without_credentials.len(),
            "no API credentials set: serving public tools only; set OKX_API_KEY, OKX_API_SECRET and OKX_API_PASSPHRASE for account tools"
        );
    }
    let max_result_bytes = max_result_bytes(cli.max_result_bytes, lookup("OKX_MAX_RESULT_BYTES"))?;
    let client = Client::new(config)?;
    Ok(OkxServer::new(client, &selection, max_result_bytes))
}

/// Resolves the result size cap from the flag, else the environment, else the default.
fn max_result_bytes(flag: Option<usize>, variable: Option<String>) -> Result<usize, ConfigError> {
    let value = match (flag, variable) {
        (Some(bytes), _) => bytes,
        (None, Some(text)) => text
            .trim()
            .parse::<usize>()
            .map_err(|_| ConfigError(format!("invalid OKX_MAX_RESULT_BYTES {text:?}: give a number of bytes, e.g. 60000")))?,
        (None, None) => crate::result::DEFAULT_MAX_RESULT_BYTES,
    };
    if value < 2_000 {
        return Err(ConfigError(format!(
            "invalid result size limit {value} (--max-result-bytes or OKX_MAX_RESULT_BYTES): give at least 2000 bytes, e.g. 60000"
        )));
    }
    Ok(value)
}

async fn serve(server: OkxServer) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let service = match server.serve(rmcp::transport::stdio()).await {
        Ok(service) => service,
        // A client may close stdin without starting a session, e.g. after `server/discover`
        // alone or a probe of whether the binary starts; that is a normal end.
        Err(rmcp::service::ServerInitializeError::ConnectionClosed(context)) => {
            tracing::debug!(%context, "client closed the connection before initializing");
            return Ok(());
        }
        Err(error) => return Err(error.into()),
    };
    let reason = service.waiting().await?;
    tracing::debug!(?reason, "stdin closed, stopping");
    Ok(())
}

/// Sends logs to stderr; stdout carries only JSON-RPC.
///
/// Takes the filter from `level` (`--log-level`), else from a non-blank `RUST_LOG`, else uses
/// `default_filter`. An invalid filter is reported on stderr and replaced by `default_filter`.
/// A log line that cannot be written to stderr is dropped, so a closed or full stderr never
/// stops the server.
pub(crate) fn init_logging(level: Option<&str>, default_filter: &str) {
    let requested = match level {
        Some(level) => Some(("--log-level", level.to_owned())),
        None => std::env::var("RUST_LOG").ok().filter(|value| !value.trim().is_empty()).map(|value| ("RUST_LOG", value)),
    };
    let filter = match requested {
        None => EnvFilter::new(default_filter),
        Some((source, text)) => EnvFilter::try_new(&text).unwrap_or_else(|error| {
            stderr_line(&format!("okx-mcp: invalid log filter {text:?} in {source} ({error}); using {default_filter:?}"));
            EnvFilter::new(default_filter)
        }),
    };
    // Without `log_internal_errors(false)`, tracing-subscriber 0.3 reports a failed write with
    // `eprintln!`, which panics when stderr is closed or full.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .log_internal_errors(false)
        .try_init();
}
