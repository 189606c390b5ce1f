//! Draft spec entries for documented endpoints that `spec/` lacks.
//!
//! A draft is a starting point for a person: the path, parameter names, required flags, listed
//! values and response fields come from the docs, while `title` and every `description` read
//! `TODO`. Types, `auth` and `rate_limit` are guesses that a comment marks as such.

use std::fmt::Write as _;

use super::okx_html::{DocEndpoint, DocField, DocParam, Requirement};
use crate::codegen::model::Toolset;
use crate::codegen::validate::derive_name;

/// The maximum length of a tool name that the spec accepts.
const MAX_NAME_LENGTH: usize = 48;

const TODO_DESCRIPTION: &str = "\"TODO: describe\"";

/// Renders one draft entry, indented to sit under a spec file's `endpoints:` key.
pub fn draft_entry(endpoint: &DocEndpoint, toolsets: &[Toolset]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "  # Docs section: #{} ({})", endpoint.anchor, endpoint.heading);
    let _ = writeln!(out, "  # Suggested file: {}", suggested_file(&endpoint.path, toolsets));
    let _ = writeln!(out, "  - path: {}", endpoint.path);
    let name = derive_name(&endpoint.path);
    if name.len() > MAX_NAME_LENGTH {
        let _ = writeln!(out, "    name: \"TODO: a name of at most {MAX_NAME_LENGTH} characters\"  # derived: {name}");
    }
    let _ = writeln!(out, "    title: \"TODO: title\"");
    let rule = endpoint.rate_limit_rule.as_deref().unwrap_or("");
    let _ = writeln!(out, "    auth: {}  # guessed from the rate limit rule \"{rule}\"", guess_auth(rule));
    let _ = writeln!(out, "    rate_limit: {}", rate_limit_line(endpoint));
    let _ = writeln!(out, "    description: {TODO_DESCRIPTION}");
    if !endpoint.params.is_empty() {
        let _ = writeln!(out, "    params:");
        for param in &endpoint.params {
            write_param(&mut out, param);
        }
    }
    write_response(&mut out, endpoint);
    out
}

fn write_param(out: &mut String, param: &DocParam) {
    let kind = guess_param_type(param);
    let _ = writeln!(out, "      - name: {}", param.name);
    let _ = writeln!(out, "        type: {kind}  # docs: {}", param.kind);
    match param.required {
        Requirement::Yes => {
            let _ = writeln!(out, "        required: true");
        }
        Requirement::Conditional => {
            let _ = writeln!(out, "        # required in some cases: say when in the description");
        }
        Requirement::No => {}
    }
    let _ = writeln!(out, "        description: {TODO_DESCRIPTION}");
    // The spec accepts `enum` on string and integer parameters only.
    if !param.enum_values.is_empty() && matches!(kind, "string" | "integer") {
        let values: Vec<String> = param.enum_values.iter().map(|value| yaml_scalar(value)).collect();
        let _ = writeln!(out, "        enum: [{}]  # values listed in the docs; check them", values.join(", "));
    }
}

fn write_response(out: &mut String, endpoint: &DocEndpoint) {
    let shape = data_shape(endpoint.response_example_data.as_ref());
    let fields = data_fields(&endpoint.response_fields);
    let _ = writeln!(out, "    response:");
    if fields.is_empty() {
        let _ = writeln!(out, "      data: any  # TODO: the docs list no response fields");
        return;
    }
    if shape == "rows" {
        // Columns must be scalars, so a row holding a list (such as [["BTC-USD", ...]]) fits no shape.
        if fields.iter().any(|field| field.depth > 0 || !is_scalar_kind(&field.kind)) {
            let _ = writeln!(out, "      data: any  # TODO: rows that hold lists or objects; check the example");
            return;
        }
        let _ = writeln!(out, "      data: rows");
        let _ = writeln!(out, "      columns:");
    } else {
        let _ = writeln!(out, "      data: {shape}");
        let _ = writeln!(out, "      fields:");
    }
    write_fields(out, &fields, 0, 8);
}

/// Returns the fields of `data`. Some tables also list the envelope (`code`, `msg`, `data`) and
/// nest the real fields under `data`, so only those are kept, moved one level up.
fn data_fields(fields: &[DocField]) -> Vec<DocField> {
    let top: Vec<&str> = fields.iter().filter(|field| field.depth == 0).map(|field| field.name.as_str()).collect();
    if !(top.contains(&"code") && top.contains(&"data")) {
        return fields.to_vec();
    }
    let Some(data_index) = fields.iter().position(|field| field.depth == 0 && field.name == "data") else { return fields.to_vec() };
    fields[data_index + 1..]
        .iter()
        .take_while(|field| field.depth > 0)
        .map(|field| DocField { name: field.name.clone(), kind: field.kind.clone(), depth: field.depth - 1 })
        .collect()
}

