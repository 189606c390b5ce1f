//! The generator on small specs: what it accepts, what it rejects, and with which message.

#[allow(dead_code)]
#[path = "../../codegen/mod.rs"]
mod generator;

use generator::{Diagnostic, Source};

const GOOD: &str = r#"toolset: market
title: Market data
description: Public prices.
endpoints:
  - path: /api/v5/market/ticker
    title: Ticker
    auth: public
    rate_limit: 20/2s ip
    description: Latest price of one instrument.
    params:
      - name: instId
        type: string
        required: true
        description: Instrument ID.
        example: BTC-USDT
      - name: bar
        type: string
        description: Bar size.
        enum: [1m, 1H, 1Dutc]
      - name: limit
        type: integer
        description: Rows.
        minimum: 1
        maximum: 100
        default: 100
      - name: after
        type: timestamp
        description: Older than this.
    response:
      data: array
      fields:
        - name: instId
        - name: ts
        - name: type
          type: integer
        - name: details
          type: array
          fields:
            - name: ccy
        - name: asks
          type: array
          columns: [px, sz]
    paging:
      param: after
      field: ts
  - path: /api/v5/market/candles
    title: Candles
    auth: public
    rate_limit: 40/2s ip+instId
    description: Candles.
    params:
      - name: instId
        type: string
        required: true
        description: Instrument ID.
    response:
      data: rows
      columns: [ts, o, {name: confirm, type: string, description: Closed or not}]
"#;

fn source(file: &str, text: &str) -> Source {
    Source { file: file.to_owned(), text: text.to_owned() }
}

fn problems(sources: &[Source]) -> Vec<Diagnostic> {
    generator::load(sources).expect_err("the spec must be rejected")
}

fn one_problem(file: &str, text: &str) -> Diagnostic {
    let mut problems = problems(&[source(file, text)]);
    assert_eq!(problems.len(), 1, "{problems:?}");
    problems.remove(0)
}

/// Returns `GOOD` with the first endpoint's path line replaced.
fn with_path(path: &str) -> String {
    GOOD.replacen("path: /api/v5/market/ticker", &format!("path: {path}"), 1)
}

#[test]
fn good_spec_generates_code() {
    let code = generator::generate_from_sources(&[source("market.yaml", GOOD)]).unwrap();
    assert!(code.starts_with("// @generated"), "header first");
    assert!(code.contains("pub struct MarketTickerRequest"));
    assert!(code.contains("pub struct MarketCandlesRow"));
    assert!(code.contains("\"market_ticker\" =>"));
}

#[test]
fn generated_code_snapshot() {
    let code = generator::generate_from_sources(&[source("market.yaml", GOOD)]).unwrap();
    insta::with_settings!({snapshot_path => "../snapshots/codegen", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("small_spec", code);
    });
}

#[test]
fn output_is_deterministic() {
    let other = GOOD.replace("toolset: market", "toolset: public").replace("/api/v5/market/", "/api/v5/public/");
    let forward = generator::generate_from_sources(&[source("market.yaml", GOOD), source("public.yaml", &other)]).unwrap();
    let backward = generator::generate_from_sources(&[source("public.yaml", &other), source("market.yaml", GOOD)]).unwrap();
    assert_eq!(forward, backward, "file order does not change the output");
    let again = generator::generate_from_sources(&[source("market.yaml", GOOD), source("public.yaml", &other)]).unwrap();
    assert_eq!(forward, again);
}

#[test]
fn method_key_names_file_and_line() {
    let text = GOOD.replacen("    auth: public\n", "    auth: public\n    method: POST\n", 1);
    let problem = one_problem("market.yaml", &text);
    assert_eq!(problem.file, "market.yaml");
    assert_eq!(problem.line, 8, "{problem}");
    assert!(problem.message.contains("method"), "{problem}");
    assert!(problem.to_string().starts_with("spec/market.yaml:8: "), "{problem}");
}

#[test]
fn unknown_key_is_rejected() {
    let text = GOOD.replacen("    title: Ticker\n", "    title: Ticker\n    pth: /x\n", 1);
    let problem = one_problem("market.yaml", &text);
    assert_eq!(problem.line, 7, "{problem}");
    assert!(problem.message.contains("pth"), "{problem}");
}

#[test]
fn path_outside_api_v5_is_rejected() {
    for path in
        ["/api/v4/market/ticker", "/api/v5/", "/api/v5/market/ticker?x=1", "/api/v5/market//ticker", "https://example.invalid/api/v5/x"]
    {
        let problems = problems(&[source("market.yaml", &with_path(path))]);
        assert!(problems.iter().all(|problem| problem.line == 5), "{problems:?}");
        assert!(problems.iter().any(|problem| problem.message.contains("must be a plain path under /api/v5/")), "{path}: {problems:?}");
    }
}

#[test]
fn denylisted_paths_are_rejected() {
    for (path, reason) in [
        ("/api/v5/trade/cancel-order", "only as a POST"),
        ("/api/v5/asset/withdrawal", "only as a POST"),
        ("/api/v5/asset/deposit-lightning", "Lightning"),
    ] {
        let problem = one_problem("market.yaml", &with_path(path));
        assert!(problem.message.contains("denylisted") && problem.message.contains(reason), "{path}: {problem}");
    }
}

