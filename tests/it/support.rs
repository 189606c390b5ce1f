//! Shared test helpers: a fake OKX on loopback and the real okx-mcp binary driven by rmcp's
//! client over stdio.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use fake_okx::{Config, FakeOkx, LIVE_TEST_KEY, TestKey};
use rmcp::model::{CallToolRequestParams, CallToolResult, JsonObject};
use rmcp::service::RunningService;
use rmcp::transport::TokioChildProcess;
use rmcp::{RoleClient, ServiceExt};
use serde_json::Value;

/// A running okx-mcp process with an MCP client connected to it.
pub type Client = RunningService<RoleClient, ()>;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The fixture directory the fake OKX serves.
pub fn fixtures_dir() -> PathBuf {
    root().join("tests/fixtures/okx")
}

/// Starts a fake OKX with the repository fixtures and the two test keys.
pub async fn start_fake() -> FakeOkx {
    FakeOkx::start(Config::default()).await.expect("fake OKX starts on loopback")
}

/// Environment for a server that signs with `key`.
pub fn credentials_env(key: &TestKey) -> Vec<(&'static str, String)> {
    vec![("OKX_API_KEY", key.key.to_owned()), ("OKX_API_SECRET", key.secret.to_owned()), ("OKX_API_PASSPHRASE", key.passphrase.to_owned())]
}

/// Environment for the live test key.
pub fn live_env() -> Vec<(&'static str, String)> {
    credentials_env(&LIVE_TEST_KEY)
}

/// Starts okx-mcp against `fake` with `env` and `args`, and connects an MCP client.
///
/// The child's environment is cleared so that a developer's own OKX variables or proxy
/// settings cannot leak into a test; stderr goes to `stderr_file` when given.
pub async fn spawn(fake: &FakeOkx, env: &[(&str, String)], args: &[&str], stderr_file: Option<&Path>) -> Client {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_okx-mcp"));
    command.env_clear();
    if let Ok(path) = std::env::var("PATH") {
        command.env("PATH", path);
    }
    command.env("OKX_BASE_URL", fake.base_url()).env("RUST_LOG", "warn");
    for (name, value) in env {
        command.env(name, value);
    }
    command.args(args);
    let stderr = match stderr_file {
        Some(path) => Stdio::from(std::fs::File::create(path).expect("stderr file can be created")),
        None => Stdio::null(),
    };
    let (transport, _) = TokioChildProcess::builder(command).stderr(stderr).spawn().expect("okx-mcp starts");
    ().serve(transport).await.expect("MCP handshake with okx-mcp succeeds")
}

/// Calls `name` with JSON `arguments`.
pub async fn call(client: &Client, name: &str, arguments: Value) -> Result<CallToolResult, rmcp::ServiceError> {
    let arguments: JsonObject = match arguments {
        Value::Object(map) => map,
        other => panic!("arguments must be an object, got {other}"),
    };
    client.call_tool(CallToolRequestParams::new(name.to_owned()).with_arguments(arguments)).await
}

/// Reads the fixture of an `/api/v5/...` path.
pub fn fixture(path: &str) -> Value {
    let relative = path.strip_prefix("/api/v5/").expect("paths start with /api/v5/");
    let file = fixtures_dir().join(format!("{relative}.json"));
    let text = std::fs::read_to_string(&file).unwrap_or_else(|error| panic!("cannot read {}: {error}", file.display()));
    serde_json::from_str(&text).unwrap_or_else(|error| panic!("{} is not JSON: {error}", file.display()))
}

/// Returns the text blocks of a result, joined.
pub fn text_of(result: &CallToolResult) -> String {
    result.content.iter().filter_map(|block| block.as_text().map(|text| text.text.clone())).collect::<Vec<_>>().join("\n")
}

/// Returns the error object from an `isError` result's text: its last line is JSON.
pub fn error_of(result: &CallToolResult) -> Value {
    assert_eq!(result.is_error, Some(true), "expected an error result, got {}", text_of(result));
    let text = text_of(result);
    let json = text.lines().last().expect("error text has lines");
    serde_json::from_str::<Value>(json).unwrap_or_else(|error| panic!("last line is not JSON ({error}): {text}"))["error"].clone()
}

/// Validates `instance` against the JSON Schema `schema`, listing every violation.
pub fn assert_valid(schema: &Value, instance: &Value, what: &str) {
    let validator = jsonschema::validator_for(schema).unwrap_or_else(|error| panic!("{what}: schema does not compile: {error}"));
    let problems: Vec<String> = validator.iter_errors(instance).map(|error| format!("{} at {}", error, error.instance_path())).collect();
    assert!(problems.is_empty(), "{what}: result does not match its output schema:\n{}", problems.join("\n"));
}

/// Collects every scalar leaf (string, number, boolean) of a JSON value as text, sorted, nulls
/// excluded. Two values with equal leaves carry the same data, whatever their shape.
pub fn leaves(value: &Value) -> Vec<String> {
    fn walk(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Null => {}
            Value::Bool(flag) => out.push(format!("bool:{flag}")),
            Value::Number(number) => out.push(format!("number:{number}")),
            Value::String(text) => out.push(format!("string:{text}")),
            Value::Array(items) => items.iter().for_each(|item| walk(item, out)),
            Value::Object(map) => map.values().for_each(|item| walk(item, out)),
        }
    }
    let mut out = Vec::new();
    walk(value, &mut out);
    out.sort();
    out
}
