//! Fixture files: one JSON file per endpoint path, loaded into memory.

use std::collections::HashMap;
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::reply::json_string;

/// Path prefix that every fixture's endpoint shares.
pub const API_PREFIX: &str = "/api/v5/";

/// Endpoint whose `data[0].perm` the fake replaces with the calling key's permission.
const ACCOUNT_CONFIG_PATH: &str = "/api/v5/account/config";

/// Which requests to an endpoint must be signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthMode {
    /// Auth headers are ignored.
    Public,
    /// Every request must be signed.
    Private,
    /// Requests with `OK-ACCESS-KEY` must be signed, and requests without it are served unsigned.
    Optional,
}

/// File layout: `{"auth": …, "params": […], "required": […], "response": {…}}`.
///
/// All four fields are mandatory and unknown fields are rejected, so a misspelled field name
/// fails the load instead of being ignored.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FixtureFile<'a> {
    auth: AuthMode,
    params: Vec<String>,
    required: Vec<String>,
    #[serde(borrow)]
    response: &'a RawValue,
}

/// The parts of an OKX envelope that loading checks or edits.
#[derive(Deserialize)]
struct Envelope<'a> {
    #[allow(dead_code, reason = "deserialized only to check that `code` is a string")]
    code: String,
    /// An array for most endpoints, but an object for a few, such as `market/index-components`.
    #[serde(borrow, default)]
    data: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct PermField<'a> {
    #[serde(borrow, default)]
    perm: Option<&'a RawValue>,
}

/// One endpoint's fixture.
#[derive(Debug, Clone)]
pub struct Fixture {
    pub auth: AuthMode,
    /// Every query parameter the endpoint accepts.
    pub params: Vec<String>,
    /// Parameters that must be present and non-empty.
    pub required: Vec<String>,
    /// The `response` value exactly as the file spells it.
    pub response: String,
    /// Byte range of the `data[0].perm` value inside `response`, for `account/config` only.
    perm_span: Option<Range<usize>>,
}

impl Fixture {
    /// Returns the response body, with `data[0].perm` set to `perm` where the fixture has that field.
    pub fn body_for_perm(&self, perm: Option<&str>) -> String {
        match (&self.perm_span, perm) {
            (Some(span), Some(perm)) => {
                let mut body = String::with_capacity(self.response.len() + perm.len());
                body.push_str(&self.response[..span.start]);
                body.push_str(&json_string(perm));
                body.push_str(&self.response[span.end..]);
                body
            }
            _ => self.response.clone(),
        }
    }
}

/// All fixtures of one directory, keyed by request path such as `/api/v5/market/ticker`.
#[derive(Debug, Clone, Default)]
pub struct FixtureSet {
    by_path: HashMap<String, Fixture>,
}

impl FixtureSet {
    /// Loads every `*.json` file below `dir`. The file `market/ticker.json` serves `/api/v5/market/ticker`.
    ///
    /// Other files are skipped. A file that is not a valid fixture fails the whole load with an
    /// `InvalidData` error that names the file.
    pub fn load(dir: &Path) -> io::Result<FixtureSet> {
        let mut files = Vec::new();
        collect_json_files(dir, &mut files)
            .map_err(|error| io::Error::new(error.kind(), format!("cannot read fixtures directory {}: {error}", dir.display())))?;

        let mut by_path = HashMap::with_capacity(files.len());
        for file in files {
            let request_path = request_path_for(dir, &file)?;
            let fixture = load_file(&file, &request_path)?;
            by_path.insert(request_path, fixture);
        }
        Ok(FixtureSet { by_path })
    }

    pub fn get(&self, request_path: &str) -> Option<&Fixture> {
        self.by_path.get(request_path)
    }

    pub fn len(&self) -> usize {
        self.by_path.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_path.is_empty()
    }

    /// Returns the request paths that have a fixture, sorted.
    pub fn paths(&self) -> Vec<&str> {
        let mut paths: Vec<&str> = self.by_path.keys().map(String::as_str).collect();
        paths.sort_unstable();
        paths
    }
}

fn collect_json_files(dir: &Path, files: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            collect_json_files(&path, files)?;
        } else if path.extension().is_some_and(|extension| extension == "json") {
            files.push(path);
        }
    }
    Ok(())
}

fn request_path_for(dir: &Path, file: &Path) -> io::Result<String> {
    let relative = file.strip_prefix(dir).expect("collected files lie below the fixtures directory");
    let mut segments = Vec::new();
    for component in relative.with_extension("").components() {
        let segment = component.as_os_str().to_str().ok_or_else(|| invalid_fixture(file, "the file name is not valid UTF-8".to_owned()))?;
        segments.push(segment.to_owned());
    }
    Ok(format!("{API_PREFIX}{}", segments.join("/")))
}

