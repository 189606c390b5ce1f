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
pub trait ReadRequest: sealed::Sealed + Serialize + DeserializeOwned + Send + Sync {
    /// The type of OKX's `data` for this endpoint.
    type Response: DeserializeOwned + Serialize + Send;

    /// The endpoint's path, auth and limits.
    const ENDPOINT: &'static Endpoint;

    /// Returns the query parameters in spec order.
    fn query(&self) -> Query;
}
