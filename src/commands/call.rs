//! `okx-mcp call`: runs one tool through the server, as an MCP host would.

use std::io::Read;
use std::process::ExitCode;

use rmcp::model::{CallToolResult, JsonObject};
use serde_json::Value;

use super::{EXIT_FAILURE, EXIT_USAGE, env_lookup, output};
use crate::app;
use crate::cli::{CallArgs, Cli};
use crate::endpoint::Auth;
use crate::generated::ENDPOINTS;
use crate::startup;
use crate::wire;

/// Maximum number of similar tool names that an unknown-tool message suggests.
const MAX_SUGGESTIONS: usize = 5;

/// Runs the tool and prints its structuredContent, or its error text on stderr.
pub async fn run(cli: &Cli, args: &CallArgs) -> ExitCode {
    let usage_error = |message: String| {
        output::stderr_line(&format!("okx-mcp call: {message}"));
        ExitCode::from(EXIT_USAGE)
    };

    let Some(endpoint) = ENDPOINTS.iter().find(|endpoint| endpoint.name == args.tool) else {
        return usage_error(unknown_tool_message(&args.tool));
    };
    let json_text = match args.json.as_deref().map(read_json_option).transpose() {
        Ok(text) => text,
        Err(message) => return usage_error(message),
    };
    let arguments = match build_arguments(json_text.as_deref(), &args.arguments) {
        Ok(arguments) => arguments,
        Err(message) => return usage_error(message),
    };

    let server = match app::build_server(&with_tool(cli, &args.tool), env_lookup) {
        Ok(server) => server,
        Err(error) => return usage_error(error.to_string()),
    };
    if endpoint.auth == Auth::Private && server.client().config().credentials.is_none() {
        return usage_error(format!(
            "tool {} needs API credentials: set OKX_API_KEY, OKX_API_SECRET and OKX_API_PASSPHRASE (a read-only key is enough)",
            endpoint.name
        ));
    }
    if cli.require_read_only_key
        && let Err(error) = startup::run_checks(&server, true).await
    {
        return usage_error(error.to_string());
    }

    match server.call(&args.tool, arguments).await {
        Ok(result) if result.is_error == Some(true) => {
            output::stderr_line(&text_of(&result));
            ExitCode::from(EXIT_FAILURE)
        }
        Ok(result) => {
            let mut text = match &result.structured_content {
                Some(value) => serde_json::to_string_pretty(value).expect("JSON values serialise"),
                None => text_of(&result),
            };
            text.push('\n');
            match output::stdout(&text) {
                Ok(()) => ExitCode::SUCCESS,
                Err(code) => code,
            }
        }
        // Not expected: the tool exists, is named in --tools and, if private, has credentials.
        Err(error) => usage_error(error.message.into_owned()),
    }
}

/// Returns `cli` with `tool` added to the tools named by `--tools` or `OKX_TOOLS`, so that the
/// server enables it whatever the toolsets are.
fn with_tool(cli: &Cli, tool: &str) -> Cli {
    let mut tools = cli.tools.clone().or_else(|| env_lookup("OKX_TOOLS")).unwrap_or_default();
    if !tools.trim().is_empty() {
        tools.push(',');
    }
    tools.push_str(tool);

    let mut cli = cli.clone();
    cli.tools = Some(tools);
    cli
}

/// Returns the `--json` text, read from stdin when it is `-`.
fn read_json_option(text: &str) -> Result<String, String> {
    if text != "-" {
        return Ok(text.to_owned());
    }
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).map_err(|error| format!("cannot read the --json object from stdin: {error}"))?;
    Ok(input)
}

/// Builds the tool arguments from the `--json` object and `key=value` or `key:=JSON` items.
fn build_arguments(json: Option<&str>, items: &[String]) -> Result<JsonObject, String> {
    let mut arguments = match json {
        None => JsonObject::new(),
        Some(text) => match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(object)) => object,
            Ok(other) => {
                return Err(format!("--json must be a JSON object such as {{\"instId\":\"BTC-USDT\"}}, not {}", wire::kind(&other)));
            }
            Err(error) => return Err(format!("--json is not valid JSON: {error}")),
        },
    };

    for item in items {
        let (key, value) = parse_item(item)?;
        if arguments.contains_key(&key) {
            return Err(format!("argument '{key}' is given twice"));
        }
        arguments.insert(key, value);
    }
    Ok(arguments)
}

/// Parses `key=value` into a string value and `key:=JSON` into a JSON value.
fn parse_item(item: &str) -> Result<(String, Value), String> {
    let Some((key, value)) = item.split_once('=') else {
        return Err(format!("invalid argument '{item}': write key=value, or key:=JSON for a JSON value"));
    };
    let (key, value) = match key.strip_suffix(':') {
        Some(key) => {
            let value = serde_json::from_str::<Value>(value).map_err(|error| {
                format!("invalid JSON in argument '{item}': {error}; write strings with key=value or quote them, e.g. {key}:='\"text\"'")
            })?;
            (key, value)
        }
        None => (key, Value::String(value.to_owned())),
    };
    if key.is_empty() {
        return Err(format!("invalid argument '{item}': the key before '=' is empty"));
    }
    Ok((key.to_owned(), value))
}

