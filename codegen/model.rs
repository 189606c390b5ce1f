//! The validated model that code generation works from.
//!
//! `validate` turns parsed spec files into these types after every check has passed, so the
//! emitters never see an invalid spec. Everything here is plain data in spec order.

pub use super::spec::{Auth, DataShape, ParamKind};

/// One toolset: one spec file.
#[derive(Debug, Clone)]
pub struct Toolset {
    pub name: String,
    pub title: String,
    pub description: String,
    pub file: String,
    pub endpoints: Vec<Endpoint>,
}

/// One endpoint and everything generated from it.
#[derive(Debug, Clone)]
pub struct Endpoint {
    pub toolset: String,
    pub file: String,
    pub line: u64,
    pub path: String,
    /// The MCP tool name, also the stem of the Rust names.
    pub name: String,
    pub title: String,
    pub auth: Auth,
    pub rate_limit: RateLimit,
    pub default: bool,
    pub sensitive: bool,
    pub description: String,
    pub params: Vec<Param>,
    pub response: Response,
    pub paging: Option<Paging>,
}

/// OKX's documented request quota for one endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimit {
    pub requests: u32,
    pub window_ms: u32,
    pub key: LimitKey,
    /// Request parameters whose values each get their own bucket.
    pub dimensions: Vec<String>,
}

/// What OKX counts a quota against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitKey {
    Ip,
    Uid,
    MasterUid,
}

impl LimitKey {
    pub fn as_str(self) -> &'static str {
        match self {
            LimitKey::Ip => "ip",
            LimitKey::Uid => "uid",
            LimitKey::MasterUid => "master-uid",
        }
    }
}

/// One query parameter.
#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    pub kind: ParamKind,
    pub required: bool,
    pub description: String,
    pub enum_values: Vec<String>,
    pub list: Option<u32>,
    pub minimum: Option<i64>,
    pub maximum: Option<i64>,
    pub default: Option<String>,
    pub example: Option<String>,
}

/// The shape of `data` and its fields.
#[derive(Debug, Clone)]
pub struct Response {
    pub shape: DataShape,
    /// Object fields for `array` and `object`, positional columns for `rows`.
    pub fields: Vec<Field>,
}

/// One response field or positional column.
#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    pub kind: FieldType,
    pub description: Option<String>,
}

/// The JSON type of a response field, with nesting resolved.
#[derive(Debug, Clone)]
pub enum FieldType {
    String,
    Integer,
    Number,
    Boolean,
    Any,
    /// An object with known fields; unknown ones are kept.
    Object(Vec<Field>),
    /// A positional array whose items become an object with these keys.
    Row(Vec<Field>),
    Array(Box<FieldType>),
}

/// How the next, older page is requested.
#[derive(Debug, Clone)]
pub struct Paging {
    pub param: String,
    pub field: String,
}
