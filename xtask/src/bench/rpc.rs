//! The child processes of a benchmark run: the fake OKX, and `okx-mcp` driven with raw
//! JSON-RPC lines on its stdin and stdout.
//!
//! Both children get a piped stdin and stop when it closes, so they also stop when this process
//! dies. Each handle is created with `kill_on_drop`, so an error that drops it kills the child.

use std::fs::File;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, BufWriter};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

/// The longest wait for one line from a child.
pub const LINE_TIMEOUT: Duration = Duration::from_secs(10);

/// The longest wait for a child to exit after its stdin is closed; then it is killed.
const EXIT_TIMEOUT: Duration = Duration::from_secs(5);

/// The MCP protocol version sent in `initialize`.
const PROTOCOL_VERSION: &str = "2025-11-25";

/// The tool every call of the benchmark uses, its arguments, and the OKX path it reads.
pub const TICKER_TOOL: &str = "market_ticker";
pub const TICKER_INST_ID: &str = "BTC-USDT";
pub const TICKER_TARGET: &str = "/api/v5/market/ticker?instId=BTC-USDT";

/// How rmcp 3.11 starts every response line. The id follows directly, which lets the load run
/// read ids without parsing the whole result. Lines that start otherwise are parsed in full.
const RESPONSE_PREFIX: &str = r#"{"jsonrpc":"2.0","id":"#;

/// Opens the stderr log of a child for appending, so that all spawns of a run share one file.
fn stderr_log(path: &Path) -> Result<Stdio, String> {
    let file = File::options().create(true).append(true).open(path).map_err(|error| format!("cannot open {}: {error}", path.display()))?;
    Ok(Stdio::from(file))
}

/// The fake OKX server, running as a child process.
pub struct FakeOkx {
    child: Child,
    /// Kept open: the fake prints nothing more, but a closed pipe would turn a late line into EPIPE.
    _stdout: BufReader<ChildStdout>,
    pub base_url: String,
}

impl FakeOkx {
    /// Starts the fake on a free port of 127.0.0.1 and waits for its `listening` line.
    pub async fn start(binary: &Path, fixtures: &Path, log: &Path) -> Result<FakeOkx, String> {
        let mut child = Command::new(binary)
            .args(["--addr", "127.0.0.1:0", "--fixtures"])
            .arg(fixtures)
            .env_clear()
            .env("RUST_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(stderr_log(log)?)
            .kill_on_drop(true)
            .spawn()
            .map_err(|error| format!("cannot start {}: {error}", binary.display()))?;
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));

        let mut line = String::new();
        let read = tokio::time::timeout(LINE_TIMEOUT, stdout.read_line(&mut line)).await;
        let failed = |problem: String| format!("fake-okx did not start: {problem}; see {}", log.display());
        match read {
            Err(_) => return Err(failed(format!("no `listening` line within {LINE_TIMEOUT:?}"))),
            Ok(Err(error)) => return Err(failed(format!("reading its stdout failed: {error}"))),
            Ok(Ok(_)) => {}
        }
        let base_url = line
            .trim()
            .strip_prefix("listening ")
            .filter(|url| url.starts_with("http://127.0.0.1:"))
            .ok_or_else(|| failed(format!("expected `listening http://127.0.0.1:PORT`, got {:?}", line.trim())))?
            .to_owned();
        Ok(FakeOkx { child, _stdout: stdout, base_url })
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// Closes the fake's stdin, which stops it, and waits for it to exit.
    pub async fn stop(mut self) -> Result<(), String> {
        drop(self.child.stdin.take());
        wait_or_kill(&mut self.child, "fake-okx").await
    }
}

/// Waits up to `EXIT_TIMEOUT` for a child whose stdin is closed, then kills it.
async fn wait_or_kill(child: &mut Child, name: &str) -> Result<(), String> {
    match tokio::time::timeout(EXIT_TIMEOUT, child.wait()).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(error)) => Err(format!("waiting for {name} to exit failed: {error}")),
        Err(_) => {
            let _ = child.kill().await;
            Err(format!("{name} did not exit within {EXIT_TIMEOUT:?} of its stdin closing, so it was killed"))
        }
    }
}

