//! The measurements of one benchmark run, against one fake OKX process.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use fake_okx::LIVE_TEST_KEY;
use serde_json::Value;
use tokio::io::AsyncWriteExt;
use tokio::sync::Semaphore;

use super::rpc::{self, FakeOkx, Line, McpServer, Outcome, ServerEnv, TICKER_TARGET, TICKER_TOOL};

/// How many samples each measurement takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    /// Spawns before the counted ones, so that the binary is in the page cache.
    pub startup_warmup: usize,
    pub startup_spawns: usize,
    /// Sequential calls of each kind before the counted ones.
    pub latency_warmup: usize,
    pub latency_calls: usize,
    pub load_warmup: usize,
    pub load_calls: usize,
    /// Calls in flight at once during the load run.
    pub in_flight: usize,
}

impl Plan {
    pub const FULL: Plan = Plan {
        startup_warmup: 2,
        startup_spawns: 30,
        latency_warmup: 40,
        latency_calls: 2_000,
        load_warmup: 2_000,
        load_calls: 20_000,
        in_flight: 64,
    };
    pub const QUICK: Plan = Plan {
        startup_warmup: 1,
        startup_spawns: 5,
        latency_warmup: 20,
        latency_calls: 200,
        load_warmup: 500,
        load_calls: 2_000,
        in_flight: 64,
    };
}

/// The request quota of `market_ticker` from the spec, which okx-mcp's client-side rate limiter
/// enforces: at most `requests` in any `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    pub requests: usize,
    pub window: Duration,
}

/// The pause added to each quota window between latency bursts, so that timer granularity
/// cannot make a timed call wait for the limiter.
const WINDOW_MARGIN: Duration = Duration::from_millis(20);

/// Paths of one run.
pub struct Setup {
    pub okx_mcp: PathBuf,
    pub fake_okx: PathBuf,
    pub fixtures: PathBuf,
    /// Directory of the children's stderr logs.
    pub log_dir: PathBuf,
    pub ticker_quota: Quota,
}

/// Sizes of one `tools/list` answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ToolListSize {
    pub tools: usize,
    /// Bytes of the `tools` array as compact JSON.
    pub bytes: usize,
    /// Sum over the tools of the bytes of the name, the description (as UTF-8 text, not JSON-escaped)
    /// and the input schema as compact JSON: what a host puts into the model's context.
    pub model_bytes: usize,
}

/// CPU time (user plus system) used during the counted load run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CpuTime {
    pub server: Duration,
    pub fake: Duration,
    pub driver: Duration,
}

/// The load run: many calls in flight over one stdio connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Load {
    pub calls: usize,
    pub in_flight: usize,
    pub elapsed: Duration,
    /// Counted calls that okx-mcp's rate limiter rejected without a request to the fake.
    pub rate_limited: usize,
    /// `VmHWM` of the `okx-mcp` process at the end of the run, in KiB.
    pub peak_rss_kib: u64,
    pub cpu: Option<CpuTime>,
}

/// Every figure of one run.
#[derive(Debug, Clone)]
pub struct Results {
    /// Spawn to the `tools/list` answer, once per counted spawn.
    pub startup: Vec<Duration>,
    pub default_list: ToolListSize,
    pub all_list: ToolListSize,
    /// Sequential `market_ticker` calls through MCP, one per sample.
    pub mcp_latency: Vec<Duration>,
    /// Sequential direct GETs of the same OKX path, interleaved with the MCP calls.
    pub http_latency: Vec<Duration>,
    pub ticker_quota: Quota,
    /// CPU time of okx-mcp per sequential call, warm-up included; `None` when not readable.
    pub sequential_server_cpu: Option<Duration>,
    pub load: Load,
    pub binary_bytes: u64,
}

