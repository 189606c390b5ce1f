//! A raw JSON-RPC driver for the okx-mcp binary. It writes lines to the child's stdin and keeps
//! every line the child writes to stdout byte for byte, so tests can check stdout itself and not
//! only what an MCP client library makes of it.

#![allow(dead_code, reason = "each test module uses a different subset")]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin};
use tokio::sync::mpsc;

/// The protocol version the driver requests in `initialize`.
pub const PROTOCOL_VERSION: &str = "2025-06-18";

/// How the child is started.
#[derive(Debug, Clone, Default)]
pub struct Launch {
    /// Environment variables on top of `PATH`, `OKX_BASE_URL` and `RUST_LOG`.
    pub env: Vec<(String, String)>,
    pub args: Vec<String>,
    /// The child's `RUST_LOG`; `warn` when `None`.
    pub rust_log: Option<String>,
    /// A file that receives the child's stderr; stderr is discarded when `None`.
    pub stderr_file: Option<PathBuf>,
    /// The child's working directory; the test's own when `None`.
    pub working_dir: Option<PathBuf>,
}

impl Launch {
    pub fn env(mut self, name: &str, value: impl Into<String>) -> Self {
        self.env.push((name.to_owned(), value.into()));
        self
    }

    pub fn envs(mut self, pairs: &[(&str, String)]) -> Self {
        self.env.extend(pairs.iter().map(|(name, value)| ((*name).to_owned(), value.clone())));
        self
    }

    pub fn args(mut self, args: &[&str]) -> Self {
        self.args.extend(args.iter().map(|arg| (*arg).to_owned()));
        self
    }

    pub fn rust_log(mut self, filter: &str) -> Self {
        self.rust_log = Some(filter.to_owned());
        self
    }

    pub fn stderr_to(mut self, path: &Path) -> Self {
        self.stderr_file = Some(path.to_owned());
        self
    }

    pub fn working_dir(mut self, path: &Path) -> Self {
        self.working_dir = Some(path.to_owned());
        self
    }
}

/// A running okx-mcp child driven over raw JSON-RPC lines.
pub struct RawServer {
    child: Child,
    stdin: Option<ChildStdin>,
    /// Parsed stdout messages that no call has taken yet.
    messages: mpsc::UnboundedReceiver<Value>,
    /// Responses that arrived while another id was awaited, by id.
    parked: HashMap<String, Value>,
    /// Every stdout line as written, newline included.
    transcript: Arc<Mutex<Vec<Vec<u8>>>>,
    reader: Option<tokio::task::JoinHandle<()>>,
    next_id: u64,
}

impl RawServer {
    /// Starts okx-mcp pointed at `base_url` with a cleared environment.
    pub fn spawn(base_url: &str, launch: Launch) -> RawServer {
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_okx-mcp"));
        command.env_clear();
        if let Ok(path) = std::env::var("PATH") {
            command.env("PATH", path);
        }
        command.env("OKX_BASE_URL", base_url).env("RUST_LOG", launch.rust_log.as_deref().unwrap_or("warn"));
        for (name, value) in &launch.env {
            command.env(name, value);
        }
        command.args(&launch.args);
        if let Some(dir) = &launch.working_dir {
            command.current_dir(dir);
        }
        let stderr = match &launch.stderr_file {
            Some(path) => Stdio::from(std::fs::File::create(path).expect("stderr file can be created")),
            None => Stdio::null(),
        };
        command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(stderr).kill_on_drop(true);
        let mut child = command.spawn().expect("okx-mcp starts");

        let stdin = child.stdin.take().expect("stdin is piped");
        let stdout = child.stdout.take().expect("stdout is piped");
        let transcript = Arc::new(Mutex::new(Vec::new()));
        let (sender, messages) = mpsc::unbounded_channel();
        let reader = tokio::spawn(read_stdout(stdout, Arc::clone(&transcript), sender));
        RawServer { child, stdin: Some(stdin), messages, parked: HashMap::new(), transcript, reader: Some(reader), next_id: 1 }
    }

    /// Returns the child's process id.
    pub fn pid(&self) -> u32 {
        self.child.id().expect("the child has not been reaped")
    }

