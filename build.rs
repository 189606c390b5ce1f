//! Generates the endpoint code from `spec/*.yaml` into `OUT_DIR`.
//!
//! A spec problem fails the build with one `cargo::error` line per problem, naming the file and
//! line; nothing else is printed on success, because cargo replays build-script warnings on
//! every cached build.

// The build script uses only part of the generator; xtask and the tests use the rest.
#[allow(dead_code)]
#[path = "codegen/mod.rs"]
mod codegen;

use std::path::Path;

fn main() {
    println!("cargo::rerun-if-changed=spec");

    let sources = match read_sources(Path::new("spec")) {
        Ok(sources) => sources,
        Err(message) => {
            println!("cargo::error={message}");
            return;
        }
    };

    match codegen::generate_from_sources(&sources) {
        Ok(code) => {
            let out_dir = std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR for build scripts");
            let target = Path::new(&out_dir).join("okx_generated.rs");
            if let Err(error) = std::fs::write(&target, code) {
                println!("cargo::error=cannot write {}: {error}", target.display());
            }
        }
        Err(problems) => {
            for problem in problems {
                println!("cargo::error={problem}");
            }
        }
    }
}

/// Reads every `*.yaml` file directly inside `dir`.
fn read_sources(dir: &Path) -> Result<Vec<codegen::Source>, String> {
    let entries = std::fs::read_dir(dir).map_err(|error| format!("cannot read {}: {error}", dir.display()))?;
    let mut sources = Vec::new();
    for entry in entries {
        let path = entry.map_err(|error| format!("cannot read {}: {error}", dir.display()))?.path();
        if path.extension().is_none_or(|extension| extension != "yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(|error| format!("cannot read {}: {error}", path.display()))?;
        let file = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
        sources.push(codegen::Source { file, text });
    }
    Ok(sources)
}
