//! The running server: listener, connection tasks and the handle that tests hold.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinSet;

use crate::config::{Config, check_loopback};
use crate::faults::FaultRule;
use crate::handler::handle;
use crate::recorded::RecordedRequest;
use crate::state::Shared;

/// A running fake OKX server. Dropping it or calling [`FakeOkx::shutdown`] stops it.
pub struct FakeOkx {
    shared: Arc<Shared>,
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    runner: Option<Runner>,
}

/// Where the accept loop runs.
enum Runner {
    /// A task on the caller's Tokio runtime, from [`FakeOkx::start`].
    Task(tokio::task::JoinHandle<()>),
    /// A thread with its own runtime, from [`FakeOkx::start_blocking`].
    Thread(std::thread::JoinHandle<()>),
}

impl FakeOkx {
    /// Loads the fixtures, binds `config.addr` and serves on the current Tokio runtime.
    ///
    /// Fails when the address is not loopback, binding fails, or a fixture is invalid.
    pub async fn start(config: Config) -> io::Result<FakeOkx> {
        let (listener, shared) = bind(config).await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(serve(listener, Arc::clone(&shared), stopped));
        tracing::info!(%addr, "fake OKX started");
        Ok(FakeOkx { shared, addr, stop: Some(stop), runner: Some(Runner::Task(task)) })
    }

    /// Starts the server on a new thread with its own single-threaded Tokio runtime, for
    /// synchronous tests. It works both inside and outside an async context.
    pub fn start_blocking(config: Config) -> io::Result<FakeOkx> {
        let (ready_sender, ready) = std::sync::mpsc::channel();
        let thread = std::thread::Builder::new().name("fake-okx".to_owned()).spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                Ok(runtime) => runtime,
                Err(error) => {
                    let _ = ready_sender.send(Err(error));
                    return;
                }
            };
            runtime.block_on(async move {
                let bound = bind(config).await.and_then(|(listener, shared)| {
                    let addr = listener.local_addr()?;
                    Ok((listener, shared, addr))
                });
                match bound {
                    Ok((listener, shared, addr)) => {
                        let (stop, stopped) = oneshot::channel();
                        if ready_sender.send(Ok((Arc::clone(&shared), addr, stop))).is_ok() {
                            serve(listener, shared, stopped).await;
                        }
                    }
                    Err(error) => {
                        let _ = ready_sender.send(Err(error));
                    }
                }
            });
        })?;

        let started = ready.recv().map_err(|_| io::Error::other("the fake OKX server thread exited before it started"))?;
        let (shared, addr, stop) = started?;
        tracing::info!(%addr, "fake OKX started on its own thread");
        Ok(FakeOkx { shared, addr, stop: Some(stop), runner: Some(Runner::Thread(thread)) })
    }

    /// Returns the listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Returns the base URL without a trailing slash, such as `http://127.0.0.1:41234`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Returns the recorded requests, oldest first, including those that got a fault or an error.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.log.snapshot()
    }

    pub fn clear_requests(&self) {
        self.shared.log.clear();
    }

    /// Shifts the fake's clock: fake now = real now + `skew_ms` milliseconds. It affects the
    /// timestamp window check and `/api/v5/public/time`.
    pub fn set_clock_skew_ms(&self, skew_ms: i64) {
        self.shared.clock.set_skew_ms(skew_ms);
    }

    /// Returns the fake's current time in Unix milliseconds.
    pub fn now_ms(&self) -> i64 {
        self.shared.clock.now_ms()
    }

    /// Adds a fault rule after the existing ones. The first rule that applies to a request wins.
    pub fn push_fault(&self, rule: FaultRule) {
        self.shared.faults.push(rule);
    }

    pub fn clear_faults(&self) {
        self.shared.faults.clear();
    }

    /// Reloads the fixtures directory and returns the number of fixtures loaded.
    ///
    /// On error the previous fixtures stay in use.
    pub fn reload_fixtures(&self) -> io::Result<usize> {
        self.shared.reload_fixtures()
    }

    /// Returns the request paths that currently have a fixture, sorted.
    pub fn fixture_paths(&self) -> Vec<String> {
        self.shared.fixtures().paths().into_iter().map(str::to_owned).collect()
    }

    /// Stops accepting, closes open connections and waits until the server has stopped.
    pub async fn shutdown(mut self) {
        self.stop.take();
        match self.runner.take() {
            Some(Runner::Task(task)) => {
                let _ = task.await;
            }
            Some(Runner::Thread(thread)) => {
                let _ = tokio::task::spawn_blocking(move || thread.join()).await;
            }
            None => {}
        }
        tracing::info!(addr = %self.addr, "fake OKX stopped");
    }
}

impl Drop for FakeOkx {
    /// Signals the server to stop. A server from [`FakeOkx::start_blocking`] is also joined, so
    /// its port is free when the drop returns.
    fn drop(&mut self) {
        self.stop.take();
        if let Some(Runner::Thread(thread)) = self.runner.take() {
            let _ = thread.join();
        }
    }
}

impl fmt::Debug for FakeOkx {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.debug_struct("FakeOkx").field("addr", &self.addr).finish_non_exhaustive()
    }
}

async fn bind(config: Config) -> io::Result<(TcpListener, Arc<Shared>)> {
    check_loopback(config.addr)?;
    let addr = config.addr;
    let shared = Shared::load(config)?;
    let listener = TcpListener::bind(addr).await?;
    Ok((listener, Arc::new(shared)))
}

/// Accepts connections until `stopped` fires or its sender is dropped, then aborts open connections.
async fn serve(listener: TcpListener, shared: Arc<Shared>, mut stopped: oneshot::Receiver<()>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut stopped => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    connections.spawn(serve_connection(stream, Arc::clone(&shared)));
                }
                Err(error) => {
                    // Errors such as running out of file descriptors pass, so retry after a pause.
                    tracing::warn!(%error, "accepting a connection failed, retrying in 50 ms");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    connections.shutdown().await;
}

async fn serve_connection(stream: TcpStream, shared: Arc<Shared>) {
    if let Err(error) = stream.set_nodelay(true) {
        tracing::debug!(%error, "setting TCP_NODELAY failed");
    }
    let service = service_fn(move |request| handle(Arc::clone(&shared), request));
    if let Err(error) = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await {
        tracing::debug!(%error, "connection closed with an error");
    }
}