/// One `okx-mcp` process with pipes for JSON-RPC lines.
pub struct McpServer {
    child: Child,
    pid: u32,
    stdin: BufWriter<ChildStdin>,
    stdout: BufReader<ChildStdout>,
    line: String,
}

/// The environment of an `okx-mcp` process: nothing from this process's environment leaks in.
pub struct ServerEnv<'a> {
    pub binary: &'a Path,
    pub base_url: &'a str,
    pub api_key: &'a str,
    pub api_secret: &'a str,
    pub api_passphrase: &'a str,
    pub log: &'a Path,
}

impl McpServer {
    /// Starts `okx-mcp` serving `toolsets`, with the default log filter.
    pub fn spawn(env: &ServerEnv<'_>, toolsets: &str) -> Result<McpServer, String> {
        let mut child = Command::new(env.binary)
            .env_clear()
            .env("OKX_BASE_URL", env.base_url)
            .env("OKX_TOOLSETS", toolsets)
            .env("OKX_API_KEY", env.api_key)
            .env("OKX_API_SECRET", env.api_secret)
            .env("OKX_API_PASSPHRASE", env.api_passphrase)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(stderr_log(env.log)?)
            .kill_on_drop(true)
            .spawn()
            .map_err(|error| format!("cannot start {}: {error}", env.binary.display()))?;
        let pid = child.id().expect("a child that was just spawned has a pid");
        let stdin = BufWriter::with_capacity(64 * 1024, child.stdin.take().expect("stdin is piped"));
        let stdout = BufReader::with_capacity(256 * 1024, child.stdout.take().expect("stdout is piped"));
        Ok(McpServer { child, pid, stdin, stdout, line: String::new() })
    }

    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// Writes one line and flushes it.
    pub async fn send(&mut self, line: &str) -> Result<(), String> {
        write_line(&mut self.stdin, line).await?;
        self.stdin.flush().await.map_err(|error| format!("writing to okx-mcp failed: {error}"))
    }

    /// Reads the next line, without its line end.
    pub async fn read_line(&mut self) -> Result<&str, String> {
        read_line(&mut self.stdout, &mut self.line).await?;
        Ok(self.line.trim_end())
    }

    /// Sends a request and returns its `result`, skipping any notifications before the response.
    pub async fn request(&mut self, id: u64, method: &str, params: Value) -> Result<Value, String> {
        let request = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        self.send(&request.to_string()).await?;
        loop {
            let line = self.read_line().await?;
            let mut message: Value =
                serde_json::from_str(line).map_err(|error| format!("okx-mcp sent a line that is not JSON ({error}): {line}"))?;
            if message.get("id").is_none() {
                continue;
            }
            if message["id"] != id {
                return Err(format!("{method}: expected the response with id {id}, got {line}"));
            }
            if let Some(error) = message.get("error") {
                return Err(format!("{method} failed: {error}"));
            }
            return Ok(message["result"].take());
        }
    }

