//! Checks parsed spec files and builds the validated model.
//!
//! Every problem becomes one `Diagnostic` naming the file and line; checking goes on after a
//! problem so that one build reports all of them.

use std::collections::{BTreeMap, BTreeSet};

use super::Diagnostic;
use super::denylist;
use super::model::{Endpoint, Field, FieldType, LimitKey, Paging, Param, RateLimit, Response, Toolset};
use super::spec::{ColumnSpec, DataShape, EndpointSpec, FieldKind, FieldSpec, ParamKind, ParamSpec, SpecFile};

/// The prefix every allowlisted path starts with.
pub const PATH_PREFIX: &str = "/api/v5/";

/// The longest tool name accepted; some hosts drop tools whose server and tool name together
/// exceed 60 characters.
pub const MAX_NAME_LEN: usize = 48;

/// Validates all spec files together, since names and paths must be unique across files.
pub fn validate(files: Vec<(String, SpecFile)>) -> Result<Vec<Toolset>, Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let mut seen_paths: BTreeMap<String, (String, u64)> = BTreeMap::new();
    let mut seen_names: BTreeMap<String, (String, u64)> = BTreeMap::new();
    let mut toolsets = Vec::new();

    for (file, spec) in files {
        let mut report = |line: u64, message: String| problems.push(Diagnostic { file: file.clone(), line, message });

        let stem = file.trim_end_matches(".yaml");
        if spec.toolset.value != stem {
            report(spec.toolset.referenced.line(), format!("toolset '{}' must equal the file name '{stem}'", spec.toolset.value));
        }
        if !is_snake_name(&spec.toolset.value) {
            report(spec.toolset.referenced.line(), format!("toolset '{}' must match ^[a-z][a-z0-9_]*$", spec.toolset.value));
        }

        let mut endpoints = Vec::new();
        for endpoint in &spec.endpoints {
            let line = endpoint.path.referenced.line();
            let path = &endpoint.path.value;
            if let Some((other_file, other_line)) = seen_paths.get(path) {
                report(line, format!("duplicate path {path}, first defined at spec/{other_file}:{other_line}"));
            } else {
                seen_paths.insert(path.clone(), (file.clone(), line));
            }
            let name = endpoint_name(endpoint);
            if let Some((other_file, other_line)) = seen_names.get(&name) {
                report(line, format!("duplicate tool name '{name}', first defined at spec/{other_file}:{other_line}"));
            } else {
                seen_names.insert(name.clone(), (file.clone(), line));
            }
            if let Some(endpoint) = check_endpoint(&spec.toolset.value, &file, endpoint, name, &mut report) {
                endpoints.push(endpoint);
            }
        }

        toolsets.push(Toolset {
            name: spec.toolset.value.clone(),
            title: spec.title.trim().to_owned(),
            description: normalize_text(&spec.description),
            file: file.clone(),
            endpoints,
        });
    }

    if problems.is_empty() { Ok(toolsets) } else { Err(problems) }
}

/// Derives the tool name from the path unless the spec gives one.
fn endpoint_name(endpoint: &EndpointSpec) -> String {
    match &endpoint.name {
        Some(name) => name.value.clone(),
        None => derive_name(&endpoint.path.value),
    }
}

/// Turns `/api/v5/tradingBot/grid/orders-algo-pending` into `trading_bot_grid_orders_algo_pending`.
pub fn derive_name(path: &str) -> String {
    let rest = path.strip_prefix(PATH_PREFIX).unwrap_or(path);
    rest.split(['/', '-']).filter(|part| !part.is_empty()).map(heck::ToSnakeCase::to_snake_case).collect::<Vec<_>>().join("_")
}

fn is_snake_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some('a'..='z')) && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
}

