//! `fake-okx`: runs the fake OKX server until SIGTERM, SIGINT or end of standard input.

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use fake_okx::{Config, FakeOkx, Fault, FaultRule, check_loopback, default_fixtures_dir};
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::oneshot;

/// Fake OKX REST API v5 server for tests. Prints `listening http://ADDR` on stdout once ready
/// and logs to stderr (level set by RUST_LOG, default info). SIGHUP reloads the fixtures.
#[derive(Debug, Parser)]
#[command(name = "fake-okx", version)]
struct Args {
    /// Listen address, which must be a loopback address. Port 0 picks a free port.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    addr: SocketAddr,

    /// Directory of fixture files (default: the repository's tests/fixtures/okx).
    #[arg(long, value_name = "DIR")]
    fixtures: Option<PathBuf>,

    /// Percentage of requests (0-100) that get a random error fault.
    #[arg(long, value_name = "PERCENT", value_parser = clap::value_parser!(u8).range(0..=100))]
    fault_rate: Option<u8>,

    /// Seed that makes the choice of faulted requests and faults repeatable (default 0).
    #[arg(long, value_name = "N", requires = "fault_rate")]
    seed: Option<u64>,

    /// Keep running when standard input reaches end of file, and stop only on SIGTERM or SIGINT.
    #[arg(long)]
    ignore_stdin: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    init_logging();

    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // Printed directly so that a RUST_LOG filter cannot hide why the server did not start.
            eprintln!("fake-okx: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> std::io::Result<()> {
    check_loopback(args.addr)?;
    let config = Config { fixtures_dir: args.fixtures.unwrap_or_else(default_fixtures_dir), addr: args.addr, ..Config::default() };
    let fixtures_dir = config.fixtures_dir.clone();
    let server = FakeOkx::start(config).await?;

    if let Some(percent) = args.fault_rate {
        let seed = args.seed.unwrap_or(0);
        server.push_fault(FaultRule::new(Fault::Random { percent, seed }));
        tracing::info!(percent, seed, "random faults enabled");
    }

    tracing::info!(
        fixtures = server.fixture_paths().len(),
        dir = %fixtures_dir.display(),
        "fixtures loaded"
    );
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "listening {}", server.base_url())?;
    stdout.flush()?;
    drop(stdout);

    wait_for_stop(&server, args.ignore_stdin).await?;
    server.shutdown().await;
    Ok(())
}

/// Waits for SIGTERM, SIGINT or end of standard input, reloading fixtures on each SIGHUP.
async fn wait_for_stop(server: &FakeOkx, ignore_stdin: bool) -> std::io::Result<()> {
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut hangup = signal(SignalKind::hangup())?;
    let stdin_watch = if ignore_stdin { None } else { Some(watch_stdin()) };
    let stdin_closed = async move {
        match stdin_watch {
            // An error means the reader thread ended without sending, which also ends the input.
            Some(closed) => {
                let _ = closed.await;
            }
            None => std::future::pending::<()>().await,
        }
    };
    tokio::pin!(stdin_closed);

    loop {
        tokio::select! {
            _ = terminate.recv() => {
                tracing::info!("SIGTERM received, stopping");
                return Ok(());
            }
            _ = interrupt.recv() => {
                tracing::info!("SIGINT received, stopping");
                return Ok(());
            }
            _ = hangup.recv() => match server.reload_fixtures() {
                Ok(count) => tracing::info!(fixtures = count, "fixtures reloaded"),
                Err(error) => tracing::error!(%error, "reloading fixtures failed, keeping the previous ones"),
            },
            () = &mut stdin_closed => {
                tracing::info!("standard input closed, stopping");
                return Ok(());
            }
        }
    }
}

/// Reads standard input on a plain thread until end of file or a read error.
///
/// Tokio's stdin would make runtime shutdown wait for a read that cannot be cancelled, so a
/// detached thread reads instead and is left blocked when the process exits.
fn watch_stdin() -> oneshot::Receiver<()> {
    let (closed, receiver) = oneshot::channel();
    std::thread::spawn(move || {
        let mut buffer = [0_u8; 1024];
        let mut stdin = std::io::stdin().lock();
        loop {
            match std::io::Read::read(&mut stdin, &mut buffer) {
                Ok(0) => break,
                Ok(_) => {}
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
                Err(error) => {
                    tracing::warn!(%error, "reading standard input failed, stopping as if it were closed");
                    break;
                }
            }
        }
        let _ = closed.send(());
    });
    receiver
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(false).init();
}
