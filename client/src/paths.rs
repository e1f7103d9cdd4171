//! Path parameters written into a URL: one segment, or the rest of the path.

use serde::Serialize;
use serde_json::Value;

use crate::error::EncodeError;

/// The text of one path parameter: a string as it is, a number or boolean as JSON writes
/// it. Anything else (`null`, an object, a sequence) has no place in a path.
fn path_text<T: Serialize + ?Sized>(value: &T) -> Result<String, EncodeError> {
    match serde_json::to_value(value) {
        Ok(Value::String(s)) => Ok(s),
        Ok(value @ (Value::Number(_) | Value::Bool(_))) => Ok(value.to_string()),
        Ok(other) => Err(EncodeError(format!(
            "a path parameter must be a string, number or boolean, not {other}"
        ))),
        Err(e) => Err(EncodeError(format!(
            "a path parameter cannot be written: {e}"
        ))),
    }
}

fn encode_segment(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

/// Encodes one path parameter: its JSON string, number or boolean, percent-encoded as a
/// segment.
pub fn path_segment<T: Serialize + ?Sized>(value: &T) -> Result<String, EncodeError> {
    let text = path_text(value)?;
    if text.is_empty() {
        // `/users/` would reach another route (or none) instead of this one.
        return Err(EncodeError("a path parameter cannot be empty".to_owned()));
    }
    Ok(encode_segment(&text))
}

/// Encodes a catch-all path parameter: each `/`-separated piece percent-encoded, the
/// slashes kept.
pub fn path_rest<T: Serialize + ?Sized>(value: &T) -> Result<String, EncodeError> {
    let text = path_text(value)?;
    Ok(text
        .split('/')
        .map(encode_segment)
        .collect::<Vec<_>>()
        .join("/"))
}