/// Runs every measurement; the fake is stopped at the end whether or not they succeed.
pub async fn run(setup: &Setup, plan: &Plan) -> Result<Results, String> {
    let fake_log = setup.log_dir.join("fake-okx.stderr.log");
    let server_log = setup.log_dir.join("okx-mcp.stderr.log");
    for log in [&fake_log, &server_log] {
        std::fs::write(log, "").map_err(|error| format!("cannot create {}: {error}", log.display()))?;
    }

    eprintln!("==> fake OKX on 127.0.0.1 (stderr: {})", fake_log.display());
    let fake = FakeOkx::start(&setup.fake_okx, &setup.fixtures, &fake_log).await?;
    let env = ServerEnv {
        binary: &setup.okx_mcp,
        base_url: &fake.base_url,
        api_key: LIVE_TEST_KEY.key,
        api_secret: LIVE_TEST_KEY.secret,
        api_passphrase: LIVE_TEST_KEY.passphrase,
        log: &server_log,
    };
    let outcome = measure_all(&env, &fake, plan, setup.ticker_quota).await;
    let stopped = fake.stop().await;
    let mut results = outcome.map_err(|error| format!("{error}\n(okx-mcp stderr: {})", server_log.display()))?;
    stopped?;

    results.binary_bytes =
        std::fs::metadata(&setup.okx_mcp).map_err(|error| format!("cannot read the size of {}: {error}", setup.okx_mcp.display()))?.len();
    Ok(results)
}

async fn measure_all(env: &ServerEnv<'_>, fake: &FakeOkx, plan: &Plan, quota: Quota) -> Result<Results, String> {
    eprintln!("==> start-up: {} spawns to the first tools/list answer", plan.startup_spawns);
    let (startup, default_tools) = startup(env, plan).await?;
    let default_list = tool_list_size(&default_tools);
    if !default_tools.iter().any(|tool| tool["name"] == TICKER_TOOL) {
        return Err(format!("the default toolset does not contain {TICKER_TOOL}, which the call measurements use"));
    }
    if !default_tools.iter().any(|tool| tool["name"] == rpc::ORDER_TOOL) {
        return Err(format!("the default toolset does not contain {}, which the throughput run uses", rpc::ORDER_TOOL));
    }

    eprintln!("==> tools/list with OKX_TOOLSETS=all");
    let mut server = McpServer::spawn(env, "all")?;
    server.initialize().await?;
    let all_list = tool_list_size(&server.list_tools(1).await?);
    server.stop().await?;

    let bursts = (plan.latency_warmup + plan.latency_calls).div_ceil(quota.requests);
    eprintln!(
        "==> latency: {} sequential {TICKER_TOOL} calls and direct GETs, interleaved, in {bursts} bursts of {} per {:?} (about {} s)",
        plan.latency_calls,
        quota.requests,
        quota.window,
        ((quota.window + WINDOW_MARGIN).as_secs_f64() * bursts as f64).round()
    );
    let (mcp_latency, http_latency, sequential_server_cpu) = latency(env, plan, quota).await?;

    eprintln!("==> load: {} calls with {} in flight on one connection", plan.load_calls, plan.in_flight);
    let load = load(env, fake.pid(), plan).await?;

    Ok(Results {
        startup,
        default_list,
        all_list,
        mcp_latency,
        http_latency,
        ticker_quota: quota,
        sequential_server_cpu,
        load,
        binary_bytes: 0,
    })
}

/// Times spawn to the `tools/list` answer (initialize, initialized, tools/list in turn) and
/// returns the counted times with the default toolset's tools.
async fn startup(env: &ServerEnv<'_>, plan: &Plan) -> Result<(Vec<Duration>, Vec<Value>), String> {
    let mut times = Vec::with_capacity(plan.startup_spawns);
    let mut tools = Vec::new();
    for spawn in 0..plan.startup_warmup + plan.startup_spawns {
        let started = Instant::now();
        let mut server = McpServer::spawn(env, "default")?;
        server.initialize().await?;
        let listed = server.list_tools(1).await?;
        let elapsed = started.elapsed();
        server.stop().await?;

        if spawn >= plan.startup_warmup {
            times.push(elapsed);
        }
        tools = listed;
    }
    Ok((times, tools))
}