fn is_scalar_kind(kind: &str) -> bool {
    let kind = kind.to_ascii_lowercase();
    !kind.starts_with("array") && !kind.starts_with("object")
}

/// Writes the fields at `depth` that follow each other in the flat table, with their children.
fn write_fields(out: &mut String, fields: &[DocField], depth: usize, indent: usize) {
    let pad = " ".repeat(indent);
    let mut index = 0;
    while index < fields.len() {
        let field = &fields[index];
        let children_end =
            fields[index + 1..].iter().position(|next| next.depth <= depth).map_or(fields.len(), |offset| index + 1 + offset);
        let children = &fields[index + 1..children_end];
        let _ = writeln!(out, "{pad}- name: {}", field.name);
        let kind = field.kind.to_ascii_lowercase();
        if kind.starts_with("array") {
            let _ = writeln!(out, "{pad}  type: array");
            if !children.is_empty() {
                let _ = writeln!(out, "{pad}  fields:");
                write_fields(out, children, depth + 1, indent + 4);
            } else if kind.contains("string") {
                let _ = writeln!(out, "{pad}  items: string");
            }
        } else if kind.starts_with("object") {
            let _ = writeln!(out, "{pad}  type: object");
            if !children.is_empty() {
                let _ = writeln!(out, "{pad}  fields:");
                write_fields(out, children, depth + 1, indent + 4);
            }
        } else if let Some(scalar) = scalar_field_type(&kind) {
            let _ = writeln!(out, "{pad}  type: {scalar}");
        }
        index = children_end;
    }
}

/// Maps the docs' Type column to a response field type. `None` means the default, `string`.
fn scalar_field_type(kind: &str) -> Option<&'static str> {
    match kind {
        "boolean" | "bool" => Some("boolean"),
        "integer" | "int" | "long" => Some("integer"),
        "number" => Some("number"),
        _ => None,
    }
}

/// Returns `array`, `object` or `rows` from the response example's `data`.
fn data_shape(data: Option<&serde_json::Value>) -> &'static str {
    match data {
        Some(serde_json::Value::Object(_)) => "object",
        Some(serde_json::Value::Array(items)) if items.first().is_some_and(serde_json::Value::is_array) => "rows",
        // Without an example, a list of objects is OKX's usual answer.
        _ => "array",
    }
}

/// Guesses a parameter type from the docs' Type column, its name and its description.
fn guess_param_type(param: &DocParam) -> &'static str {
    let kind = param.kind.to_ascii_lowercase();
    let description = param.description.to_ascii_lowercase();
    match kind.as_str() {
        "boolean" | "bool" => "boolean",
        "integer" | "int" | "long" => "integer",
        "number" => "decimal",
        _ if param.name == "limit" => "integer",
        _ if description.contains("timestamp") && description.contains("millisecond") => "timestamp",
        _ => "string",
    }
}

/// Guesses `auth` from the rate limit rule: OKX counts public calls per IP and signed ones per
/// user ID.
fn guess_auth(rule: &str) -> &'static str {
    let lower = rule.to_ascii_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_ascii_alphanumeric()).collect();
    let per_user = words.iter().any(|word| matches!(*word, "user" | "userid" | "uid"));
    let per_ip = words.contains(&"ip");
    match (per_user, per_ip) {
        (true, true) => "optional",
        (false, true) => "public",
        _ => "private",
    }
}

/// Returns `20/2s ip`-style text, or a quoted TODO when the docs' wording is not understood.
fn rate_limit_line(endpoint: &DocEndpoint) -> String {
    let quota = endpoint.rate_limit.as_deref().unwrap_or("");
    let rule = endpoint.rate_limit_rule.as_deref().unwrap_or("");
    match (parse_quota(quota), parse_rule(rule)) {
        (Some(parsed), Some(scope)) => format!("{parsed} {scope}  # docs: \"{quota}\", rule \"{rule}\""),
        _ => format!("\"TODO: rate limit\"  # docs: \"{quota}\", rule \"{rule}\""),
    }
}

/// Parses `20 requests per 2 seconds` or `1 request per second` into `20/2s` or `1/1s`.
fn parse_quota(text: &str) -> Option<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let [count, noun, "per", rest @ ..] = words.as_slice() else { return None };
    let count: u32 = count.parse().ok()?;
    if !matches!(noun.to_ascii_lowercase().as_str(), "request" | "requests") {
        return None;
    }
    let seconds: u32 = match rest {
        [unit] if unit.eq_ignore_ascii_case("second") => 1,
        [amount, unit] if unit.to_ascii_lowercase().starts_with("second") => amount.parse().ok()?,
        _ => return None,
    };
    Some(format!("{count}/{seconds}s"))
}

