//! Reads the endpoint sections out of OKX's single-page v5 API documentation.
//!
//! The page (`/docs-v5/en/`) is one long HTML document. Each endpoint is a section opened by a
//! heading with an `id` anchor, for example `<h3 id="order-book-trading-market-data-get-ticker">`.
//! Inside it, smaller headings introduce the parts this module reads:
//!
//! - `Rate Limit: 20 requests per 2 seconds` and `Rate limit rule: IP`;
//! - `HTTP Request`, followed by inline code such as `<code>GET /api/v5/market/ticker</code>`;
//! - `Request Parameters`, followed by a table with the columns Parameter, Type, Required and
//!   Description (or the word "None");
//! - `Response Parameters`, followed by a table whose nested fields start with `> `.
//!
//! Request and response examples sit in `<pre>` blocks between these parts. Code inside `<pre>`
//! never counts as the endpoint's path, so an example URL with a query string is not read as a
//! second endpoint, and neither is a path quoted in a notice outside an `HTTP Request` part.

use scraper::node::Node;
use scraper::{ElementRef, Html};

/// One `METHOD /api/v5/...` request documented in an endpoint section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocEndpoint {
    pub method: String,
    /// The path without any query string.
    pub path: String,
    /// The `id` of the section heading, the anchor after `#` in the page URL.
    pub anchor: String,
    /// The section heading as OKX writes it, e.g. `GET / Ticker`.
    pub heading: String,
    /// The text after `Rate Limit:`, e.g. `20 requests per 2 seconds`.
    pub rate_limit: Option<String>,
    /// The text after `Rate limit rule:`, e.g. `IP` or `User ID + Instrument ID`.
    pub rate_limit_rule: Option<String>,
    pub params: Vec<DocParam>,
    pub response_fields: Vec<DocField>,
    /// The `data` member of the first response example that parses as JSON.
    pub response_example_data: Option<serde_json::Value>,
}

/// One row of a `Request Parameters` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocParam {
    pub name: String,
    /// The Type column as written, e.g. `String` or `Boolean`.
    pub kind: String,
    pub required: Requirement,
    /// The Description column as plain text.
    pub description: String,
    /// The values the description lists one per line in code style, such as `SPOT` under
    /// "Instrument type". Empty when the description lists none.
    pub enum_values: Vec<String>,
}

/// The Required column of a parameter table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirement {
    Yes,
    No,
    /// Required only in some cases that the description explains.
    Conditional,
}

impl Requirement {
    fn parse(text: &str) -> Requirement {
        match text.trim().to_ascii_lowercase().as_str() {
            "yes" | "true" | "required" => Requirement::Yes,
            "conditional" => Requirement::Conditional,
            _ => Requirement::No,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Requirement::Yes => "yes",
            Requirement::No => "no",
            Requirement::Conditional => "conditional",
        }
    }
}

/// One row of a `Response Parameters` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocField {
    /// The name without the leading `> ` markers.
    pub name: String,
    /// The Type column as written, e.g. `String` or `Array of objects`.
    pub kind: String,
    /// The nesting depth: the number of leading `>` markers, 0 for a top-level field.
    pub depth: usize,
}

/// Parses the page and returns every documented request, in page order.
pub fn parse_page(html: &str) -> Vec<DocEndpoint> {
    let document = Html::parse_document(html);
    let mut blocks = Vec::new();
    collect_blocks(document.root_element(), &mut blocks);
    endpoints_from_blocks(blocks)
}

/// The parts of the page this reader needs, flattened into document order.
#[derive(Debug)]
enum Block {
    Heading {
        level: u8,
        id: Option<String>,
        text: String,
    },
    /// Inline code outside `<pre>` and tables.
    Code(String),
    /// A preformatted example block.
    Pre(String),
    Table(Table),
}

#[derive(Debug, Default)]
struct Table {
    rows: Vec<Vec<Cell>>,
}

