//! Statistics of a benchmark run, the printed table, and BENCHMARKS.md.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use super::measure::{Plan, Quota, Results};

pub const START_MARKER: &str = "<!-- bench:start -->";
pub const END_MARKER: &str = "<!-- bench:end -->";

const KIB: u64 = 1024;
const MIB: u64 = 1024 * 1024;

/// The targets. KB and MB are binary units, as in the unit test that checks the 24 KB budget.
const STARTUP_TARGET: Duration = Duration::from_millis(20);
const PEAK_RSS_TARGET_BYTES: u64 = 20 * MIB;
const OVERHEAD_TARGET: Duration = Duration::from_micros(500);
const CALLS_PER_SECOND_TARGET: f64 = 3_000.0;
const MODEL_BYTES_TARGET: u64 = 24 * KIB;

/// Returns the nearest-rank percentile: the smallest sample with at least `percent` % of the
/// samples at or below it.
pub fn percentile(samples: &[Duration], percent: f64) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort_unstable();
    let Some(last) = sorted.len().checked_sub(1) else { return Duration::ZERO };
    let rank = (percent / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.saturating_sub(1).min(last)]
}

/// The figures derived from the raw samples.
struct Figures {
    startup_median: Duration,
    startup_p95: Duration,
    mcp_p50: Duration,
    mcp_p99: Duration,
    http_p50: Duration,
    http_p99: Duration,
    /// MCP p50 minus direct-GET p50, in microseconds; negative if MCP were faster.
    overhead_p50_us: f64,
    calls_per_second: f64,
    peak_rss_bytes: u64,
}

impl Figures {
    fn of(results: &Results) -> Figures {
        let mcp_p50 = percentile(&results.mcp_latency, 50.0);
        let http_p50 = percentile(&results.http_latency, 50.0);
        Figures {
            startup_median: percentile(&results.startup, 50.0),
            startup_p95: percentile(&results.startup, 95.0),
            mcp_p50,
            mcp_p99: percentile(&results.mcp_latency, 99.0),
            http_p50,
            http_p99: percentile(&results.http_latency, 99.0),
            overhead_p50_us: micros(mcp_p50) - micros(http_p50),
            calls_per_second: results.load.calls as f64 / results.load.elapsed.as_secs_f64(),
            peak_rss_bytes: results.load.peak_rss_kib * KIB,
        }
    }
}

/// One target, the figure it is judged by, and whether the figure meets it.
struct Target {
    target: &'static str,
    measured: String,
    status: Status,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Met,
    Missed,
    /// The run could not produce the figure the target is about.
    NotMeasured,
}

impl Status {
    fn judge(met: bool) -> Status {
        if met { Status::Met } else { Status::Missed }
    }

    fn terminal_text(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::Missed => "MISSED",
            Status::NotMeasured => "NOT MEASURED",
        }
    }

    fn markdown_text(self) -> &'static str {
        match self {
            Status::Met => "yes",
            Status::Missed => "**no**",
            Status::NotMeasured => "**not measured**",
        }
    }
}

fn targets(results: &Results, figures: &Figures) -> Vec<Target> {
    let model_bytes = results.default_list.model_bytes as u64;
    vec![
        Target {
            target: "first tools/list within 20 ms of spawn (median)",
            measured: format!("{} (p95 {})", millis(figures.startup_median), millis(figures.startup_p95)),
            status: Status::judge(figures.startup_median <= STARTUP_TARGET),
        },
        Target {
            target: "peak RSS under 20 MB (MiB) during the load run",
            measured: mebibytes(figures.peak_rss_bytes),
            status: Status::judge(figures.peak_rss_bytes < PEAK_RSS_TARGET_BYTES),
        },
        Target {
            target: "MCP overhead under 0.5 ms at p50",
            measured: format!("{:.0} µs", figures.overhead_p50_us),
            status: Status::judge(figures.overhead_p50_us < micros(OVERHEAD_TARGET)),
        },
        throughput_target(results, figures),
        Target {
            target: "default tools/list: names + descriptions + input schemas under 24 KB (24,576 bytes)",
            measured: format!("{} bytes", thousands(model_bytes)),
            status: Status::judge(model_bytes < MODEL_BYTES_TARGET),
        },
    ]
}

