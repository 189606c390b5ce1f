//! The command line for people: `tools`, `call`, `check` and `--version`, run as the real binary
//! against the fake OKX.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::{Child, ChildStdin, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use fake_okx::{Config, FakeOkx, Fault, FaultRule, LIVE_TEST_KEY, TestKey};
use okx_mcp::toolsets;
use serde_json::{Value, json};

use crate::support;

fn start_fake() -> FakeOkx {
    FakeOkx::start_blocking(Config::default()).expect("fake OKX starts on loopback")
}

/// Builds an okx-mcp command with `args`, a cleared environment plus `env`, and `base_url` as
/// OKX_BASE_URL. Its stdin is empty.
fn command(base_url: &str, env: &[(&str, String)], args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_okx-mcp"));
    command.env_clear();
    if let Ok(path) = std::env::var("PATH") {
        command.env("PATH", path);
    }
    command.env("OKX_BASE_URL", base_url);
    for (name, value) in env {
        command.env(name, value);
    }
    command.args(args).stdin(Stdio::null());
    command
}

/// Runs okx-mcp with `args`, a cleared environment plus `env`, and `base_url` as OKX_BASE_URL.
fn run_with_base_url(base_url: &str, env: &[(&str, String)], args: &[&str]) -> Output {
    command(base_url, env, args).output().expect("okx-mcp runs")
}

fn run(fake: &FakeOkx, env: &[(&str, String)], args: &[&str]) -> Output {
    run_with_base_url(&fake.base_url(), env, args)
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}

/// Parses all of stdout as one JSON value, so that any stray line fails the test.
fn stdout_json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|error| panic!("stdout is not JSON ({error}):\n{}\nstderr:\n{}", stdout(output), stderr(output)))
}

/// Returns the line of `okx-mcp check` output for the check named `check`, e.g. "api key".
fn check_line<'a>(text: &'a str, check: &str) -> &'a str {
    text.lines()
        .find(|line| line.split_whitespace().skip(1).collect::<Vec<_>>().join(" ").starts_with(check))
        .unwrap_or_else(|| panic!("no `{check}` line in:\n{text}"))
}

fn assert_no_secret(output: &Output, key: &TestKey) {
    let all = format!("{}{}", stdout(output), stderr(output));
    assert!(!all.contains(key.secret), "the secret was printed:\n{all}");
    assert!(!all.contains(key.passphrase), "the passphrase was printed:\n{all}");
    assert!(!all.contains(key.key), "the API key was printed:\n{all}");
}

