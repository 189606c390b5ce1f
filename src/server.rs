//! The MCP server: lists the selected tools and runs tool calls.
//!
//! Errors the model can act on (bad arguments, OKX errors, network failures) are tool results
//! with `isError: true`. A tool name that is not served is a protocol error (-32602).

use std::collections::HashMap;
use std::sync::Arc;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation, JsonObject, ListToolsResult,
    PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool, ToolAnnotations,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};
use serde_json::Value;

use crate::client::Client;
use crate::endpoint::{Auth, Endpoint};
use crate::error::{CallError, ErrorContext};
use crate::generated::{ENDPOINTS, TOOLSETS};
use crate::toolsets::Selection;
use crate::{args, generated, result};

/// How long hosts may cache the tool list, in milliseconds; it changes only with a new build.
const TOOL_LIST_TTL_MS: u64 = 3_600_000;

/// The okx-mcp MCP server.
#[derive(Clone)]
pub struct OkxServer {
    inner: Arc<Inner>,
}

struct Inner {
    client: Client,
    max_result_bytes: usize,
    tools: Vec<Tool>,
    enabled: HashMap<&'static str, &'static Endpoint>,
    instructions: String,
}

impl OkxServer {
    /// Creates a server for the selected tools; results are capped at `max_result_bytes` of JSON.
    pub fn new(client: Client, selection: &Selection, max_result_bytes: usize) -> Self {
        let tools = selection.endpoints.iter().map(|endpoint| tool(endpoint)).collect();
        let enabled = selection.endpoints.iter().map(|endpoint| (endpoint.name, *endpoint)).collect();
        let instructions = instructions(&client, selection);
        OkxServer { inner: Arc::new(Inner { client, max_result_bytes, tools, enabled, instructions }) }
    }

    /// Returns the listed tools, in spec order.
    pub fn tools(&self) -> &[Tool] {
        &self.inner.tools
    }

    pub fn client(&self) -> &Client {
        &self.inner.client
    }

    /// Runs one tool call; `Err` only for a tool that is not served.
    pub async fn call(&self, name: &str, arguments: JsonObject) -> Result<CallToolResult, ErrorData> {
        let Some(endpoint) = self.inner.enabled.get(name).copied() else {
            let has_credentials = self.inner.client.config().credentials.is_some();
            return Err(ErrorData::invalid_params(not_served_message(name, has_credentials), None));
        };
        let client = &self.inner.client;

        let checked = match args::check(endpoint, arguments) {
            Ok(checked) => checked,
            Err(error) => return Ok(self.error_result(endpoint, &error)),
        };
        let Some(call) = generated::dispatch(client, endpoint.name, checked.clone()) else {
            return Err(ErrorData::internal_error(format!("tool {name} has no generated dispatch"), None));
        };
        match call.await {
            Ok(reply) => {
                let mut value = result::success(endpoint, client.config(), &checked, reply.data, reply.meta);
                result::cap_size(endpoint, &mut value, self.inner.max_result_bytes);
                Ok(CallToolResult::structured(value))
            }
            Err(error) => Ok(self.error_result(endpoint, &error)),
        }
    }

    fn error_result(&self, endpoint: &Endpoint, error: &CallError) -> CallToolResult {
        let config = self.inner.client.config();
        let context = ErrorContext {
            endpoint: endpoint.path,
            site: config.site_label(),
            environment: config.environment(),
            base_url: &config.base_url,
        };
        let json = error.to_json(&context);
        match error.source_kind() {
            crate::error::ErrorSource::Input => tracing::info!(tool = endpoint.name, error = %error, "rejected tool arguments"),
            _ => tracing::warn!(tool = endpoint.name, error = %error, "tool call failed"),
        }
        let mut text = error.to_string();
        if let Some(hint) = error.hint(&context) {
            text.push_str("\nHint: ");
            text.push_str(&hint);
        }
        text.push('\n');
        text.push_str(&json.to_string());
        CallToolResult::error(vec![ContentBlock::text(text)])
    }
}

/// Explains why a tool name is not served: unknown, private without credentials, or not selected.
fn not_served_message(name: &str, has_credentials: bool) -> String {
    let Some(endpoint) = ENDPOINTS.iter().find(|endpoint| endpoint.name == name) else {
        return format!("unknown tool: {}", crate::text::shorten(name, 80));
    };
    let enable = if endpoint.sensitive {
        format!("It returns sensitive data, so okx-mcp serves it only when named: start okx-mcp with --tools {name}.")
    } else {
        format!("Start okx-mcp with --toolsets {} or --tools {name}.", endpoint.toolset)
    };
    if endpoint.auth == Auth::Private && !has_credentials {
        format!(
            "tool {name} is not enabled: it needs API credentials (OKX_API_KEY, OKX_API_SECRET, OKX_API_PASSPHRASE), which are not set. {enable}"
        )
    } else {
        format!("tool {name} is not enabled. {enable}")
    }
}