pub fn tool_list_size(tools: &[Value]) -> ToolListSize {
    let bytes = serde_json::to_string(tools).expect("JSON values serialize").len();
    let text_len = |value: &Value| value.as_str().map_or(0, str::len);
    let model_bytes = tools
        .iter()
        .map(|tool| {
            let schema = serde_json::to_string(&tool["inputSchema"]).expect("JSON values serialize");
            text_len(&tool["name"]) + text_len(&tool["description"]) + schema.len()
        })
        .sum();
    ToolListSize { tools: tools.len(), bytes, model_bytes }
}

/// Times sequential `market_ticker` calls through MCP and direct GETs of the same path with a
/// keep-alive reqwest client, one of each in turn, so that drift in machine speed hits both.
///
/// The calls run in bursts of the tool's quota, and each burst starts a full quota window after
/// the previous one ended. So okx-mcp's rate limiter admits every timed call at once, and the
/// figures contain its bookkeeping but never a wait.
async fn latency(env: &ServerEnv<'_>, plan: &Plan, quota: Quota) -> Result<(Vec<Duration>, Vec<Duration>, Option<Duration>), String> {
    let mut server = McpServer::spawn(env, "default")?;
    server.initialize().await?;
    check_ticker_result(&mut server).await?;

    let client = reqwest::Client::builder().no_proxy().build().map_err(|error| format!("cannot build the HTTP client: {error}"))?;
    let url = format!("{}{TICKER_TARGET}", env.base_url);
    check_direct_get(&client, &url).await?;

    let mut mcp = Vec::with_capacity(plan.latency_calls);
    let mut http = Vec::with_capacity(plan.latency_calls);
    let ticks = ClockTicks::read();
    let cpu_before = ticks.map(|ticks| process_cpu(ticks, &server.pid().to_string()));
    // The check above used one turn of the quota, so the first burst waits too.
    let mut burst_end = tokio::time::Instant::now();
    for call in 0..plan.latency_warmup + plan.latency_calls {
        if call % quota.requests == 0 {
            tokio::time::sleep_until(burst_end + quota.window + WINDOW_MARGIN).await;
        }

        let started = Instant::now();
        server.call_ticker(100 + call as u64).await?;
        let mcp_elapsed = started.elapsed();

        let started = Instant::now();
        direct_get(&client, &url).await?;
        let http_elapsed = started.elapsed();

        if call >= plan.latency_warmup {
            mcp.push(mcp_elapsed);
            http.push(http_elapsed);
        }
        burst_end = tokio::time::Instant::now();
    }
    let cpu_after = ticks.map(|ticks| process_cpu(ticks, &server.pid().to_string()));
    server.stop().await?;

    let calls = (plan.latency_warmup + plan.latency_calls) as u32;
    let cpu_per_call = match (cpu_before, cpu_after) {
        (Some(Ok(before)), Some(Ok(after))) => Some(after.saturating_sub(before) / calls.max(1)),
        _ => None,
    };
    Ok((mcp, http, cpu_per_call))
}

/// Checks in full that the first call returns structured content, so that the timed calls
/// measure successful calls, not fast errors.
async fn check_ticker_result(server: &mut McpServer) -> Result<(), String> {
    let arguments = serde_json::json!({"name": TICKER_TOOL, "arguments": {"instId": rpc::TICKER_INST_ID}});
    let result = server.request(2, "tools/call", arguments).await?;
    if result["isError"] == true || !result["structuredContent"].is_object() {
        return Err(format!("{TICKER_TOOL} did not return structured content: {result}"));
    }
    Ok(())
}

async fn check_direct_get(client: &reqwest::Client, url: &str) -> Result<(), String> {
    let body = direct_get(client, url).await?;
    let envelope: Value = serde_json::from_slice(&body).map_err(|error| format!("GET {url} returned a body that is not JSON: {error}"))?;
    if envelope["code"] != "0" {
        return Err(format!("GET {url} returned OKX code {} instead of 0", envelope["code"]));
    }
    Ok(())
}

