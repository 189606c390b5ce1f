//! Redirects are not followed. A 302 from the configured base URL ends the call with an error,
//! and the redirect target receives no request, signed or not.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::support::{self, call, error_of};

/// What a loopback server does with each request.
#[derive(Clone)]
enum Behaviour {
    /// Responds 302 with `Location` set to the same target on `base_url`.
    RedirectTo { base_url: String },
    /// Responds 200 with the repository fixture of the requested path, as OKX would.
    ServeFixture,
}

/// A loopback HTTP/1.1 server that records the request target of every request it reads.
struct LoopbackServer {
    base_url: String,
    targets: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl LoopbackServer {
    async fn start(behaviour: Behaviour) -> LoopbackServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let targets = Arc::new(Mutex::new(Vec::new()));
        let recorded = Arc::clone(&targets);
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { return };
                tokio::spawn(serve(stream, behaviour.clone(), Arc::clone(&recorded)));
            }
        });
        LoopbackServer { base_url, targets, task }
    }

    fn targets(&self) -> Vec<String> {
        self.targets.lock().unwrap().clone()
    }
}

impl Drop for LoopbackServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Reads one request head, records its target and writes the reply, then closes the connection.
async fn serve(mut stream: TcpStream, behaviour: Behaviour, targets: Arc<Mutex<Vec<String>>>) {
    let mut head = Vec::new();
    let mut buffer = [0_u8; 4096];
    while !head.windows(4).any(|window| window == b"\r\n\r\n") {
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(count) => head.extend_from_slice(&buffer[..count]),
        }
    }
    let head = String::from_utf8_lossy(&head);
    let target = head.lines().next().and_then(|line| line.split(' ').nth(1)).unwrap_or_default().to_owned();
    targets.lock().unwrap().push(target.clone());

    let reply = match behaviour {
        Behaviour::RedirectTo { base_url } => {
            format!("HTTP/1.1 302 Found\r\nlocation: {base_url}{target}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
        }
        Behaviour::ServeFixture => {
            let path = target.split('?').next().unwrap_or_default();
            let body = support::fixture(path)["response"].to_string();
            format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            )
        }
    };
    let _ = stream.write_all(reply.as_bytes()).await;
}

/// Starts the redirect target, then the server that redirects every request to it.
async fn start_pair() -> (LoopbackServer, LoopbackServer) {
    let target = LoopbackServer::start(Behaviour::ServeFixture).await;
    let redirecting = LoopbackServer::start(Behaviour::RedirectTo { base_url: target.base_url.clone() }).await;
    (redirecting, target)
}

/// Checks the setup of `redirect_is_not_followed`. A client that follows redirects reaches the
/// target, so the 302 reply is well formed, and an empty target log there means okx-mcp did not
/// follow it.
#[tokio::test]
async fn redirect_reaches_target_when_followed() {
    let (redirecting, target) = start_pair().await;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let following = reqwest::Client::builder().no_proxy().build().expect("reqwest client builds");

    let response = following
        .get(format!("{}/api/v5/market/ticker?instId=BTC-USDT", redirecting.base_url))
        .send()
        .await
        .expect("the redirect is followed");

    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(target.targets(), ["/api/v5/market/ticker?instId=BTC-USDT"]);
}

#[tokio::test]
async fn redirect_is_not_followed() {
    let (redirecting, target) = start_pair().await;
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_okx-mcp"));
    command
        .env_clear()
        .env("OKX_BASE_URL", &redirecting.base_url)
        .env("RUST_LOG", "warn")
        .env("OKX_API_KEY", "redirect-probe-key")
        .env("OKX_API_SECRET", "redirect-probe-secret")
        .env("OKX_API_PASSPHRASE", "redirect-probe-passphrase");
    let (transport, _) =
        rmcp::transport::TokioChildProcess::builder(command).stderr(std::process::Stdio::null()).spawn().expect("okx-mcp starts");
    let client = rmcp::ServiceExt::serve((), transport).await.expect("MCP handshake with okx-mcp succeeds");

    for (tool, arguments, sent) in [
        ("market_ticker", json!({"instId": "BTC-USDT"}), "/api/v5/market/ticker?instId=BTC-USDT"),
        ("account_balance", json!({"ccy": "BTC"}), "/api/v5/account/balance?ccy=BTC"),
    ] {
        let result = tokio::time::timeout(Duration::from_secs(30), call(&client, tool, arguments))
            .await
            .unwrap_or_else(|_| panic!("{tool}: no result within 30 s"))
            .unwrap_or_else(|error| panic!("{tool}: protocol error {error}"));
        let error = error_of(&result);
        assert_eq!(error["httpStatus"], 302, "{tool}: {error}");
        assert_eq!(error["endpoint"], sent.split('?').next().unwrap(), "{tool}: {error}");
        assert!(redirecting.targets().iter().any(|target| target == sent), "{tool}: {sent} did not reach the base URL");
    }

    // The start-up permission check runs in the background. Waiting until it has been redirected
    // too makes the last assertion cover it.
    let config = "/api/v5/account/config";
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !redirecting.targets().iter().any(|target| target == config) && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(redirecting.targets().iter().any(|target| target == config), "the start-up check did not reach the base URL");
    client.cancel().await.unwrap();

    assert_eq!(target.targets(), Vec::<String>::new(), "the redirect target received requests");
}
