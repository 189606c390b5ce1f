use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    okx_mcp::app::run(okx_mcp::cli::Cli::parse()).await
}
