//! The `fake-okx` binary: start-up line, stopping on end of input or SIGTERM, address checks.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, ChildStdout, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use common::fixtures_dir;

fn spawn(extra_args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_fake-okx"))
        .arg("--fixtures")
        .arg(fixtures_dir())
        .args(extra_args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn fake-okx")
}

/// Reads the `listening http://…` line and returns the address after `http://`.
fn read_address(stdout: ChildStdout) -> String {
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("read start-up line");
    let url = line.trim_end().strip_prefix("listening ").unwrap_or_else(|| panic!("unexpected line {line:?}"));
    url.strip_prefix("http://").expect("plain HTTP URL").to_owned()
}

fn fetch(addr: &str, target: &str) -> String {
    let mut stream = TcpStream::connect(addr).expect("connect to fake-okx");
    write!(stream, "GET {target} HTTP/1.1\r\nhost: fake\r\nconnection: close\r\n\r\n").unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    reply
}

fn wait_with_timeout(child: &mut Child, limit: Duration) -> ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if started.elapsed() > limit {
            child.kill().unwrap();
            panic!("fake-okx did not exit within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn binary_serves_until_stdin_closes() {
    let mut child = spawn(&[]);
    let addr = read_address(child.stdout.take().unwrap());
    assert!(addr.starts_with("127.0.0.1:"), "{addr}");

    let reply = fetch(&addr, "/api/v5/market/ticker?instId=BTC-USDT");
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");

    drop(child.stdin.take());
    let status = wait_with_timeout(&mut child, Duration::from_secs(10));
    assert!(status.success(), "exit status {status}");
}

#[test]
fn binary_stops_on_sigterm() {
    let mut child = spawn(&["--ignore-stdin"]);
    let addr = read_address(child.stdout.take().unwrap());
    drop(child.stdin.take());
    std::thread::sleep(Duration::from_millis(200));
    assert!(fetch(&addr, "/api/v5/public/time").starts_with("HTTP/1.1 200"), "still serving with stdin closed");

    let killed = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status().unwrap();
    assert!(killed.success());
    let status = wait_with_timeout(&mut child, Duration::from_secs(10));
    assert!(status.success(), "exit status {status}");
}

#[test]
fn binary_random_faults() {
    let mut child = spawn(&["--fault-rate", "100", "--seed", "5"]);
    let addr = read_address(child.stdout.take().unwrap());

    for _ in 0..5 {
        let reply = fetch(&addr, "/api/v5/public/time");
        let is_error = !reply.starts_with("HTTP/1.1 200") || !reply.contains(r#""ts":""#);
        assert!(is_error, "100 % fault rate served a normal reply: {reply}");
    }

    drop(child.stdin.take());
    wait_with_timeout(&mut child, Duration::from_secs(10));
}

#[test]
fn binary_rejects_non_loopback() {
    let output = Command::new(env!("CARGO_BIN_EXE_fake-okx"))
        .args(["--addr", "0.0.0.0:0"])
        .arg("--fixtures")
        .arg(fixtures_dir())
        .stdin(Stdio::null())
        .output()
        .expect("run fake-okx");

    assert!(!output.status.success());
    assert!(output.stdout.is_empty(), "printed {:?}", String::from_utf8_lossy(&output.stdout));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("not a loopback address"), "{stderr}");
}
