//! Writing to stdout and stderr without panicking.
//!
//! `println!` and `eprintln!` panic when the write fails, e.g. when stdout is a pipe whose reader
//! has exited (`okx-mcp tools --json | head -c 100`) or stderr is a full disk. Here a closed
//! stdout ends the subcommand quietly with exit status 0, because the reader has taken all the
//! output it needs. A failed write to stderr is dropped, so that a message which cannot be
//! shown never stops a result or an MCP session.

use std::fmt::Write as _;
use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use super::EXIT_FAILURE;

/// Writes `text` to stdout and flushes it. Control characters are escaped when stdout is a
/// terminal.
///
/// Returns the exit code to stop with when stdout cannot take more: success when the reader
/// closed the pipe, failure after a message on stderr for any other write error.
pub(super) fn stdout(text: &str) -> Result<(), ExitCode> {
    let mut out = io::stdout().lock();
    let text = if out.is_terminal() { escape_controls(text) } else { text.to_owned() };
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Err(ExitCode::SUCCESS),
        Err(error) => {
            stderr_line(&format!("okx-mcp: cannot write to stdout: {error}"));
            Err(ExitCode::from(EXIT_FAILURE))
        }
    }
}

/// Writes `line` and a newline to stderr with control characters escaped, and ignores write
/// errors.
pub(crate) fn stderr_line(line: &str) {
    let mut text = escape_controls(line);
    text.push('\n');
    // A single write_all on the locked handle keeps the line whole next to log lines from
    // other threads.
    let _ = io::stderr().lock().write_all(text.as_bytes());
}

/// Replaces each control character except newline and tab with its `\uXXXX` escape, so that
/// text from OKX cannot move the cursor, recolour or clear a terminal. The escape is the JSON
/// one, so JSON text stays valid JSON.
pub(crate) fn escape_controls(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        if character.is_control() && character != '\n' && character != '\t' {
            // Every control character (U+0000 to U+001F, U+007F to U+009F) fits in four hex digits.
            let _ = write!(escaped, "\\u{:04x}", u32::from(character));
        } else {
            escaped.push(character);
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_sequences() {
        assert_eq!(escape_controls("a\u{1b}[2Jb\rc\0d"), "a\\u001b[2Jb\\u000dc\\u0000d");
    }

    #[test]
    fn keeps_newline_tab_and_text() {
        assert_eq!(escape_controls("line 1\n\tline 2 é €"), "line 1\n\tline 2 é €");
    }

    #[test]
    fn escapes_delete_and_c1_controls() {
        assert_eq!(escape_controls("\u{7f}\u{9b}31m"), "\\u007f\\u009b31m");
    }

    #[test]
    fn escaped_json_stays_json() {
        let text = "{\"msg\": \"\u{9b}2J\"}";
        let value: serde_json::Value = serde_json::from_str(&escape_controls(text)).expect("still JSON");
        assert_eq!(value["msg"], "\u{9b}2J");
    }
}