/// Sends one GET and reads the whole body.
async fn direct_get(client: &reqwest::Client, url: &str) -> Result<Vec<u8>, String> {
    let response = client.get(url).timeout(rpc::LINE_TIMEOUT).send().await.map_err(|error| format!("GET {url} failed: {error}"))?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("GET {url} returned HTTP {status}"));
    }
    let body = response.bytes().await.map_err(|error| format!("reading the body of GET {url} failed: {error}"))?;
    Ok(body.to_vec())
}

/// Runs a warm-up and then the counted calls with `plan.in_flight` in flight, on one server,
/// and reads its peak RSS at the end.
async fn load(env: &ServerEnv<'_>, fake_pid: Option<u32>, plan: &Plan) -> Result<Load, String> {
    let mut server = McpServer::spawn(env, "default")?;
    server.initialize().await?;
    let first_counted_id = 1_000 + plan.load_warmup as u64;
    pipelined(&mut server, 1_000, plan.load_warmup, plan.in_flight).await?;

    let clock_ticks = ClockTicks::read();
    let before = clock_ticks.map(|ticks| ProcessCpu::read(ticks, server.pid(), fake_pid));
    let (elapsed, rate_limited) = pipelined(&mut server, first_counted_id, plan.load_calls, plan.in_flight).await?;
    let after = clock_ticks.map(|ticks| ProcessCpu::read(ticks, server.pid(), fake_pid));
    let peak_rss_kib = peak_rss_kib(server.pid())?;
    server.stop().await?;

    let cpu = match (before, after) {
        (Some(Ok(before)), Some(Ok(after))) => Some(after.since(&before)),
        (Some(Err(error)), _) | (_, Some(Err(error))) => {
            eprintln!("warning: CPU times not measured: {error}");
            None
        }
        _ => None,
    };
    Ok(Load { calls: plan.load_calls, in_flight: plan.in_flight, elapsed, rate_limited, peak_rss_kib, cpu })
}

/// Sends `calls` calls with ids from `first_id` on, keeping up to `in_flight` unanswered, and
/// returns the time from the first write to the last response with the number of calls the
/// rate limiter rejected. Any other failed call is an error.
async fn pipelined(server: &mut McpServer, first_id: u64, calls: usize, in_flight: usize) -> Result<(Duration, usize), String> {
    let (stdin, stdout, line) = server.pipes();
    let permits = Semaphore::new(in_flight);
    let started = Instant::now();

    let write = async {
        for call in 0..calls {
            match permits.try_acquire() {
                Ok(permit) => permit.forget(),
                Err(_) => {
                    // Everything written so far goes out before waiting for a response.
                    stdin.flush().await.map_err(|error| format!("writing to okx-mcp failed: {error}"))?;
                    permits.acquire().await.map_err(|error| error.to_string())?.forget();
                }
            }
            rpc::write_line(stdin, &rpc::order_call(first_id + call as u64)).await?;
        }
        stdin.flush().await.map_err(|error| format!("writing to okx-mcp failed: {error}"))
    };

    let read = async {
        let mut answered = vec![false; calls];
        let mut received = 0;
        let mut rate_limited = 0;
        while received < calls {
            rpc::read_line(stdout, line).await?;
            let (id, outcome) = match rpc::classify(line.trim_end())? {
                Line::Response { id, outcome } => (id, outcome),
                Line::Notification => continue,
            };
            let index = id.checked_sub(first_id).map(|index| index as usize).filter(|index| *index < calls);
            let Some(index) = index else { return Err(format!("okx-mcp answered id {id}, which this run did not send")) };
            if std::mem::replace(&mut answered[index], true) {
                return Err(format!("okx-mcp answered id {id} twice"));
            }
            match outcome {
                Outcome::Success => {}
                Outcome::RateLimited => rate_limited += 1,
                Outcome::Failed => return Err(format!("call {id} failed: {}", line.trim_end())),
            }
            received += 1;
            permits.add_permits(1);
        }
        Ok(rate_limited)
    };

    let ((), rate_limited) = tokio::try_join!(write, read)?;
    Ok((started.elapsed(), rate_limited))
}

