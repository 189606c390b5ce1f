//! `cargo xtask bench [--write] [--quick]`: performance figures of the release `okx-mcp`.
//!
//! One run builds the release binaries, starts the fake OKX on 127.0.0.1 and measures:
//! start-up to the first `tools/list` answer, `tools/list` sizes, sequential call latency against
//! direct HTTP GETs of the same path, throughput with 64 calls in flight on one stdio connection,
//! the server's peak RSS during that load, and the binary size. It prints a table, and `--write`
//! rewrites the generated part of BENCHMARKS.md.
//!
//! The figures come from a release build of this driver. `cargo xtask` builds xtask in the dev
//! profile, where reqwest and serde_json are unoptimized, so a debug driver re-runs itself with
//! `cargo run --release`. Otherwise the direct-HTTP baseline would be measured with a slower
//! client than the one inside `okx-mcp`, which would hide part of the MCP overhead.
//!
//! Every process talks only to 127.0.0.1. Each wait on a child is bounded by a timeout, and the
//! children are killed when the run ends, also on error. Their stderr goes to
//! `target/bench/*.stderr.log`.

mod measure;
mod report;
mod rpc;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::{Binaries, root};

/// Set in the environment of the release re-run, so that it never re-runs itself again.
const RELEASE_RERUN_MARKER: &str = "OKX_MCP_BENCH_RELEASE_RERUN";

const USAGE: &str = "usage: cargo xtask bench [--write] [--quick]
  --write   also rewrite the generated part of BENCHMARKS.md
  --quick   about a tenth of the samples, to check the harness; cannot be combined with --write";

/// Parsed command-line options of `cargo xtask bench`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Options {
    write: bool,
    quick: bool,
}

impl Options {
    fn parse(arguments: &[String]) -> Result<Options, String> {
        let mut options = Options { write: false, quick: false };
        for argument in arguments {
            match argument.as_str() {
                "--write" => options.write = true,
                "--quick" => options.quick = true,
                other => return Err(format!("bench: unknown argument '{other}'\n{USAGE}")),
            }
        }
        if options.write && options.quick {
            return Err(format!("bench: --quick samples too little for BENCHMARKS.md; drop one of --write and --quick\n{USAGE}"));
        }
        Ok(options)
    }
}

pub fn run(arguments: &[String]) -> Result<(), String> {
    let options = Options::parse(arguments)?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    if cfg!(debug_assertions) && std::env::var_os(RELEASE_RERUN_MARKER).is_none() {
        return rerun_in_release(&cargo, arguments);
    }

    eprintln!("==> cargo build --release -p okx-mcp -p fake-okx");
    let binaries = build_release_binaries(&cargo, &root())?;
    // The logs go next to the release directory: target/bench unless CARGO_TARGET_DIR moves it.
    let log_dir = binaries.okx_mcp.parent().and_then(Path::parent).unwrap_or(&binaries.okx_mcp).join("bench");
    std::fs::create_dir_all(&log_dir).map_err(|error| format!("cannot create {}: {error}", log_dir.display()))?;

    let plan = if options.quick { measure::Plan::QUICK } else { measure::Plan::FULL };
    let setup = measure::Setup {
        okx_mcp: binaries.okx_mcp,
        fake_okx: binaries.fake_okx,
        fixtures: root().join("tests/fixtures/okx"),
        log_dir,
        ticker_quota: ticker_quota(&root())?,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| format!("cannot start the tokio runtime: {error}"))?;
    let results = runtime.block_on(measure::run(&setup, &plan))?;

    let machine = report::Machine::collect(&root());
    println!("{}", report::table(&results));
    if options.write {
        let path = root().join("BENCHMARKS.md");
        report::write_benchmarks(&path, &results, &plan, &machine)?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

/// Reads the quota of the benchmarked tool from the spec, which okx-mcp's rate limiter enforces.
fn ticker_quota(root: &Path) -> Result<measure::Quota, String> {
    let sources = crate::read_sources(&root.join("spec"))?;
    let toolsets = crate::codegen::load(&sources)
        .map_err(|problems| format!("the spec has {} problem(s); run cargo xtask spec-check to list them", problems.len()))?;
    let endpoint = toolsets
        .iter()
        .flat_map(|toolset| &toolset.endpoints)
        .find(|endpoint| endpoint.name == rpc::TICKER_TOOL)
        .ok_or_else(|| format!("the spec has no tool {}, which the benchmark calls", rpc::TICKER_TOOL))?;
    let limit = &endpoint.rate_limit;
    Ok(measure::Quota { requests: limit.requests.max(1) as usize, window: Duration::from_millis(u64::from(limit.window_ms)) })
}

/// Runs `cargo run --release -p xtask -- bench ARGUMENTS` and returns its outcome.
fn rerun_in_release(cargo: &str, arguments: &[String]) -> Result<(), String> {
    eprintln!("==> building the benchmark driver (xtask) in release mode, then running it");
    let status = Command::new(cargo)
        .args(["run", "--release", "--package", "xtask", "--", "bench"])
        .args(arguments)
        .env(RELEASE_RERUN_MARKER, "1")
        .current_dir(root())
        .status()
        .map_err(|error| format!("cannot run {cargo} run --release -p xtask: {error}"))?;
    if status.success() { Ok(()) } else { Err(format!("cargo xtask bench failed ({status})")) }
}

/// Builds both release binaries in one cargo call and returns the paths cargo reports.
fn build_release_binaries(cargo: &str, root: &Path) -> Result<Binaries, String> {
    let output = Command::new(cargo)
        .args(["build", "--release", "-p", "okx-mcp", "-p", "fake-okx", "--message-format=json-render-diagnostics"])
        .current_dir(root)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|error| format!("cannot run {cargo} build --release: {error}"))?;
    if !output.status.success() {
        return Err(format!("cargo build --release -p okx-mcp -p fake-okx failed with {}", output.status));
    }

    crate::binaries_from_messages(&output.stdout)
        .ok_or_else(|| "cargo build --release did not report the okx-mcp and fake-okx executables".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(arguments: &[&str]) -> Vec<String> {
        arguments.iter().map(|argument| (*argument).to_owned()).collect()
    }

    #[test]
    fn options_default_to_print_only() {
        assert_eq!(Options::parse(&[]).unwrap(), Options { write: false, quick: false });
    }

    #[test]
    fn options_accept_write() {
        assert!(Options::parse(&strings(&["--write"])).unwrap().write);
    }

    #[test]
    fn options_reject_write_with_quick() {
        assert!(Options::parse(&strings(&["--write", "--quick"])).is_err());
    }

    #[test]
    fn options_reject_unknown_argument() {
        let error = Options::parse(&strings(&["--fast"])).unwrap_err();
        assert!(error.contains("'--fast'"), "{error}");
    }
}
