//! Subcommands for use from a terminal: list the tools, run one tool, check the set-up.
//!
//! Each subcommand builds the server exactly as `okx-mcp` does before serving MCP, so what it
//! shows or runs is what an MCP host would get with the same options and environment.

mod call;
mod check;
pub(crate) mod output;
mod tools;

use std::process::ExitCode;

use crate::app;
use crate::cli::{Cli, Command};
use crate::endpoint::Auth;

/// The log filter of subcommands when neither `--log-level` nor `RUST_LOG` is set. Subcommands
/// print their own results and errors, so routine log lines would only repeat them.
const DEFAULT_LOG_FILTER: &str = "error";

/// Exit status of a tool error or a failed check.
const EXIT_FAILURE: u8 = 1;

/// Exit status of invalid command-line input, an unknown tool or an invalid configuration.
const EXIT_USAGE: u8 = 2;

/// Runs a subcommand and returns the process exit code.
pub async fn run(command: &Command, cli: &Cli) -> ExitCode {
    app::init_logging(cli.log_level.as_deref(), DEFAULT_LOG_FILTER);

    match command {
        Command::Tools(args) => tools::run(cli, args),
        Command::Call(args) => call::run(cli, args).await,
        Command::Check => check::run(cli).await,
    }
}

/// Reads an environment variable, as the server does at start-up.
fn env_lookup(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

fn auth_label(auth: Auth) -> &'static str {
    match auth {
        Auth::Public => "public",
        Auth::Private => "private",
        Auth::Optional => "optional",
    }
}