/// Returns `VmHWM` of a process, in KiB.
fn peak_rss_kib(pid: u32) -> Result<u64, String> {
    let path = format!("/proc/{pid}/status");
    let status = std::fs::read_to_string(&path).map_err(|error| format!("cannot read {path}: {error}"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().strip_suffix("kB"))
        .and_then(|value| value.trim().parse().ok())
        .ok_or_else(|| format!("{path} has no VmHWM line in kB"))
}

/// The kernel's clock ticks per second, in which /proc/PID/stat counts CPU time.
#[derive(Debug, Clone, Copy)]
struct ClockTicks(u64);

impl ClockTicks {
    /// Asks `getconf CLK_TCK`; `None` when it cannot be run.
    fn read() -> Option<ClockTicks> {
        let output = std::process::Command::new("getconf").arg("CLK_TCK").output().ok()?;
        let ticks: u64 = String::from_utf8_lossy(&output.stdout).trim().parse().ok()?;
        (ticks > 0).then_some(ClockTicks(ticks))
    }

    fn duration(self, ticks: u64) -> Duration {
        Duration::from_nanos(ticks.saturating_mul(1_000_000_000) / self.0)
    }
}

/// User plus system CPU time of the three processes at one moment.
struct ProcessCpu {
    server: Duration,
    fake: Duration,
    driver: Duration,
}

impl ProcessCpu {
    fn read(ticks: ClockTicks, server: u32, fake: Option<u32>) -> Result<ProcessCpu, String> {
        let fake = fake.ok_or("fake-okx has no pid")?;
        Ok(ProcessCpu {
            server: process_cpu(ticks, &server.to_string())?,
            fake: process_cpu(ticks, &fake.to_string())?,
            driver: process_cpu(ticks, "self")?,
        })
    }

    fn since(&self, earlier: &ProcessCpu) -> CpuTime {
        CpuTime {
            server: self.server.saturating_sub(earlier.server),
            fake: self.fake.saturating_sub(earlier.fake),
            driver: self.driver.saturating_sub(earlier.driver),
        }
    }
}

/// Returns the user plus system CPU time of all threads of a process: a pid, or `self`.
fn process_cpu(ticks: ClockTicks, process: &str) -> Result<Duration, String> {
    let path = Path::new("/proc").join(process).join("stat");
    let stat = std::fs::read_to_string(&path).map_err(|error| format!("cannot read {}: {error}", path.display()))?;
    let used = parse_cpu_ticks(&stat).ok_or_else(|| format!("{} has no utime and stime fields", path.display()))?;
    Ok(ticks.duration(used))
}

/// Parses utime and stime, fields 14 and 15 of /proc/PID/stat. The command name (field 2) may
/// contain spaces, so the fields are counted from the last ')'.
fn parse_cpu_ticks(stat: &str) -> Option<u64> {
    let after_name = &stat[stat.rfind(')')? + 1..];
    let mut fields = after_name.split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some(user + system)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn stat_fields_counted_after_name() {
        let stat = "4242 (okx mcp) S 1 4242 4242 0 -1 4194560 900 0 0 0 25 7 0 0 20 0 5 0 123 4096 300";
        assert_eq!(parse_cpu_ticks(stat), Some(32));
    }

    #[test]
    fn tool_list_size_counts_model_text() {
        let tools = [json!({"name": "a_b", "description": "Gets é.", "inputSchema": {"type": "object"}, "title": "T"})];
        let size = tool_list_size(&tools);
        assert_eq!(size.tools, 1);
        assert_eq!(size.model_bytes, "a_b".len() + "Gets é.".len() + r#"{"type":"object"}"#.len());
        assert_eq!(size.bytes, serde_json::to_string(&tools).unwrap().len());
    }
}
