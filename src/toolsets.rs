//! Which tools a server lists: toolsets, single tools, and what credentials allow.

use std::collections::BTreeSet;

use crate::config::ConfigError;
use crate::endpoint::{Auth, Endpoint};
use crate::generated::{ENDPOINTS, TOOLSETS};

/// The curated toolset of everyday tools.
pub const DEFAULT: &str = "default";

/// Every toolset except sensitive tools.
pub const ALL: &str = "all";

/// The tools a server serves.
#[derive(Debug, Clone)]
pub struct Selection {
    /// Enabled endpoints, in spec order.
    pub endpoints: Vec<&'static Endpoint>,
    /// Private endpoints left out because no credentials are set.
    pub without_credentials: Vec<&'static Endpoint>,
}

/// Returns the valid `--toolsets` names.
pub fn toolset_names() -> Vec<&'static str> {
    let mut names = vec![DEFAULT, ALL];
    names.extend(TOOLSETS.iter().map(|toolset| toolset.name));
    names
}

/// Splits a comma-separated list, ignoring spaces and empty items.
pub fn split_list(text: &str) -> Vec<String> {
    text.split(',').map(str::trim).filter(|item| !item.is_empty()).map(str::to_owned).collect()
}

/// Resolves `--toolsets` and `--tools` into endpoints. Sensitive tools come only from `tools`.
pub fn select(toolsets: &[String], tools: &[String], has_credentials: bool) -> Result<Selection, ConfigError> {
    let valid = toolset_names();
    let unknown: Vec<&String> = toolsets.iter().filter(|name| !valid.contains(&name.as_str())).collect();
    if !unknown.is_empty() {
        let suggestions: Vec<String> = unknown
            .iter()
            .filter_map(|name| closest(name, &valid).map(|candidate| format!(" Did you mean '{candidate}' for '{name}'?")))
            .collect();
        return Err(ConfigError(format!(
            "unknown toolset {}; valid toolsets: {}.{}",
            quote_list(&unknown),
            valid.join(", "),
            suggestions.concat()
        )));
    }
    let unknown_tools: Vec<&String> =
        tools.iter().filter(|name| !ENDPOINTS.iter().any(|endpoint| endpoint.name == name.as_str())).collect();
    if !unknown_tools.is_empty() {
        return Err(ConfigError(format!(
            "unknown tool {}; `okx-mcp tools --toolsets all` lists every tool name",
            quote_list(&unknown_tools)
        )));
    }

    // An empty list, such as OKX_TOOLSETS="", counts as unset, as other empty variables do.
    let mut wanted_sets: BTreeSet<&str> = toolsets.iter().map(String::as_str).collect();
    if wanted_sets.is_empty() {
        wanted_sets.insert(DEFAULT);
    }
    let wanted_tools: BTreeSet<&str> = tools.iter().map(String::as_str).collect();
    let mut selection = Selection { endpoints: Vec::new(), without_credentials: Vec::new() };
    for endpoint in ENDPOINTS.iter().copied() {
        let by_set = !endpoint.sensitive
            && (wanted_sets.contains(ALL) || wanted_sets.contains(endpoint.toolset) || (wanted_sets.contains(DEFAULT) && endpoint.default));
        if !(by_set || wanted_tools.contains(endpoint.name)) {
            continue;
        }
        if endpoint.auth == Auth::Private && !has_credentials {
            selection.without_credentials.push(endpoint);
        } else {
            selection.endpoints.push(endpoint);
        }
    }
    Ok(selection)
}

/// Returns the valid name that `name` most likely misspells: the same letters in another case,
/// or at most two letters inserted, deleted, replaced or swapped.
fn closest<'a>(name: &str, valid: &[&'a str]) -> Option<&'a str> {
    let lower = name.to_ascii_lowercase();
    valid
        .iter()
        .map(|candidate| (edit_distance(&lower, &candidate.to_ascii_lowercase()), *candidate))
        .filter(|(distance, _)| *distance <= 2)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// Returns the optimal string alignment distance between two strings, counted in characters.
