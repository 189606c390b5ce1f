//! Credentials never leave the process except in OKX's request headers: no result, no stdout
//! line and no stderr log line at debug level carries the key, the secret, the passphrase, a
//! signature or a signed prehash string.

use std::time::Duration;

use fake_okx::{Config, FakeOkx, Fault, FaultRule, KeyRecord, LIVE_TEST_KEY};
use serde_json::{Value, json};

use crate::raw_rpc::{Launch, RawServer, TempDir};

/// A key the fake accepts, with values that cannot occur by chance in any output.
const KEY: &str = "k3y-0d9e5a7c-SECRETPROBE-KEY-b81f";
const SECRET: &str = "Zq8sEcReTpRoBe5eCr3tVaLuE0x91Xy";
const PASSPHRASE: &str = "Pp-PASSPROBE-7#pass!phrase";
/// A wrong passphrase and a wrong secret, which must not leak either.
const WRONG_PASSPHRASE: &str = "Ww-WRONGPASSPROBE-42";
const WRONG_SECRET: &str = "WrOnGsEcReTpRoBe0000000000000000";

const BALANCE: &str = "/api/v5/account/balance";

async fn start_fake() -> FakeOkx {
    let mut config = Config::default();
    config.keys.push(KeyRecord::new(KEY, SECRET, PASSPHRASE, false));
    FakeOkx::start(config).await.expect("fake OKX starts")
}

/// What one session wrote: stdout lines, stderr text and the tool results it received.
struct Outputs {
    label: String,
    stdout: String,
    stderr: String,
}

/// Runs a session with `credentials` that makes successful, failing and broken calls.
async fn run_session(fake: &FakeOkx, label: &str, credentials: [&str; 3], rust_log: &str) -> Outputs {
    let dir = TempDir::new("secrets");
    let stderr_path = dir.path().join("stderr.log");
    let [key, secret, passphrase] = credentials;
    let launch = Launch::default()
        .env("OKX_API_KEY", key)
        .env("OKX_API_SECRET", secret)
        .env("OKX_API_PASSPHRASE", passphrase)
        .rust_log(rust_log)
        .stderr_to(&stderr_path)
        .args(&["--toolsets", "all"]);
    let mut server = RawServer::spawn(&fake.base_url(), launch);
    server.initialize().await;
    let list = server.request("tools/list", json!({})).await;
    server.response(list, Duration::from_secs(10)).await.expect("tools/list answered");

    let calls: Vec<(&str, Value)> = vec![
        ("account_balance", json!({})),
        ("account_balance", json!({"ccy": "BTC,ETH"})),
        ("account_config", json!({})),
        ("account_positions", json!({"instType": "SWAP"})),
        ("market_ticker", json!({"instId": "BTC-USDT"})),
        ("account_balance", json!({"ccy": 42, "unknown": true})),
        ("account_bills", json!({"limit": 100_000})),
        ("account_balance", json!({"ccy": {"nested": "object"}})),
    ];
    for (name, arguments) in &calls {
        server.call_result(name, arguments.clone()).await;
    }

    for fault in [
        Fault::Html,
        Fault::InvalidJson,
        Fault::Truncated,
        Fault::EmptyBody,
        Fault::RateLimit,
        Fault::Status { http: 500, body: "internal failure".to_owned() },
        Fault::OkxError { http: 401, code: "50113".to_owned(), msg: "Invalid Sign".to_owned() },
    ] {
        fake.clear_faults();
        fake.push_fault(FaultRule::new(fault).on_path(BALANCE));
        server.call_result("account_balance", json!({"ccy": "USDT"})).await;
    }
    fake.clear_faults();

    let unknown = server.call_tool("trade_place_order", json!({"instId": "BTC-USDT"})).await;
    server.response(unknown, Duration::from_secs(10)).await.expect("unknown tool answered");

    let (status, transcript) = server.close(Duration::from_secs(10)).await;
    assert!(status.success(), "{label}: okx-mcp exited with {status}");
    let stdout = transcript.iter().map(|line| String::from_utf8_lossy(line).into_owned()).collect();
    let stderr = std::fs::read_to_string(&stderr_path).expect("stderr file is readable");
    Outputs { label: label.to_owned(), stdout, stderr }
}

/// Returns every value derived from the credentials that the fake received: signatures and
/// prehash strings.
fn signatures_and_prehashes(fake: &FakeOkx) -> Vec<String> {
    let mut values = Vec::new();
    for request in fake.requests() {
        if let Some(sign) = request.header("ok-access-sign") {
            values.push(sign.to_owned());
            if let Some(timestamp) = request.header("ok-access-timestamp") {
                values.push(format!("{timestamp}GET{}", request.target));
            }
        }
    }
    values
}

fn assert_absent(outputs: &[Outputs], secrets: &[String]) {
    for output in outputs {
        for secret in secrets {
            assert!(!output.stdout.contains(secret.as_str()), "{}: stdout contains {secret:?}", output.label);
            assert!(!output.stderr.contains(secret.as_str()), "{}: stderr contains {secret:?}", output.label);
        }
    }
}

async fn check_no_leak(rust_log: &str) {
    let fake = start_fake().await;
    let sessions = [
        ("right credentials", [KEY, SECRET, PASSPHRASE]),
        ("wrong passphrase", [KEY, SECRET, WRONG_PASSPHRASE]),
        ("wrong secret", [KEY, WRONG_SECRET, PASSPHRASE]),
        ("live test key", [LIVE_TEST_KEY.key, LIVE_TEST_KEY.secret, LIVE_TEST_KEY.passphrase]),
    ];
    let mut outputs = Vec::new();
    for (label, credentials) in sessions {
        outputs.push(run_session(&fake, label, credentials, rust_log).await);
    }

    // The sessions reached OKX and got each kind of response, so the outputs are worth checking.
    let everything: String = outputs.iter().map(|output| output.stdout.as_str()).collect();
    for expected in ["\"totalEq\"", "50105", "50113", "HTML page", "not valid JSON", "unknown argument", "unknown tool"] {
        assert!(everything.contains(expected), "no session output contains {expected:?}");
    }
    let stderr: String = outputs.iter().map(|output| output.stderr.as_str()).collect();
    assert!(stderr.contains("DEBUG") || rust_log != "debug", "RUST_LOG={rust_log} produced no debug lines");

    let mut secrets: Vec<String> =
        [KEY, SECRET, PASSPHRASE, WRONG_PASSPHRASE, WRONG_SECRET].iter().map(|value| (*value).to_owned()).collect();
    secrets.extend([LIVE_TEST_KEY.key, LIVE_TEST_KEY.secret, LIVE_TEST_KEY.passphrase].map(str::to_owned));
    let derived = signatures_and_prehashes(&fake);
    assert!(derived.len() > 20, "only {} signed requests reached the fake", derived.len() / 2);
    secrets.extend(derived);
    assert_absent(&outputs, &secrets);
}

#[tokio::test]
async fn credentials_never_appear_in_output() {
    check_no_leak("debug").await;
}

/// Trace, the level with the most output, includes the HTTP stack's own logs.
#[tokio::test]
async fn credentials_never_appear_at_trace_level() {
    check_no_leak("trace").await;
}
