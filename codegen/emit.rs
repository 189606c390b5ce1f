//! Rust source for the validated model.
//!
//! Generated code names everything by its full path (`::std::`, `::serde::`, `crate::`), so
//! that it compiles the same wherever it is included. Items appear in spec order.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use super::model::{Auth, DataShape, Endpoint, Field, FieldType, LimitKey, Param, ParamKind, Toolset};
use super::names::{Scope, camel, field_ident, variant};
use super::schema;

/// Emits the whole generated module body.
pub fn emit(toolsets: &[Toolset]) -> TokenStream {
    let mut types = Scope::default();
    let mut items = Vec::new();
    let mut endpoint_consts = Vec::new();
    let mut dispatch_arms = Vec::new();
    let mut toolset_items = Vec::new();

    for toolset in toolsets {
        let name = &toolset.name;
        let title = &toolset.title;
        let description = &toolset.description;
        toolset_items.push(quote! {
            crate::endpoint::Toolset { name: #name, title: #title, description: #description }
        });

        for endpoint in &toolset.endpoints {
            let generated = emit_endpoint(endpoint, &mut types);
            items.push(generated.items);
            endpoint_consts.push(generated.const_ident);
            let tool_name = &endpoint.name;
            let request = generated.request_ident;
            dispatch_arms.push(quote! {
                #tool_name => ::std::option::Option::Some(::std::boxed::Box::pin(client.call_json::<#request>(arguments)))
            });
        }
    }

    let endpoint_count = endpoint_consts.len();
    quote! {
        /// Every toolset, one per spec file, in file-name order.
        pub static TOOLSETS: &[crate::endpoint::Toolset] = &[#(#toolset_items),*];

        /// Every allowlisted endpoint, in spec order.
        pub static ENDPOINTS: [&crate::endpoint::Endpoint; #endpoint_count] = [#(&#endpoint_consts),*];

        /// The future of one dispatched tool call.
        pub type CallFuture<'a> = ::std::pin::Pin<::std::boxed::Box<
            dyn ::std::future::Future<Output = ::std::result::Result<crate::client::Reply, crate::error::CallError>> + ::std::marker::Send + 'a,
        >>;

        /// Starts the call of the tool `name` with validated arguments, or returns `None` for a
        /// name that is not generated.
        pub fn dispatch<'a>(
            client: &'a crate::client::Client,
            name: &str,
            arguments: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
        ) -> ::std::option::Option<CallFuture<'a>> {
            match name {
                #(#dispatch_arms,)*
                _ => ::std::option::Option::None,
            }
        }

        #(#items)*
    }
}

/// Returns one `#[doc]` attribute per line, each starting with a space as `///` comments do.
fn doc_attrs(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| if line.is_empty() { String::new() } else { format!(" {line}") });
    quote! { #(#[doc = #lines])* }
}

struct EmittedEndpoint {
    items: TokenStream,
    const_ident: Ident,
    request_ident: Ident,
}

fn emit_endpoint(endpoint: &Endpoint, types: &mut Scope) -> EmittedEndpoint {
    let stem = camel(&endpoint.name);
    let const_ident = format_ident!("{}", endpoint.name.to_uppercase());
    let request_ident = format_ident!("{}", types.claim(format!("{stem}Request")));
    let response_root = match endpoint.response.shape {
        DataShape::Object | DataShape::Row | DataShape::Any => format!("{stem}Data"),
        DataShape::Array | DataShape::Rows => format!("{stem}Row"),
    };
    let response_root = types.claim(response_root);

    let mut items = Vec::new();
    let endpoint_const = emit_endpoint_const(endpoint, &const_ident);
    items.push(endpoint_const);

    let request = emit_request(endpoint, &request_ident, &stem, &response_root, &const_ident, types, &mut items);
    items.push(request);

    let root_ident = format_ident!("{response_root}");
    let root_doc = format!("One item of `data` from `GET {}`.", endpoint.path);
    match endpoint.response.shape {
        DataShape::Array | DataShape::Object => emit_object(&root_ident, &root_doc, &endpoint.response.fields, types, &mut items),
        DataShape::Rows | DataShape::Row => emit_row(&root_ident, &root_doc, &endpoint.response.fields, types, &mut items),
        DataShape::Any => {
            let doc = doc_attrs(&format!("`data` from `GET {}`, kept as OKX sent it.", endpoint.path));
            items.push(quote! {
                #doc
                pub type #root_ident = ::serde_json::Value;
            });
        }
    }

    EmittedEndpoint { items: quote! { #(#items)* }, const_ident, request_ident }
}

/// The line under every generated doc comment: method, path, auth and rate limit.
fn summary_line(endpoint: &Endpoint) -> String {
    let auth = match endpoint.auth {
        Auth::Public => "public",
        Auth::Private => "signed",
        Auth::Optional => "signed when credentials are set",
    };
    let limit = &endpoint.rate_limit;
    let key = match limit.key {
        LimitKey::Ip => "IP",
        LimitKey::Uid => "user ID",
        LimitKey::MasterUid => "master account user ID",
    };
    let mut per = key.to_owned();
    for dimension in &limit.dimensions {
        per.push_str(" and ");
        per.push_str(dimension);
    }
    format!("`GET {}`, {auth}, rate limit {} requests per {} s per {per}.", endpoint.path, limit.requests, limit.window_ms / 1000)
}

fn emit_endpoint_const(endpoint: &Endpoint, const_ident: &Ident) -> TokenStream {
    let name = &endpoint.name;
    let title = &endpoint.title;
    let toolset = &endpoint.toolset;
    let path = &endpoint.path;
    let description = &endpoint.description;
    let auth = match endpoint.auth {
        Auth::Public => quote!(crate::endpoint::Auth::Public),
        Auth::Private => quote!(crate::endpoint::Auth::Private),
        Auth::Optional => quote!(crate::endpoint::Auth::Optional),
    };
    let requests = endpoint.rate_limit.requests;
    let window_ms = endpoint.rate_limit.window_ms;
    let key = match endpoint.rate_limit.key {
        LimitKey::Ip => quote!(crate::endpoint::LimitKey::Ip),
        LimitKey::Uid => quote!(crate::endpoint::LimitKey::Uid),
        LimitKey::MasterUid => quote!(crate::endpoint::LimitKey::MasterUid),
    };
    let dimensions = &endpoint.rate_limit.dimensions;
    let default = endpoint.default;
    let sensitive = endpoint.sensitive;
    let params = endpoint.params.iter().map(emit_param_meta);
    let paging = match &endpoint.paging {
        Some(paging) => {
            let param = &paging.param;
            let field = &paging.field;
            quote!(::std::option::Option::Some(crate::endpoint::Paging { param: #param, field: #field }))
        }
        None => quote!(::std::option::Option::None),
    };
    let shape = match endpoint.response.shape {
        DataShape::Array => quote!(crate::endpoint::DataShape::Array),
        DataShape::Object => quote!(crate::endpoint::DataShape::Object),
        DataShape::Rows => quote!(crate::endpoint::DataShape::Rows),
        DataShape::Row => quote!(crate::endpoint::DataShape::Row),
        DataShape::Any => quote!(crate::endpoint::DataShape::Any),
    };
    let input_schema = serde_json::to_string(&schema::input_schema(endpoint)).expect("a JSON value always serialises");
    let output_schema = serde_json::to_string(&schema::output_schema(endpoint)).expect("a JSON value always serialises");
    let doc = doc_attrs(&format!("Metadata of `{}`. {}", endpoint.name, summary_line(endpoint)));

    quote! {
        #doc
        pub const #const_ident: crate::endpoint::Endpoint = crate::endpoint::Endpoint {
            name: #name,
            title: #title,
            toolset: #toolset,
            path: #path,
            auth: #auth,
            rate_limit: crate::endpoint::RateLimit {
                requests: #requests,
                window_ms: #window_ms,
                key: #key,
                dimensions: &[#(#dimensions),*],
            },
            default: #default,
            sensitive: #sensitive,
            description: #description,
            params: &[#(#params),*],
            paging: #paging,
            shape: #shape,
            input_schema: #input_schema,
            output_schema: #output_schema,
        };
    }
}

fn emit_param_meta(param: &Param) -> TokenStream {
    let name = &param.name;
    let kind = match param.kind {
        ParamKind::String => quote!(crate::endpoint::ParamKind::String),
        ParamKind::Decimal => quote!(crate::endpoint::ParamKind::Decimal),
        ParamKind::Integer => quote!(crate::endpoint::ParamKind::Integer),
        ParamKind::Boolean => quote!(crate::endpoint::ParamKind::Boolean),
        ParamKind::Timestamp => quote!(crate::endpoint::ParamKind::Timestamp),
    };
    let required = param.required;
    let enum_values = &param.enum_values;
    let list = option_tokens(param.list.map(|cap| quote!(#cap)));
    let minimum = option_tokens(param.minimum.map(|value| quote!(#value)));
    let maximum = option_tokens(param.maximum.map(|value| quote!(#value)));
    let default = option_tokens(param.default.as_ref().map(|value| quote!(#value)));
    let example = option_tokens(param.example.as_ref().map(|value| quote!(#value)));
    quote! {
        crate::endpoint::Param {
            name: #name,
            kind: #kind,
            required: #required,
            enum_values: &[#(#enum_values),*],
            list: #list,
            minimum: #minimum,
            maximum: #maximum,
            default: #default,
            example: #example,
        }
    }
}

fn option_tokens(value: Option<TokenStream>) -> TokenStream {
    match value {
        Some(value) => quote!(::std::option::Option::Some(#value)),
        None => quote!(::std::option::Option::None),
    }
}

/// Emits the request struct, its parameter enums, and its `ReadRequest` impl.
fn emit_request(
    endpoint: &Endpoint,
    request_ident: &Ident,
    stem: &str,
    response_root: &str,
    const_ident: &Ident,
    types: &mut Scope,
    items: &mut Vec<TokenStream>,
) -> TokenStream {
    let mut fields = Vec::new();
    let mut query_pushes = Vec::new();
    let mut constructor_args = Vec::new();
    let mut constructor_fields = Vec::new();
    let mut idents = Scope::default();

    for param in &endpoint.params {
        let ident = field_ident_unique(&param.name, &mut idents);
        let name = &param.name;
        let base_type = match param.kind {
            ParamKind::String if !param.enum_values.is_empty() && param.list.is_none() => {
                let enum_ident = format_ident!("{}", types.claim(format!("{stem}{}", camel(&param.name))));
                items.push(emit_param_enum(endpoint, param, &enum_ident));
                quote!(#enum_ident)
            }
            ParamKind::String | ParamKind::Decimal => quote!(::std::string::String),
            ParamKind::Integer | ParamKind::Timestamp => quote!(i64),
            ParamKind::Boolean => quote!(bool),
        };
        let mut doc = param.description.clone();
        if param.kind == ParamKind::Timestamp {
            doc.push_str(" Unix time in milliseconds.");
        }
        let doc = doc_attrs(&doc);

        if param.required {
            fields.push(quote! {
                #doc
                #[serde(rename = #name)]
                pub #ident: #base_type,
            });
            query_pushes.push(quote!(query.push(#name, &self.#ident);));
            constructor_args.push(quote!(#ident: #base_type));
            constructor_fields.push(quote!(#ident));
        } else {
            fields.push(quote! {
                #doc
                #[serde(rename = #name, default, skip_serializing_if = "::std::option::Option::is_none")]
                pub #ident: ::std::option::Option<#base_type>,
            });
            query_pushes.push(quote! {
                if let ::std::option::Option::Some(value) = &self.#ident {
                    query.push(#name, value);
                }
            });
            constructor_fields.push(quote!(#ident: ::std::option::Option::None));
        }
    }

    let response_ident = format_ident!("{response_root}");
    let response_type = match endpoint.response.shape {
        DataShape::Object | DataShape::Row | DataShape::Any => quote!(#response_ident),
        DataShape::Array | DataShape::Rows => quote!(::std::vec::Vec<#response_ident>),
    };
    let doc = doc_attrs(&format!("{}\n\n{}", endpoint.description, summary_line(endpoint)));
    let new_doc = doc_attrs("Creates a request with the required parameters set and the optional ones absent.");

    quote! {
        #doc
        #[derive(::std::clone::Clone, ::std::fmt::Debug, ::std::cmp::PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct #request_ident {
            #(#fields)*
        }

        impl #request_ident {
            #new_doc
            #[allow(clippy::new_without_default, clippy::too_many_arguments)]
            pub fn new(#(#constructor_args),*) -> Self {
                Self { #(#constructor_fields),* }
            }
        }

        impl crate::request::sealed::Sealed for #request_ident {}

        impl crate::request::ReadRequest for #request_ident {
            type Response = #response_type;

            const ENDPOINT: &'static crate::endpoint::Endpoint = &#const_ident;

            fn query(&self) -> crate::query::Query {
                #[allow(unused_mut)]
                let mut query = crate::query::Query::new();
                #(#query_pushes)*
                query
            }
        }
    }
}

fn field_ident_unique(name: &str, idents: &mut Scope) -> Ident {
    let ident = field_ident(name);
    let text = ident.to_string();
    let claimed = idents.claim(text.clone());
    if claimed == text { ident } else { field_ident(&claimed) }
}

/// Emits a string enum with an `Unknown` arm that keeps values OKX adds later.
fn emit_param_enum(endpoint: &Endpoint, param: &Param, enum_ident: &Ident) -> TokenStream {
    let mut variants = Scope::default();
    variants.claim("Unknown".to_owned());
    let pairs: Vec<(Ident, &String)> =
        param.enum_values.iter().map(|value| (format_ident!("{}", variants.claim(variant(value))), value)).collect();
    let variant_idents: Vec<&Ident> = pairs.iter().map(|(ident, _)| ident).collect();
    let values: Vec<&String> = pairs.iter().map(|(_, value)| *value).collect();
    let variant_docs = values.iter().map(|value| doc_attrs(&format!("`{value}`")));
    let doc = doc_attrs(&format!("Values of `{}` for `{}`. {}", param.name, endpoint.name, param.description));
    let unknown_doc = doc_attrs("A value this build does not know; it is sent as given.");

    quote! {
        #doc
        #[derive(::std::clone::Clone, ::std::fmt::Debug, ::std::cmp::PartialEq, ::std::cmp::Eq, ::std::hash::Hash)]
        #[non_exhaustive]
        pub enum #enum_ident {
            #(#variant_docs #variant_idents,)*
            #unknown_doc
            Unknown(::std::string::String),
        }

        impl #enum_ident {
            /// Returns the value as OKX spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variant_idents => #values,)*
                    Self::Unknown(value) => value,
                }
            }
        }

        impl ::std::str::FromStr for #enum_ident {
            type Err = ::std::convert::Infallible;

            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                ::std::result::Result::Ok(match value {
                    #(#values => Self::#variant_idents,)*
                    other => Self::Unknown(::std::borrow::ToOwned::to_owned(other)),
                })
            }
        }

        impl ::std::fmt::Display for #enum_ident {
            fn fmt(&self, formatter: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                formatter.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for #enum_ident {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #enum_ident {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)?;
                ::std::result::Result::Ok(match <Self as ::std::str::FromStr>::from_str(&value) {
                    ::std::result::Result::Ok(parsed) => parsed,
                    ::std::result::Result::Err(never) => match never {},
                })
            }
        }

        impl crate::query::QueryValue for #enum_ident {
            fn write_query_value(&self, out: &mut ::std::string::String) {
                out.push_str(self.as_str());
            }
        }
    }
}

/// The Rust type of one response field, emitting nested structs as needed.
fn field_type(parent: &str, field: &Field, kind: &FieldType, types: &mut Scope, items: &mut Vec<TokenStream>) -> TokenStream {
    match kind {
        FieldType::String => quote!(::std::string::String),
        FieldType::Integer | FieldType::Number => quote!(::serde_json::Number),
        FieldType::Boolean => quote!(bool),
        FieldType::Any => quote!(::serde_json::Value),
        FieldType::Object(fields) => {
            let ident = format_ident!("{}", types.claim(format!("{parent}{}", camel(&field.name))));
            let doc = format!("The `{}` object inside [`{parent}`].", field.name);
            emit_object(&ident, &doc, fields, types, items);
            quote!(#ident)
        }
        FieldType::Row(fields) => {
            let ident = format_ident!("{}", types.claim(format!("{parent}{}", camel(&field.name))));
            let doc = format!("One positional entry of `{}` inside [`{parent}`].", field.name);
            emit_row(&ident, &doc, fields, types, items);
            quote!(#ident)
        }
        FieldType::Array(item) => {
            let item = match item.as_ref() {
                FieldType::String => quote!(crate::wire::Text),
                other => field_type(parent, field, other, types, items),
            };
            quote!(::std::vec::Vec<#item>)
        }
    }
}

/// The `deserialize_with` helper for a field type, where the type needs a lenient reader.
fn lenient_reader(kind: &FieldType) -> Option<&'static str> {
    match kind {
        FieldType::String => Some("crate::wire::optional_text"),
        FieldType::Integer | FieldType::Number => Some("crate::wire::optional_number"),
        FieldType::Boolean => Some("crate::wire::optional_bool"),
        _ => None,
    }
}

struct StructField {
    ident: Ident,
    name: String,
    ty: TokenStream,
    doc: Option<String>,
    reader: Option<&'static str>,
}

fn struct_fields(parent: &str, fields: &[Field], types: &mut Scope, items: &mut Vec<TokenStream>) -> Vec<StructField> {
    let mut idents = Scope::default();
    idents.claim("extra".to_owned());
    fields
        .iter()
        .map(|field| StructField {
            ident: field_ident_unique(&field.name, &mut idents),
            name: field.name.clone(),
            ty: field_type(parent, field, &field.kind, types, items),
            doc: field.description.clone(),
            reader: lenient_reader(&field.kind),
        })
        .collect()
}

/// Emits an object struct that keeps unknown fields in `extra`.
fn emit_object(ident: &Ident, doc: &str, fields: &[Field], types: &mut Scope, items: &mut Vec<TokenStream>) {
    let parent = ident.to_string();
    let fields = struct_fields(&parent, fields, types, items);
    let declarations = fields.iter().map(|field| {
        let StructField { ident, name, ty, doc, reader } = field;
        let doc = doc_attrs(&doc.clone().unwrap_or_else(|| format!("`{name}`")));
        let reader = reader.map(|reader| quote!(deserialize_with = #reader,));
        quote! {
            #doc
            #[serde(rename = #name, default, #reader skip_serializing_if = "::std::option::Option::is_none")]
            pub #ident: ::std::option::Option<#ty>,
        }
    });
    let extra_doc = doc_attrs("Fields OKX sent that the spec does not list, kept as they came.");
    let doc = doc_attrs(doc);

    items.push(quote! {
        #doc
        #[derive(::std::clone::Clone, ::std::fmt::Debug, ::std::default::Default, ::std::cmp::PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        pub struct #ident {
            #(#declarations)*
            #extra_doc
            #[serde(flatten)]
            pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
        }
    });
}

/// Emits a struct read from a positional array and written as an object.
fn emit_row(ident: &Ident, doc: &str, fields: &[Field], types: &mut Scope, items: &mut Vec<TokenStream>) {
    let parent = ident.to_string();
    let fields = struct_fields(&parent, fields, types, items);
    let declarations = fields.iter().enumerate().map(|(index, field)| {
        let StructField { ident, name, ty, doc, .. } = field;
        let doc = doc_attrs(&doc.clone().unwrap_or_else(|| format!("`{name}`, position {index} of the row.")));
        quote! {
            #doc
            #[serde(rename = #name, skip_serializing_if = "::std::option::Option::is_none")]
            pub #ident: ::std::option::Option<#ty>,
        }
    });
    let reads = fields.iter().enumerate().map(|(index, field)| {
        let StructField { ident, name, .. } = field;
        let index = Literal::usize_unsuffixed(index);
        quote!(#ident: crate::wire::cell(&mut cells, #index, #name)?,)
    });
    let column_count = Literal::usize_unsuffixed(fields.len());
    let extra_doc = doc_attrs("Columns past the known ones, keyed `column<N>` by position, kept as they came.");
    let doc = doc_attrs(doc);
    let expecting = format!("a positional array for {}", ident);

    items.push(quote! {
        #doc
        #[derive(::std::clone::Clone, ::std::fmt::Debug, ::std::default::Default, ::std::cmp::PartialEq, ::serde::Serialize)]
        pub struct #ident {
            #(#declarations)*
            #extra_doc
            #[serde(flatten)]
            pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
        }

        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let cells = crate::wire::read_row(deserializer, #expecting)?;
                let mut cells = cells.into_iter();
                ::std::result::Result::Ok(Self {
                    #(#reads)*
                    extra: crate::wire::extra_cells(cells, #column_count),
                })
            }
        }
    });
}
