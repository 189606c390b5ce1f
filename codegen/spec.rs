//! The YAML spec format as serde types. `spec/README.md` documents it for people.
//!
//! Every struct denies unknown fields, so a typo or a forbidden key such as `method` is an
//! error with a line number. Values the validator must point at are `Spanned`.

use serde::Deserialize;
use serde_saphyr::Spanned;

/// One spec file, which is one toolset.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecFile {
    pub toolset: Spanned<String>,
    pub title: String,
    pub description: String,
    pub endpoints: Vec<EndpointSpec>,
}

/// One allowlisted `GET` endpoint.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointSpec {
    pub path: Spanned<String>,
    #[serde(default)]
    pub name: Option<Spanned<String>>,
    pub title: String,
    pub auth: Auth,
    pub rate_limit: Spanned<String>,
    #[serde(default)]
    pub default: bool,
    #[serde(default)]
    pub sensitive: bool,
    pub description: String,
    #[serde(default)]
    pub params: Vec<ParamSpec>,
    pub response: ResponseSpec,
    #[serde(default)]
    pub paging: Option<Spanned<PagingSpec>>,
}

/// Whether OKX needs a signature for the endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Auth {
    /// Never signed; limited per IP.
    Public,
    /// Always signed; fails without credentials.
    Private,
    /// Signed when credentials exist, unsigned otherwise.
    Optional,
}

/// One query parameter.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamSpec {
    pub name: Spanned<String>,
    #[serde(rename = "type")]
    pub kind: ParamKind,
    #[serde(default)]
    pub required: bool,
    pub description: String,
    #[serde(default, rename = "enum")]
    pub enum_values: Vec<String>,
    #[serde(default)]
    pub list: Option<u32>,
    #[serde(default)]
    pub minimum: Option<i64>,
    #[serde(default)]
    pub maximum: Option<i64>,
    #[serde(default)]
    pub default: Option<Scalar>,
    #[serde(default)]
    pub example: Option<Scalar>,
}

/// A YAML scalar written for a parameter's `default` or `example`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Scalar {
    Bool(bool),
    Int(i64),
    Text(String),
}

impl Scalar {
    /// Returns the text OKX would receive for this value.
    pub fn to_query_text(&self) -> String {
        match self {
            Scalar::Bool(value) => value.to_string(),
            Scalar::Int(value) => value.to_string(),
            Scalar::Text(value) => value.clone(),
        }
    }
}

/// The type of a query parameter, as the model sees it and as it is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ParamKind {
    String,
    Decimal,
    Integer,
    Boolean,
    Timestamp,
}

/// The shape of `data` in OKX's envelope.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseSpec {
    pub data: DataShape,
    #[serde(default)]
    pub fields: Vec<FieldSpec>,
    #[serde(default)]
    pub columns: Vec<ColumnSpec>,
}

/// Whether `data` is a list of objects, one object, a list of positional rows, or one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DataShape {
    Array,
    Object,
    Rows,
    /// A single positional array, read as one object.
    Row,
    /// Any JSON, kept as OKX sent it, for answers no other shape describes.
    Any,
}

/// One field of a response object.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    pub name: Spanned<String>,
    #[serde(rename = "type", default)]
    pub kind: FieldKind,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub fields: Vec<FieldSpec>,
    #[serde(default)]
    pub items: Option<FieldKind>,
    #[serde(default)]
    pub columns: Vec<ColumnSpec>,
}

/// A positional column: a bare name, or a mapping with a type and description.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum ColumnSpec {
    Name(String),
    Full(ColumnDetail),
}

/// The long form of a positional column.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnDetail {
    pub name: String,
    #[serde(rename = "type", default)]
    pub kind: FieldKind,
    #[serde(default)]
    pub description: Option<String>,
}

impl ColumnSpec {
    /// Returns the column's name, type and description whichever form it was written in.
    pub fn parts(&self) -> (&str, FieldKind, Option<&str>) {
        match self {
            ColumnSpec::Name(name) => (name, FieldKind::String, None),
            ColumnSpec::Full(detail) => (&detail.name, detail.kind, detail.description.as_deref()),
        }
    }
}

/// The JSON type of a response field.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldKind {
    #[default]
    String,
    Integer,
    Number,
    Boolean,
    Object,
    Array,
    Any,
}

/// How to fetch the next, older page.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PagingSpec {
    pub param: String,
    pub field: String,
}
