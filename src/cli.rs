//! Command-line options.

use clap::{Args, Parser, Subcommand};

/// Read-only MCP server for the OKX v5 REST API.
///
/// With no subcommand, okx-mcp serves MCP over stdin and stdout for an MCP host. Credentials
/// come only from the environment: OKX_API_KEY, OKX_API_SECRET and OKX_API_PASSPHRASE (also
/// accepted as OKX_SECRET_KEY and OKX_PASSPHRASE). Without them, only public tools are served.
#[derive(Debug, Clone, Parser)]
#[command(name = "okx-mcp", version, about, long_about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// OKX site the account belongs to: global (www.okx.com), eea (eea.okx.com) or us
    /// (app.okx.com). Overrides OKX_SITE; default global.
    #[arg(long, global = true, value_name = "SITE")]
    pub site: Option<String>,

    /// Use demo trading: sends `x-simulated-trading: 1`, which demo keys require. Same as
    /// OKX_DEMO=1.
    #[arg(long, global = true)]
    pub demo: bool,

    /// Comma-separated toolsets to serve: default, all, or toolset names. Overrides
    /// OKX_TOOLSETS; default "default".
    #[arg(long, global = true, value_name = "LIST")]
    pub toolsets: Option<String>,

    /// Comma-separated tool names to serve in addition to the toolsets; the only way to enable
    /// sensitive tools. Overrides OKX_TOOLS.
    #[arg(long, global = true, value_name = "LIST")]
    pub tools: Option<String>,

    /// Timeout of each HTTP request to OKX in milliseconds (100 to 600000), applied again to each
    /// retry. Overrides OKX_TIMEOUT_MS; default 10000.
    #[arg(long, global = true, value_name = "MS")]
    pub timeout_ms: Option<u64>,

    /// Log filter for stderr, e.g. warn, info, debug or okx_mcp=debug. Overrides RUST_LOG;
    /// default "warn,okx_mcp=info" when serving MCP, "error" for subcommands.
    #[arg(long, global = true, value_name = "FILTER")]
    pub log_level: Option<String>,

    /// Largest tool result to return, in bytes of JSON; rows past it are left out and the result
    /// says how many and how to page for them. Overrides OKX_MAX_RESULT_BYTES; default 60000.
    #[arg(long, global = true, value_name = "BYTES")]
    pub max_result_bytes: Option<usize>,

    /// Refuse to start when the API key can trade or withdraw, or when its permissions cannot be
    /// read from OKX. Without it, such a key only gets a warning on stderr.
    #[arg(long, global = true, env = "OKX_REQUIRE_READ_ONLY_KEY", value_parser = clap::builder::BoolishValueParser::new())]
    pub require_read_only_key: bool,
}

/// Subcommands for use from a terminal. Each one reads the same options and environment as the
/// MCP server.
#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// List the tools the server would serve with the current options and environment.
    Tools(ToolsArgs),

    /// Run one tool with the same argument checks, errors and result as over MCP.
    ///
    /// The tool runs even when the current toolsets do not include it, as if it were named with
    /// --tools, and this includes sensitive tools. Private tools still need API credentials in the
    /// environment. With --require-read-only-key, the key's permissions are checked first, as at
    /// start-up.
    ///
    /// On success, stdout receives the result's structuredContent as JSON and the exit status is
    /// 0. When the tool returns an error, its text goes to stderr and the exit status is 1. An
    /// unknown tool, invalid arguments syntax or an invalid configuration exits with status 2.
    #[command(
        after_help = "Examples:\n  okx-mcp call market_ticker instId=BTC-USDT\n  okx-mcp call market_candles instId=BTC-USDT bar=4H limit:=10\n  okx-mcp call market_tickers --json '{\"instType\":\"SPOT\"}'"
    )]
    Call(CallArgs),

    /// Check the configuration, the connection to OKX, the clock offset and the API key.
    ///
    /// Prints one line per check, starting with ok, warn or fail. Sends GET /api/v5/public/time
    /// and, when credentials are set, GET /api/v5/account/config to read the key's permissions.
    /// Credential values are never printed. The exit status is 1 when any check fails. With
    /// --require-read-only-key, a key that can trade or withdraw fails the check.
    Check,
}

/// Options of `okx-mcp tools`.
#[derive(Debug, Clone, Args)]
pub struct ToolsArgs {
    /// Print the JSON array of tools exactly as MCP's tools/list returns it, instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Options of `okx-mcp call`.
#[derive(Debug, Clone, Args)]
pub struct CallArgs {
    /// Tool name, e.g. market_ticker. `okx-mcp tools --toolsets all` lists them.
    #[arg(value_name = "TOOL")]
    pub tool: String,

    /// Tool arguments. key=value passes value as a string, which the server converts where the
    /// parameter is an integer or boolean ("100", "true"). key:=JSON passes a JSON value, e.g.
    /// limit:=100 or ccy:='["BTC","ETH"]'.
    #[arg(value_name = "ARGUMENT")]
    pub arguments: Vec<String>,

    /// Tool arguments as one JSON object, e.g. '{"instId":"BTC-USDT"}', or "-" to read the object
    /// from stdin. ARGUMENT values are added to it, and naming a key twice is an error.
    #[arg(long, value_name = "OBJECT")]
    pub json: Option<String>,
}
