//! A lint over every tool: names, descriptions, annotations and the portable schema shape that
//! every major MCP host accepts.

use okx_mcp::generated::ENDPOINTS;
use serde_json::Value;

/// Keywords that some hosts reject or cannot resolve.
const FORBIDDEN_KEYWORDS: &[&str] = &["$ref", "$defs", "definitions", "oneOf", "anyOf", "allOf", "not", "format", "nullable", "$schema"];

/// Finds forbidden keywords and type arrays anywhere in a schema. Keys under `properties` are
/// property names, not keywords, so a property called `type` or `format` is fine.
fn portability_problems(schema: &Value, path: &str, problems: &mut Vec<String>) {
    let Value::Object(map) = schema else { return };
    for (key, value) in map {
        if FORBIDDEN_KEYWORDS.contains(&key.as_str()) {
            problems.push(format!("{path}: keyword {key}"));
        }
        if key == "type" && !value.is_string() {
            problems.push(format!("{path}: type must be one string, got {value}"));
        }
    }
    if let Some(Value::Object(properties)) = map.get("properties") {
        for (name, property) in properties {
            portability_problems(property, &format!("{path}/properties/{name}"), problems);
        }
    }
    for key in ["items", "additionalProperties"] {
        if let Some(child) = map.get(key) {
            portability_problems(child, &format!("{path}/{key}"), problems);
        }
    }
}

#[test]
fn scanner_finds_forbidden_keywords() {
    let mut problems = Vec::new();
    let schema = serde_json::json!({
        "type": "object",
        "properties": {"a": {"anyOf": [], "type": ["string", "null"]}, "format": {"type": "string"}, "type": {"type": "string"}},
    });
    portability_problems(&schema, "", &mut problems);
    assert_eq!(problems.len(), 2, "{problems:?}");
}

#[test]
fn input_schemas_are_portable() {
    let mut failures = Vec::new();
    for endpoint in ENDPOINTS.iter() {
        let schema: Value = serde_json::from_str(endpoint.input_schema).unwrap();
        let name = endpoint.name;
        let mut problems = Vec::new();
        portability_problems(&schema, "", &mut problems);

        if schema["type"] != "object" {
            problems.push("root type is not object".to_owned());
        }
        if schema["additionalProperties"] != Value::Bool(false) {
            problems.push("additionalProperties is not false".to_owned());
        }
        let properties = schema["properties"].as_object().cloned().unwrap_or_default();
        if !schema["properties"].is_object() {
            problems.push("no properties object".to_owned());
        }
        for (property, definition) in &properties {
            let kind = definition["type"].as_str().unwrap_or_default();
            if !["string", "integer", "boolean"].contains(&kind) {
                problems.push(format!("{property}: type {kind} is not a scalar"));
            }
            if definition["description"].as_str().is_none_or(str::is_empty) {
                problems.push(format!("{property}: no description"));
            }
            if let Some(values) = definition["enum"].as_array() {
                let expected = if kind == "integer" { Value::is_i64 } else { Value::is_string };
                if values.is_empty() || !values.iter().all(expected) {
                    problems.push(format!("{property}: enum values must be non-empty and of type {kind}"));
                }
            }
        }
        for required in schema["required"].as_array().into_iter().flatten() {
            if !properties.contains_key(required.as_str().unwrap_or_default()) {
                problems.push(format!("required {required} is not a property"));
            }
        }
        if !problems.is_empty() {
            failures.push(format!("{name}: {}", problems.join("; ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn output_schemas_compile_with_object_root() {
    for endpoint in ENDPOINTS.iter() {
        let schema: Value = serde_json::from_str(endpoint.output_schema).unwrap();
        assert_eq!(schema["type"], "object", "{}", endpoint.name);
        assert!(schema["properties"]["data"].is_object(), "{}", endpoint.name);
        jsonschema::validator_for(&schema).unwrap_or_else(|error| panic!("{}: {error}", endpoint.name));
        let mut problems = Vec::new();
        portability_problems(&schema, "", &mut problems);
        assert!(problems.is_empty(), "{}: {problems:?}", endpoint.name);
    }
}

#[test]
fn names_and_descriptions() {
    for endpoint in ENDPOINTS.iter() {
        let name = endpoint.name;
        assert!(name.len() <= 48, "{name} is longer than 48 characters");
        assert!(name.starts_with(|c: char| c.is_ascii_lowercase()), "{name}");
        assert!(name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'), "{name}");
        assert!(!endpoint.description.is_empty(), "{name} has no description");
        assert!(endpoint.description.len() <= 500, "{name}: description has {} characters", endpoint.description.len());
        assert!(!endpoint.title.is_empty(), "{name} has no title");
        assert!(endpoint.path.starts_with("/api/v5/"), "{name}: {}", endpoint.path);
    }
}

#[test]
fn tools_carry_all_four_annotations() {
    for endpoint in ENDPOINTS.iter() {
        let tool = serde_json::to_value(okx_mcp::server::tool(endpoint)).unwrap();
        let annotations = &tool["annotations"];
        assert_eq!(annotations["readOnlyHint"], true, "{}", endpoint.name);
        assert_eq!(annotations["destructiveHint"], false, "{}", endpoint.name);
        assert_eq!(annotations["idempotentHint"], true, "{}", endpoint.name);
        assert_eq!(annotations["openWorldHint"], true, "{}", endpoint.name);
        assert!(tool["outputSchema"].is_object(), "{}", endpoint.name);
    }
}

/// The default toolset's names, descriptions and input schemas stay under 24 KB (about 6,000
/// tokens), so a host that loads every schema up front keeps most of its context.
#[test]
fn default_toolset_fits_context_budget() {
    let selection = okx_mcp::toolsets::select(&["default".to_owned()], &[], true).unwrap();
    assert!(selection.endpoints.len() <= 40, "default has {} tools", selection.endpoints.len());
    let bytes: usize =
        selection.endpoints.iter().map(|endpoint| endpoint.name.len() + endpoint.description.len() + endpoint.input_schema.len()).sum();
    assert!(bytes < 24 * 1024, "default toolset takes {bytes} bytes of names, descriptions and input schemas");
}
