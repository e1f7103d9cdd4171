//! A YAML writer for JSON values: block mappings and sequences, scalars in JSON's syntax (a
//! JSON string is a YAML double-quoted scalar; numbers, `true`, `false` and `null` are YAML's
//! own). Written by hand because only output is needed and the serde YAML crates are either
//! unmaintained (serde_yaml) or forks of it; this is the subset of YAML 1.2 whose every
//! document is valid, checked by the AsyncAPI parser in the test command.

use serde_json::Value;

/// Appends `key: value` at `indent` spaces.
pub(crate) fn entry(out: &mut String, key: &str, value: &Value, indent: usize) {
    push_indent(out, indent);
    out.push_str(&key_text(key));
    out.push(':');
    block(out, value, indent);
}

/// Writes `value` after a `key:` or `-`: inline for scalars and empty collections, else on the
/// following lines.
fn block(out: &mut String, value: &Value, indent: usize) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push('\n');
            for (key, value) in map {
                entry(out, key, value, indent + 2);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            out.push('\n');
            for item in items {
                push_indent(out, indent + 2);
                out.push('-');
                block(out, item, indent + 2);
            }
        }
        scalar => {
            out.push(' ');
            out.push_str(&scalar.to_string());
            out.push('\n');
        }
    }
}

fn push_indent(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

/// A key, plain when that cannot be misread (a letter, `_` or `$`, then letters, digits, `_`,
/// `-`, `.`, `$` or `/`, and not a YAML 1.1 boolean or null), else as a JSON string.
fn key_text(key: &str) -> String {
    let plain = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, '_' | '$'))
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '$' | '/'))
        && !matches!(
            key.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n" | "~"
        );
    if plain {
        key.to_owned()
    } else {
        Value::String(key.to_owned()).to_string()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn writes_blocks_and_json_scalars() {
        let mut out = String::new();
        let value = json!({
            "a": [1, "two", { "k": null, "$ref": "#/x" }, [], {}],
            "yes": "a: b\n",
            "2x": true,
        });
        entry(&mut out, "root", &value, 0);
        assert_eq!(
            out,
            "root:\n  \"2x\": true\n  a:\n    - 1\n    - \"two\"\n    -\n      $ref: \"#/x\"\n      k: null\n    - []\n    - {}\n  \"yes\": \"a: b\\n\"\n"
        );
    }
}
