//! Handling of one HTTP request: record it, apply faults, then reply as OKX would.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{HeaderMap, Method, Request, Response, Uri};

use crate::auth::{authenticate, has_api_key};
use crate::faults::{Fault, apply_after, immediate_reply};
use crate::fixtures::AuthMode;
use crate::params::check_query;
use crate::recorded::{RecordedRequest, RequestOutcome};
use crate::reply::Reply;
use crate::state::Shared;

/// Built-in endpoint that returns the fake's clock.
pub const SERVER_TIME_PATH: &str = "/api/v5/public/time";

pub(crate) async fn handle(shared: Arc<Shared>, request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let method = request.method().clone();
    let target = raw_target(request.uri());
    let path = target.split_once('?').map_or(target.as_str(), |(path, _)| path).to_owned();
    let sequence = shared.log.record(RecordedRequest::new(
        method.as_str().to_owned(),
        target.clone(),
        recorded_headers(request.headers()),
        SystemTime::now(),
    ));
    // Hyper drops this future when the client closes the connection before the reply exists, for
    // example during a `Delay` fault. The guard then records the request as dropped.
    let outcome = OutcomeGuard { shared: &shared, sequence, replied: false };

    let fault = shared.faults.next_fault(&path);
    let reply = match &fault {
        Some(fault) => reply_with_fault(&shared, fault, &method, &target, request.headers()).await,
        None => normal_reply(&shared, &method, &target, request.headers()),
    };

    tracing::debug!(%method, %target, status = reply.status, ?fault, "request served");
    outcome.replied();
    Ok(reply.into_response())
}

/// Records a request as replied, or as dropped when the handler future is dropped first.
struct OutcomeGuard<'a> {
    shared: &'a Shared,
    sequence: u64,
    replied: bool,
}

impl OutcomeGuard<'_> {
    fn replied(mut self) {
        self.replied = true;
        self.shared.log.set_outcome(self.sequence, RequestOutcome::Replied);
    }
}

impl Drop for OutcomeGuard<'_> {
    fn drop(&mut self) {
        if !self.replied {
            tracing::debug!(sequence = self.sequence, "request dropped before its reply was ready");
            self.shared.log.set_outcome(self.sequence, RequestOutcome::Dropped);
        }
    }
}

async fn reply_with_fault(shared: &Shared, fault: &Fault, method: &Method, target: &str, headers: &HeaderMap) -> Reply {
    if let Some(reply) = immediate_reply(fault) {
        return reply;
    }
    if let Fault::Delay { ms } = fault {
        tokio::time::sleep(Duration::from_millis(*ms)).await;
    }
    apply_after(fault, normal_reply(shared, method, target, headers))
}

/// Builds OKX's reply: method check, path lookup, auth, parameter checks, then the fixture.
fn normal_reply(shared: &Shared, method: &Method, target: &str, headers: &HeaderMap) -> Reply {
    if method != Method::GET {
        return Reply::gateway_error(405, "50115", "Invalid request method.");
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));

    if path == SERVER_TIME_PATH {
        if let Err(error) = check_query(query, &[], &[]) {
            return error.reply();
        }
        let body = format!(r#"{{"code":"0","msg":"","data":[{{"ts":"{}"}}]}}"#, shared.clock.now_ms());
        return Reply::json(200, body);
    }

    let fixtures = shared.fixtures();
    let Some(fixture) = fixtures.get(path) else {
        tracing::warn!(path, "no fixture for this path, replying 404 with code 50005");
        return Reply::gateway_error(404, "50005", "API endpoint is inactive or unavailable.");
    };

    let must_authenticate = match fixture.auth {
        AuthMode::Public => false,
        AuthMode::Private => true,
        AuthMode::Optional => has_api_key(headers),
    };
    let mut perm = None;
    if must_authenticate {
        match authenticate(headers, method.as_str(), target, &shared.keys, shared.clock.now()) {
            Ok(record) => perm = Some(record.perm.as_str()),
            Err(error) => {
                tracing::debug!(target, code = error.code(), "auth check failed");
                return error.reply();
            }
        }
    }

    if let Err(error) = check_query(query, &fixture.params, &fixture.required) {
        tracing::debug!(target, ?error, "query parameter check failed");
        return error.reply();
    }
    Reply::json(200, fixture.body_for_perm(perm))
}

/// Returns the request target as it arrived: origin-form path and query with their original
/// bytes, or the whole URI for the rare absolute-form and asterisk-form targets.
fn raw_target(uri: &Uri) -> String {
    match (uri.scheme(), uri.path_and_query()) {
        (None, Some(path_and_query)) => path_and_query.as_str().to_owned(),
        _ => uri.to_string(),
    }
}

fn recorded_headers(headers: &HeaderMap) -> Vec<(String, String)> {
    headers.iter().map(|(name, value)| (name.as_str().to_owned(), String::from_utf8_lossy(value.as_bytes()).into_owned())).collect()
}
