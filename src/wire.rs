//! Readers for OKX's response values, used by the generated response types.
//!
//! OKX sends numbers as strings and documents a few fields as JSON numbers or booleans. These
//! readers accept either form so that a field whose JSON type drifts does not fail a whole call,
//! turn `null` into an absent field, and never parse a decimal string into a float.

use serde::de::{self, Deserialize, Deserializer, Error as _};
use serde::{Serialize, Serializer};
use serde_json::{Map, Number, Value};

/// A string item of an array field, read leniently like [`optional_text`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text(pub String);

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::String(text) => Ok(Text(text)),
            Value::Number(number) => Ok(Text(number.to_string())),
            Value::Bool(flag) => Ok(Text(flag.to_string())),
            other => Err(D::Error::custom(format!("expected a string, found {}", kind(&other)))),
        }
    }
}

/// Reads a string field: a string as is, a number or boolean as its text, `null` as absent.
pub fn optional_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    text_from_value(Value::deserialize(deserializer)?).map_err(D::Error::custom)
}

/// Reads a number field: a JSON number, or a string holding one; `null` or `""` as absent.
pub fn optional_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Number>, D::Error> {
    number_from_value(Value::deserialize(deserializer)?).map_err(D::Error::custom)
}

/// Reads a boolean field: `true`/`false`, or the strings `"true"`/`"false"`; `null` or `""` as absent.
pub fn optional_bool<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<bool>, D::Error> {
    bool_from_value(Value::deserialize(deserializer)?).map_err(D::Error::custom)
}

fn text_from_value(value: Value) -> Result<Option<String>, String> {
    match value {
        Value::Null => Ok(None),
        Value::String(text) => Ok(Some(text)),
        Value::Number(number) => Ok(Some(number.to_string())),
        Value::Bool(flag) => Ok(Some(flag.to_string())),
        other => Err(format!("expected a string, found {}", kind(&other))),
    }
}

fn number_from_value(value: Value) -> Result<Option<Number>, String> {
    match value {
        Value::Null => Ok(None),
        Value::Number(number) => Ok(Some(number)),
        Value::String(text) if text.is_empty() => Ok(None),
        Value::String(text) => match serde_json::from_str::<Number>(&text) {
            Ok(number) => Ok(Some(number)),
            Err(_) => Err(format!("expected a number, found the string {text:?}")),
        },
        other => Err(format!("expected a number, found {}", kind(&other))),
    }
}

fn bool_from_value(value: Value) -> Result<Option<bool>, String> {
    match value {
        Value::Null => Ok(None),
        Value::Bool(flag) => Ok(Some(flag)),
        Value::String(text) if text.is_empty() => Ok(None),
        Value::String(text) if text == "true" => Ok(Some(true)),
        Value::String(text) if text == "false" => Ok(Some(false)),
        other => Err(format!("expected a boolean, found {}", kind(&other))),
    }
}

/// Names a JSON value's type for error messages.
pub fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Reads a positional row such as a candle, `["1597026383085", "3.721", ...]`.
pub fn read_row<'de, D: Deserializer<'de>>(deserializer: D, expecting: &str) -> Result<Vec<Value>, D::Error> {
    match Value::deserialize(deserializer)? {
        Value::Array(cells) => Ok(cells),
        other => Err(D::Error::custom(format!("expected {expecting}, found {}", kind(&other)))),
    }
}

/// A typed cell of a positional row.
pub trait Cell: Sized {
    fn from_cell(value: Value) -> Result<Option<Self>, String>;
}

impl Cell for String {
    fn from_cell(value: Value) -> Result<Option<Self>, String> {
        text_from_value(value)
    }
}

impl Cell for Number {
    fn from_cell(value: Value) -> Result<Option<Self>, String> {
        number_from_value(value)
    }
}

impl Cell for bool {
    fn from_cell(value: Value) -> Result<Option<Self>, String> {
        bool_from_value(value)
    }
}

impl Cell for Value {
    fn from_cell(value: Value) -> Result<Option<Self>, String> {
        Ok(if value.is_null() { None } else { Some(value) })
    }
}

/// Takes the next cell of a row; a missing or `null` cell is absent.
pub fn cell<T: Cell, E: de::Error>(cells: &mut impl Iterator<Item = Value>, index: usize, name: &str) -> Result<Option<T>, E> {
    match cells.next() {
        None => Ok(None),
        Some(value) => T::from_cell(value).map_err(|message| E::custom(format!("column {index} ({name}): {message}"))),
    }
}

/// Keeps the cells past the known columns, keyed `column<N>` by position.
pub fn extra_cells(cells: impl Iterator<Item = Value>, known: usize) -> Map<String, Value> {
    cells.enumerate().map(|(offset, value)| (format!("column{}", known + offset), value)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_keeps_long_decimals() {
        let value = serde_json::json!("0.123456789012345678");
        assert_eq!(text_from_value(value).unwrap().as_deref(), Some("0.123456789012345678"));
    }

    #[test]
    fn number_rejects_words() {
        assert!(number_from_value(serde_json::json!("abc")).is_err());
        assert_eq!(number_from_value(serde_json::json!("")).unwrap(), None);
    }

    #[test]
    fn bool_accepts_strings() {
        assert_eq!(bool_from_value(serde_json::json!("true")).unwrap(), Some(true));
        assert!(bool_from_value(serde_json::json!("yes")).is_err());
    }

    #[test]
    fn extra_cells_are_numbered() {
        let extra = extra_cells(vec![serde_json::json!("x")].into_iter(), 9);
        assert_eq!(extra.get("column9"), Some(&serde_json::json!("x")));
    }
}
