//! The HTTP layer can only send GET: no other method appears in the sources or in the generated
//! code.

use std::path::Path;

/// Patterns that would send something other than a GET with reqwest or hyper.
const WRITE_PATTERNS: &[&str] = &[
    "Method::POST",
    "Method::PUT",
    "Method::PATCH",
    "Method::DELETE",
    "Method::HEAD",
    "Method::OPTIONS",
    "Method::CONNECT",
    "Method::TRACE",
    "Method::from_bytes",
    ".post(",
    ".put(",
    ".patch(",
    ".delete(",
    ".head(",
    ".request(",
    "\"POST\"",
    "\"PUT\"",
    "\"PATCH\"",
    "\"DELETE\"",
];

/// Returns `(line number, pattern)` for every write pattern in `text`, skipping comment lines.
fn find_writes(text: &str) -> Vec<(usize, &'static str)> {
    let mut found = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let code = line.trim_start();
        if code.starts_with("//") {
            continue;
        }
        for pattern in WRITE_PATTERNS {
            if code.contains(pattern) {
                found.push((index + 1, *pattern));
            }
        }
    }
    found
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn scanner_finds_a_post() {
    assert_eq!(find_writes("let r = client.post(url);\n// client.put(x)\n"), vec![(1, ".post(")]);
    assert_eq!(find_writes("builder.method(Method::DELETE)").len(), 1);
}

#[test]
fn sources_send_only_get() {
    let mut files = Vec::new();
    rust_files(&crate::support::root().join("src"), &mut files);
    rust_files(&crate::support::root().join("codegen"), &mut files);
    assert!(files.len() > 10, "found only {} source files", files.len());

    let mut failures = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (line, pattern) in find_writes(&text) {
            failures.push(format!("{}:{line}: {pattern}", file.display()));
        }
    }
    assert!(failures.is_empty(), "non-GET HTTP in the sources:\n{}", failures.join("\n"));
}

#[test]
fn generated_code_sends_only_get() {
    let generated = include_str!(concat!(env!("OUT_DIR"), "/okx_generated.rs"));
    assert!(generated.contains("pub static ENDPOINTS"), "the generated file is the real one");
    assert_eq!(find_writes(generated), Vec::new());
}

#[test]
fn client_has_one_send_path() {
    let client = std::fs::read_to_string(crate::support::root().join("src/client.rs")).unwrap();
    assert_eq!(client.matches(".get(&url)").count(), 1, "one GET call site in the client");
    assert_eq!(client.matches("self.http.").count(), 1, "the HTTP client is used in one place only");
}