/// Judges throughput only when every counted call reached the fake: answers to calls that the
/// rate limiter rejected at once say nothing about calls to OKX.
fn throughput_target(results: &Results, figures: &Figures) -> Target {
    let target = "at least 3,000 calls/s with 64 in flight";
    let load = &results.load;
    let rate = thousands(figures.calls_per_second.round() as u64);
    if load.rate_limited == 0 {
        return Target {
            target,
            measured: format!("{rate} calls/s"),
            status: Status::judge(figures.calls_per_second >= CALLS_PER_SECOND_TARGET),
        };
    }
    Target {
        target,
        measured: format!(
            "{rate} answers/s, but okx-mcp's rate limiter rejected {} of {} calls, so no call rate to OKX was measured",
            thousands(load.rate_limited as u64),
            thousands(load.calls as u64),
        ),
        status: Status::NotMeasured,
    }
}

/// Rows of figure and value, shared by the printed table and BENCHMARKS.md.
fn figure_rows(results: &Results) -> Vec<(String, String)> {
    let figures = Figures::of(results);
    let load = &results.load;
    let mut rows = vec![
        (format!("spawn to first tools/list answer, median of {}", results.startup.len()), millis(figures.startup_median)),
        ("spawn to first tools/list answer, p95".to_owned(), millis(figures.startup_p95)),
        (
            format!("tools/list `default` ({} tools), whole tools array", results.default_list.tools),
            bytes(results.default_list.bytes as u64),
        ),
        ("tools/list `default`, names + descriptions + input schemas".to_owned(), bytes(results.default_list.model_bytes as u64)),
        (format!("tools/list `all` ({} tools), whole tools array", results.all_list.tools), bytes(results.all_list.bytes as u64)),
        (
            format!("market_ticker through MCP, p50 / p99 of {} sequential calls", results.mcp_latency.len()),
            format!("{} / {}", micros_text(figures.mcp_p50), micros_text(figures.mcp_p99)),
        ),
        (
            format!("direct GET of the same path, p50 / p99 of {}", results.http_latency.len()),
            format!("{} / {}", micros_text(figures.http_p50), micros_text(figures.http_p99)),
        ),
        ("MCP overhead at p50 (MCP p50 - direct p50)".to_owned(), format!("{:.0} µs", figures.overhead_p50_us)),
    ];
    if let Some(cpu) = results.sequential_server_cpu {
        rows.push(("okx-mcp CPU time per sequential call".to_owned(), micros_text(cpu)));
    }
    rows.extend([
        (
            format!("answers/s, {} in flight on one connection ({} calls, see the next row)", load.in_flight, thousands(load.calls as u64)),
            format!("{}/s ({:.2} s)", thousands(figures.calls_per_second.round() as u64), load.elapsed.as_secs_f64()),
        ),
        ("calls of that run rejected by okx-mcp's rate limiter (no request sent)".to_owned(), thousands(load.rate_limited as u64)),
        ("okx-mcp peak RSS (VmHWM) at the end of the load run".to_owned(), mebibytes(figures.peak_rss_bytes)),
    ]);
    if let Some(cpu) = load.cpu {
        let per_call = |time: Duration| format!("{:.0} µs", micros(time) / load.calls as f64);
        rows.push((
            "CPU time per call of the load run: okx-mcp / fake / driver".to_owned(),
            format!("{} / {} / {}", per_call(cpu.server), per_call(cpu.fake), per_call(cpu.driver)),
        ));
    }
    rows.push(("release binary size of okx-mcp".to_owned(), mebibytes(results.binary_bytes)));
    rows
}