fn load_file(file: &Path, request_path: &str) -> io::Result<Fixture> {
    let text = std::fs::read_to_string(file)
        .map_err(|error| io::Error::new(error.kind(), format!("cannot read fixture {}: {error}", file.display())))?;
    let parsed: FixtureFile<'_> = serde_json::from_str(&text).map_err(|error| invalid_fixture(file, error.to_string()))?;

    check_param_lists(&parsed.params, &parsed.required).map_err(|reason| invalid_fixture(file, reason))?;

    let response = parsed.response.get();
    let envelope: Envelope<'_> = serde_json::from_str(response)
        .map_err(|error| invalid_fixture(file, format!("`response` is not an OKX envelope with a string `code`: {error}")))?;

    let perm_span = if request_path == ACCOUNT_CONFIG_PATH { find_perm_span(response, &envelope) } else { None };

    Ok(Fixture { auth: parsed.auth, params: parsed.params, required: parsed.required, response: response.to_owned(), perm_span })
}

fn check_param_lists(params: &[String], required: &[String]) -> Result<(), String> {
    for (index, param) in params.iter().enumerate() {
        if params[..index].contains(param) {
            return Err(format!("parameter {param:?} is listed twice in `params`"));
        }
    }
    for param in required {
        if !params.contains(param) {
            return Err(format!("required parameter {param:?} is missing from `params`"));
        }
    }
    Ok(())
}

/// Finds the byte range of `data[0].perm` inside `response`.
///
/// The raw values borrow from `response`, so their addresses give their offsets in it.
fn find_perm_span(response: &str, envelope: &Envelope<'_>) -> Option<Range<usize>> {
    let data: Vec<&RawValue> = serde_json::from_str(envelope.data?.get()).ok()?;
    let field: PermField<'_> = serde_json::from_str(data.first()?.get()).ok()?;
    let perm = field.perm?.get();
    let start = perm.as_ptr() as usize - response.as_ptr() as usize;
    Some(start..start + perm.len())
}

fn invalid_fixture(file: &Path, reason: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("invalid fixture {}: {reason}", file.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_fixture(dir: &Path, relative: &str, text: &str) {
        let path = dir.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("fake-okx-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn load_maps_files_to_paths() {
        let dir = temp_dir("paths");
        let response = r#"{"code":"0","msg":"","data":[ {"a":"1"} ]}"#;
        let text = format!(r#"{{"auth":"public","params":["instId"],"required":["instId"],"response":{response}}}"#);
        write_fixture(&dir, "market/ticker.json", &text);
        write_fixture(&dir, "tradingBot/grid/orders-algo-pending.json", &text);
        write_fixture(&dir, "notes.txt", "ignored");

        let set = FixtureSet::load(&dir).unwrap();

        assert_eq!(set.paths(), ["/api/v5/market/ticker", "/api/v5/tradingBot/grid/orders-algo-pending"]);
        let ticker = set.get("/api/v5/market/ticker").unwrap();
        assert_eq!(ticker.response, response);
        assert_eq!(ticker.auth, AuthMode::Public);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn load_rejects_unknown_required() {
        let dir = temp_dir("required");
        write_fixture(
            &dir,
            "market/ticker.json",
            r#"{"auth":"public","params":[],"required":["instId"],"response":{"code":"0","msg":"","data":[]}}"#,
        );

        let error = FixtureSet::load(&dir).unwrap_err();

        assert_eq!(error.kind(), io::ErrorKind::InvalidData);
        assert!(error.to_string().contains("ticker.json"), "{error}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn load_rejects_missing_field() {
        let dir = temp_dir("missing");
        write_fixture(&dir, "market/ticker.json", r#"{"auth":"public","params":[],"response":{"code":"0"}}"#);

        let error = FixtureSet::load(&dir).unwrap_err();

        assert!(error.to_string().contains("required"), "{error}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn load_accepts_object_data() {
        let dir = temp_dir("object");
        write_fixture(
            &dir,
            "market/index-components.json",
            r#"{"auth":"public","params":["index"],"required":["index"],"response":{"code":"0","msg":"","data":{"index":"BTC-USDT","components":[]}}}"#,
        );

        let set = FixtureSet::load(&dir).unwrap();

        assert_eq!(set.len(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn perm_replaced_in_place() {
        let dir = temp_dir("perm");
        let response = r#"{"code":"0","msg":"","data":[{"uid":"1", "perm" : "read_only" ,"level":"Lv1"}]}"#;
        let text = format!(r#"{{"auth":"private","params":[],"required":[],"response":{response}}}"#);
        write_fixture(&dir, "account/config.json", &text);

        let set = FixtureSet::load(&dir).unwrap();
        let fixture = set.get("/api/v5/account/config").unwrap();

        assert_eq!(
            fixture.body_for_perm(Some("read_only,trade")),
            r#"{"code":"0","msg":"","data":[{"uid":"1", "perm" : "read_only,trade" ,"level":"Lv1"}]}"#
        );
        assert_eq!(fixture.body_for_perm(None), response);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
