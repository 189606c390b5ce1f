//! The real build script, run by cargo on a throwaway crate whose spec has a forbidden key:
//! the build must fail with one `spec/FILE:LINE: message` error.

use std::process::Command;

use crate::support::root;

const BAD_SPEC: &str = "toolset: trade
title: Trade
description: Orders.
endpoints:
  - path: /api/v5/trade/order
    title: Place order
    auth: private
    method: POST
    rate_limit: 60/2s uid
    description: Places an order.
    response:
      data: array
      fields:
        - name: ordId
";

#[test]
fn post_entry_fails_the_build() {
    let repo = root();
    let probe = tempdir("spec-probe");
    std::fs::create_dir_all(probe.join("spec")).unwrap();
    std::fs::create_dir_all(probe.join("src")).unwrap();

    // The probe crate uses the repository's build.rs and generator unchanged, and the same
    // build dependencies as the real crate.
    let manifest = std::fs::read_to_string(repo.join("Cargo.toml")).unwrap();
    let build_dependencies = section(&manifest, "[build-dependencies]");
    std::fs::write(
        probe.join("Cargo.toml"),
        format!("[package]\nname = \"spec-probe\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n{build_dependencies}\n[workspace]\n"),
    )
    .unwrap();
    std::fs::copy(repo.join("Cargo.lock"), probe.join("Cargo.lock")).unwrap();
    std::fs::copy(repo.join("build.rs"), probe.join("build.rs")).unwrap();
    std::os::unix::fs::symlink(repo.join("codegen"), probe.join("codegen")).unwrap();
    std::fs::write(probe.join("src/lib.rs"), "").unwrap();
    std::fs::write(probe.join("spec/trade.yaml"), BAD_SPEC).unwrap();

    let output = Command::new(env!("CARGO"))
        .args(["build", "--offline", "--quiet"])
        .current_dir(&probe)
        .env("CARGO_TARGET_DIR", repo.join("target/spec-probe"))
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&output.stderr);

    assert!(!output.status.success(), "the build must fail:\n{stderr}");
    assert!(stderr.contains("spec/trade.yaml:8:"), "the error names file and line:\n{stderr}");
    assert!(stderr.contains("method"), "the error names the key:\n{stderr}");
    assert!(!stderr.contains("panicked"), "a spec error is not a panic:\n{stderr}");
    std::fs::remove_dir_all(&probe).ok();
}

/// Returns one TOML section, header included, up to the next section.
fn section(manifest: &str, header: &str) -> String {
    let start = manifest.find(header).unwrap_or_else(|| panic!("Cargo.toml has no {header}"));
    let rest = &manifest[start + header.len()..];
    let end = rest.find("\n[").map_or(rest.len(), |index| index + 1);
    format!("{header}{}", &rest[..end])
}

fn tempdir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("okx-mcp-{name}-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