    /// Returns a fresh numeric request id.
    pub fn next_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// Writes one line to the child's stdin; a newline is appended.
    pub async fn send_line(&mut self, line: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        stdin.write_all(line).await.expect("write to okx-mcp's stdin");
        stdin.write_all(b"\n").await.expect("write to okx-mcp's stdin");
        stdin.flush().await.expect("flush okx-mcp's stdin");
    }

    /// Writes one JSON-RPC message.
    pub async fn send(&mut self, message: &Value) {
        let line = serde_json::to_vec(message).expect("a JSON value serialises");
        self.send_line(&line).await;
    }

    /// Sends a request and returns its id.
    pub async fn request(&mut self, method: &str, params: Value) -> u64 {
        let id = self.next_id();
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params})).await;
        id
    }

    /// Sends a `tools/call` request and returns its id.
    pub async fn call_tool(&mut self, name: &str, arguments: Value) -> u64 {
        self.request("tools/call", json!({"name": name, "arguments": arguments})).await
    }

    pub async fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params})).await;
    }

    /// Runs the `initialize` handshake and sends `notifications/initialized`.
    pub async fn initialize(&mut self) -> Value {
        let id = self
            .request(
                "initialize",
                json!({
                    "protocolVersion": PROTOCOL_VERSION,
                    "capabilities": {},
                    "clientInfo": {"name": "okx-mcp-raw-test", "version": "0"}
                }),
            )
            .await;
        let response = self.response(id, Duration::from_secs(10)).await.expect("okx-mcp answers initialize");
        assert!(response.get("result").is_some(), "initialize failed: {response}");
        self.notify("notifications/initialized", json!({})).await;
        response
    }

    /// Returns the next message from stdout, or `None` after `timeout` or at end of stdout.
    pub async fn next_message(&mut self, timeout: Duration) -> Option<Value> {
        tokio::time::timeout(timeout, self.messages.recv()).await.ok().flatten()
    }

    /// Waits for the response (result or error) to request `id`, keeping others for later.
    pub async fn response(&mut self, id: u64, timeout: Duration) -> Option<Value> {
        let key = id.to_string();
        if let Some(found) = self.parked.remove(&key) {
            return Some(found);
        }
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            let message = self.next_message(left).await?;
            match response_id(&message) {
                Some(found) if found == key => return Some(message),
                Some(found) => {
                    self.parked.insert(found, message);
                }
                None => {}
            }
        }
    }

    /// Calls a tool and returns the `result` object, panicking on a JSON-RPC error or timeout.
    pub async fn call_result(&mut self, name: &str, arguments: Value) -> Value {
        let id = self.call_tool(name, arguments).await;
        let response = self.response(id, Duration::from_secs(30)).await.unwrap_or_else(|| panic!("no response to {name} (id {id})"));
        response.get("result").cloned().unwrap_or_else(|| panic!("{name} gave a JSON-RPC error: {response}"))
    }

    /// Returns a copy of every stdout line so far, newline included.
    pub fn transcript(&self) -> Vec<Vec<u8>> {
        self.transcript.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    /// Returns true while the child process runs.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Returns the child's resident set size in KiB, from `/proc/PID/status`.
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).expect("/proc/PID/status is readable");
        let line = status.lines().find(|line| line.starts_with("VmRSS:")).expect("status has VmRSS");
        line.split_whitespace().nth(1).and_then(|kib| kib.parse().ok()).expect("VmRSS is a number of kB")
    }

    /// Closes stdin, waits for the child to exit and for stdout to reach its end, and returns
    /// the exit status and the full stdout transcript. The child is killed after `timeout`.
    pub async fn close(mut self, timeout: Duration) -> (ExitStatus, Vec<Vec<u8>>) {
        drop(self.stdin.take());
        let status = match tokio::time::timeout(timeout, self.child.wait()).await {
            Ok(status) => status.expect("wait for okx-mcp"),
            Err(_) => {
                self.child.kill().await.expect("kill okx-mcp");
                panic!("okx-mcp did not exit within {timeout:?} after stdin closed");
            }
        };
        if let Some(reader) = self.reader.take() {
            let _ = tokio::time::timeout(Duration::from_secs(5), reader).await;
        }
        (status, self.transcript())
    }
}