fn text_of(result: &CallToolResult) -> String {
    result.content.iter().filter_map(|block| block.as_text().map(|text| text.text.as_str())).collect::<Vec<_>>().join("\n")
}

/// Names the unknown tool, points to the command that lists valid names, and suggests similar ones.
fn unknown_tool_message(name: &str) -> String {
    let mut message = format!("unknown tool '{name}'; `okx-mcp tools --toolsets all` lists every tool name");
    let similar: Vec<&str> =
        ENDPOINTS.iter().map(|endpoint| endpoint.name).filter(|candidate| is_similar(candidate, name)).take(MAX_SUGGESTIONS).collect();
    if !similar.is_empty() {
        message.push_str(&format!(". Similar tools: {}", similar.join(", ")));
    }
    message
}

/// True when `candidate` contains `name` (of at least 3 characters) or differs from it by at
/// most 2 single-character edits.
fn is_similar(candidate: &str, name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    (name.len() >= 3 && candidate.contains(&name)) || edit_distance(candidate, &name) <= 2
}

/// Levenshtein distance between two strings, counted in characters.
fn edit_distance(left: &str, right: &str) -> usize {
    let right: Vec<char> = right.chars().collect();
    let mut previous: Vec<usize> = (0..=right.len()).collect();
    for (i, left_char) in left.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, right_char) in right.iter().enumerate() {
            let substitution = previous[j] + usize::from(left_char != *right_char);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[right.len()]
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn key_value_items_stay_strings() {
        let arguments = build_arguments(None, &["instId=BTC-USDT".into(), "limit=100".into(), "flag=true".into()]).unwrap();
        assert_eq!(arguments["instId"], json!("BTC-USDT"));
        assert_eq!(arguments["limit"], json!("100"));
        assert_eq!(arguments["flag"], json!("true"));
    }

    #[test]
    fn raw_json_items_are_parsed() {
        let arguments = build_arguments(None, &["limit:=100".into(), "ccy:=[\"BTC\",\"ETH\"]".into()]).unwrap();
        assert_eq!(arguments["limit"], json!(100));
        assert_eq!(arguments["ccy"], json!(["BTC", "ETH"]));
    }

    #[test]
    fn value_may_contain_equals_sign() {
        let arguments = build_arguments(None, &["after=a=b".into()]).unwrap();
        assert_eq!(arguments["after"], json!("a=b"));
    }

    #[test]
    fn empty_value_is_kept() {
        let arguments = build_arguments(None, &["instId=".into()]).unwrap();
        assert_eq!(arguments["instId"], json!(""));
    }

    #[test]
    fn json_object_and_items_combine() {
        let arguments = build_arguments(Some(r#"{"instId":"BTC-USDT"}"#), &["bar=1H".into()]).unwrap();
        assert_eq!(arguments.len(), 2);
        assert_eq!(arguments["bar"], json!("1H"));
    }

    #[test]
    fn duplicate_key_is_rejected() {
        let error = build_arguments(Some(r#"{"instId":"BTC-USDT"}"#), &["instId=ETH-USDT".into()]).unwrap_err();
        assert!(error.contains("'instId' is given twice"), "{error}");
        let error = build_arguments(None, &["a=1".into(), "a:=2".into()]).unwrap_err();
        assert!(error.contains("'a' is given twice"), "{error}");
    }

    #[test]
    fn malformed_items_are_rejected() {
        assert!(build_arguments(None, &["instId".into()]).unwrap_err().contains("key=value"));
        assert!(build_arguments(None, &["=x".into()]).unwrap_err().contains("key before '=' is empty"));
        assert!(build_arguments(None, &["limit:=ten".into()]).unwrap_err().contains("invalid JSON"));
    }

    #[test]
    fn json_option_must_be_an_object() {
        assert!(build_arguments(Some("[1]"), &[]).unwrap_err().contains("not an array"));
        assert!(build_arguments(Some("{"), &[]).unwrap_err().contains("not valid JSON"));
    }

    #[test]
    fn unknown_tool_suggests_similar_names() {
        let message = unknown_tool_message("market_tiker");
        assert!(message.contains("okx-mcp tools --toolsets all"), "{message}");
        assert!(message.contains("market_ticker"), "{message}");
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("ticker", "ticker"), 0);
        assert_eq!(edit_distance("ticker", "tiker"), 1);
        assert_eq!(edit_distance("ticker", "tickers"), 1);
        assert_eq!(edit_distance("abc", "xyz"), 3);
    }

    #[test]
    fn named_tool_is_added_to_tools() {
        let cli = <Cli as clap::Parser>::parse_from(["okx-mcp", "--tools", "market_books", "call", "market_ticker"]);
        assert_eq!(with_tool(&cli, "market_ticker").tools.as_deref(), Some("market_books,market_ticker"));
    }
}