/// Collapses the whitespace of a folded YAML block into single spaces.
fn normalize_text(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn check_endpoint(toolset: &str, file: &str, spec: &EndpointSpec, name: String, report: &mut impl FnMut(u64, String)) -> Option<Endpoint> {
    let line = spec.path.referenced.line();
    let path = &spec.path.value;
    let mut failed = false;
    let mut fail = |line: u64, message: String| {
        failed = true;
        report(line, message);
    };

    let valid_chars = path.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_'));
    if !path.starts_with(PATH_PREFIX) || path.len() == PATH_PREFIX.len() || !valid_chars || path.contains("//") || path.ends_with('/') {
        fail(line, format!("path '{path}' must be a plain path under {PATH_PREFIX} (letters, digits, '-', '_' and '/')"));
    } else if let Some(reason) = denylist::reason(path) {
        fail(line, format!("path {path} is denylisted: {reason}"));
    }

    let name_line = spec.name.as_ref().map_or(line, |name| name.referenced.line());
    if !is_snake_name(&name) {
        fail(name_line, format!("tool name '{name}' must match ^[a-z][a-z0-9_]*$"));
    }
    if name.len() > MAX_NAME_LEN {
        fail(name_line, format!("tool name '{name}' has {} characters, more than {MAX_NAME_LEN}; give a shorter `name`", name.len()));
    }
    if spec.title.trim().is_empty() {
        fail(line, format!("endpoint {path}: `title` is empty"));
    }
    if spec.description.trim().is_empty() {
        fail(line, format!("endpoint {path}: `description` is empty"));
    }

    let mut params = Vec::new();
    let mut param_names = BTreeSet::new();
    for param in &spec.params {
        let param_line = param.name.referenced.line();
        if !param_names.insert(param.name.value.clone()) {
            fail(param_line, format!("endpoint {path}: duplicate parameter '{}'", param.name.value));
        }
        match check_param(param) {
            Ok(param) => params.push(param),
            Err(messages) => {
                for message in messages {
                    fail(param_line, format!("endpoint {path}, parameter '{}': {message}", param.name.value));
                }
            }
        }
    }

    let rate_limit = match parse_rate_limit(&spec.rate_limit.value) {
        Ok(limit) => {
            for dimension in &limit.dimensions {
                if !param_names.contains(dimension) {
                    fail(
                        spec.rate_limit.referenced.line(),
                        format!("endpoint {path}: rate limit dimension '{dimension}' is not a parameter"),
                    );
                }
            }
            Some(limit)
        }
        Err(message) => {
            fail(spec.rate_limit.referenced.line(), format!("endpoint {path}: rate_limit '{}': {message}", spec.rate_limit.value));
            None
        }
    };

    let mut field_problems = Vec::new();
    let response = check_response(&spec.response, &mut field_problems);
    for (field_line, message) in field_problems {
        fail(if field_line == 0 { line } else { field_line }, format!("endpoint {path}: {message}"));
    }

    let paging = match &spec.paging {
        None => None,
        Some(paging) => {
            let paging_line = paging.referenced.line();
            if !param_names.contains(&paging.value.param) {
                fail(paging_line, format!("endpoint {path}: paging param '{}' is not a parameter", paging.value.param));
            }
            let is_page_number = paging.value.param == "page" && paging.value.field == "page";
            if !is_page_number && !response.fields.iter().any(|field| field.name == paging.value.field) {
                fail(paging_line, format!("endpoint {path}: paging field '{}' is not a response field", paging.value.field));
            }
            if matches!(spec.response.data, DataShape::Object | DataShape::Row | DataShape::Any) && !is_page_number {
                fail(paging_line, format!("endpoint {path}: paging needs `data: array` or `data: rows`"));
            }
            Some(Paging { param: paging.value.param.clone(), field: paging.value.field.clone() })
        }
    };

    if failed {
        return None;
    }
    Some(Endpoint {
        toolset: toolset.to_owned(),
        file: file.to_owned(),
        line,
        path: path.clone(),
        name,
        title: spec.title.trim().to_owned(),
        auth: spec.auth,
        rate_limit: rate_limit?,
        default: spec.default,
        sensitive: spec.sensitive,
        description: normalize_text(&spec.description),
        params,
        response,
        paging,
    })
}

/// Checks one parameter; returns every problem found.
fn check_param(spec: &ParamSpec) -> Result<Param, Vec<String>> {
    let mut problems = Vec::new();
    let name = &spec.name.value;
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        problems.push("name must be letters, digits and '_'".to_owned());
    }
    if spec.description.trim().is_empty() {
        problems.push("`description` is empty".to_owned());
    }
    let integer = spec.kind == ParamKind::Integer;
    if !integer && (spec.minimum.is_some() || spec.maximum.is_some()) {
        problems.push("`minimum`/`maximum` apply to integers only".to_owned());
    }
    if let (Some(minimum), Some(maximum)) = (spec.minimum, spec.maximum)
        && minimum > maximum
    {
        problems.push(format!("minimum {minimum} is greater than maximum {maximum}"));
    }
    if !spec.enum_values.is_empty() && !matches!(spec.kind, ParamKind::String | ParamKind::Integer) {
        problems.push("`enum` applies to string and integer parameters only".to_owned());
    }
    let mut unique = BTreeSet::new();
    for value in &spec.enum_values {
        if !unique.insert(value) {
            problems.push(format!("enum value '{value}' appears twice"));
        }
        if value.is_empty() || value.contains(',') {
            problems.push(format!("enum value '{value}' must be non-empty and contain no comma"));
        }
    }
    if spec.list == Some(0) {
        problems.push("`list` must be at least 1".to_owned());
    }
    if spec.list.is_some() && spec.kind != ParamKind::String {
        problems.push("`list` applies to string parameters only".to_owned());
    }
    for (key, value) in [("default", &spec.default), ("example", &spec.example)] {
        let Some(value) = value else { continue };
        let text = value.to_query_text();
        if let Err(message) = check_sample(spec, &text) {
            problems.push(format!("`{key}` {text:?}: {message}"));
        }
    }

    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Param {
        name: name.clone(),
        kind: spec.kind,
        required: spec.required,
        description: normalize_text(&spec.description),
        enum_values: spec.enum_values.clone(),
        list: spec.list,
        minimum: spec.minimum,
        maximum: spec.maximum,
        default: spec.default.as_ref().map(|value| value.to_query_text()),
        example: spec.example.as_ref().map(|value| value.to_query_text()),
    })
}

