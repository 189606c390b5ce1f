//! `okx-mcp tools`: lists the tools the server would serve.

use std::process::ExitCode;

use rmcp::model::Tool;

use super::{EXIT_USAGE, auth_label, env_lookup, output};
use crate::app;
use crate::cli::{Cli, ToolsArgs};
use crate::generated::ENDPOINTS;

const HEADERS: [&str; 4] = ["NAME", "AUTH", "TOOLSET", "TITLE"];

/// Prints the served tools as a table, or as the JSON array of tools/list with `--json`.
pub fn run(cli: &Cli, args: &ToolsArgs) -> ExitCode {
    let server = match app::build_server(cli, env_lookup) {
        Ok(server) => server,
        Err(error) => {
            output::stderr_line(&format!("okx-mcp: {error}"));
            return ExitCode::from(EXIT_USAGE);
        }
    };

    let text = if args.json {
        let mut json = serde_json::to_string_pretty(server.tools()).expect("tools serialise to JSON");
        json.push('\n');
        json
    } else {
        table(server.tools())
    };
    if let Err(code) = output::stdout(&text) {
        return code;
    }

    output::stderr_line(&format!("{} tools", server.tools().len()));
    if server.client().config().credentials.is_none() {
        output::stderr_line(
            "No API credentials set, so private tools are not listed; set OKX_API_KEY, OKX_API_SECRET and OKX_API_PASSPHRASE to include them.",
        );
    }
    ExitCode::SUCCESS
}

/// Formats one row per tool with aligned columns; the last column is not padded.
fn table(tools: &[Tool]) -> String {
    let mut rows: Vec<[String; 4]> = vec![HEADERS.map(str::to_owned)];
    for tool in tools {
        let endpoint = ENDPOINTS.iter().find(|endpoint| endpoint.name == tool.name.as_ref());
        let auth = endpoint.map_or("?", |endpoint| auth_label(endpoint.auth));
        let toolset = endpoint.map_or("?", |endpoint| endpoint.toolset);
        let title = tool.title.clone().unwrap_or_default();
        rows.push([tool.name.to_string(), auth.to_owned(), toolset.to_owned(), title]);
    }

    let mut widths = [0; 3];
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }

    let mut text = String::new();
    for [name, auth, toolset, title] in &rows {
        let [name_width, auth_width, toolset_width] = widths;
        text.push_str(&format!("{name:<name_width$}  {auth:<auth_width$}  {toolset:<toolset_width$}  {title}\n"));
    }
    text
}