/// Parses `IP`, `User ID`, `Master account User ID` and `... + Instrument ID` style rules.
fn parse_rule(text: &str) -> Option<String> {
    let mut parts = text.split('+').map(|part| part.trim().trim_matches(['(', ')']).trim().to_ascii_lowercase());
    let key = match parts.next()?.as_str() {
        "ip" => "ip",
        "user id" | "userid" => "uid",
        "master account user id" | "master account userid" => "master-uid",
        _ => return None,
    };
    let mut scope = key.to_owned();
    for part in parts {
        let dimension = match part.as_str() {
            "instrument id" | "instid" => "instId",
            "instrument type" | "insttype" => "instType",
            "instrument family" | "instfamily" => "instFamily",
            _ => return None,
        };
        scope.push('+');
        scope.push_str(dimension);
    }
    Some(scope)
}

/// Returns the spec file whose endpoints share the longest path prefix with `path`.
fn suggested_file(path: &str, toolsets: &[Toolset]) -> String {
    let segments: Vec<&str> = path.split('/').filter(|segment| !segment.is_empty()).collect();
    let mut best: Option<(usize, &Toolset)> = None;
    for toolset in toolsets {
        for endpoint in &toolset.endpoints {
            let shared = endpoint
                .path
                .split('/')
                .filter(|segment| !segment.is_empty())
                .zip(&segments)
                .take_while(|(left, right)| left == *right)
                .count();
            // `api` and `v5` are shared by every path, so a match needs a third segment.
            if shared > 2 && best.is_none_or(|(longest, _)| shared > longest) {
                best = Some((shared, toolset));
            }
        }
    }
    match best {
        Some((_, toolset)) => format!("spec/{}", toolset.file),
        None => "none shares its path prefix; pick or add a toolset".to_owned(),
    }
}

/// Writes a YAML flow scalar, quoting values that YAML would read as another type or syntax.
fn yaml_scalar(value: &str) -> String {
    let plain = value.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && value.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        && !matches!(value.to_ascii_lowercase().as_str(), "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n");
    if plain { value.to_owned() } else { serde_json::Value::String(value.to_owned()).to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quota_wordings() {
        assert_eq!(parse_quota("20 requests per 2 seconds").as_deref(), Some("20/2s"));
        assert_eq!(parse_quota("1 request per second").as_deref(), Some("1/1s"));
        assert_eq!(parse_quota("6 Requests per second").as_deref(), Some("6/1s"));
        assert_eq!(parse_quota("300 orders per 2 seconds"), None);
        assert_eq!(parse_quota("20 requests per month"), None);
    }

    #[test]
    fn rule_wordings() {
        assert_eq!(parse_rule("IP").as_deref(), Some("ip"));
        assert_eq!(parse_rule("User ID + Instrument ID").as_deref(), Some("uid+instId"));
        assert_eq!(parse_rule("IP + (Instrument Family)").as_deref(), Some("ip+instFamily"));
        assert_eq!(parse_rule("Master account User ID").as_deref(), Some("master-uid"));
        assert_eq!(parse_rule("User ID + tag"), None);
    }

    #[test]
    fn auth_from_rule() {
        assert_eq!(guess_auth("IP"), "public");
        assert_eq!(guess_auth("User ID"), "private");
        assert_eq!(guess_auth("User ID(Private) or IP(Public)"), "optional");
    }

    fn field(name: &str, kind: &str, depth: usize) -> DocField {
        DocField { name: name.to_owned(), kind: kind.to_owned(), depth }
    }

    #[test]
    fn envelope_rows_are_unwrapped() {
        let fields = [
            field("code", "String", 0),
            field("msg", "String", 0),
            field("data", "Array of objects", 0),
            field("ordId", "String", 1),
            field("legs", "Array of objects", 1),
            field("px", "String", 2),
        ];
        let names: Vec<(String, usize)> = data_fields(&fields).into_iter().map(|field| (field.name, field.depth)).collect();
        assert_eq!(names, [("ordId".to_owned(), 0), ("legs".to_owned(), 0), ("px".to_owned(), 1)]);
    }

    #[test]
    fn plain_fields_are_kept() {
        let fields = [field("ts", "String", 0), field("data", "Array of objects", 0), field("px", "String", 1)];
        assert_eq!(data_fields(&fields).len(), 3);
    }

    #[test]
    fn scalars_that_need_quotes() {
        assert_eq!(yaml_scalar("SPOT"), "SPOT");
        assert_eq!(yaml_scalar("1"), "\"1\"");
        assert_eq!(yaml_scalar("true"), "\"true\"");
        assert_eq!(yaml_scalar("a: b"), "\"a: b\"");
    }
}