/// Renders the results as a plain-text table for the terminal.
pub fn table(results: &Results) -> String {
    let rows = figure_rows(results);
    let figures = Figures::of(results);
    let targets = targets(results, &figures);

    let width = rows
        .iter()
        .map(|(name, _)| name.chars().count())
        .chain(targets.iter().map(|target| target.target.chars().count()))
        .max()
        .unwrap_or(0);
    let mut text = String::from("\nokx-mcp benchmark (release build, fake OKX on 127.0.0.1)\n\n");
    for (name, value) in &rows {
        text.push_str(&format!("{name:<width$}  {value}\n"));
    }
    text.push_str("\ntargets\n");
    for target in &targets {
        text.push_str(&format!("{:<width$}  {:<12}  {}\n", target.target, target.status.terminal_text(), target.measured));
    }
    text
}

/// The machine a run was measured on.
pub struct Machine {
    pub processors: String,
    pub cpu: String,
    pub memory: String,
    pub kernel: String,
    pub rustc: String,
    pub date: String,
    pub commit: String,
}

impl Machine {
    /// Reads /proc and asks `nproc`, `rustc` and `git`; a fact that cannot be read is "unknown".
    pub fn collect(root: &Path) -> Machine {
        let unknown = || "unknown".to_owned();
        let processors = command_output(root, "nproc", &[])
            .or_else(|| std::thread::available_parallelism().ok().map(|count| count.to_string()))
            .unwrap_or_else(unknown);
        let cpu = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|text| {
                text.lines()
                    .find_map(|line| line.strip_prefix("model name"))
                    .map(|rest| rest.trim_start_matches([' ', '\t', ':']).trim().to_owned())
            })
            .unwrap_or_else(unknown);
        let memory = std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|text| {
                text.lines()
                    .find_map(|line| line.strip_prefix("MemTotal:"))
                    .and_then(|value| value.trim().strip_suffix("kB"))
                    .and_then(|value| value.trim().parse::<u64>().ok())
            })
            .map(|kib| format!("{:.1} GiB", kib as f64 / (KIB * KIB) as f64))
            .unwrap_or_else(unknown);
        let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").map(|text| text.trim().to_owned()).unwrap_or_else(|_| unknown());
        let rustc = command_output(root, "rustc", &["--version"]).unwrap_or_else(unknown);
        let date = format!("{} (UTC)", time::OffsetDateTime::now_utc().date());
        let commit = match command_output(root, "git", &["rev-parse", "--short", "HEAD"]) {
            Some(commit) => {
                let changed = command_output(root, "git", &["status", "--porcelain", "--untracked-files=no"]).is_some();
                if changed { format!("{commit} with uncommitted changes") } else { commit }
            }
            None => unknown(),
        };
        Machine { processors, cpu, memory, kernel, rustc, date, commit }
    }
}

/// Runs a command and returns its trimmed stdout, or `None` when it fails or prints nothing.
fn command_output(root: &Path, program: &str, arguments: &[&str]) -> Option<String> {
    let output = Command::new(program).args(arguments).current_dir(root).output().ok()?;
    let text = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    (output.status.success() && !text.is_empty()).then_some(text)
}

/// Renders the generated part of BENCHMARKS.md, markers excluded.
pub fn markdown(results: &Results, plan: &Plan, machine: &Machine) -> String {
    let figures = Figures::of(results);
    let mut text = String::new();
    text.push_str(&method(plan, &results.ticker_quota));

    text.push_str("\n## Machine\n\n| | |\n| --- | --- |\n");
    for (name, value) in [
        ("processors (`nproc`)", &machine.processors),
        ("CPU", &machine.cpu),
        ("memory", &machine.memory),
        ("kernel", &machine.kernel),
        ("rustc", &machine.rustc),
        ("date", &machine.date),
        ("commit", &machine.commit),
    ] {
        text.push_str(&format!("| {name} | {value} |\n"));
    }

    text.push_str("\n## Results\n\n| figure | value |\n| --- | --- |\n");
    for (name, value) in figure_rows(results) {
        text.push_str(&format!("| {name} | {value} |\n"));
    }

    text.push_str("\n## Targets\n\n| target | measured | met |\n| --- | --- | --- |\n");
    for target in targets(results, &figures) {
        text.push_str(&format!("| {} | {} | {} |\n", target.target, target.measured, target.status.markdown_text()));
    }
    text
}

