//! Every generated tool, called once through the MCP layer against its fixture.

use okx_mcp::endpoint::ParamKind;
use okx_mcp::generated::ENDPOINTS;
use serde_json::{Map, Value};

use crate::support::{self, call, live_env, spawn, start_fake};

/// Builds arguments from the spec's examples: every parameter that has one.
fn example_arguments(endpoint: &okx_mcp::endpoint::Endpoint) -> Map<String, Value> {
    let mut arguments = Map::new();
    for param in endpoint.params {
        let Some(example) = param.example else {
            assert!(!param.required, "{}: required parameter {} has no example", endpoint.name, param.name);
            continue;
        };
        let value = match param.kind {
            ParamKind::Integer => {
                Value::from(example.parse::<i64>().unwrap_or_else(|_| panic!("{}: {example} is no integer", endpoint.name)))
            }
            ParamKind::Boolean => Value::Bool(example == "true"),
            _ => Value::String(example.to_owned()),
        };
        arguments.insert(param.name.to_owned(), value);
    }
    arguments
}

#[tokio::test]
async fn every_tool_answers_from_fixture() {
    let fake = start_fake().await;
    let sensitive: Vec<&str> = ENDPOINTS.iter().filter(|endpoint| endpoint.sensitive).map(|endpoint| endpoint.name).collect();
    let tools_flag = sensitive.join(",");
    let client = spawn(&fake, &live_env(), &["--toolsets", "all", "--tools", &tools_flag], None).await;
    let tools = client.list_all_tools().await.unwrap();
    assert_eq!(tools.len(), ENDPOINTS.len(), "--toolsets all plus the sensitive tools lists every endpoint");

    let mut failures = Vec::new();
    for endpoint in ENDPOINTS.iter() {
        let arguments = example_arguments(endpoint);
        let result = match call(&client, endpoint.name, Value::Object(arguments.clone())).await {
            Ok(result) => result,
            Err(error) => {
                failures.push(format!("{}: protocol error {error}", endpoint.name));
                continue;
            }
        };
        if result.is_error == Some(true) {
            failures.push(format!("{} {}: {}", endpoint.name, Value::Object(arguments), support::text_of(&result)));
            continue;
        }
        let structured = result.structured_content.clone().expect("structuredContent is set");

        let tool = tools.iter().find(|tool| tool.name == endpoint.name).unwrap();
        let schema = Value::Object((*tool.output_schema.clone().unwrap()).clone());
        let validator = jsonschema::validator_for(&schema).unwrap();
        let problems: Vec<String> =
            validator.iter_errors(&structured).map(|error| format!("{error} at {}", error.instance_path())).collect();
        if !problems.is_empty() {
            failures.push(format!("{}: output schema violations: {}", endpoint.name, problems.join("; ")));
        }

        // Same values as OKX sent, whatever shape conversion happened on the way. The fake
        // answers public/time from its own clock, not from the fixture.
        if endpoint.path == "/api/v5/public/time" {
            continue;
        }
        let fixture = support::fixture(endpoint.path);
        let expected = support::leaves(&fixture["response"]["data"]);
        let actual = support::leaves(&structured["data"]);
        if expected != actual {
            let missing: Vec<&String> = expected.iter().filter(|leaf| !actual.contains(leaf)).take(5).collect();
            let added: Vec<&String> = actual.iter().filter(|leaf| !expected.contains(leaf)).take(5).collect();
            failures.push(format!("{}: values differ from the fixture; missing {missing:?}, added {added:?}", endpoint.name));
        }
    }
    assert!(failures.is_empty(), "{} of {} tools failed:\n{}", failures.len(), ENDPOINTS.len(), failures.join("\n"));
    client.cancel().await.unwrap();
}

#[test]
fn every_endpoint_has_fixture() {
    let missing: Vec<&str> = ENDPOINTS
        .iter()
        .filter(|endpoint| {
            let relative = endpoint.path.trim_start_matches("/api/v5/");
            !support::fixtures_dir().join(format!("{relative}.json")).exists()
        })
        .map(|endpoint| endpoint.path)
        .collect();
    assert!(missing.is_empty(), "endpoints without fixture: {missing:?}");
}

/// A paged tool called with `limit` equal to its fixture's row count gets a full page, so its
/// result carries `nextPage`, and that result still validates against the output schema.
#[tokio::test]
async fn full_pages_carry_valid_next_page() {
    let fake = start_fake().await;
    let sensitive: Vec<&str> = ENDPOINTS.iter().filter(|endpoint| endpoint.sensitive).map(|endpoint| endpoint.name).collect();
    let client = spawn(&fake, &live_env(), &["--toolsets", "all", "--tools", &sensitive.join(",")], None).await;
    let tools = client.list_all_tools().await.unwrap();

    let mut checked = 0;
    let mut failures = Vec::new();
    for endpoint in ENDPOINTS.iter().filter(|endpoint| endpoint.paging.is_some_and(|paging| paging.param != "page")) {
        let Some(limit) = endpoint.param("limit") else { continue };
        let fixture = support::fixture(endpoint.path);
        let Some(fixture_rows) = fixture["response"]["data"].as_array() else { continue };
        let rows = fixture_rows.len() as i64;
        if rows == 0 || limit.minimum.is_some_and(|minimum| rows < minimum) {
            continue;
        }
        // Without a cursor in the last row (an empty blockTdId, say) there is nothing to page from.
        let field = endpoint.paging.unwrap().field;
        let cursor = &fixture_rows[fixture_rows.len() - 1][field];
        if cursor.is_null() || cursor == "" {
            continue;
        }

        let mut arguments = example_arguments(endpoint);
        arguments.insert("limit".to_owned(), Value::from(rows));
        let result = call(&client, endpoint.name, Value::Object(arguments.clone())).await.unwrap();
        if result.is_error == Some(true) {
            failures.push(format!("{} {}: {}", endpoint.name, Value::Object(arguments), support::text_of(&result)));
            continue;
        }
        let structured = result.structured_content.clone().expect("structuredContent is set");
        if structured.get("nextPage").is_none() {
            failures.push(format!("{}: a full page of {rows} rows has no nextPage", endpoint.name));
        }

        let tool = tools.iter().find(|tool| tool.name == endpoint.name).unwrap();
        let schema = Value::Object((*tool.output_schema.clone().unwrap()).clone());
        let validator = jsonschema::validator_for(&schema).unwrap();
        for error in validator.iter_errors(&structured) {
            failures.push(format!("{}: {error} at {}", endpoint.name, error.instance_path()));
        }
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} paged tools were checked");
    assert!(failures.is_empty(), "{} problems:\n{}", failures.len(), failures.join("\n"));
    client.cancel().await.unwrap();
}
