//! The request trait that every generated request type implements.
//!
//! The trait is sealed: only types generated from `spec/` can implement it, so no code outside
//! this crate can make the client send a request to a path the spec does not allow. It has no
//! method hook either, because the client only ever sends `GET`.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::endpoint::Endpoint;
use crate::query::Query;

pub(crate) mod sealed {
    /// Implemented only by generated request types.
    pub trait Sealed {}
}

/// A typed `GET` request to one allowlisted OKX endpoint.
///
/// Generated request types implement it:
///
/// ```
/// fn assert_read<R: okx_mcp::request::ReadRequest>() {}
/// assert_read::<okx_mcp::generated::MarketTickerRequest>();
/// ```
///
/// A type outside this crate cannot, because the trait is sealed (error E0277: `Sealed` is
/// not implemented):
///
/// ```compile_fail,E0277
/// #[derive(serde::Serialize, serde::Deserialize)]
/// struct Withdrawal {
///     ccy: String,
/// }
///
/// impl okx_mcp::request::ReadRequest for Withdrawal {
///     type Response = Vec<serde_json::Value>;
///     const ENDPOINT: &'static okx_mcp::endpoint::Endpoint = &okx_mcp::generated::MARKET_TICKER;
///     fn query(&self) -> okx_mcp::query::Query {
///         okx_mcp::query::Query::new()
///     }
/// }
/// ```
///
/// and the seal itself is private (error E0603):
///
/// ```compile_fail,E0603
/// struct Withdrawal;
/// impl okx_mcp::request::sealed::Sealed for Withdrawal {}
/// ```
pub trait ReadRequest: sealed::Sealed + Serialize + DeserializeOwned + Send + Sync {
    /// The type of OKX's `data` for this endpoint.
    type Response: DeserializeOwned + Serialize + Send;

    /// The endpoint's path, auth and limits.
    const ENDPOINT: &'static Endpoint;

    /// Returns the query parameters in spec order.
    fn query(&self) -> Query;
}