/// The description of what a run measures, with the sample counts of `plan`.
fn method(plan: &Plan, quota: &Quota) -> String {
    format!(
        "## Method

Command: `cargo xtask bench --write` (without `--write` it only prints the table). It runs
`cargo build --release -p okx-mcp -p fake-okx`, builds the driver itself (xtask) in release mode,
starts `fake-okx` on 127.0.0.1 and then measures, in this order:

- **Start-up**: {spawns} spawns of `okx-mcp` with `OKX_TOOLSETS=default`, after {startup_warmup}
  uncounted ones. Each time runs from spawn to the `tools/list` answer. The driver writes
  `initialize`, waits for its answer, then writes `notifications/initialized` and `tools/list`
  as raw JSON-RPC lines on the child's stdin.
- **tools/list size**: the `tools` array as compact JSON for `default` and `all`. For `default`
  also the sum over its tools of the name, the description (UTF-8 text) and the input schema
  (compact JSON), counted as the unit test `default_toolset_fits_context_budget` counts them.
- **Latency**: on one connection, after {latency_warmup} warm-up calls of each kind,
  {latency_calls} sequential `market_ticker` calls (`instId` `BTC-USDT`), interleaved one by one
  with {latency_calls} direct GETs of `/api/v5/market/ticker?instId=BTC-USDT` from a keep-alive
  reqwest client to the same fake. MCP overhead is the MCP p50 minus the direct p50.
  okx-mcp's client-side rate limiter admits {requests} `market_ticker` calls per {window} s, OKX's
  documented quota. So the calls run in bursts of {requests}, and each burst starts one window
  after the previous one ended: every timed call is admitted at once, and the figures include the
  limiter's bookkeeping but no wait.
- **Throughput**: on a new connection, {load_warmup} warm-up calls, then {load_calls} calls with
  {in_flight} in flight: JSON-RPC ids, responses matched by id. The rate is the number of answers
  over the time from the first request to the last response. The calls are `trade_order`
  (private, so each request is signed) with `instId` cycling over {instruments} instruments. OKX
  limits that endpoint per user and instrument (60 per 2 s), so no call waits for the rate
  limiter. A call over its quota would get an immediate rate-limit error and send no request:
  the run counts such calls, and the throughput target is judged only when there are none.
- **Peak RSS**: `VmHWM` from `/proc/PID/status` of that `okx-mcp` process at the end of the
  throughput run, so it covers the process from spawn on.
- **Binary size**: the release `okx-mcp` (thin LTO, debug info stripped, per `[profile.release]`).

`okx-mcp` runs with its default log filter and the fake's live test key, so the default toolset
includes its account tools. The driver, `okx-mcp` and `fake-okx` share the machine's processors,
so throughput depends on all three. Percentiles are nearest-rank. KB and MB are 1,024 and
1,048,576 bytes. A shared or busy machine gives noisy figures: compare runs on the same machine.
",
        spawns = plan.startup_spawns,
        startup_warmup = plan.startup_warmup,
        latency_warmup = plan.latency_warmup,
        latency_calls = thousands(plan.latency_calls as u64),
        load_warmup = thousands(plan.load_warmup as u64),
        load_calls = thousands(plan.load_calls as u64),
        in_flight = plan.in_flight,
        instruments = thousands(super::rpc::ORDER_INSTRUMENTS),
        requests = quota.requests,
        window = quota.window.as_secs_f64(),
    )
}