#[derive(Debug, Default)]
struct Cell {
    text: String,
    /// The cell's lines (split at `<br>` and block elements), each a list of text and code runs.
    lines: Vec<Vec<Inline>>,
}

#[derive(Debug)]
enum Inline {
    Text(String),
    Code(String),
}

/// Elements whose content is never documentation text.
const SKIPPED_ELEMENTS: &[&str] = &["script", "style", "template", "noscript", "head"];

fn collect_blocks(parent: ElementRef<'_>, blocks: &mut Vec<Block>) {
    for element in parent.child_elements() {
        let name = element.value().name();
        match name {
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                let level = name[1..].parse().unwrap_or(6);
                let id = element.value().attr("id").map(str::to_owned).filter(|id| !id.is_empty());
                blocks.push(Block::Heading { level, id, text: element_text(element) });
            }
            "pre" => blocks.push(Block::Pre(element.text().collect())),
            "code" => blocks.push(Block::Code(element_text(element))),
            "table" => blocks.push(Block::Table(read_table(element))),
            _ if SKIPPED_ELEMENTS.contains(&name) => {}
            _ => collect_blocks(element, blocks),
        }
    }
}

/// Returns the element's text with runs of whitespace (including no-break spaces) collapsed.
fn element_text(element: ElementRef<'_>) -> String {
    collapse_whitespace(&element.text().collect::<String>())
}

fn collapse_whitespace(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c == '\u{a0}').filter(|word| !word.is_empty()).collect::<Vec<_>>().join(" ")
}

fn read_table(table: ElementRef<'_>) -> Table {
    let mut rows = Vec::new();
    for node in table.descendants() {
        let Some(row) = ElementRef::wrap(node).filter(|element| element.value().name() == "tr") else { continue };
        let cells: Vec<Cell> =
            row.children().filter_map(ElementRef::wrap).filter(|cell| matches!(cell.value().name(), "td" | "th")).map(read_cell).collect();
        if !cells.is_empty() {
            rows.push(cells);
        }
    }
    Table { rows }
}

fn read_cell(cell: ElementRef<'_>) -> Cell {
    let mut lines = vec![Vec::new()];
    collect_inlines(cell, &mut lines);
    let lines: Vec<Vec<Inline>> = lines.into_iter().filter(|line| !line.is_empty()).collect();
    Cell { text: element_text(cell), lines }
}

/// Splits a cell's content into lines of text and code runs. `<br>` and block elements end a
/// line, because OKX puts each enum value of a description on its own line.
fn collect_inlines(parent: ElementRef<'_>, lines: &mut Vec<Vec<Inline>>) {
    for child in parent.children() {
        if let Node::Text(text) = child.value() {
            if let Some(line) = lines.last_mut() {
                line.push(Inline::Text(text.to_string()));
            }
            continue;
        }
        let Some(element) = ElementRef::wrap(child) else { continue };
        match element.value().name() {
            "br" => lines.push(Vec::new()),
            "code" => {
                if let Some(line) = lines.last_mut() {
                    line.push(Inline::Code(element_text(element)));
                }
            }
            "p" | "div" | "li" | "ul" | "ol" | "blockquote" => {
                lines.push(Vec::new());
                collect_inlines(element, lines);
                lines.push(Vec::new());
            }
            _ => collect_inlines(element, lines),
        }
    }
}

/// Returns the values that a description lists in code style at the start of its lines.
///
/// A line counts when it starts with code and the code is the whole line or a label: `` `SPOT` ``,
/// `` `0`: Not paid ``, or a run such as `` `isolated`, `cross` `` whose codes are separated only
/// by commas or slashes. A semicolon also starts a new line, as in
/// `` `1`: partly closed; `2`: fully closed ``. A line that starts with prose ("Applicable to
/// `FUTURES`") or continues the code with prose ("`instId` is checked ...") lists no values.
// NOTE: this is a heuristic over OKX's prose. It misses values written inside a sentence, and
// it keeps values that the docs strike through as deprecated.
fn enum_values(lines: &[Vec<Inline>]) -> Vec<String> {
    let mut values: Vec<String> = Vec::new();
    for line in lines.iter().flat_map(|line| split_at_semicolons(line)) {
        for value in line_values(&line) {
            if !values.contains(&value) {
                values.push(value);
            }
        }
    }
    values
}

