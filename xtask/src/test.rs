//! `cargo xtask test`: the Rust test suite, then the Python end-to-end test against the built binaries.
//!
//! Steps, stopping at the first failure except for step 1, whose failure is reported at the end
//! so that one run also shows the end-to-end result:
//! 1. `cargo test --workspace`, with this process's environment (so `CI` reaches the tests).
//! 2. `cargo test --workspace --no-run`, which builds nothing new after step 1; its JSON
//!    messages give the exact paths of the `okx-mcp` and `fake-okx` binaries, which step 4 tests.
//! 3. The virtual environment `.venv` with the pinned packages of `tests/python/requirements.txt`,
//!    created with `python3 -m venv` when missing. pip runs only when a pin is not installed.
//! 4. `tests/python/test_e2e.py` with the virtual environment's Python.
//!
//! Without `python3`, step 3 fails under `CI=true` and is skipped with a warning elsewhere.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::{Binaries, root};

const REQUIREMENTS: &str = "tests/python/requirements.txt";
const E2E_TEST: &str = "tests/python/test_e2e.py";
const VENV: &str = ".venv";

/// Exits 0 when every `name==version` line of the requirements file (argv[1]) is installed at
/// exactly that version, else prints what differs and exits 1.
const CHECK_PINS: &str = r##"
import importlib.metadata
import sys

problems = []
with open(sys.argv[1], encoding="utf-8") as requirements:
    for line in requirements:
        requirement = line.split("#", 1)[0].strip()
        if not requirement:
            continue
        name, separator, pinned = requirement.partition("==")
        if not separator:
            problems.append(f"{requirement} is not pinned with ==")
            continue
        try:
            installed = importlib.metadata.version(name.strip())
        except importlib.metadata.PackageNotFoundError:
            installed = "not installed"
        if installed != pinned.strip():
            problems.append(f"{requirement} ({installed})")
if problems:
    print("packages differ from the pins: " + ", ".join(problems))
    sys.exit(1)
"##;

/// Runs `cargo xtask test`, which takes no arguments.
pub fn run(arguments: &[String]) -> Result<(), String> {
    if let Some(argument) = arguments.first() {
        return Err(format!("cargo xtask test takes no arguments, got '{argument}'"));
    }
    let root = root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());

    step("cargo test --workspace");
    let cargo_test = run_command(Command::new(&cargo).args(["test", "--workspace"]).current_dir(&root));
    if let Err(message) = &cargo_test {
        eprintln!("{message}. Building the binaries and running the end-to-end test anyway.");
    }

    step("cargo test --workspace --no-run (paths of the built binaries)");
    let binaries = build_binaries(&cargo, &root)?;

    step("Python virtual environment");
    let Some(python) = prepare_venv(&root)? else {
        eprintln!("warning: python3 not found, so the Python end-to-end test was SKIPPED. Install python3 to run it.");
        return cargo_test;
    };

    step(E2E_TEST);
    let end_to_end =
        run_command(Command::new(&python).arg(root.join(E2E_TEST)).arg(&binaries.okx_mcp).arg(&binaries.fake_okx).current_dir(&root));
    match (cargo_test, end_to_end) {
        (Ok(()), Ok(())) => Ok(()),
        (Err(message), Ok(())) | (Ok(()), Err(message)) => Err(message),
        (Err(cargo_message), Err(end_to_end_message)) => Err(format!("{cargo_message}\n{end_to_end_message}")),
    }
}

fn step(title: &str) {
    eprintln!("\n==> {title}");
}

/// Runs a command with inherited standard streams and fails unless it exits with status 0.
fn run_command(command: &mut Command) -> Result<(), String> {
    let description = describe(command);
    let status = command.status().map_err(|error| format!("cannot run {description}: {error}"))?;
    if status.success() { Ok(()) } else { Err(format!("{description} failed with {status}")) }
}

fn describe(command: &Command) -> String {
    let mut words = vec![command.get_program().to_string_lossy().into_owned()];
    words.extend(command.get_args().map(|argument| argument.to_string_lossy().into_owned()));
    format!("`{}`", words.join(" "))
}

/// Returns the paths of the `okx-mcp` and `fake-okx` binaries that `cargo test` built, building
/// them if step 1 did not get that far.
///
/// Diagnostics go to stderr as usual, and stdout carries one JSON message per line.
fn build_binaries(cargo: &str, root: &Path) -> Result<Binaries, String> {
    let mut command = Command::new(cargo);
    // `cargo test` already built both binaries for the integration tests, with the features that
    // dev-dependencies turn on. `cargo build` would unify features differently and compile the
    // workspace a second time, so the paths come from the test build instead.
    command
        .args(["test", "--workspace", "--no-run", "--message-format=json-render-diagnostics"])
        .current_dir(root)
        .stderr(Stdio::inherit());
    let description = describe(&command);
    let output = command.output().map_err(|error| format!("cannot run {description}: {error}"))?;
    if !output.status.success() {
        return Err(format!("{description} failed with {}", output.status));
    }

    crate::binaries_from_messages(&output.stdout).ok_or_else(|| format!("{description} reported no okx-mcp or no fake-okx executable"))
}

/// Returns the virtual environment's Python with the pinned packages installed, creating the
/// environment when needed, or `None` when python3 is missing outside CI.
fn prepare_venv(root: &Path) -> Result<Option<PathBuf>, String> {
    let venv = root.join(VENV);
    let python = venv.join("bin").join("python");
    let requirements = root.join(REQUIREMENTS);

    if !runs(Command::new(&python).args(["-c", ""])) {
        match Command::new("python3").arg("--version").stdout(Stdio::null()).status() {
            Err(error) if error.kind() == ErrorKind::NotFound => {
                if is_ci() {
                    return Err("python3 not found, and CI is set: the Python end-to-end test must run in CI".to_owned());
                }
                return Ok(None);
            }
            Err(error) => return Err(format!("cannot run python3: {error}")),
            Ok(_) => {}
        }
        eprintln!("creating {}", venv.display());
        run_command(Command::new("python3").arg("-m").arg("venv").arg(&venv))?;
    }

    if runs(Command::new(&python).args(["-c", CHECK_PINS]).arg(&requirements)) {
        eprintln!("{} has the pinned packages of {REQUIREMENTS}", venv.display());
        return Ok(Some(python));
    }
    run_command(Command::new(&python).args(["-m", "pip", "install", "--disable-pip-version-check", "-r"]).arg(&requirements))?;
    run_command(Command::new(&python).args(["-c", CHECK_PINS]).arg(&requirements))?;
    Ok(Some(python))
}

/// Returns true when the command starts and exits with status 0.
fn runs(command: &mut Command) -> bool {
    command.status().is_ok_and(|status| status.success())
}

/// Returns true when `CI` is set to `true` or `1`, as CI services do.
fn is_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| value.eq_ignore_ascii_case("true") || value == "1")
}
