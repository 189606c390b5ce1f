//! The result object of a successful call: OKX's data, where it came from, and the next page.

use serde_json::{Map, Value, json};

use crate::config::Config;
use crate::endpoint::{Endpoint, ParamKind};

/// Builds `{"data": ..., "endpoint": ..., "site": ..., "environment": ..., "meta"?: ..., "nextPage"?: ...}`.
pub fn success(endpoint: &Endpoint, config: &Config, arguments: &Map<String, Value>, data: Value, meta: Map<String, Value>) -> Value {
    let next_page = next_page(endpoint, arguments, &data, &meta);
    let mut result = json!({
        "data": data,
        "endpoint": endpoint.path,
        "site": config.site_label(),
        "environment": config.environment(),
    });
    if !meta.is_empty() {
        result["meta"] = Value::Object(meta);
    }
    if let Some(next_page) = next_page {
        result["nextPage"] = next_page;
    }
    result
}

/// Returns the arguments that fetch the next, older page, when this page came back full.
///
/// OKX does not say whether more rows exist, so a full page (as many rows as `limit`, or the
/// endpoint's default page size) is taken to mean "there may be more".
pub fn next_page(endpoint: &Endpoint, arguments: &Map<String, Value>, data: &Value, meta: &Map<String, Value>) -> Option<Value> {
    let paging = endpoint.paging?;

    if paging.param == "page" && paging.field == "page" {
        return next_page_number(arguments, data, meta);
    }

    let rows = data.as_array()?;
    let last = rows.last()?;
    if let Some(limit) = page_size(endpoint, arguments)
        && (rows.len() as i64) < limit
    {
        return None;
    }
    let cursor = match last.get(paging.field)? {
        Value::String(text) if !text.is_empty() => text.clone(),
        Value::Number(number) => number.to_string(),
        _ => return None,
    };
    let integer = endpoint.param(paging.param).is_some_and(|param| matches!(param.kind, ParamKind::Integer | ParamKind::Timestamp));
    let value = match cursor.parse::<i64>() {
        Ok(number) if integer => Value::from(number),
        _ => Value::String(cursor),
    };
    Some(json!({ paging.param: value }))
}

/// The page size in force: the `limit` argument, else the documented default.
fn page_size(endpoint: &Endpoint, arguments: &Map<String, Value>) -> Option<i64> {
    if let Some(limit) = arguments.get("limit").and_then(Value::as_i64) {
        return Some(limit);
    }
    endpoint.param("limit")?.default?.parse().ok()
}

/// For page-numbered endpoints: the next page number while `totalPage` (beside `data` or in its
/// first row) says there is one.
fn next_page_number(arguments: &Map<String, Value>, data: &Value, meta: &Map<String, Value>) -> Option<Value> {
    let current = arguments.get("page").and_then(Value::as_i64).unwrap_or(1);
    let first = match data {
        Value::Array(rows) => rows.first(),
        other => Some(other),
    };
    let total = meta.get("totalPage").or_else(|| first?.get("totalPage")).and_then(|value| match value {
        Value::String(text) => text.parse::<i64>().ok(),
        other => other.as_i64(),
    });
    match total {
        Some(total) if current < total => Some(json!({ "page": current + 1 })),
        Some(_) => None,
        None if data.as_array().is_some_and(|rows| !rows.is_empty()) => Some(json!({ "page": current + 1 })),
        None => None,
    }
}