fn edit_distance(left: &str, right: &str) -> usize {
    let left: Vec<char> = left.chars().collect();
    let right: Vec<char> = right.chars().collect();
    let width = right.len() + 1;
    // Row-major (left.len() + 1) x (right.len() + 1) table of prefix distances.
    let mut table = vec![0_usize; (left.len() + 1) * width];
    for (index, cell) in table.iter_mut().enumerate().take(width) {
        *cell = index;
    }
    for row in 1..=left.len() {
        table[row * width] = row;
        for column in 1..=right.len() {
            let substitution = usize::from(left[row - 1] != right[column - 1]);
            let mut best = (table[(row - 1) * width + column] + 1)
                .min(table[row * width + column - 1] + 1)
                .min(table[(row - 1) * width + column - 1] + substitution);
            if row > 1 && column > 1 && left[row - 1] == right[column - 2] && left[row - 2] == right[column - 1] {
                best = best.min(table[(row - 2) * width + column - 2] + 1);
            }
            table[row * width + column] = best;
        }
    }
    table[left.len() * width + right.len()]
}

fn quote_list(names: &[&String]) -> String {
    names.iter().map(|name| format!("'{name}'")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_toolset_lists_valid_names() {
        let error = select(&["markets".into()], &[], true).unwrap_err();
        assert!(error.0.contains("'markets'"), "{error}");
        assert!(error.0.contains("default, all, "), "{error}");
    }

    #[test]
    fn private_tools_need_credentials() {
        let selection = select(&[ALL.into()], &[], false).unwrap();
        assert!(selection.endpoints.iter().all(|endpoint| endpoint.auth != Auth::Private));
        assert!(!selection.without_credentials.is_empty());
    }

    #[test]
    fn sensitive_tools_only_by_name() {
        let sensitive: Vec<&Endpoint> = ENDPOINTS.iter().copied().filter(|endpoint| endpoint.sensitive).collect();
        let names: Vec<&str> = sensitive.iter().map(|endpoint| endpoint.name).collect();
        for expected in ["asset_deposit_address", "users_subaccount_apikey", "affiliate_invitee_detail", "fiat_deposit_payment_methods"] {
            assert!(names.contains(&expected), "{expected} is not marked sensitive; sensitive tools: {names:?}");
        }

        let everything = select(&[ALL.into()], &[], true).unwrap();
        assert!(everything.endpoints.iter().all(|endpoint| !endpoint.sensitive), "`all` lists a sensitive tool");

        for endpoint in &sensitive {
            let by_toolset = select(&[endpoint.toolset.to_owned()], &[], true).unwrap();
            assert!(
                by_toolset.endpoints.iter().all(|listed| listed.name != endpoint.name),
                "the toolset {} lists {} without naming it",
                endpoint.toolset,
                endpoint.name
            );

            let named = select(&[], &[endpoint.name.to_owned()], true).unwrap();
            let listed: Vec<&str> = named.endpoints.iter().map(|listed| listed.name).collect();
            assert!(listed.contains(&endpoint.name), "--tools {} does not list it: {listed:?}", endpoint.name);
        }
    }

    #[test]
    fn toolset_typo_gets_suggestion() {
        let text = select(&["defualt".into()], &[], true).unwrap_err().to_string();
        assert!(text.contains("Did you mean 'default' for 'defualt'?"), "{text}");
        let text = select(&["Market".into()], &[], true).unwrap_err().to_string();
        assert!(text.contains("Did you mean 'market'"), "{text}");
        let text = select(&["zzzzzzzz".into()], &[], true).unwrap_err().to_string();
        assert!(!text.contains("Did you mean"), "{text}");
    }

    #[test]
    fn empty_toolset_list_means_default() {
        let empty = select(&[], &[], true).unwrap();
        let default = select(&[DEFAULT.into()], &[], true).unwrap();
        let names = |selection: &Selection| selection.endpoints.iter().map(|endpoint| endpoint.name).collect::<Vec<_>>();
        assert!(!empty.endpoints.is_empty());
        assert_eq!(names(&empty), names(&default));
    }

    #[test]
    fn lists_are_split_robustly() {
        assert_eq!(split_list(" market, ,account,"), vec!["market", "account"]);
    }
}
