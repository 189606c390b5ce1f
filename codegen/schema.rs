//! JSON Schemas for tools, built straight from the spec.
//!
//! Input schemas keep to the shape every major MCP host accepts: a flat `type: object` root,
//! scalar `type`s, string enums, `additionalProperties: false`, and no `$ref`, `oneOf`/`anyOf`,
//! type arrays or `format`. Output schemas describe the result object the server returns.

use serde_json::{Map, Value, json};

use super::model::{DataShape, Endpoint, Field, FieldType, Param, ParamKind};

/// Builds the tool's input schema.
pub fn input_schema(endpoint: &Endpoint) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for param in &endpoint.params {
        properties.insert(param.name.clone(), param_schema(param));
        if param.required {
            required.push(Value::String(param.name.clone()));
        }
    }

    let mut schema = Map::new();
    schema.insert("type".into(), json!("object"));
    schema.insert("properties".into(), Value::Object(properties));
    if !required.is_empty() {
        schema.insert("required".into(), Value::Array(required));
    }
    schema.insert("additionalProperties".into(), json!(false));
    Value::Object(schema)
}

/// Returns the description the model sees for a parameter, with the accepted forms spelt out
/// where the schema type alone cannot say them.
pub fn param_description(param: &Param) -> String {
    let mut text = param.description.clone();
    match param.kind {
        ParamKind::Timestamp => text.push_str(" Unix ms or RFC 3339."),
        ParamKind::Decimal => text.push_str(" Decimal string."),
        _ => {}
    }
    if let Some(cap) = param.list {
        if param.enum_values.is_empty() {
            text.push_str(&format!(" Comma-separated, up to {cap}."));
        } else {
            text.push_str(&format!(" Comma-separated, up to {cap}, of: {}.", param.enum_values.join(", ")));
        }
    }
    text
}

fn param_schema(param: &Param) -> Value {
    let mut schema = Map::new();
    let json_type = match param.kind {
        ParamKind::Integer => "integer",
        ParamKind::Boolean => "boolean",
        ParamKind::String | ParamKind::Decimal | ParamKind::Timestamp => "string",
    };
    schema.insert("type".into(), json!(json_type));
    schema.insert("description".into(), json!(param_description(param)));
    if !param.enum_values.is_empty() && param.list.is_none() {
        let values: Vec<Value> = match param.kind {
            ParamKind::Integer => param.enum_values.iter().filter_map(|value| value.parse::<i64>().ok()).map(Value::from).collect(),
            _ => param.enum_values.iter().cloned().map(Value::String).collect(),
        };
        schema.insert("enum".into(), Value::Array(values));
    }
    if let Some(minimum) = param.minimum {
        schema.insert("minimum".into(), json!(minimum));
    }
    if let Some(maximum) = param.maximum {
        schema.insert("maximum".into(), json!(maximum));
    }
    if let Some(default) = &param.default {
        let value = match param.kind {
            ParamKind::Integer => default.parse::<i64>().map(Value::from).unwrap_or_else(|_| json!(default)),
            ParamKind::Boolean => json!(default == "true"),
            _ => json!(default),
        };
        schema.insert("default".into(), value);
    }
    Value::Object(schema)
}

/// Builds the tool's output schema: the result object around OKX's `data`.
pub fn output_schema(endpoint: &Endpoint) -> Value {
    let data = match endpoint.response.shape {
        DataShape::Array => json!({"type": "array", "items": object_schema(&endpoint.response.fields)}),
        DataShape::Object => object_schema(&endpoint.response.fields),
        DataShape::Rows => json!({"type": "array", "items": object_schema(&endpoint.response.fields)}),
        DataShape::Row => object_schema(&endpoint.response.fields),
        DataShape::Any => json!({"description": "OKX's data, as sent."}),
    };

    let mut properties = Map::new();
    properties.insert("data".into(), data);
    properties.insert("endpoint".into(), json!({"type": "string", "description": "The OKX path that served the data."}));
    properties
        .insert("site".into(), json!({"type": "string", "description": "OKX site: global, eea, us, or custom for a base URL override."}));
    properties.insert("environment".into(), json!({"type": "string", "enum": ["live", "demo"]}));
    properties.insert(
        "meta".into(),
        json!({"type": "object", "description": "Fields OKX sent beside data, such as totalPage.", "additionalProperties": true}),
    );
    properties.insert(
        "truncated".into(),
        json!({
            "type": "object",
            "description": "Present when rows were left out to keep the result within the size limit.",
            "properties": {
                "returnedRows": {"type": "integer"},
                "omittedRows": {"type": "integer"},
                "hint": {"type": "string"},
            },
            "additionalProperties": false,
        }),
    );
    if let Some(paging) = &endpoint.paging {
        properties.insert(
            "nextPage".into(),
            json!({
                "type": "object",
                "description": format!("Arguments for the next, older page: call again with these added. Absent when this page was not full."),
                "properties": {paging.param.clone(): {"type": paging_type(endpoint)}},
                "additionalProperties": false,
            }),
        );
    }
    json!({
        "type": "object",
        "properties": Value::Object(properties),
        "required": ["data", "endpoint", "site", "environment"],
        "additionalProperties": false,
    })
}

fn paging_type(endpoint: &Endpoint) -> &'static str {
    let param = endpoint.paging.as_ref().and_then(|paging| endpoint.params.iter().find(|param| param.name == paging.param));
    match param.map(|param| param.kind) {
        Some(ParamKind::Integer) => "integer",
        _ => "string",
    }
}

/// An object with known properties; OKX may add fields, and those are kept.
fn object_schema(fields: &[Field]) -> Value {
    let mut properties = Map::new();
    for field in fields {
        let mut schema = field_schema(&field.kind);
        if let (Some(description), Value::Object(map)) = (&field.description, &mut schema) {
            map.insert("description".into(), json!(description));
        }
        properties.insert(field.name.clone(), schema);
    }
    json!({"type": "object", "properties": Value::Object(properties), "additionalProperties": true})
}

fn field_schema(kind: &FieldType) -> Value {
    match kind {
        FieldType::String => json!({"type": "string"}),
        FieldType::Integer => json!({"type": "integer"}),
        FieldType::Number => json!({"type": "number"}),
        FieldType::Boolean => json!({"type": "boolean"}),
        FieldType::Any => json!({}),
        FieldType::Object(fields) | FieldType::Row(fields) => object_schema(fields),
        FieldType::Array(item) => json!({"type": "array", "items": field_schema(item)}),
    }
}