/// Rewrites the text between the markers of BENCHMARKS.md, creating the file when missing.
pub fn write_benchmarks(path: &Path, results: &Results, plan: &Plan, machine: &Machine) -> Result<(), String> {
    let generated = markdown(results, plan, machine);
    let updated = match std::fs::read_to_string(path) {
        Ok(current) => replace_between_markers(&current, &generated).map_err(|problem| format!("{}: {problem}", path.display()))?,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => new_benchmarks_file(&generated),
        Err(error) => return Err(format!("cannot read {}: {error}", path.display())),
    };
    std::fs::write(path, updated).map_err(|error| format!("cannot write {}: {error}", path.display()))
}

fn new_benchmarks_file(generated: &str) -> String {
    format!(
        "# Benchmarks

Performance figures of the release `okx-mcp` binary against the fake OKX server in
`tests/fake-okx`, on one machine. `cargo xtask bench --write` rewrites the part between the
two markers below; text outside them is kept.

{START_MARKER}
{generated}{END_MARKER}
"
    )
}

/// Replaces what lies between the start and end markers, keeping the markers and the rest.
pub fn replace_between_markers(text: &str, generated: &str) -> Result<String, String> {
    let start = text.find(START_MARKER).ok_or_else(|| format!("marker {START_MARKER} not found"))?;
    let content_start = start + START_MARKER.len();
    let end = text[content_start..]
        .find(END_MARKER)
        .map(|offset| content_start + offset)
        .ok_or_else(|| format!("marker {END_MARKER} not found after {START_MARKER}"))?;
    Ok(format!("{}\n{generated}{}", &text[..content_start], &text[end..]))
}

fn micros(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e6
}

fn micros_text(duration: Duration) -> String {
    format!("{:.0} µs", micros(duration))
}

fn millis(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1e3)
}

fn bytes(count: u64) -> String {
    format!("{} bytes ({:.1} KB)", thousands(count), count as f64 / KIB as f64)
}

fn mebibytes(count: u64) -> String {
    format!("{:.1} MB", count as f64 / MIB as f64)
}

/// Formats an integer with commas between groups of three digits.
fn thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut text = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            text.push(',');
        }
        text.push(digit);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn micros_list(values: &[u64]) -> Vec<Duration> {
        values.iter().map(|value| Duration::from_micros(*value)).collect()
    }

    #[test]
    fn percentile_nearest_rank() {
        let samples = micros_list(&[50, 10, 40, 20, 30]);
        assert_eq!(percentile(&samples, 50.0), Duration::from_micros(30));
        assert_eq!(percentile(&samples, 95.0), Duration::from_micros(50));
        assert_eq!(percentile(&samples, 20.0), Duration::from_micros(10));
    }

    #[test]
    fn percentile_of_no_samples_is_zero() {
        assert_eq!(percentile(&[], 50.0), Duration::ZERO);
    }

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(24_576), "24,576");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn markers_keep_text_outside() {
        let text = format!("# B\n\nintro\n{START_MARKER}\nold\n{END_MARKER}\nnotes\n");
        let updated = replace_between_markers(&text, "new\n").unwrap();
        assert_eq!(updated, format!("# B\n\nintro\n{START_MARKER}\nnew\n{END_MARKER}\nnotes\n"));
    }

    #[test]
    fn missing_end_marker_is_error() {
        let text = format!("{START_MARKER}\nold\n");
        assert!(replace_between_markers(&text, "new\n").unwrap_err().contains(END_MARKER));
    }

    #[test]
    fn new_file_round_trips_markers() {
        let created = new_benchmarks_file("first\n");
        let updated = replace_between_markers(&created, "second\n").unwrap();
        assert!(updated.contains("second\n"));
        assert!(!updated.contains("first\n"));
    }
}
