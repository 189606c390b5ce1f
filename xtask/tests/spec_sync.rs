//! `xtask spec-sync` against fixture pages in OKX's HTML structure and a small spec directory.
//!
//! Everything is read from `tests/fixtures/spec-sync/`: no test touches the network.

#[allow(dead_code)]
#[path = "../../codegen/mod.rs"]
mod codegen;

use std::path::PathBuf;
use std::process::Command;

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/spec-sync")
}

fn spec_sync(arguments: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask")).arg("spec-sync").args(arguments).output().expect("run xtask");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs spec-sync on a fixture page against the fixture spec directory.
fn sync_fixture(page: &str) -> Run {
    let docs = fixtures().join(page);
    let spec = fixtures().join("spec");
    spec_sync(&["--docs", docs.to_str().unwrap(), "--spec", spec.to_str().unwrap()])
}

/// Returns the report line whose columns start with `change` and `path`.
fn row<'a>(run: &'a Run, change: &str, path: &str) -> Option<&'a str> {
    run.stdout.lines().find(|line| line.starts_with(change) && line.split_whitespace().any(|word| word == path))
}

#[test]
fn matching_page_exits_zero() {
    let run = sync_fixture("in-sync.html");
    assert_eq!(run.code, Some(0), "stdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("The spec matches the docs."), "{}", run.stdout);
}

#[test]
fn excluded_denied_and_post_paths_are_not_reported() {
    let run = sync_fixture("in-sync.html");
    for path in [
        "/api/v5/market/books-sbe",
        "/api/v5/asset/deposit-lightning",
        "/api/v5/account/set-leverage",
        "/api/v5/finance/stable-rewards/subscribe-redeem-history",
        "/api/v5/script/ignored",
    ] {
        assert!(!run.stdout.contains(path), "{path} reported:\n{}", run.stdout);
    }
}

#[test]
fn added_endpoint_is_reported_with_draft() {
    let run = sync_fixture("added-endpoint.html");
    assert_eq!(run.code, Some(1), "stderr:\n{}", run.stderr);
    let missing = row(&run, "missing in spec", "/api/v5/market/index-tickers").expect("missing row");
    assert!(missing.contains("#order-book-trading-market-data-get-index-tickers"), "{missing}");

    let draft = run.stdout.split_once("Draft entries").expect("draft section").1;
    assert!(draft.contains("  - path: /api/v5/market/index-tickers\n"), "{draft}");
    assert!(draft.contains("# Suggested file: spec/market.yaml"), "{draft}");
    assert!(draft.contains("    title: \"TODO: title\"\n"), "{draft}");
    assert!(draft.contains("    description: \"TODO: describe\"\n"), "{draft}");
    assert!(draft.contains("    rate_limit: 20/2s ip"), "{draft}");
    assert!(draft.contains("    auth: public"), "{draft}");
    assert!(draft.contains("enum: [USD, USDT, BTC]"), "{draft}");
    assert!(draft.contains("      - name: limit\n        type: integer"), "{draft}");
    assert!(draft.contains("        - name: parts\n          type: array\n          fields:\n            - name: exch\n"), "{draft}");
    assert!(draft.contains("        - name: live\n          type: boolean\n"), "{draft}");
}

#[test]
fn added_endpoint_draft_is_valid_spec() {
    let run = sync_fixture("added-endpoint.html");
    let draft = run.stdout.split_once("Draft entries").expect("draft section").1;
    let entries: String = draft.lines().skip_while(|line| !line.starts_with("  #")).map(|line| format!("{line}\n")).collect();
    let text = format!("toolset: market\ntitle: Market data\ndescription: Draft check.\nendpoints:\n{entries}");
    let sources = [codegen::Source { file: "market.yaml".to_owned(), text }];
    let toolsets = codegen::load(&sources).unwrap_or_else(|problems| panic!("draft rejected: {problems:?}\n{entries}"));
    assert_eq!(toolsets[0].endpoints[0].name, "market_index_tickers");
}

#[test]
fn removed_endpoint_is_reported() {
    let run = sync_fixture("removed-endpoint.html");
    assert_eq!(run.code, Some(1), "stderr:\n{}", run.stderr);
    let removed = row(&run, "not in docs", "/api/v5/public/time").expect("removed row");
    assert!(removed.contains("public_time in spec/public.yaml"), "{removed}");
    assert!(!run.stdout.contains("Draft entries"), "{}", run.stdout);
}

#[test]
fn changed_params_are_reported() {
    let run = sync_fixture("changed-param.html");
    assert_eq!(run.code, Some(1), "stderr:\n{}", run.stderr);
    let report = &run.stdout;

    let added = row(&run, "param added", "/api/v5/market/tickers").expect("added row");
    assert!(added.contains(" uly "), "{report}");
    let required = row(&run, "required changed", "/api/v5/market/tickers").expect("required row");
    assert!(required.contains("instFamily"), "{report}");
    assert!(required.contains("docs: yes, spec: no"), "{report}");
    let values = row(&run, "enum changed", "/api/v5/market/tickers").expect("enum row");
    assert!(values.contains("docs only: EVENTS; spec only: OPTION"), "{report}");
    let removed = row(&run, "param removed", "/api/v5/market/ticker").expect("removed row");
    assert!(removed.contains(" instId "), "{report}");
    let renamed = row(&run, "param added", "/api/v5/market/ticker").expect("added row for ticker");
    assert!(renamed.contains("instIdCode"), "{report}");
    assert!(renamed.contains("required: yes"), "{report}");
}

#[test]
fn missing_docs_file_exits_two() {
    let run = spec_sync(&["--docs", fixtures().join("no-such-page.html").to_str().unwrap()]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("cannot read"), "{}", run.stderr);
}

#[test]
fn page_without_endpoints_exits_two() {
    let run = spec_sync(&["--docs", fixtures().join("spec/market.yaml").to_str().unwrap()]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("no endpoint sections found"), "{}", run.stderr);
}

#[test]
fn spec_dir_without_yaml_exits_two() {
    let docs = fixtures().join("in-sync.html");
    let run = spec_sync(&["--docs", docs.to_str().unwrap(), "--spec", fixtures().to_str().unwrap()]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("no .yaml spec files"), "{}", run.stderr);
}

#[test]
fn missing_docs_option_exits_two() {
    let run = spec_sync(&[]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("missing --docs"), "{}", run.stderr);
}
