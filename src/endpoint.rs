//! Metadata of the generated endpoints: what the server needs at run time to list, check and
//! call a tool.

/// Whether OKX needs a signature for the endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// Never signed; limited per IP.
    Public,
    /// Always signed; needs credentials.
    Private,
    /// Signed when credentials are set, unsigned otherwise.
    Optional,
}

/// What OKX counts a quota against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LimitKey {
    Ip,
    Uid,
    MasterUid,
}

/// OKX's documented quota: `requests` per `window_ms`, per key and per dimension value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub requests: u32,
    pub window_ms: u32,
    pub key: LimitKey,
    /// Request parameters whose values each get their own bucket.
    pub dimensions: &'static [&'static str],
}

/// The type of a query parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    String,
    Decimal,
    Integer,
    Boolean,
    Timestamp,
}

/// One query parameter with its documented constraints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Param {
    pub name: &'static str,
    pub kind: ParamKind,
    pub required: bool,
    pub enum_values: &'static [&'static str],
    /// The maximum number of comma-separated values, for list parameters.
    pub list: Option<u32>,
    pub minimum: Option<i64>,
    pub maximum: Option<i64>,
    /// What OKX uses when the parameter is absent.
    pub default: Option<&'static str>,
    /// A valid value, used by tests and documentation.
    pub example: Option<&'static str>,
}

/// How the next, older page is requested: `param` takes the value of `field` from the last row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub param: &'static str,
    pub field: &'static str,
}

/// The shape of `data` in OKX's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataShape {
    Array,
    Object,
    Rows,
    /// A single positional array.
    Row,
    /// Any JSON, kept as sent.
    Any,
}

/// One allowlisted `GET` endpoint, which is one MCP tool.
#[derive(Debug, Clone, Copy)]
pub struct Endpoint {
    /// The MCP tool name.
    pub name: &'static str,
    pub title: &'static str,
    pub toolset: &'static str,
    /// The full path, starting with `/api/v5/`.
    pub path: &'static str,
    pub auth: Auth,
    pub rate_limit: RateLimit,
    /// Member of the curated `default` toolset.
    pub default: bool,
    /// Listed only when named explicitly, because it returns addresses, keys or personal data.
    pub sensitive: bool,
    pub description: &'static str,
    pub params: &'static [Param],
    pub paging: Option<Paging>,
    pub shape: DataShape,
    /// The MCP input schema as JSON text.
    pub input_schema: &'static str,
    /// The MCP output schema as JSON text.
    pub output_schema: &'static str,
}

impl Endpoint {
    /// Returns the parameter named `name`.
    pub fn param(&self, name: &str) -> Option<&'static Param> {
        self.params.iter().find(|param| param.name == name)
    }
}

/// One toolset: the endpoints of one spec file.
#[derive(Debug, Clone, Copy)]
pub struct Toolset {
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
}
