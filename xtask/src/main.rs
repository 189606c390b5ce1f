//! Maintainer commands: `cargo xtask <command>`.
//!
//! - `spec-check [--dir DIR]`: validate spec files without building the crate.
//! - `codegen [--out FILE]`: write the generated code, formatted, for review.

mod bench;
#[allow(dead_code)]
#[path = "../../codegen/mod.rs"]
mod codegen;
mod docs;
mod spec_sync;
mod test;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  spec-check [--dir DIR]   validate the spec files in DIR (default: spec/) without building
  codegen [--out FILE]     write the generated Rust code (default: target/codegen/okx_generated.rs)
  docs [--check]           rewrite the tool table in README.md; --check fails if it is stale
  spec-sync --docs FILE|URL [--spec DIR]  compare DIR (default: spec/) with OKX's v5 docs page; exit 1 on differences, 2 on errors
  test                     run cargo test, build the binaries, then the Python end-to-end test
  bench [--write] [--quick]
                           measure the release okx-mcp against the fake OKX; --write updates BENCHMARKS.md";

fn main() -> ExitCode {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    // One arm per command; each command lives in its own module.
    let result = match arguments.first().map(String::as_str) {
        Some("spec-check") => spec_check(&arguments[1..]),
        Some("codegen") => codegen_command(&arguments[1..]),
        Some("docs") => docs::run(&arguments[1..]),
        Some("spec-sync") => return spec_sync::run(&arguments[1..]),
        Some("test") => test::run(&arguments[1..]),
        Some("bench") => bench::run(&arguments[1..]),
        Some("-h" | "--help" | "help") | None => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command '{other}'\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// The paths of the two binaries that the end-to-end test and the benchmark run.
pub struct Binaries {
    pub okx_mcp: PathBuf,
    pub fake_okx: PathBuf,
}

/// Reads cargo's `--message-format=json` output and returns the `okx-mcp` and `fake-okx`
/// binaries it reported. Test harnesses built from the same targets are skipped.
pub fn binaries_from_messages(stdout: &[u8]) -> Option<Binaries> {
    let mut okx_mcp = None;
    let mut fake_okx = None;
    for line in String::from_utf8_lossy(stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        if message["reason"] != "compiler-artifact" || message["profile"]["test"] != false {
            continue;
        }
        let Some(executable) = message["executable"].as_str() else { continue };
        match message["target"]["name"].as_str() {
            Some("okx-mcp") => okx_mcp = Some(PathBuf::from(executable)),
            Some("fake-okx") => fake_okx = Some(PathBuf::from(executable)),
            _ => {}
        }
    }
    Some(Binaries { okx_mcp: okx_mcp?, fake_okx: fake_okx? })
}

/// The repository root: the parent of this crate's directory.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives inside the repository").to_path_buf()
}

/// Returns the value after `flag`, or `default`.
pub fn option(arguments: &[String], flag: &str, default: PathBuf) -> Result<PathBuf, String> {
    match arguments.iter().position(|argument| argument == flag) {
        Some(index) => arguments.get(index + 1).map(PathBuf::from).ok_or_else(|| format!("{flag} needs a value")),
        None => Ok(default),
    }
}

pub fn read_sources(dir: &Path) -> Result<Vec<codegen::Source>, String> {
    let entries = std::fs::read_dir(dir).map_err(|error| format!("cannot read {}: {error}", dir.display()))?;
    let mut sources = Vec::new();
    for entry in entries {
        let path = entry.map_err(|error| error.to_string())?.path();
        if path.extension().is_some_and(|extension| extension == "yaml") {
            let text = std::fs::read_to_string(&path).map_err(|error| format!("cannot read {}: {error}", path.display()))?;
            let file = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
            sources.push(codegen::Source { file, text });
        }
    }
    Ok(sources)
}

fn spec_check(arguments: &[String]) -> Result<(), String> {
    let dir = option(arguments, "--dir", root().join("spec"))?;
    let sources = read_sources(&dir)?;
    let toolsets = codegen::load(&sources).map_err(|problems| {
        let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
        format!("{}\n{} problem(s) in {}", lines.join("\n"), problems.len(), dir.display())
    })?;
    codegen::generate(&toolsets)?;
    let endpoints: usize = toolsets.iter().map(|toolset| toolset.endpoints.len()).sum();
    let defaults: usize = toolsets.iter().flat_map(|toolset| &toolset.endpoints).filter(|endpoint| endpoint.default).count();
    println!("ok: {} toolsets, {endpoints} endpoints, {defaults} in the default toolset", toolsets.len());
    Ok(())
}

fn codegen_command(arguments: &[String]) -> Result<(), String> {
    let out = option(arguments, "--out", root().join("target/codegen/okx_generated.rs"))?;
    let sources = read_sources(&root().join("spec"))?;
    let code = codegen::generate_from_sources(&sources)
        .map_err(|problems| problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))?;
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent).map_err(|error| format!("cannot create {}: {error}", parent.display()))?;
    }
    std::fs::write(&out, code).map_err(|error| format!("cannot write {}: {error}", out.display()))?;
    println!("wrote {}", out.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binaries_skip_test_harnesses() {
        let messages = [
            r#"{"reason":"compiler-artifact","target":{"name":"okx-mcp"},"profile":{"test":true},"executable":"/t/deps/okx_mcp-1"}"#,
            r#"{"reason":"compiler-artifact","target":{"name":"okx-mcp"},"profile":{"test":false},"executable":"/t/okx-mcp"}"#,
            r#"{"reason":"compiler-artifact","target":{"name":"fake-okx"},"profile":{"test":false},"executable":"/t/fake-okx"}"#,
            r#"{"reason":"build-finished","success":true}"#,
        ]
        .join("\n");
        let binaries = binaries_from_messages(messages.as_bytes()).expect("both binaries are reported");
        assert_eq!(binaries.okx_mcp, PathBuf::from("/t/okx-mcp"));
        assert_eq!(binaries.fake_okx, PathBuf::from("/t/fake-okx"));
    }

    #[test]
    fn binaries_missing_one_is_none() {
        let message = r#"{"reason":"compiler-artifact","target":{"name":"okx-mcp"},"profile":{"test":false},"executable":"/t/okx-mcp"}"#;
        assert!(binaries_from_messages(message.as_bytes()).is_none());
    }
}