/// Checks that a `default` or `example` would pass the parameter's own rules.
fn check_sample(spec: &ParamSpec, text: &str) -> Result<(), String> {
    let values: Vec<&str> = if spec.list.is_some() { text.split(',').collect() } else { vec![text] };
    if let Some(cap) = spec.list
        && values.len() > cap as usize
    {
        return Err(format!("has {} values, more than the list cap {cap}", values.len()));
    }
    for value in values {
        if !spec.enum_values.is_empty() && !spec.enum_values.iter().any(|allowed| allowed == value) {
            return Err(format!("'{value}' is not one of the enum values"));
        }
        match spec.kind {
            ParamKind::Integer => {
                let number: i64 = value.parse().map_err(|_| "not an integer".to_owned())?;
                if spec.minimum.is_some_and(|minimum| number < minimum) || spec.maximum.is_some_and(|maximum| number > maximum) {
                    return Err("outside minimum/maximum".to_owned());
                }
            }
            ParamKind::Boolean if value != "true" && value != "false" => return Err("not true or false".to_owned()),
            ParamKind::Decimal if value.parse::<f64>().is_err() => return Err("not a decimal".to_owned()),
            _ => {}
        }
    }
    Ok(())
}

/// Parses `20/2s ip+instId`.
pub fn parse_rate_limit(text: &str) -> Result<RateLimit, String> {
    let mut parts = text.split_whitespace();
    let (Some(quota), Some(scope), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err("expected 'N/Ts KEY', e.g. '20/2s ip' or '10/2s uid+instId'".to_owned());
    };
    let (requests, window) = quota.split_once('/').ok_or("expected 'N/Ts' before the key")?;
    let requests: u32 = requests.parse().ok().filter(|n| *n > 0).ok_or("request count must be a positive integer")?;
    let seconds = window.strip_suffix('s').ok_or("window must end in 's', e.g. 2s")?;
    let seconds: u32 = seconds.parse().ok().filter(|n| (1..=3600).contains(n)).ok_or("window must be 1 to 3600 seconds")?;
    let mut scope_parts = scope.split('+');
    let key = match scope_parts.next() {
        Some("ip") => LimitKey::Ip,
        Some("uid") => LimitKey::Uid,
        Some("master-uid") => LimitKey::MasterUid,
        _ => return Err("key must be ip, uid or master-uid".to_owned()),
    };
    let dimensions: Vec<String> = scope_parts.map(str::to_owned).collect();
    if dimensions.iter().any(String::is_empty) {
        return Err("empty dimension after '+'".to_owned());
    }
    Ok(RateLimit { requests, window_ms: seconds * 1000, key, dimensions })
}

