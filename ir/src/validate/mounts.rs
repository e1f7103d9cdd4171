//! Mounts and prefixes: a nest prefix is a literal path without parameters, whether it is
//! written inline or as a `const` (the parser calls this for both, where it reads them).

/// Whether `value` can be a nest prefix the clients can call: a literal path without
/// parameters. The checked prefix (no trailing slash), or why not.
pub(crate) fn check_prefix(value: &str) -> Result<String, String> {
    if !value.starts_with('/') || value.contains(['{', '}', ':', '*']) {
        return Err(format!(
            "the client generator cannot follow the nest prefix {value:?}: a prefix is a literal path without parameters, like \"/api\""
        ));
    }
    Ok(value.trim_end_matches('/').to_owned())
}