    /// Runs the MCP handshake: `initialize`, then `notifications/initialized`.
    pub async fn initialize(&mut self) -> Result<(), String> {
        let params = json!({
            "protocolVersion": PROTOCOL_VERSION,
            "capabilities": {},
            "clientInfo": {"name": "okx-mcp-bench", "version": "0"},
        });
        self.request(0, "initialize", params).await?;
        self.send(r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#).await
    }

    /// Returns the `tools` array of `tools/list`, failing when the server pages it.
    pub async fn list_tools(&mut self, id: u64) -> Result<Vec<Value>, String> {
        let mut result = self.request(id, "tools/list", json!({})).await?;
        if result.get("nextCursor").is_some_and(|cursor| !cursor.is_null()) {
            return Err("tools/list has more than one page; the benchmark reads only the first".to_owned());
        }
        match result["tools"].take() {
            Value::Array(tools) => Ok(tools),
            other => Err(format!("tools/list returned `tools` that is not an array: {other}")),
        }
    }

    /// Sends one `market_ticker` call and checks that its response is a tool result without error.
    pub async fn call_ticker(&mut self, id: u64) -> Result<(), String> {
        self.send(&ticker_call(id)).await?;
        loop {
            let line = self.read_line().await?;
            match classify(line)? {
                Line::Response { id: received, outcome: Outcome::Success } if received == id => return Ok(()),
                Line::Response { .. } => return Err(format!("call {id} failed or was answered out of order: {line}")),
                Line::Notification => continue,
            }
        }
    }

    /// Returns the two pipes, for a load run that writes and reads at the same time.
    pub fn pipes(&mut self) -> (&mut BufWriter<ChildStdin>, &mut BufReader<ChildStdout>, &mut String) {
        (&mut self.stdin, &mut self.stdout, &mut self.line)
    }

    /// Closes stdin, which makes rmcp stop the server, and waits for the process to exit.
    pub async fn stop(mut self) -> Result<(), String> {
        drop(self.stdin);
        wait_or_kill(&mut self.child, "okx-mcp").await
    }
}

/// Writes one line without flushing.
pub async fn write_line(stdin: &mut BufWriter<ChildStdin>, line: &str) -> Result<(), String> {
    let written = async {
        stdin.write_all(line.as_bytes()).await?;
        stdin.write_all(b"\n").await
    };
    written.await.map_err(|error| format!("writing to okx-mcp failed: {error}"))
}

/// Reads one line into `line`, replacing its contents; end of file is an error.
pub async fn read_line(stdout: &mut BufReader<ChildStdout>, line: &mut String) -> Result<(), String> {
    line.clear();
    match tokio::time::timeout(LINE_TIMEOUT, stdout.read_line(line)).await {
        Err(_) => Err(format!("okx-mcp sent no line within {LINE_TIMEOUT:?}")),
        Ok(Err(error)) => Err(format!("reading from okx-mcp failed: {error}")),
        Ok(Ok(0)) => Err("okx-mcp closed its stdout (it exited); see its stderr log".to_owned()),
        Ok(Ok(_)) => Ok(()),
    }
}

/// The private tool of the throughput run. OKX limits it per user and instrument (60 per 2 s),
/// so cycling over [`ORDER_INSTRUMENTS`] instruments keeps every call within its quota and the
/// run measures okx-mcp rather than its rate limiter. It also signs every request.
pub const ORDER_TOOL: &str = "trade_order";

/// Distinct instIds of the throughput run: 22,000 calls over 1,000 instruments make 22 calls per
/// instrument, well under the quota of 60 per 2 s.
pub const ORDER_INSTRUMENTS: u64 = 1_000;

/// The JSON-RPC request line of one `trade_order` call; the instrument cycles with `id`.
pub fn order_call(id: u64) -> String {
    let instrument = id % ORDER_INSTRUMENTS;
    format!(
        r#"{{"jsonrpc":"2.0","id":{id},"method":"tools/call","params":{{"name":"{ORDER_TOOL}","arguments":{{"instId":"BENCH{instrument}-USDT","ordId":"1234567890123456789"}}}}}}"#
    )
}

/// The JSON-RPC request line of one `market_ticker` call.
pub fn ticker_call(id: u64) -> String {
    format!(
        r#"{{"jsonrpc":"2.0","id":{id},"method":"tools/call","params":{{"name":"{TICKER_TOOL}","arguments":{{"instId":"{TICKER_INST_ID}"}}}}}}"#
    )
}

/// One line from the server, as far as the benchmark needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line {
    /// A response with its numeric id.
    Response { id: u64, outcome: Outcome },
    /// A message without an id.
    Notification,
}

/// How a call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A tool result without `isError: true`.
    Success,
    /// A tool error from okx-mcp's client-side rate limiter: no request reached the fake.
    RateLimited,
    /// Any other tool error, or a JSON-RPC error.
    Failed,
}

/// The marker of okx-mcp's rate-limit error, as it appears JSON-escaped in the text content.
const RATE_LIMIT_SOURCE: &str = r#"\"source\":\"rate_limit\""#;