/// Returns a response's id as text, or `None` for requests and notifications.
pub fn response_id(message: &Value) -> Option<String> {
    if message.get("method").is_some() {
        return None;
    }
    match message.get("id")? {
        Value::Number(number) => Some(number.to_string()),
        Value::String(text) => Some(text.clone()),
        _ => None,
    }
}

async fn read_stdout(stdout: tokio::process::ChildStdout, transcript: Arc<Mutex<Vec<Vec<u8>>>>, sender: mpsc::UnboundedSender<Value>) {
    let mut reader = BufReader::new(stdout);
    loop {
        let mut line = Vec::new();
        match reader.read_until(b'\n', &mut line).await {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        if let Ok(message) = serde_json::from_slice::<Value>(&line) {
            let _ = sender.send(message);
        }
        transcript.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(line);
    }
}

/// Checks that a stdout line is exactly one JSON-RPC 2.0 message and returns it.
pub fn check_jsonrpc_line(line: &[u8]) -> Result<Value, String> {
    let text = std::str::from_utf8(line).map_err(|error| format!("not UTF-8: {error}"))?;
    let body = text.strip_suffix('\n').ok_or("the line does not end with a newline")?;
    let body = body.strip_suffix('\r').unwrap_or(body);
    if body.contains('\n') {
        return Err("the line contains a newline".to_owned());
    }
    let mut stream = serde_json::Deserializer::from_str(body).into_iter::<Value>();
    let message = match stream.next() {
        Some(Ok(message)) => message,
        Some(Err(error)) => return Err(format!("not JSON: {error}")),
        None => return Err("empty line".to_owned()),
    };
    if stream.next().is_some() {
        return Err("more than one JSON value on the line".to_owned());
    }

    let object = message.as_object().ok_or("not a JSON object (a batch or a scalar)")?;
    if object.get("jsonrpc") != Some(&json!("2.0")) {
        return Err("`jsonrpc` is not \"2.0\"".to_owned());
    }
    let has_method = object.get("method").is_some_and(Value::is_string);
    let id_ok = |id: Option<&Value>| matches!(id, Some(Value::Number(_) | Value::String(_)));
    let kind_ok = if has_method {
        // A request has an id; a notification has none.
        object.get("id").is_none() || id_ok(object.get("id"))
    } else {
        let result = object.contains_key("result");
        let error = object.contains_key("error");
        // A response carries exactly one of result and error. An error to a request whose id
        // could not be read has a null id under JSON-RPC 2.0. rmcp 3.11 leaves the id out
        // instead, citing the MCP 2026-07-28 revision, which makes it optional.
        let id_missing_or_null = matches!(object.get("id"), None | Some(Value::Null));
        (result != error) && (id_ok(object.get("id")) || (error && id_missing_or_null))
    };

    if !kind_ok {
        return Err("neither a request, a notification nor a response".to_owned());
    }
    if let Some(error) = object.get("error") {
        let code_ok = error.get("code").is_some_and(Value::is_i64);
        let message_ok = error.get("message").is_some_and(Value::is_string);
        if !(code_ok && message_ok) {
            return Err("the error object lacks an integer code or a string message".to_owned());
        }
    }
    Ok(message)
}

/// A fresh, empty directory under Cargo's temporary directory for integration tests, removed
/// when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|elapsed| elapsed.as_nanos()).unwrap_or(0);
        let name = format!("{label}-{}-{}-{nanos}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed));
        let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
        std::fs::create_dir_all(&path).expect("the temporary directory can be created");
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Lists every entry below the directory, recursively, as paths relative to it.
    pub fn entries(&self) -> Vec<PathBuf> {
        fn walk(dir: &Path, root: &Path, out: &mut Vec<PathBuf>) {
            let Ok(entries) = std::fs::read_dir(dir) else { return };
            for entry in entries.flatten() {
                let path = entry.path();
                out.push(path.strip_prefix(root).unwrap_or(&path).to_owned());
                if path.is_dir() {
                    walk(&path, root, out);
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.0, &self.0, &mut out);
        out.sort();
        out
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