/// Splits a line's runs wherever its text has a semicolon (ASCII or full-width).
fn split_at_semicolons(line: &[Inline]) -> Vec<Vec<Inline>> {
    let mut parts = vec![Vec::new()];
    for inline in line {
        match inline {
            Inline::Code(code) => parts.last_mut().expect("parts is never empty").push(Inline::Code(code.clone())),
            Inline::Text(text) => {
                for (index, piece) in text.split([';', '\u{ff1b}']).enumerate() {
                    if index > 0 {
                        parts.push(Vec::new());
                    }
                    parts.last_mut().expect("parts is never empty").push(Inline::Text(piece.to_owned()));
                }
            }
        }
    }
    parts
}

/// Returns the codes that open a value line, or nothing when the line is prose.
fn line_values(line: &[Inline]) -> Vec<String> {
    let runs: Vec<&Inline> = line.iter().skip_while(|inline| matches!(inline, Inline::Text(text) if text.trim().is_empty())).collect();
    let Some(Inline::Code(first)) = runs.first() else { return Vec::new() };
    let mut codes = vec![first.clone()];
    let mut index = 1;
    let mut colon_label = false;
    while let Some(inline) = runs.get(index) {
        index += 1;
        match inline {
            Inline::Code(code) => codes.push(code.clone()),
            Inline::Text(text) if text.chars().all(|c| c.is_whitespace() || c == ',' || c == '/') => {}
            Inline::Text(text) => {
                // After the codes, only a label (`: meaning`, `(meaning)`, `- meaning`) may follow.
                if !starts_with_label(text) {
                    return Vec::new();
                }
                colon_label = text.trim_start().starts_with([':', '\u{ff1a}']);
                break;
            }
        }
    }
    // A line of `value: meaning` pairs may hold more of them: `1`: Buy `2`: Sell. Other lines
    // stop at their label, so the `m` in "`3m`, `5m` (`m`: minute)" is not a value.
    while colon_label && let Some(inline) = runs.get(index) {
        if let (Inline::Code(code), Some(Inline::Text(text))) = (inline, runs.get(index + 1))
            && text.trim_start().starts_with([':', '\u{ff1a}'])
        {
            codes.push(code.clone());
        }
        index += 1;
    }
    codes.retain(|code| !code.is_empty());
    codes
}

/// Whether text after a value explains it: `: meaning`, `(meaning)`, `- meaning`, or a remark
/// after a comma as in "`SWAP`, the default value".
fn starts_with_label(text: &str) -> bool {
    text.trim_start().starts_with([',', ':', '\u{ff1a}', '(', '-', '\u{2013}'])
}

/// The kind of a heading inside an endpoint section, recognised by its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    RateLimit,
    RateLimitRule,
    HttpRequest,
    RequestParameters,
    ResponseParameters,
}

fn classify_heading(text: &str) -> Option<Part> {
    let lower = text.trim().trim_end_matches(':').to_ascii_lowercase();
    // A rate limit part carries its value after a colon. A plain "Rate Limits" heading, as in
    // the page's overview, is a section of its own.
    let has_value = heading_value(text).is_some();
    if has_value && lower.starts_with("rate limit rule") {
        Some(Part::RateLimitRule)
    } else if has_value && lower.starts_with("rate limit") {
        Some(Part::RateLimit)
    } else if lower == "http request" || lower == "http requests" {
        Some(Part::HttpRequest)
    } else if lower == "request parameters" || lower == "request parameter" {
        Some(Part::RequestParameters)
    } else if lower == "response parameters" || lower == "response parameter" {
        Some(Part::ResponseParameters)
    } else {
        None
    }
}