#[test]
fn version_prints_package_version() {
    let fake = start_fake();
    let output = run(&fake, &[], &["--version"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output).trim(), format!("okx-mcp {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn call_prints_ticker_fixture() {
    let fake = start_fake();
    let output = run(&fake, &[], &["call", "market_ticker", "instId=BTC-USDT"]);
    assert!(output.status.success(), "exit {:?}, stderr:\n{}", output.status, stderr(&output));

    let result = stdout_json(&output);
    let expected = &support::fixture("/api/v5/market/ticker")["response"]["data"][0];
    let row = &result["data"][0];
    let expected_fields = expected.as_object().expect("the fixture row is an object");
    for (field, value) in expected_fields {
        assert_eq!(&row[field], value, "field {field}");
    }
    assert_eq!(result["data"].as_array().map(Vec::len), Some(1));
}

#[test]
fn call_stdout_stays_json_with_debug_logs() {
    let fake = start_fake();
    let output = run(&fake, &[("RUST_LOG", "debug".to_owned())], &["call", "market_ticker", "instId=BTC-USDT"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout_json(&output)["data"][0]["instId"], "BTC-USDT");
}

#[test]
fn call_bad_argument_exits_1() {
    let fake = start_fake();
    let output = run(&fake, &[], &["call", "market_candles", "instId=BTC-USDT", "limit=many"]);
    assert_eq!(output.status.code(), Some(1), "stderr:\n{}", stderr(&output));
    assert!(stderr(&output).contains("limit"), "{}", stderr(&output));
    assert!(output.stdout.is_empty(), "stdout:\n{}", stdout(&output));
    assert!(fake.requests().is_empty(), "a rejected argument must not reach OKX");
}

#[test]
fn call_missing_argument_exits_1() {
    let fake = start_fake();
    let output = run(&fake, &[], &["call", "market_ticker"]);
    assert_eq!(output.status.code(), Some(1), "stderr:\n{}", stderr(&output));
    assert!(stderr(&output).contains("missing required argument 'instId'"), "{}", stderr(&output));
}

#[test]
fn call_string_integer_is_accepted() {
    let fake = start_fake();
    let output = run(&fake, &[], &["call", "market_candles", "instId=BTC-USDT", "limit=2"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let target = fake.requests().last().expect("one request").target.clone();
    assert!(target.contains("limit=2"), "{target}");
}

#[test]
fn call_json_object_and_raw_value() {
    let fake = start_fake();
    let output = run(&fake, &[], &["call", "market_candles", "--json", r#"{"instId":"BTC-USDT"}"#, "limit:=2"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout_json(&output)["data"].is_array());
    let target = fake.requests().last().expect("one request").target.clone();
    assert!(target.contains("instId=BTC-USDT"), "{target}");
    assert!(target.contains("limit=2"), "{target}");
}

#[test]
fn call_malformed_argument_exits_2() {
    let fake = start_fake();
    let output = run(&fake, &[], &["call", "market_ticker", "instId"]);
    assert_eq!(output.status.code(), Some(2), "stderr:\n{}", stderr(&output));
    assert!(stderr(&output).contains("key=value"), "{}", stderr(&output));
}

#[test]
fn call_unknown_tool_exits_2() {
    let fake = start_fake();
    let output = run(&fake, &[], &["call", "market_tiker", "instId=BTC-USDT"]);
    assert_eq!(output.status.code(), Some(2), "stderr:\n{}", stderr(&output));
    let text = stderr(&output);
    assert!(text.contains("unknown tool 'market_tiker'"), "{text}");
    assert!(text.contains("okx-mcp tools --toolsets all"), "{text}");
    assert!(text.contains("market_ticker"), "{text}");
}

#[test]
fn call_runs_tool_outside_toolsets() {
    let fake = start_fake();
    let output = run(&fake, &support::live_env(), &["--toolsets", "account", "call", "market_ticker", "instId=BTC-USDT"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout_json(&output)["data"][0]["instId"], "BTC-USDT");
}

#[test]
fn call_private_tool_signs_with_key() {
    let fake = start_fake();
    let output = run(&fake, &support::live_env(), &["call", "account_balance"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout_json(&output)["data"].is_array());
    assert_no_secret(&output, &LIVE_TEST_KEY);
}

#[test]
fn call_private_tool_without_key_exits_2() {
    let fake = start_fake();
    let output = run(&fake, &[], &["call", "account_balance"]);
    assert_eq!(output.status.code(), Some(2), "stderr:\n{}", stderr(&output));
    assert!(stderr(&output).contains("OKX_API_KEY"), "{}", stderr(&output));
    assert!(fake.requests().is_empty());
}

#[test]
fn call_okx_error_exits_1_with_hint() {
    let fake = start_fake();
    let mut env = support::live_env();
    env[1].1 = "0000000000000000000000000000FFFF".to_owned();
    let output = run(&fake, &env, &["call", "account_balance"]);
    assert_eq!(output.status.code(), Some(1), "stderr:\n{}", stderr(&output));
    let text = stderr(&output);
    assert!(text.contains("50113"), "{text}");
    assert!(text.contains("OKX_API_SECRET"), "{text}");
    assert!(!text.contains("0000000000000000000000000000FFFF"), "{text}");
}

#[test]
fn tools_json_lists_default_tools() {
    let fake = start_fake();
    let output = run(&fake, &[], &["tools", "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));

    let tools = stdout_json(&output);
    let names: Vec<&str> =
        tools.as_array().expect("a JSON array").iter().map(|tool| tool["name"].as_str().expect("every tool has a name")).collect();
    let default = toolsets::select(&[toolsets::DEFAULT.to_owned()], &[], false).expect("the default toolset resolves");
    let expected: Vec<&str> = default.endpoints.iter().map(|endpoint| endpoint.name).collect();
    assert_eq!(names, expected);
    assert!(names.contains(&"market_ticker"), "{names:?}");

    let ticker = tools.as_array().unwrap().iter().find(|tool| tool["name"] == "market_ticker").unwrap();
    assert_eq!(ticker["inputSchema"]["type"], "object");
    assert_eq!(ticker["annotations"]["readOnlyHint"], true);
    assert!(ticker["outputSchema"].is_object());
}

#[test]
fn tools_json_includes_private_with_key() {
    let fake = start_fake();
    let output = run(&fake, &support::live_env(), &["tools", "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let names: Vec<String> =
        stdout_json(&output).as_array().unwrap().iter().map(|tool| tool["name"].as_str().unwrap().to_owned()).collect();
    let default = toolsets::select(&[toolsets::DEFAULT.to_owned()], &[], true).unwrap();
    assert_eq!(names.len(), default.endpoints.len());
    assert!(names.iter().any(|name| name == "account_balance"), "{names:?}");
}

#[test]
fn tools_options_after_subcommand() {
    let fake = start_fake();
    let output = run(&fake, &[], &["tools", "--toolsets", "market", "--tools", "public_time", "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let names: Vec<String> =
        stdout_json(&output).as_array().unwrap().iter().map(|tool| tool["name"].as_str().unwrap().to_owned()).collect();
    assert!(names.iter().any(|name| name == "public_time"), "{names:?}");
    assert!(names.iter().filter(|name| *name != "public_time").all(|name| name.starts_with("market_")), "{names:?}");
}

#[test]
fn tools_table_has_columns() {
    let fake = start_fake();
    let output = run(&fake, &[], &["tools"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let header: Vec<&str> = text.lines().next().expect("a header line").split_whitespace().collect();
    assert_eq!(header, ["NAME", "AUTH", "TOOLSET", "TITLE"]);
    let ticker = text.lines().find(|line| line.starts_with("market_ticker ")).unwrap_or_else(|| panic!("no market_ticker row:\n{text}"));
    let cells: Vec<&str> = ticker.split_whitespace().collect();
    assert_eq!(&cells[1..3], ["public", "market"], "{ticker}");
    assert!(stderr(&output).contains("private tools are not listed"), "{}", stderr(&output));
}

#[test]
fn tools_unknown_toolset_exits_2() {
    let fake = start_fake();
    let output = run(&fake, &[], &["tools", "--toolsets", "markets"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("'markets'"), "{}", stderr(&output));
}

#[test]
fn check_passes_with_live_key() {
    let fake = start_fake();
    let output = run(&fake, &support::live_env(), &["check"]);
    let text = stdout(&output);
    assert!(output.status.success(), "stdout:\n{text}\nstderr:\n{}", stderr(&output));
    for check in ["config", "credentials", "tools", "connection", "clock", "api key", "permissions"] {
        assert!(check_line(&text, check).starts_with("ok "), "{text}");
    }
    assert!(check_line(&text, "config").contains(&fake.base_url()), "{text}");
    assert!(check_line(&text, "permissions").contains("read_only"), "{text}");
    assert_no_secret(&output, &LIVE_TEST_KEY);
}

#[test]
fn check_fails_with_wrong_secret() {
    let fake = start_fake();
    let wrong_secret = "0000000000000000000000000000FFFF";
    let key = TestKey { secret: wrong_secret, ..LIVE_TEST_KEY };
    let output = run(&fake, &support::credentials_env(&key), &["check"]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "stdout:\n{text}\nstderr:\n{}", stderr(&output));
    let line = check_line(&text, "api key");
    assert!(line.starts_with("fail "), "{text}");
    assert!(line.contains("50113"), "{line}");
    assert!(line.contains("OKX_API_SECRET"), "{line}");
    assert_no_secret(&output, &key);
}

#[test]
fn check_without_key_skips_key() {
    let fake = start_fake();
    let output = run(&fake, &[], &["check"]);
    let text = stdout(&output);
    assert!(output.status.success(), "{text}");
    assert!(check_line(&text, "credentials").contains("not set"), "{text}");
    assert!(!text.contains("api key"), "{text}");
}

#[test]
fn check_trading_key_warns() {
    let config = Config { keys: vec![LIVE_TEST_KEY.record().with_perm("read_only,trade")], ..Config::default() };
    let fake = FakeOkx::start_blocking(config).expect("fake OKX starts on loopback");

    let output = run(&fake, &support::live_env(), &["check"]);
    let text = stdout(&output);
    assert!(output.status.success(), "{text}");
    let line = check_line(&text, "permissions");
    assert!(line.starts_with("warn "), "{text}");
    assert!(line.contains("trade"), "{line}");

    let strict = run(&fake, &support::live_env(), &["check", "--require-read-only-key"]);
    let text = stdout(&strict);
    assert_eq!(strict.status.code(), Some(1), "{text}");
    assert!(check_line(&text, "permissions").starts_with("fail "), "{text}");
}

#[test]
fn check_reports_clock_offset() {
    let fake = start_fake();
    fake.set_clock_skew_ms(60_000);
    let output = run(&fake, &support::live_env(), &["check"]);
    let text = stdout(&output);
    assert!(output.status.success(), "{text}");
    let line = check_line(&text, "clock");
    assert!(line.starts_with("warn "), "{text}");
    assert!(line.contains("+59") || line.contains("+60"), "{line}");
    assert!(check_line(&text, "api key").starts_with("ok "), "the key check signs with OKX's time:\n{text}");
}

#[test]
fn check_unreachable_host_fails() {
    let free_port = TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("address").port();
    let output = run_with_base_url(&format!("http://127.0.0.1:{free_port}"), &[], &["check", "--timeout-ms", "2000"]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(check_line(&text, "connection").starts_with("fail "), "{text}");
    assert!(!text.contains("clock"), "no clock check without a connection:\n{text}");
}

#[test]
fn check_invalid_config_fails() {
    let fake = start_fake();
    let output = run(&fake, &[("OKX_SITE", "europe".to_owned())], &["check"]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    let line = check_line(&text, "config");
    assert!(line.starts_with("fail "), "{text}");
    assert!(line.contains("OKX_SITE"), "{line}");
}

#[test]
fn call_strict_rejects_trading_key() {
    let config = Config { keys: vec![LIVE_TEST_KEY.record().with_perm("read_only,trade")], ..Config::default() };
    let fake = FakeOkx::start_blocking(config).expect("fake OKX starts on loopback");

    let output = run(&fake, &support::live_env(), &["call", "--require-read-only-key", "market_ticker", "instId=BTC-USDT"]);
    assert_eq!(output.status.code(), Some(2), "stderr:\n{}", stderr(&output));
    assert!(stderr(&output).contains("trade"), "{}", stderr(&output));
    assert!(output.stdout.is_empty(), "stdout:\n{}", stdout(&output));
    assert!(!fake.requests().iter().any(|request| request.target.starts_with("/api/v5/market/ticker")), "the tool must not run");
}

/// Asserts that okx-mcp stopped without a panic and with exit status 0 after its stdout closed.
fn assert_quiet_after_stdout_closed(output: &Output) {
    let text = stderr(output);
    assert!(!text.contains("panicked"), "stderr:\n{text}");
    assert_eq!(output.status.code(), Some(0), "stderr:\n{text}");
}

/// Starts okx-mcp with `args`, closes the read end of its stdout at once, and waits for it.
fn run_with_closed_stdout(fake: &FakeOkx, args: &[&str]) -> Output {
    let mut child = command(&fake.base_url(), &[], args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("okx-mcp starts");
    drop(child.stdout.take());
    child.wait_with_output().expect("wait for okx-mcp")
}

#[test]
fn tools_json_closed_stdout_exits_quietly() {
    let fake = start_fake();
    let args = ["--toolsets", "all", "tools", "--json"];
    // 64 KiB is the default pipe buffer on Linux: a longer list is still being written when the
    // reader below stops.
    let full = run(&fake, &[], &args);
    assert!(full.stdout.len() > 4 * 65_536, "the list has only {} bytes", full.stdout.len());

    let mut child = command(&fake.base_url(), &[], &args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("okx-mcp starts");
    let mut stdout = child.stdout.take().expect("stdout is piped");
    let mut start = [0; 100];
    stdout.read_exact(&mut start).expect("okx-mcp writes the tool list");
    drop(stdout);
    let output = child.wait_with_output().expect("wait for okx-mcp");

    assert_quiet_after_stdout_closed(&output);
}

#[test]
fn check_closed_stdout_exits_quietly() {
    let fake = start_fake();
    // The delay keeps the connection line back until after the pipe has closed.
    fake.push_fault(FaultRule::new(Fault::Delay { ms: 300 }).on_path("/api/v5/public/time"));
    let output = run_with_closed_stdout(&fake, &["check"]);
    assert_quiet_after_stdout_closed(&output);
}

#[test]
fn call_closed_stdout_exits_quietly() {
    let fake = start_fake();
    // The delay keeps the result back until after the pipe has closed.
    fake.push_fault(FaultRule::new(Fault::Delay { ms: 300 }).on_path("/api/v5/market/books"));
    let output = run_with_closed_stdout(&fake, &["call", "market_books", "instId=BTC-USDT"]);
    assert_quiet_after_stdout_closed(&output);
    assert_eq!(fake.requests().len(), 1, "the tool ran");
}

#[test]
fn tools_full_stdout_exits_1() {
    let fake = start_fake();
    let output = command(&fake.base_url(), &[], &["tools", "--json"])
        .stdout(Stdio::from(File::create("/dev/full").expect("/dev/full opens")))
        .output()
        .expect("okx-mcp runs");
    let text = stderr(&output);
    assert!(!text.contains("panicked"), "stderr:\n{text}");
    assert_eq!(output.status.code(), Some(1), "stderr:\n{text}");
    assert!(text.contains("cannot write to stdout"), "stderr:\n{text}");
}

#[test]
fn tools_invalid_rust_log_stays_quiet() {
    let fake = start_fake();
    let output = run(&fake, &[("RUST_LOG", "okx_mcp=[".to_owned())], &["tools"]);
    let text = stderr(&output);
    assert!(output.status.success(), "stderr:\n{text}");
    assert!(!text.contains(" INFO "), "stderr:\n{text}");
    assert!(text.contains("invalid log filter"), "stderr:\n{text}");
    assert!(text.contains(r#"using "error""#), "stderr:\n{text}");
}

#[test]
fn call_error_escapes_control_characters() {
    let fake = start_fake();
    let msg = "Instrument \u{1b}[2J\u{1b}]0;title\u{7}gone\r\0 \u{9b}31m";
    fake.push_fault(FaultRule::new(Fault::OkxError { http: 200, code: "51001".to_owned(), msg: msg.to_owned() }));
    let output = run(&fake, &[], &["call", "market_ticker", "instId=BTC-USDT"]);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "stderr:\n{text}");
    assert!(text.contains("51001"), "stderr:\n{text}");
    let raw: Vec<char> = text.chars().filter(|character| character.is_control() && !matches!(character, '\n' | '\t')).collect();
    assert!(raw.is_empty(), "raw control characters {raw:?} in stderr:\n{text:?}");
    assert!(text.contains(r"\u001b[2J"), "stderr:\n{text}");
}

/// An okx-mcp server driven with JSON-RPC lines on its stdin and stdout.
struct LineServer {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: mpsc::Receiver<String>,
}

impl LineServer {
    fn spawn(fake: &FakeOkx, env: &[(&str, String)], args: &[&str], stderr: Stdio) -> LineServer {
        let mut child = command(&fake.base_url(), env, args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("okx-mcp starts");
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("stdout is piped");
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        LineServer { child, stdin, lines }
    }

    fn send(&mut self, message: &Value) {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        writeln!(stdin, "{message}").expect("write to okx-mcp's stdin");
    }

    /// Sends a request and returns its response, skipping other messages. Panics when stdout
    /// ends first, e.g. because okx-mcp exited.
    fn request(&mut self, id: u64, method: &str, params: Value) -> Value {
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let line = match self.lines.recv_timeout(Duration::from_secs(30)) {
                Ok(line) => line,
                Err(error) => panic!("no response to {method} ({error}); okx-mcp exit status: {:?}", self.child.try_wait()),
            };
            let message: Value = serde_json::from_str(&line).unwrap_or_else(|error| panic!("stdout line is not JSON ({error}): {line}"));
            if message["id"] == id {
                return message;
            }
        }
    }

    /// Closes stdin and returns the exit status.
    fn close(mut self) -> ExitStatus {
        drop(self.stdin.take());
        self.child.wait().expect("wait for okx-mcp")
    }
}

/// Runs a session of initialize, tools/list and one tools/call against a server whose stderr
/// is `stderr`, and checks every response and the exit status.
fn assert_serves_with_stderr(env: &[(&str, String)], args: &[&str], stderr: Stdio) {
    let fake = start_fake();
    let mut server = LineServer::spawn(&fake, env, args, stderr);

    let initialize = server.request(
        1,
        "initialize",
        json!({"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "cli-test", "version": "0"}}),
    );
    assert!(initialize["result"]["serverInfo"].is_object(), "{initialize}");
    server.send(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));

    let list = server.request(2, "tools/list", json!({}));
    let tools = list["result"]["tools"].as_array().unwrap_or_else(|| panic!("no tools in {list}"));
    assert!(tools.iter().any(|tool| tool["name"] == "market_ticker"), "{list}");

    let call = server.request(3, "tools/call", json!({"name": "market_ticker", "arguments": {"instId": "BTC-USDT"}}));
    assert_eq!(call["result"]["isError"], false, "{call}");
    assert_eq!(call["result"]["structuredContent"]["data"][0]["instId"], "BTC-USDT", "{call}");

    let status = server.close();
    assert!(status.success(), "exit status {status}");
}

#[test]
fn server_serves_with_full_stderr() {
    let stderr = Stdio::from(File::create("/dev/full").expect("/dev/full opens"));
    assert_serves_with_stderr(&[("RUST_LOG", "debug".to_owned())], &[], stderr);
}

#[test]
fn server_serves_with_closed_stderr() {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    // The invalid filter makes okx-mcp report it on stderr before logging starts.
    assert_serves_with_stderr(&[], &["--log-level", "okx_mcp=["], Stdio::from(writer));
}

#[test]
fn strict_refusal_logs_no_ready_line() {
    let config = Config { keys: vec![LIVE_TEST_KEY.record().with_perm("read_only,trade")], ..Config::default() };
    let fake = FakeOkx::start_blocking(config).expect("fake OKX starts on loopback");
    let mut env = support::live_env();
    env.push(("RUST_LOG", "info".to_owned()));

    let output = run(&fake, &env, &["--require-read-only-key"]);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "stderr:\n{text}");
    assert!(text.contains("trade"), "stderr:\n{text}");
    assert!(!text.contains("okx-mcp ready"), "stderr:\n{text}");
}

#[test]
fn server_logs_ready_line() {
    let fake = start_fake();
    // With stdin at its end the server stops right after start-up.
    let output = run(&fake, &[("RUST_LOG", "info".to_owned())], &[]);
    let text = stderr(&output);
    assert!(output.status.success(), "stderr:\n{text}");
    assert!(text.contains("okx-mcp ready"), "stderr:\n{text}");
}
