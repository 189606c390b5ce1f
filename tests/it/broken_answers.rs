//! Broken responses from OKX, end to end: each gives an `isError` tool result whose message
//! names the problem, and the server keeps serving the next call.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use fake_okx::{Fault, FaultRule};
use okx_mcp::client::MAX_BODY_BYTES;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::support::{self, call, error_of, spawn, start_fake};

const TICKER: &str = "/api/v5/market/ticker";

/// A fault and the words its error message must contain.
struct Case {
    label: &'static str,
    fault: Fault,
    http_status: u64,
    message_parts: &'static [&'static str],
}

/// Returns the ticker fixture's response with `last` (a string field) replaced by an object.
fn ticker_with_object_field() -> String {
    let mut response = support::fixture(TICKER)["response"].clone();
    response["data"][0]["last"] = json!({"px": "1"});
    response.to_string()
}

fn cases() -> Vec<Case> {
    vec![
        Case { label: "HTML page", fault: Fault::Html, http_status: 502, message_parts: &["HTML page", "502 Bad Gateway"] },
        Case { label: "invalid JSON", fault: Fault::InvalidJson, http_status: 200, message_parts: &["not valid JSON"] },
        Case { label: "empty body", fault: Fault::EmptyBody, http_status: 200, message_parts: &["empty"] },
        Case { label: "truncated body", fault: Fault::Truncated, http_status: 200, message_parts: &["not valid JSON", "EOF"] },
        Case {
            label: "body over the size cap",
            fault: Fault::Oversized { bytes: MAX_BODY_BYTES },
            http_status: 200,
            message_parts: &["larger than 32 MiB"],
        },
        Case {
            label: "HTTP 500 with a text body",
            fault: Fault::Status { http: 500, body: "upstream connect error or disconnect/reset before headers".to_owned() },
            http_status: 500,
            message_parts: &["not valid JSON", "upstream connect error"],
        },
        Case {
            label: "object where the endpoint returns an array",
            fault: Fault::Status { http: 200, body: r#"{"code":"0","msg":"","data":{"x":1}}"#.to_owned() },
            http_status: 200,
            message_parts: &["does not match the documented shape", TICKER],
        },
        Case {
            label: "object in a string field",
            fault: Fault::Status { http: 200, body: ticker_with_object_field() },
            http_status: 200,
            message_parts: &["does not match the documented shape", "expected a string, found an object"],
        },
        Case {
            label: "JSON array instead of an envelope",
            fault: Fault::Status { http: 200, body: "[1,2,3]".to_owned() },
            http_status: 200,
            message_parts: &["not an object"],
        },
        Case {
            label: "envelope without code",
            fault: Fault::Status { http: 200, body: r#"{"data":[]}"#.to_owned() },
            http_status: 200,
            message_parts: &["no `code`"],
        },
        Case {
            label: "HTTP 503 with code 0",
            fault: Fault::Status { http: 503, body: r#"{"code":"0","msg":"","data":[]}"#.to_owned() },
            http_status: 503,
            message_parts: &["HTTP status 503"],
        },
    ]
}

async fn assert_ticker_works(client: &support::Client, after: &str) {
    let result =
        call(client, "market_ticker", json!({"instId": "BTC-USDT"})).await.unwrap_or_else(|error| panic!("after {after}: {error}"));
    assert_ne!(result.is_error, Some(true), "after {after}, a normal call failed: {}", support::text_of(&result));
    let expected = support::fixture(TICKER)["response"]["data"].clone();
    assert_eq!(result.structured_content.expect("structuredContent")["data"], expected, "after {after}");
}

#[tokio::test]
async fn broken_answers_are_tool_errors() {
    let fake = start_fake().await;
    let client = spawn(&fake, &[], &[], None).await;
    assert_ticker_works(&client, "start-up").await;

    for case in cases() {
        fake.clear_faults();
        // No `times`: a retrying client must see the same fault on every attempt.
        fake.push_fault(FaultRule::new(case.fault.clone()).on_path(TICKER));

        let result = call(&client, "market_ticker", json!({"instId": "BTC-USDT"}))
            .await
            .unwrap_or_else(|error| panic!("{}: the call is a protocol error, not a tool error: {error}", case.label));
        let error = error_of(&result);
        assert_eq!(error["source"], "okx", "{}: {error}", case.label);
        assert_eq!(error["endpoint"], TICKER, "{}: {error}", case.label);
        assert_eq!(error["httpStatus"], case.http_status, "{}: {error}", case.label);
        let message = error["message"].as_str().unwrap_or_default();
        for part in case.message_parts {
            assert!(message.contains(part), "{}: message lacks {part:?}: {message}", case.label);
        }
        assert!(error["hint"].is_string(), "{}: no hint: {error}", case.label);
        assert!(result.structured_content.is_none(), "{}: an error result carries data", case.label);

        fake.clear_faults();
        assert_ticker_works(&client, case.label).await;
    }
    client.cancel().await.unwrap();
}

/// Error text is quoted from the body, but only a short excerpt of it.
#[tokio::test]
async fn long_garbage_body_is_quoted_briefly() {
    let fake = start_fake().await;
    let client = spawn(&fake, &[], &[], None).await;
    let body = format!("garbage-start {} garbage-end", "x".repeat(100_000));
    fake.push_fault(FaultRule::new(Fault::Status { http: 200, body }).on_path(TICKER));

    let result = call(&client, "market_ticker", json!({"instId": "BTC-USDT"})).await.unwrap();
    let text = support::text_of(&result);
    let error = error_of(&result);
    assert_eq!(error["source"], "okx");
    assert!(text.contains("garbage-start"), "{text}");
    assert!(!text.contains("garbage-end"), "the whole body was quoted");
    assert!(text.len() < 2_000, "error text is {} bytes long", text.len());
    client.cancel().await.unwrap();
}

/// A local HTTP server that streams an endless chunked body (no Content-Length) for the ticker
/// path and serves `public/time` normally. It counts the body bytes it managed to write.
struct StreamingServer {
    base_url: String,
    written: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

/// How much the streaming server sends at most before giving up on the client.
const STREAM_LIMIT: usize = 3 * MAX_BODY_BYTES;

impl StreamingServer {
    async fn start() -> StreamingServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let written = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&written);
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { return };
                tokio::spawn(serve_streaming(stream, Arc::clone(&counter)));
            }
        });
        StreamingServer { base_url, written, task }
    }
}