/// Resolves the response block into typed fields; problems carry the line where known.
fn check_response(spec: &super::spec::ResponseSpec, problems: &mut Vec<(u64, String)>) -> Response {
    let fields = match spec.data {
        DataShape::Any => {
            if !spec.fields.is_empty() || !spec.columns.is_empty() {
                problems.push((0, "`data: any` takes neither `fields` nor `columns`".to_owned()));
            }
            Vec::new()
        }
        DataShape::Array | DataShape::Object => {
            if !spec.columns.is_empty() {
                problems.push((0, "`columns` belongs to `data: rows`; use `fields`".to_owned()));
            }
            if spec.fields.is_empty() {
                problems.push((0, "response has no `fields`".to_owned()));
            }
            check_fields(&spec.fields, problems)
        }
        DataShape::Rows | DataShape::Row => {
            if !spec.fields.is_empty() {
                problems.push((0, "`data: rows` and `data: row` take `columns`, not `fields`".to_owned()));
            }
            if spec.columns.is_empty() {
                problems.push((0, "`data: rows` and `data: row` need `columns`".to_owned()));
            }
            check_columns(&spec.columns, problems)
        }
    };
    Response { shape: spec.data, fields }
}

fn check_fields(specs: &[FieldSpec], problems: &mut Vec<(u64, String)>) -> Vec<Field> {
    let mut names = BTreeSet::new();
    let mut fields = Vec::new();
    for spec in specs {
        let line = spec.name.referenced.line();
        let name = &spec.name.value;
        if !names.insert(name.clone()) {
            problems.push((line, format!("duplicate field '{name}'")));
        }
        if name.is_empty() {
            problems.push((line, "empty field name".to_owned()));
        }
        let nested = !spec.fields.is_empty() as u8 + spec.items.is_some() as u8 + !spec.columns.is_empty() as u8;
        if nested > 1 {
            problems.push((line, format!("field '{name}': give only one of `fields`, `items`, `columns`")));
        }
        let kind = match spec.kind {
            FieldKind::String | FieldKind::Integer | FieldKind::Number | FieldKind::Boolean | FieldKind::Any => {
                if nested > 0 {
                    problems.push((line, format!("field '{name}': `fields`/`items`/`columns` need type object or array")));
                }
                scalar_type(spec.kind)
            }
            FieldKind::Object => {
                if spec.items.is_some() || !spec.columns.is_empty() {
                    problems.push((line, format!("field '{name}': an object takes `fields` only")));
                }
                if spec.fields.is_empty() { FieldType::Any } else { FieldType::Object(check_fields(&spec.fields, problems)) }
            }
            FieldKind::Array => {
                let item = if !spec.fields.is_empty() {
                    FieldType::Object(check_fields(&spec.fields, problems))
                } else if !spec.columns.is_empty() {
                    FieldType::Row(check_columns(&spec.columns, problems))
                } else {
                    match spec.items {
                        Some(FieldKind::Object | FieldKind::Array) => {
                            problems.push((line, format!("field '{name}': `items` must be a scalar type; use `fields` or `columns`")));
                            FieldType::Any
                        }
                        Some(kind) => scalar_type(kind),
                        None => FieldType::Any,
                    }
                };
                FieldType::Array(Box::new(item))
            }
        };
        fields.push(Field { name: name.clone(), kind, description: spec.description.as_deref().map(normalize_text) });
    }
    fields
}

fn check_columns(specs: &[ColumnSpec], problems: &mut Vec<(u64, String)>) -> Vec<Field> {
    let mut names = BTreeSet::new();
    let mut fields = Vec::new();
    for spec in specs {
        let (name, kind, description) = spec.parts();
        if !names.insert(name.to_owned()) {
            problems.push((0, format!("duplicate column '{name}'")));
        }
        if matches!(kind, FieldKind::Object | FieldKind::Array) {
            problems.push((0, format!("column '{name}' must be a scalar type")));
        }
        fields.push(Field { name: name.to_owned(), kind: scalar_type(kind), description: description.map(normalize_text) });
    }
    fields
}

fn scalar_type(kind: FieldKind) -> FieldType {
    match kind {
        FieldKind::String => FieldType::String,
        FieldKind::Integer => FieldType::Integer,
        FieldKind::Number => FieldType::Number,
        FieldKind::Boolean => FieldType::Boolean,
        FieldKind::Any | FieldKind::Object | FieldKind::Array => FieldType::Any,
    }
}
