//! Command-line options.

use clap::Parser;

/// Read-only MCP server for the OKX v5 REST API.
///
/// With no subcommand, okx-mcp serves MCP over stdin and stdout for an MCP host. Credentials
/// come only from the environment: OKX_API_KEY, OKX_API_SECRET and OKX_API_PASSPHRASE (also
/// accepted as OKX_SECRET_KEY and OKX_PASSPHRASE). Without them, only public tools are served.
#[derive(Debug, Parser)]
#[command(name = "okx-mcp", version, about, long_about)]
pub struct Cli {
    /// OKX site the account belongs to: global (www.okx.com), eea (eea.okx.com) or us
    /// (app.okx.com). Overrides OKX_SITE; default global.
    #[arg(long, value_name = "SITE")]
    pub site: Option<String>,

    /// Use demo trading: sends `x-simulated-trading: 1`, which demo keys require. Same as
    /// OKX_DEMO=1.
    #[arg(long)]
    pub demo: bool,

    /// Comma-separated toolsets to serve: default, all, or toolset names. Overrides
    /// OKX_TOOLSETS; default "default".
    #[arg(long, value_name = "LIST")]
    pub toolsets: Option<String>,

    /// Comma-separated tool names to serve in addition to the toolsets; the only way to enable
    /// sensitive tools. Overrides OKX_TOOLS.
    #[arg(long, value_name = "LIST")]
    pub tools: Option<String>,

    /// Timeout of each OKX request, in milliseconds (100 to 600000). Overrides OKX_TIMEOUT_MS;
    /// default 10000.
    #[arg(long, value_name = "MS")]
    pub timeout_ms: Option<u64>,

    /// Log filter for stderr, e.g. warn, info, debug or okx_mcp=debug. Overrides RUST_LOG;
    /// default "warn,okx_mcp=info".
    #[arg(long, value_name = "FILTER")]
    pub log_level: Option<String>,
}
