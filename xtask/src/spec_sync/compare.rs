//! Compares the `GET` endpoints of OKX's docs with the endpoints in `spec/`.

use std::collections::{BTreeMap, BTreeSet};

use super::okx_html::{DocEndpoint, Requirement};
use crate::codegen::denylist;
use crate::codegen::model::{Endpoint, Toolset};

/// Documented `GET` paths that `spec/` leaves out on purpose, with the reason.
pub const EXCLUDED: &[(&str, &str)] = &[
    ("/api/v5/market/books-sbe", "answers with a binary SBE payload, not JSON"),
    ("/api/v5/finance/stable-rewards/subscribe-redeem-history", "decommissioned, though OKX's docs still name it in a notice"),
];

/// Everything that differs between the docs and the spec.
#[derive(Debug, Default)]
pub struct Differences<'a> {
    /// Documented `GET` endpoints that the spec lacks, in page order.
    pub missing: Vec<&'a DocEndpoint>,
    /// Spec endpoints whose path the docs no longer list as a `GET`, in spec order.
    pub removed: Vec<&'a Endpoint>,
    pub param_changes: Vec<ParamChange>,
}

impl Differences<'_> {
    pub fn is_empty(&self) -> bool {
        self.missing.is_empty() && self.removed.is_empty() && self.param_changes.is_empty()
    }
}

/// One parameter difference of an endpoint that both sides have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamChange {
    pub path: String,
    pub param: String,
    pub kind: ParamChangeKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamChangeKind {
    /// The docs list a parameter the spec lacks.
    Added { required: Requirement },
    /// The spec has a parameter the docs no longer list.
    Removed,
    /// The Required column disagrees with the spec's `required`.
    Required { docs: Requirement, spec: bool },
    /// The docs list other values than the spec's `enum`.
    Enum { only_in_docs: Vec<String>, only_in_spec: Vec<String> },
}

impl ParamChangeKind {
    /// Returns a short name of the change for the report's first column.
    pub fn label(&self) -> &'static str {
        match self {
            ParamChangeKind::Added { .. } => "param added",
            ParamChangeKind::Removed => "param removed",
            ParamChangeKind::Required { .. } => "required changed",
            ParamChangeKind::Enum { .. } => "enum changed",
        }
    }

    pub fn detail(&self) -> String {
        match self {
            ParamChangeKind::Added { required } => format!("in the docs only; required: {}", required.as_str()),
            ParamChangeKind::Removed => "in spec/ only".to_owned(),
            ParamChangeKind::Required { docs, spec } => {
                format!("docs: {}, spec: {}", docs.as_str(), if *spec { "yes" } else { "no" })
            }
            ParamChangeKind::Enum { only_in_docs, only_in_spec } => {
                let mut parts = Vec::new();
                if !only_in_docs.is_empty() {
                    parts.push(format!("docs only: {}", only_in_docs.join(", ")));
                }
                if !only_in_spec.is_empty() {
                    parts.push(format!("spec only: {}", only_in_spec.join(", ")));
                }
                parts.join("; ")
            }
        }
    }
}

/// Returns why a documented `GET` path is not expected in the spec, or `None`.
pub fn exclusion_reason(path: &str) -> Option<&'static str> {
    if let Some((_, reason)) = EXCLUDED.iter().find(|(excluded, _)| *excluded == path) {
        return Some(reason);
    }
    // The build rejects denylisted paths, so suggesting them would only produce a failing entry.
    denylist::reason(path)
}

/// Compares the documented `GET` endpoints with the spec.
///
/// A path documented more than once is compared against its first section.
pub fn compare<'a>(docs: &'a [DocEndpoint], toolsets: &'a [Toolset]) -> Differences<'a> {
    let mut documented: BTreeMap<&str, &DocEndpoint> = BTreeMap::new();
    for endpoint in docs.iter().filter(|endpoint| endpoint.method == "GET") {
        documented.entry(endpoint.path.as_str()).or_insert(endpoint);
    }
    let specified: BTreeMap<&str, &Endpoint> =
        toolsets.iter().flat_map(|toolset| &toolset.endpoints).map(|endpoint| (endpoint.path.as_str(), endpoint)).collect();

    let mut differences = Differences::default();
    let mut reported = BTreeSet::new();
    for endpoint in docs.iter().filter(|endpoint| endpoint.method == "GET") {
        let path = endpoint.path.as_str();
        if !specified.contains_key(path) && exclusion_reason(path).is_none() && reported.insert(path) {
            differences.missing.push(endpoint);
        }
    }
    for endpoint in toolsets.iter().flat_map(|toolset| &toolset.endpoints) {
        match documented.get(endpoint.path.as_str()) {
            None => differences.removed.push(endpoint),
            Some(doc) => differences.param_changes.extend(compare_params(doc, endpoint)),
        }
    }
    differences
}

fn compare_params(doc: &DocEndpoint, spec: &Endpoint) -> Vec<ParamChange> {
    let change = |param: &str, kind: ParamChangeKind| ParamChange { path: spec.path.clone(), param: param.to_owned(), kind };
    let mut changes = Vec::new();

    for doc_param in &doc.params {
        let Some(spec_param) = spec.params.iter().find(|param| param.name == doc_param.name) else {
            changes.push(change(&doc_param.name, ParamChangeKind::Added { required: doc_param.required }));
            continue;
        };
        // The spec has no "conditional": such rules live in the description and `required` is false.
        let docs_required = doc_param.required == Requirement::Yes;
        if docs_required != spec_param.required {
            changes.push(change(&doc_param.name, ParamChangeKind::Required { docs: doc_param.required, spec: spec_param.required }));
        }
        // Values are compared only when both sides list some: many descriptions list none, and
        // a spec without `enum` accepts any value.
        if !doc_param.enum_values.is_empty() && !spec_param.enum_values.is_empty() {
            let only_in_docs: Vec<String> =
                doc_param.enum_values.iter().filter(|value| !spec_param.enum_values.contains(value)).cloned().collect();
            let only_in_spec: Vec<String> =
                spec_param.enum_values.iter().filter(|value| !doc_param.enum_values.contains(value)).cloned().collect();
            if !only_in_docs.is_empty() || !only_in_spec.is_empty() {
                changes.push(change(&doc_param.name, ParamChangeKind::Enum { only_in_docs, only_in_spec }));
            }
        }
    }
    for spec_param in &spec.params {
        if !doc.params.iter().any(|param| param.name == spec_param.name) {
            changes.push(change(&spec_param.name, ParamChangeKind::Removed));
        }
    }
    changes
}
