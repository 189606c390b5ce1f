//! Rust identifiers for generated items, chosen deterministically and without collisions.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};

/// Words that cannot be raw identifiers, so they get a trailing underscore instead.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "extern", "_"];

/// Rust keywords that become raw identifiers (`r#type`).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "false", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where",
    "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Returns a field identifier for an OKX name such as `instId` (`inst_id`) or `type` (`r#type`).
pub fn field_ident(name: &str) -> Ident {
    let mut snake = name.to_snake_case();
    if snake.is_empty() || snake.starts_with(|c: char| c.is_ascii_digit()) {
        snake.insert_str(0, "field_");
    }
    if NOT_RAW.contains(&snake.as_str()) {
        snake.push('_');
    }
    if KEYWORDS.contains(&snake.as_str()) { Ident::new_raw(&snake, Span::call_site()) } else { Ident::new(&snake, Span::call_site()) }
}

/// Returns an UpperCamelCase type name part for a tool or field name.
pub fn camel(name: &str) -> String {
    let camel = name.to_upper_camel_case();
    if camel.starts_with(|c: char| c.is_ascii_digit()) { format!("V{camel}") } else { camel }
}

/// Hands out names that are unique within one scope, adding a suffix on collision.
#[derive(Default)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    /// Reserves `name`, or the first of `name2`, `name3`, ... that is free.
    pub fn claim(&mut self, name: String) -> String {
        if self.taken.insert(name.clone()) {
            return name;
        }
        let mut counter = 2;
        loop {
            let candidate = format!("{name}{counter}");
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
            counter += 1;
        }
    }
}

/// Returns the enum variant for a value: `SPOT` gives `Spot`, `partially_filled` gives
/// `PartiallyFilled`, `1H` gives `V1H`. Segments that start with a digit keep their case, so
/// bar sizes such as `1m` and `1M` stay distinct.
pub fn variant(value: &str) -> String {
    let mut name = String::new();
    for segment in value.split(|c: char| !c.is_ascii_alphanumeric()).filter(|segment| !segment.is_empty()) {
        let single_case = !segment.chars().any(|c| c.is_ascii_lowercase()) || !segment.chars().any(|c| c.is_ascii_uppercase());
        if segment.starts_with(|c: char| c.is_ascii_digit()) {
            name.push_str(segment);
        } else {
            let mut chars = segment.chars();
            if let Some(first) = chars.next() {
                name.push(first.to_ascii_uppercase());
                let rest = chars.as_str();
                name.push_str(&if single_case { rest.to_ascii_lowercase() } else { rest.to_owned() });
            }
        }
    }
    if name.is_empty() {
        name.push_str("Empty");
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    name
}