/// Builds the MCP tool for an endpoint: schemas from the spec, all four annotations set.
pub fn tool(endpoint: &'static Endpoint) -> Tool {
    let input: JsonObject = serde_json::from_str(endpoint.input_schema).expect("generated input schemas are JSON objects");
    let output: JsonObject = serde_json::from_str(endpoint.output_schema).expect("generated output schemas are JSON objects");
    let annotations = ToolAnnotations::with_title(endpoint.title).read_only(true).destructive(false).idempotent(true).open_world(true);
    Tool::new(endpoint.name, endpoint.description, Arc::new(input))
        .with_title(endpoint.title)
        .with_raw_output_schema(Arc::new(output))
        .with_annotations(annotations)
}

/// The server `instructions`: what the server is, which toolsets it serves, and how to page.
fn instructions(client: &Client, selection: &Selection) -> String {
    let config = client.config();
    let mut text = format!(
        "okx-mcp reads the OKX v5 REST API ({} site, {} environment). Every tool is read-only: nothing here can trade, transfer or withdraw.\n",
        config.site_label(),
        config.environment()
    );
    text.push_str("Toolsets served:\n");
    for toolset in TOOLSETS {
        let count = selection.endpoints.iter().filter(|endpoint| endpoint.toolset == toolset.name).count();
        if count > 0 {
            text.push_str(&format!("- {} ({count} tools, prefix {}_): {}\n", toolset.name, tool_prefix(toolset.name), toolset.description));
        }
    }
    if !selection.without_credentials.is_empty() {
        text.push_str(&format!(
            "{} tools that need an API key (balances, positions, orders, funding) are hidden because none is configured; public market data works without one.\n",
            selection.without_credentials.len()
        ));
    }
    text.push_str(
        "Prices, sizes, balances and IDs are decimal strings exactly as OKX sends them; keep them as strings. \
Times are Unix milliseconds; time arguments also accept RFC 3339. \
When a result has nextPage, call the same tool with those arguments added to get older rows.",
    );
    text
}

/// The common prefix of a toolset's tool names, for the instructions.
fn tool_prefix(toolset: &str) -> String {
    let names: Vec<&str> = ENDPOINTS.iter().filter(|endpoint| endpoint.toolset == toolset).map(|endpoint| endpoint.name).collect();
    let Some(first) = names.first() else { return toolset.to_owned() };
    let first_word = first.split('_').next().unwrap_or(first);
    if names.iter().all(|name| name.split('_').next() == Some(first_word)) { first_word.to_owned() } else { toolset.to_owned() }
}

impl ServerHandler for OkxServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("okx-mcp", env!("CARGO_PKG_VERSION")))
            .with_instructions(self.inner.instructions.clone())
    }

    async fn list_tools(
        &self,
        request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        if request.and_then(|request| request.cursor).is_some() {
            return Err(ErrorData::invalid_params("invalid cursor: the tool list has a single page", None));
        }
        Ok(ListToolsResult::with_all_items(self.inner.tools.clone()).with_ttl_ms(TOOL_LIST_TTL_MS))
    }

    async fn call_tool(&self, request: CallToolRequestParams, context: RequestContext<RoleServer>) -> Result<CallToolResponse, ErrorData> {
        let arguments = request.arguments.unwrap_or_default();
        tokio::select! {
            outcome = self.call(request.name.as_ref(), arguments) => outcome.map(Into::into),
            () = context.ct.cancelled() => {
                tracing::info!(tool = %request.name, "tool call cancelled by the client");
                Err(ErrorData::internal_error("cancelled", None::<Value>))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitive_tool_is_enabled_by_name() {
        let text = not_served_message("asset_deposit_address", true);
        assert!(text.contains("--tools asset_deposit_address"), "{text}");
        assert!(!text.contains("--toolsets"), "a toolset cannot enable a sensitive tool: {text}");
        assert!(!text.contains("credentials"), "credentials are set: {text}");
    }

    #[test]
    fn private_tool_without_credentials_names_variables() {
        let text = not_served_message("account_balance", false);
        assert!(text.contains("OKX_API_KEY"), "{text}");
        assert!(text.contains("--toolsets account"), "{text}");
    }

    #[test]
    fn unknown_tool_name_is_cut() {
        let text = not_served_message(&"x".repeat(10_000), true);
        assert!(text.starts_with("unknown tool: "), "{text}");
        assert!(text.len() < 200, "{} bytes", text.len());
    }
}