impl Drop for StreamingServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve_streaming(mut stream: tokio::net::TcpStream, written: Arc<AtomicUsize>) {
    let mut head = Vec::new();
    let mut buffer = [0_u8; 4096];
    while !head.windows(4).any(|window| window == b"\r\n\r\n") {
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(count) => head.extend_from_slice(&buffer[..count]),
        }
    }
    let head = String::from_utf8_lossy(&head);
    if head.starts_with("GET /api/v5/public/time") {
        let body = r#"{"code":"0","msg":"","data":[{"ts":"1787218867318"}]}"#;
        let reply = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        let _ = stream.write_all(reply.as_bytes()).await;
        return;
    }

    let start = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
    if stream.write_all(start).await.is_err() {
        return;
    }
    let mut chunk = format!("{:x}\r\n", 1 << 20).into_bytes();
    chunk.extend(std::iter::repeat_n(b' ', 1 << 20));
    chunk.extend_from_slice(b"\r\n");
    let first = br#"{"code":"0","msg":"","data":["#;
    let _ = stream.write_all(format!("{:x}\r\n", first.len()).as_bytes()).await;
    let _ = stream.write_all(first).await;
    let _ = stream.write_all(b"\r\n").await;
    while written.load(Ordering::Relaxed) < STREAM_LIMIT {
        if stream.write_all(&chunk).await.is_err() {
            return;
        }
        written.fetch_add(1 << 20, Ordering::Relaxed);
    }
}

/// The size cap also holds for a chunked body, whose length is unknown until it ends.
#[tokio::test]
async fn endless_chunked_body_is_cut_off() {
    let server = StreamingServer::start().await;
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_okx-mcp"));
    command.env_clear().env("OKX_BASE_URL", &server.base_url).env("RUST_LOG", "warn");
    let (transport, _) = rmcp::transport::TokioChildProcess::builder(command).stderr(std::process::Stdio::null()).spawn().unwrap();
    let client = rmcp::ServiceExt::serve((), transport).await.unwrap();

    let result = tokio::time::timeout(Duration::from_secs(60), call(&client, "market_ticker", json!({"instId": "BTC-USDT"})))
        .await
        .expect("the call ends while the body is still streaming")
        .unwrap();
    let error = error_of(&result);
    assert_eq!(error["source"], "okx", "{error}");
    let message = error["message"].as_str().unwrap();
    assert!(message.contains("larger than 32 MiB"), "{message}");

    let written = server.written.load(Ordering::Relaxed);
    assert!(written < STREAM_LIMIT, "the client read the whole {written}-byte stream instead of stopping past {MAX_BODY_BYTES} bytes");

    let time = call(&client, "public_time", json!({})).await.unwrap();
    assert_ne!(time.is_error, Some(true), "{}", support::text_of(&time));
    assert_eq!(time.structured_content.unwrap()["data"][0]["ts"], Value::from("1787218867318"));
    client.cancel().await.unwrap();
}
