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
    // The output schema types a cursor like its input parameter: integer only for integer
    // parameters. Timestamps are strings there, since they also accept RFC 3339.
    let integer = endpoint.param(paging.param).is_some_and(|param| param.kind == ParamKind::Integer);
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

/// The default cap on a result's JSON, in bytes. Some hosts cut a tool result near 25,000
/// tokens; at an estimated 3 bytes per token of dense JSON that is about 75,000 bytes, and this
/// leaves room for the host's own framing.
pub const DEFAULT_MAX_RESULT_BYTES: usize = 60_000;

/// Drops rows from the end of `data` until the result's JSON fits in `max_bytes`, and says how
/// many were left out and how to get them.
///
/// Only a top-level array of rows can be cut; a single object larger than the cap is returned
/// whole, since cutting inside it would change its meaning.
pub fn cap_size(endpoint: &Endpoint, result: &mut Value, max_bytes: usize) {
    let total = serde_json::to_vec(result).map_or(0, |bytes| bytes.len());
    if total <= max_bytes {
        return;
    }
    let Some(rows) = result.get_mut("data").and_then(Value::as_array_mut) else {
        tracing::warn!(tool = endpoint.name, bytes = total, max_bytes, "result exceeds the size limit but has no rows to leave out");
        return;
    };
    let all_rows = std::mem::take(rows);
    let row_sizes: Vec<usize> = all_rows.iter().map(|row| serde_json::to_vec(row).map_or(0, |bytes| bytes.len()) + 1).collect();

    // The result without rows, with a truncation note of the largest possible size.
    let mut skeleton = result.clone();
    skeleton["truncated"] = truncation_note(endpoint, usize::MAX / 2, usize::MAX / 2);
    if let Some(paging) = endpoint.paging {
        skeleton["nextPage"] = json!({ paging.param: "x".repeat(40) });
    }
    let budget = max_bytes.saturating_sub(serde_json::to_vec(&skeleton).map_or(0, |bytes| bytes.len()));

    let mut used = 0;
    let kept = row_sizes.iter().take_while(|size| {
        used += **size;
        used <= budget
    });
    let keep = kept.count();
    let omitted = all_rows.len() - keep;
    let mut kept_rows = all_rows;
    kept_rows.truncate(keep);

    result["data"] = Value::Array(kept_rows);
    result["truncated"] = truncation_note(endpoint, keep, omitted);
    if let Some(object) = result.as_object_mut() {
        object.remove("nextPage");
    }
    if let Some(paging) = endpoint.paging
        && let Some(cursor) = result["data"].as_array().and_then(|rows| rows.last()).and_then(|row| row.get(paging.field)).cloned()
    {
        result["nextPage"] = json!({ paging.param: cursor });
    }
}

fn truncation_note(endpoint: &Endpoint, returned: usize, omitted: usize) -> Value {
    let rows = if omitted == 1 { "row was".to_owned() } else { format!("{omitted} rows were") };
    let narrow = narrowing_arguments(endpoint);
    let narrow = if narrow.is_empty() {
        "or start okx-mcp with a larger --max-result-bytes".to_owned()
    } else {
        format!("or narrow the query ({})", narrow.join(", "))
    };
    let hint = match endpoint.paging {
        Some(paging) => format!(
            "The result was too large, so the last {rows} left out. Call again with nextPage's {} to continue from the last row shown, {narrow}.",
            paging.param
        ),
        None => {
            let them = if omitted == 1 { "it" } else { "them" };
            format!("The result was too large, so the last {rows} left out. To see {them}, {}.", narrow.trim_start_matches("or "))
        }
    };
    json!({"returnedRows": returned, "omittedRows": omitted, "hint": hint})
}

/// Returns the endpoint's arguments that shrink a response, as a hint names them.
fn narrowing_arguments(endpoint: &Endpoint) -> Vec<String> {
    const FILTERS: [&str; 5] = ["instId", "instFamily", "uly", "ccy", "instType"];
    let mut names: Vec<String> = FILTERS.iter().filter(|name| endpoint.param(name).is_some()).map(|name| (*name).to_owned()).collect();
    for size in ["limit", "sz"] {
        if endpoint.param(size).is_some() {
            names.push(format!("a smaller {size}"));
        }
    }
    names
}
