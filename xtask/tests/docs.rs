//! Fails when README.md's tool table no longer matches `spec/`.

use std::process::Command;

#[test]
fn readme_tool_table_is_current() {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask")).args(["docs", "--check"]).output().expect("run xtask docs --check");
    assert!(
        output.status.success(),
        "`xtask docs --check` failed; run `cargo xtask docs` and commit README.md\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