/// The text after the first colon of a heading such as `Rate Limit: 20 requests per 2 seconds`.
/// Some headings use the full-width colon U+FF1A instead.
fn heading_value(text: &str) -> Option<String> {
    let (_, value) = text.split_once([':', '\u{ff1a}'])?;
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

/// An endpoint section while its blocks are read.
#[derive(Debug, Default)]
struct Section {
    level: u8,
    anchor: String,
    heading: String,
    rate_limit: Option<String>,
    rate_limit_rule: Option<String>,
    requests: Vec<(String, String)>,
    params: Option<Vec<DocParam>>,
    response_fields: Option<Vec<DocField>>,
    examples: Vec<String>,
}

impl Section {
    /// Whether the section has shown any endpoint part, so that a deeper unknown heading (such
    /// as "Permission: Read") belongs to it instead of opening a new section.
    fn has_endpoint_parts(&self) -> bool {
        !self.requests.is_empty() || self.rate_limit.is_some() || self.rate_limit_rule.is_some()
    }

    fn into_endpoints(self, endpoints: &mut Vec<DocEndpoint>) {
        let data = self.examples.iter().find_map(|example| example_data(example));
        for (method, path) in &self.requests {
            endpoints.push(DocEndpoint {
                method: method.clone(),
                path: path.clone(),
                anchor: self.anchor.clone(),
                heading: self.heading.clone(),
                rate_limit: self.rate_limit.clone(),
                rate_limit_rule: self.rate_limit_rule.clone(),
                params: self.params.clone().unwrap_or_default(),
                response_fields: self.response_fields.clone().unwrap_or_default(),
                response_example_data: data.clone(),
            });
        }
    }
}

fn endpoints_from_blocks(blocks: Vec<Block>) -> Vec<DocEndpoint> {
    let mut endpoints = Vec::new();
    let mut section = Section::default();
    let mut part: Option<Part> = None;

    for block in blocks {
        match block {
            Block::Heading { level, id, text } => match classify_heading(&text) {
                Some(Part::RateLimit) => section.rate_limit = section.rate_limit.take().or(heading_value(&text)),
                Some(Part::RateLimitRule) => {
                    section.rate_limit_rule = section.rate_limit_rule.take().or(heading_value(&text));
                }
                Some(found) => part = Some(found),
                None if level > section.level && section.has_endpoint_parts() => part = None,
                None => {
                    let finished = std::mem::take(&mut section);
                    finished.into_endpoints(&mut endpoints);
                    section.level = level;
                    section.anchor = id.unwrap_or_default();
                    section.heading = text;
                    part = None;
                }
            },
            Block::Code(code) if part == Some(Part::HttpRequest) => {
                if let Some(request) = parse_request_line(&code) {
                    section.requests.push(request);
                }
            }
            Block::Code(_) => {}
            Block::Pre(text) => section.examples.push(text),
            Block::Table(table) => {
                // Some sections head their request table "Response parameters" by mistake, but only
                // request tables have a Required column.
                let request_table =
                    part == Some(Part::RequestParameters) || (part == Some(Part::ResponseParameters) && has_required_column(&table));
                if request_table && section.params.is_none() {
                    section.params = read_params(&table);
                } else if !request_table && part == Some(Part::ResponseParameters) && section.response_fields.is_none() {
                    section.response_fields = read_fields(&table);
                }
            }
        }
    }
    section.into_endpoints(&mut endpoints);
    endpoints
}

/// Parses `GET /api/v5/market/ticker` (a query string is dropped).
fn parse_request_line(code: &str) -> Option<(String, String)> {
    let mut words = code.split_whitespace();
    let method = words.next()?;
    let target = words.next()?;
    if !matches!(method, "GET" | "POST" | "PUT" | "DELETE") || !target.starts_with("/api/") {
        return None;
    }
    let path = target.split(['?', '#']).next().unwrap_or(target);
    Some((method.to_owned(), path.to_owned()))
}

/// Returns the column index whose header (bold or not) is `name` or its plural, ignoring case.
/// OKX writes both `Parameter | Type` and `Parameters | Types`.
fn column(header: &[Cell], name: &str) -> Option<usize> {
    header.iter().position(|cell| {
        let text = cell.text.trim();
        text.eq_ignore_ascii_case(name) || text.strip_suffix(['s', 'S']).is_some_and(|singular| singular.eq_ignore_ascii_case(name))
    })
}

fn has_required_column(table: &Table) -> bool {
    table.rows.first().is_some_and(|header| column(header, "Required").is_some())
}

fn read_params(table: &Table) -> Option<Vec<DocParam>> {
    let (header, rows) = table.rows.split_first()?;
    let name_column = column(header, "Parameter")?;
    let type_column = column(header, "Type");
    let required_column = column(header, "Required");
    let description_column = column(header, "Description");

    let mut params = Vec::new();
    for row in rows {
        let Some(name) = row.get(name_column).map(|cell| cell.text.trim().to_owned()) else { continue };
        // Nested rows (`> ccy`) describe members of a JSON body, which a GET does not have.
        if name.is_empty() || name.starts_with('>') {
            continue;
        }
        let text_of = |index: Option<usize>| index.and_then(|index| row.get(index)).map(|cell| cell.text.clone());
        let description = description_column.and_then(|index| row.get(index));
        params.push(DocParam {
            name,
            kind: text_of(type_column).unwrap_or_default(),
            required: Requirement::parse(&text_of(required_column).unwrap_or_default()),
            description: description.map(|cell| cell.text.clone()).unwrap_or_default(),
            enum_values: description.map(|cell| enum_values(&cell.lines)).unwrap_or_default(),
        });
    }
    Some(params)
}

fn read_fields(table: &Table) -> Option<Vec<DocField>> {
    let (header, rows) = table.rows.split_first()?;
    let name_column = column(header, "Parameter")?;
    let type_column = column(header, "Type");

    let mut fields = Vec::new();
    for row in rows {
        let Some(raw) = row.get(name_column).map(|cell| cell.text.trim()) else { continue };
        let depth = raw.chars().take_while(|c| *c == '>' || c.is_whitespace()).filter(|c| *c == '>').count();
        let name = raw.trim_start_matches(|c: char| c == '>' || c.is_whitespace()).to_owned();
        if name.is_empty() {
            continue;
        }
        let kind = type_column.and_then(|index| row.get(index)).map(|cell| cell.text.clone()).unwrap_or_default();
        fields.push(DocField { name, kind, depth });
    }
    Some(fields)
}

/// Returns `data` from an example such as `{"code": "0", "msg": "", "data": [...]}`.
fn example_data(example: &str) -> Option<serde_json::Value> {
    let value: serde_json::Value = serde_json::from_str(example.trim()).ok()?;
    let object = value.as_object()?;
    if !object.contains_key("code") {
        return None;
    }
    object.get("data").cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECTION: &str = r#"<html><body>
<h1 id="trading-account">Trading Account</h1>
<h2 id="trading-account-rest-api">REST API</h2>
<h3 id="trading-account-rest-api-get-bills">GET / Bills</h3>
<p>Intro text.</p>
<h4 id="rate-limit-7">Rate limit&#xff1a;5 requests per second</h4>
<h4 id="rate-limit-rule-7">Rate limit rule: User ID</h4>
<h4 id="http-request-7">HTTP Request</h4>
<p><code>GET /api/v5/account/bills</code></p>
<blockquote><p>Request Example</p></blockquote>
<pre class="highlight shell"><code>GET /api/v5/account/bills?instType=MARGIN</code></pre>
<h4 id="request-parameters-7">Request Parameters</h4>
<table><thead><tr><th>Parameter</th><th>Type</th><th>Required</th><th>Description</th></tr></thead>
<tbody>
<tr><td>instType</td><td>String</td><td>No</td><td>Instrument type<br><code>SPOT</code><br><code>MARGIN</code></td></tr>
<tr><td>mgnMode</td><td>String</td><td>Conditional</td><td>Margin mode<br><code>isolated</code>, <code>cross</code></td></tr>
<tr><td>ctType</td><td>String</td><td>Yes</td><td>Contract type. Applicable to <code>FUTURES</code>/<code>SWAP</code></td></tr>
</tbody></table>
<blockquote><p>Response Example</p></blockquote>
<pre class="highlight json"><code>{"code": "0", "msg": "", "data": [{"bal": "1"}]}</code></pre>
<h4 id="response-parameters-7">Response Parameters</h4>
<table><thead><tr><th><strong>Parameters</strong></th><th><strong>Types</strong></th><th>Description</th></tr></thead>
<tbody>
<tr><td>bal</td><td>String</td><td>Balance</td></tr>
<tr><td>details</td><td>Array of objects</td><td>Details</td></tr>
<tr><td>&gt; ccy</td><td>String</td><td>Currency</td></tr>
</tbody></table>
<blockquote><p><code>GET /api/v5/account/retired</code> has been retired.</p></blockquote>
<h3 id="trading-account-rest-api-set-leverage">POST / Set leverage</h3>
<h4>HTTP Request</h4>
<p><code>POST /api/v5/account/set-leverage</code></p>
<h4>Request Parameters</h4>
<p>None</p>
</body></html>"#;

    fn bills() -> DocEndpoint {
        parse_page(SECTION).into_iter().find(|endpoint| endpoint.path == "/api/v5/account/bills").expect("bills section")
    }

    #[test]
    fn sections_give_one_endpoint_each() {
        let paths: Vec<(String, String)> = parse_page(SECTION).into_iter().map(|endpoint| (endpoint.method, endpoint.path)).collect();
        assert_eq!(
            paths,
            vec![("GET".to_owned(), "/api/v5/account/bills".to_owned()), ("POST".to_owned(), "/api/v5/account/set-leverage".to_owned()),]
        );
    }

    #[test]
    fn section_heading_and_rate_limit() {
        let endpoint = bills();
        assert_eq!(endpoint.anchor, "trading-account-rest-api-get-bills");
        assert_eq!(endpoint.heading, "GET / Bills");
        assert_eq!(endpoint.rate_limit.as_deref(), Some("5 requests per second"));
        assert_eq!(endpoint.rate_limit_rule.as_deref(), Some("User ID"));
    }

    #[test]
    fn request_parameters_table() {
        let params = bills().params;
        let names: Vec<&str> = params.iter().map(|param| param.name.as_str()).collect();
        assert_eq!(names, ["instType", "mgnMode", "ctType"]);
        assert_eq!(params[0].required, Requirement::No);
        assert_eq!(params[1].required, Requirement::Conditional);
        assert_eq!(params[2].required, Requirement::Yes);
        assert_eq!(params[0].kind, "String");
    }

    #[test]
    fn enum_values_from_code_lines() {
        let params = bills().params;
        assert_eq!(params[0].enum_values, ["SPOT", "MARGIN"]);
        assert_eq!(params[1].enum_values, ["isolated", "cross"]);
        assert!(params[2].enum_values.is_empty(), "code inside a sentence is not a value list");
    }

    fn cell_values(html: &str) -> Vec<String> {
        let page = format!(
            "<h3 id=\"s\">S</h3><h4>HTTP Request</h4><p><code>GET /api/v5/x</code></p><h4>Request Parameters</h4>\
             <table><tr><th>Parameter</th><th>Type</th><th>Required</th><th>Description</th></tr>\
             <tr><td>p</td><td>String</td><td>No</td><td>{html}</td></tr></table>"
        );
        parse_page(&page).remove(0).params.remove(0).enum_values
    }

    #[test]
    fn enum_values_with_labels_and_semicolons() {
        assert_eq!(cell_values("Type<br><code>1</code>: partly; <code>2</code>\u{ff1a}fully"), ["1", "2"]);
        assert_eq!(cell_values("Mode<br><code>add</code>: add margin<br><code>reduce</code>: reduce margin"), ["add", "reduce"]);
        assert_eq!(cell_values("Period<br><code>1</code>/<code>4</code>/<code>8</code>"), ["1", "4", "8"]);
        assert_eq!(cell_values("Side<br><code>1</code>: Buy <code>2</code>: Sell, <code>3</code>: Open long"), ["1", "2", "3"]);
        assert_eq!(cell_values("Kind<br><code>T</code>: taker, see <code>fillPx</code> for price"), ["T"]);
        assert_eq!(cell_values("Bar<br><code>3m</code>, <code>5m</code> (<code>m</code>: minute)"), ["3m", "5m"]);
        assert_eq!(cell_values("Type<br><code>SPOT</code><br><code>SWAP</code>, the default value"), ["SPOT", "SWAP"]);
    }

    #[test]
    fn enum_values_skip_prose_lines() {
        assert!(cell_values("Type<br><code>instId</code> is checked against <code>instType</code>.").is_empty());
        assert!(cell_values("Default is <code>2</code>").is_empty());
        assert!(cell_values("Currencies, e.g. <code>BTC</code> or <code>BTC,ETH</code>").is_empty());
    }

    #[test]
    fn response_fields_with_nesting() {
        let fields = bills().response_fields;
        let shape: Vec<(&str, &str, usize)> = fields.iter().map(|field| (field.name.as_str(), field.kind.as_str(), field.depth)).collect();
        assert_eq!(shape, [("bal", "String", 0), ("details", "Array of objects", 0), ("ccy", "String", 1)]);
    }

    #[test]
    fn response_example_data_is_read() {
        let data = bills().response_example_data.expect("example data");
        assert!(data.is_array());
    }

    #[test]
    fn example_and_notice_paths_are_ignored() {
        let paths: Vec<String> = parse_page(SECTION).into_iter().map(|endpoint| endpoint.path).collect();
        assert!(!paths.contains(&"/api/v5/account/retired".to_owned()));
        assert_eq!(paths.iter().filter(|path| path.as_str() == "/api/v5/account/bills").count(), 1);
    }

    #[test]
    fn none_instead_of_table_means_no_params() {
        let endpoints = parse_page(SECTION);
        let leverage = endpoints.iter().find(|endpoint| endpoint.method == "POST").expect("POST section");
        assert!(leverage.params.is_empty());
    }

    #[test]
    fn request_table_under_response_heading() {
        let page = r#"<h3 id="pair">Get pair</h3><h4>HTTP Request</h4><p><code>GET /api/v5/asset/pair</code></p>
<h4>Response parameters</h4>
<table><tr><th>Parameters</th><th>Types</th><th>Required</th><th>Description</th></tr>
<tr><td>fromCcy</td><td>String</td><td>Yes</td><td>From</td></tr></table>
<h4>Response Parameters</h4>
<table><tr><th>Parameter</th><th>Type</th><th>Description</th></tr>
<tr><td>instId</td><td>String</td><td>Pair</td></tr></table>"#;
        let endpoint = parse_page(page).remove(0);
        let params: Vec<&str> = endpoint.params.iter().map(|param| param.name.as_str()).collect();
        let fields: Vec<&str> = endpoint.response_fields.iter().map(|field| field.name.as_str()).collect();
        assert_eq!(params, ["fromCcy"]);
        assert_eq!(fields, ["instId"]);
    }

    #[test]
    fn request_line_drops_query() {
        assert_eq!(
            parse_request_line("GET /api/v5/market/books?instId=BTC-USDT"),
            Some(("GET".to_owned(), "/api/v5/market/books".to_owned()))
        );
        assert_eq!(parse_request_line("Instrument ID"), None);
    }
}