/// Reads the id and outcome of a line; the common rmcp layout is read without a full parse.
pub fn classify(line: &str) -> Result<Line, String> {
    if let Some(rest) = line.strip_prefix(RESPONSE_PREFIX) {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if let (Ok(id), Some(after)) = (rest[..digits].parse::<u64>(), rest.get(digits..)) {
            if after.starts_with(r#","result":"#) {
                return Ok(Line::Response { id, outcome: tool_outcome(line, line.contains(r#""isError":true"#)) });
            }
            if after.starts_with(r#","error":"#) {
                return Ok(Line::Response { id, outcome: Outcome::Failed });
            }
        }
    }

    let message: Value = serde_json::from_str(line).map_err(|error| format!("okx-mcp sent a line that is not JSON ({error}): {line}"))?;
    let Some(id) = message.get("id") else { return Ok(Line::Notification) };
    let id = id.as_u64().ok_or_else(|| format!("okx-mcp sent a response whose id is not one the benchmark sent: {line}"))?;
    let outcome = if message.get("error").is_some() { Outcome::Failed } else { tool_outcome(line, message["result"]["isError"] == true) };
    Ok(Line::Response { id, outcome })
}

fn tool_outcome(line: &str, is_error: bool) -> Outcome {
    match (is_error, line.contains(RATE_LIMIT_SOURCE)) {
        (false, _) => Outcome::Success,
        (true, true) => Outcome::RateLimited,
        (true, false) => Outcome::Failed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classify_reads_result_prefix() {
        let line = r#"{"jsonrpc":"2.0","id":42,"result":{"content":[],"structuredContent":{"data":[]}}}"#;
        assert_eq!(classify(line).unwrap(), Line::Response { id: 42, outcome: Outcome::Success });
    }

    #[test]
    fn classify_flags_tool_error() {
        let line = r#"{"jsonrpc":"2.0","id":7,"result":{"content":[],"isError":true}}"#;
        assert_eq!(classify(line).unwrap(), Line::Response { id: 7, outcome: Outcome::Failed });
    }

    #[test]
    fn classify_sees_rate_limit_error() {
        let line = r#"{"jsonrpc":"2.0","id":8,"result":{"content":[{"type":"text","text":"rate limit reached\n{\"error\":{\"source\":\"rate_limit\"}}"}],"isError":true}}"#;
        assert_eq!(classify(line).unwrap(), Line::Response { id: 8, outcome: Outcome::RateLimited });
    }

    #[test]
    fn classify_flags_protocol_error() {
        let line = r#"{"jsonrpc":"2.0","id":7,"error":{"code":-32602,"message":"unknown tool"}}"#;
        assert_eq!(classify(line).unwrap(), Line::Response { id: 7, outcome: Outcome::Failed });
    }

    #[test]
    fn classify_parses_other_key_order() {
        let line = r#"{"id":9,"result":{"isError":false},"jsonrpc":"2.0"}"#;
        assert_eq!(classify(line).unwrap(), Line::Response { id: 9, outcome: Outcome::Success });
    }

    #[test]
    fn classify_ignores_escaped_is_error_in_text() {
        let line = r#"{"jsonrpc":"2.0","id":3,"result":{"content":[{"type":"text","text":"{\"isError\":true}"}]}}"#;
        assert_eq!(classify(line).unwrap(), Line::Response { id: 3, outcome: Outcome::Success });
    }

    #[test]
    fn classify_sees_notification() {
        let line = r#"{"jsonrpc":"2.0","method":"notifications/message","params":{}}"#;
        assert_eq!(classify(line).unwrap(), Line::Notification);
    }

    #[test]
    fn classify_rejects_non_json() {
        assert!(classify("not json").is_err());
    }

    #[test]
    fn ticker_call_is_valid_json() {
        let request: Value = serde_json::from_str(&ticker_call(5)).unwrap();
        assert_eq!(request["id"], 5);
        assert_eq!(request["params"]["name"], TICKER_TOOL);
        assert_eq!(request["params"]["arguments"]["instId"], TICKER_INST_ID);
    }
}