#[test]
fn read_paths_shared_with_writes_are_allowed() {
    // GET /trade/order reads an order; POST /trade/order places one. Only the GET can be sent.
    let text = with_path("/api/v5/trade/order").replace("toolset: market", "toolset: trade");
    assert!(generator::load(&[source("trade.yaml", &text)]).is_ok());
}

#[test]
fn duplicate_name_across_files() {
    let other =
        GOOD.replace("toolset: market", "toolset: public").replacen("path: /api/v5/market/candles", "path: /api/v5/public/candles", 1);
    let other = other.replacen("    title: Ticker\n", "    title: Ticker\n    name: market_ticker\n", 1).replacen(
        "path: /api/v5/market/ticker",
        "path: /api/v5/public/ticker",
        1,
    );
    let problems = problems(&[source("market.yaml", GOOD), source("public.yaml", &other)]);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].file, "public.yaml");
    assert!(problems[0].message.contains("duplicate tool name 'market_ticker'"), "{}", problems[0]);
    assert!(problems[0].message.contains("spec/market.yaml:5"), "{}", problems[0]);
}

#[test]
fn duplicate_path_in_one_file() {
    let text = GOOD.replace("/api/v5/market/candles", "/api/v5/market/ticker");
    let problems = problems(&[source("market.yaml", &text)]);
    assert!(problems.iter().any(|problem| problem.message.contains("duplicate path /api/v5/market/ticker")), "{problems:?}");
}

#[test]
fn toolset_must_match_file_name() {
    let problem = one_problem("markets.yaml", GOOD);
    assert_eq!(problem.line, 1);
    assert!(problem.message.contains("file name 'markets'"), "{problem}");
}

#[test]
fn every_problem_is_reported() {
    let text = with_path("/api/v4/x").replace("rate_limit: 40/2s ip+instId", "rate_limit: fast");
    let problems = problems(&[source("market.yaml", &text)]);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems.iter().any(|problem| problem.message.contains("rate_limit 'fast'")), "{problems:?}");
}

#[test]
fn semantic_checks_name_the_problem() {
    let cases = [
        (GOOD.replace("param: after", "param: before"), "paging param 'before' is not a parameter"),
        (GOOD.replace("field: ts", "field: nope"), "paging field 'nope' is not a response field"),
        (GOOD.replace("rate_limit: 20/2s ip", "rate_limit: 20/2s ip+ccy"), "dimension 'ccy' is not a parameter"),
        (GOOD.replacen("        minimum: 1\n", "        minimum: 1\n        list: 3\n", 1), "`list` applies to string parameters only"),
        (GOOD.replace("default: 100", "default: 500"), "outside minimum/maximum"),
        (GOOD.replace("example: BTC-USDT", "example: BTC-USDT\n        minimum: 2"), "apply to integers only"),
        (GOOD.replace("enum: [1m, 1H, 1Dutc]", "enum: [1m, 1m]"), "appears twice"),
    ];
    for (text, expected) in cases {
        let problems = problems(&[source("market.yaml", &text)]);
        assert!(problems.iter().any(|problem| problem.message.contains(expected)), "expected {expected:?} in {problems:?}");
    }
}

#[test]
fn long_names_need_override() {
    let path = "/api/v5/market/a-very-long-path-segment/that-goes-on-and-on-forever";
    let problem = one_problem("market.yaml", &with_path(path));
    assert!(problem.message.contains("more than 48"), "{problem}");
}

#[test]
fn names_derive_from_paths() {
    assert_eq!(generator::validate::derive_name("/api/v5/market/ticker"), "market_ticker");
    assert_eq!(generator::validate::derive_name("/api/v5/account/positions-history"), "account_positions_history");
    assert_eq!(generator::validate::derive_name("/api/v5/tradingBot/grid/orders-algo-pending"), "trading_bot_grid_orders_algo_pending");
}

#[test]
fn enum_variants_stay_distinct() {
    assert_eq!(generator::names::variant("SPOT"), "Spot");
    assert_eq!(generator::names::variant("partially_filled"), "PartiallyFilled");
    assert_ne!(generator::names::variant("1m"), generator::names::variant("1M"));
    assert_eq!(generator::names::variant("1Dutc"), "V1Dutc");
}

#[test]
fn repository_spec_is_valid() {
    let dir = crate::support::root().join("spec");
    let mut sources = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|extension| extension == "yaml") {
            let file = path.file_name().unwrap().to_string_lossy().into_owned();
            sources.push(Source { file, text: std::fs::read_to_string(&path).unwrap() });
        }
    }
    let toolsets = generator::load(&sources).unwrap_or_else(|problems| panic!("{problems:?}"));
    let endpoints: usize = toolsets.iter().map(|toolset| toolset.endpoints.len()).sum();
    assert_eq!(endpoints, okx_mcp::generated::ENDPOINTS.len());
}

#[test]
fn denylist_holds_no_allowlisted_path() {
    for denied in generator::denylist::all() {
        let full = format!("/api/v5{denied}");
        assert!(!okx_mcp::generated::ENDPOINTS.iter().any(|endpoint| endpoint.path == full), "{full} is both allowlisted and denied");
    }
}
