//! Route path templates: Sails' `/users/:id` and `*rest`, axum's `/users/{id}` and `{*rest}`.

use crate::model::{PathTemplate, Segment};

/// A path that cannot be a route, with where in the string the problem starts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct PathError {
    /// Byte offset of the problem in the path string.
    pub offset: usize,
    /// What is wrong and what to write instead.
    pub message: String,
}

fn err(offset: usize, message: impl Into<String>) -> PathError {
    PathError {
        offset,
        message: message.into(),
    }
}

fn is_ident(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

impl PathTemplate {
    /// Parses a route path.
    pub fn parse(path: &str) -> Result<PathTemplate, PathError> {
        if !path.starts_with('/') {
            return Err(err(
                0,
                format!("a route path starts with `/`: write \"/{path}\""),
            ));
        }
        if let Some(i) = path.find(['?', '#']) {
            return Err(err(
                i,
                "a route path has no query or fragment: declare query parameters with a `Query<T>` extractor",
            ));
        }
        if path == "/" {
            return Ok(PathTemplate {
                segments: Vec::new(),
            });
        }
        let mut segments = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        let mut offset = 1;
        let parts: Vec<&str> = path[1..].split('/').collect();
        for (index, part) in parts.iter().enumerate() {
            let is_last = index + 1 == parts.len();
            let segment = parse_segment(part, offset, is_last)?;
            if let Segment::Param(name) | Segment::Rest(name) = &segment {
                if seen.contains(name) {
                    return Err(err(
                        offset,
                        format!(
                            "the parameter `{name}` appears twice in this path: give each parameter its own name"
                        ),
                    ));
                }
                seen.push(name.clone());
            }
            segments.push(segment);
            offset += part.len() + 1;
        }
        Ok(PathTemplate { segments })
    }
}

fn parse_segment(part: &str, offset: usize, is_last: bool) -> Result<Segment, PathError> {
    if part.is_empty() {
        return Err(if is_last {
            err(
                offset,
                "a route path does not end with `/`: remove the trailing slash",
            )
        } else {
            err(offset, "empty path segment (`//`): remove the extra slash")
        });
    }
    let (name, rest) = if let Some(name) = part.strip_prefix(':') {
        (name, false)
    } else if let Some(name) = part.strip_prefix('*') {
        (name, true)
    } else if let Some(inner) = part.strip_prefix('{') {
        let Some(inner) = inner.strip_suffix('}') else {
            return Err(err(
                offset,
                format!("unclosed `{{` in `{part}`: a parameter is written `{{name}}` or `:name`"),
            ));
        };
        match inner.strip_prefix('*') {
            Some(name) => (name, true),
            None => (inner, false),
        }
    } else {
        if let Some(i) = part.find(['{', '}', ':', '*']) {
            return Err(err(
                offset + i,
                format!(
                    "`{part}` mixes text and a parameter: a parameter must be a whole segment, like `/:name` or `/{{name}}`"
                ),
            ));
        }
        if let Some(i) = part.find(|c: char| c.is_whitespace() || c.is_control()) {
            return Err(err(
                offset + i,
                "a route path cannot contain spaces or control characters",
            ));
        }
        return Ok(Segment::Literal(part.to_owned()));
    };
    if name.is_empty() {
        return Err(err(
            offset,
            format!("missing parameter name in `{part}`: write `:id` or `{{id}}`"),
        ));
    }
    if !is_ident(name) {
        return Err(err(
            offset,
            format!(
                "`{name}` is not a valid parameter name: use letters, digits and `_`, like `:user_id`"
            ),
        ));
    }
    if rest && !is_last {
        return Err(err(
            offset,
            format!("the catch-all `*{name}` must be the last segment of the path"),
        ));
    }
    Ok(if rest {
        Segment::Rest(name.to_owned())
    } else {
        Segment::Param(name.to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn axum(path: &str) -> String {
        PathTemplate::parse(path).unwrap().axum()
    }

    #[test]
    fn both_syntaxes() {
        assert_eq!(axum("/"), "/");
        assert_eq!(axum("/users/:id"), "/users/{id}");
        assert_eq!(axum("/users/{id}/posts/:post"), "/users/{id}/posts/{post}");
        assert_eq!(axum("/files/*rest"), "/files/{*rest}");
        assert_eq!(axum("/files/{*rest}"), "/files/{*rest}");
        assert_eq!(
            PathTemplate::parse("/a/{b}/*c").unwrap().sails(),
            "/a/:b/*c"
        );
    }

    #[test]
    fn errors_point_at_the_problem() {
        let cases = [
            ("users", 0),
            ("/users/:", 7),
            ("/a//b", 3),
            ("/a/{b", 3),
            ("/a/x{b}", 4),
            ("/*rest/more", 1),
            ("/:id/:id", 5),
            ("/a?b=1", 2),
            ("/a/:1x", 3),
            ("/a/", 3),
        ];
        for (path, offset) in cases {
            let e = PathTemplate::parse(path).unwrap_err();
            assert_eq!(e.offset, offset, "{path}: {}", e.message);
        }
    }
}
