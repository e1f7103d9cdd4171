//! The Sails virtual-request wire format: the request payload a client emits and the
//! `{body, headers, statusCode}` object ("JWR") it receives in the ack.

use http::{HeaderMap, StatusCode, header};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// The payload of a `get`/`post`/… event, as sails.io.js sends it.
///
/// Every field is optional at this level so that a malformed request can be answered with a
/// 400 naming the exact problem rather than a generic decode error.
#[derive(Debug, Deserialize)]
pub(crate) struct RawRequest {
    #[serde(default)]
    pub(crate) url: Option<serde_json::Value>,
    #[serde(default)]
    pub(crate) headers: Option<serde_json::Value>,
    /// Kept as raw JSON: for POST/PUT/PATCH it becomes the body byte for byte, without a
    /// parse-and-print round trip on the hot path.
    #[serde(default)]
    pub(crate) data: Option<Box<RawValue>>,
}

/// Why a virtual request could not be turned into an HTTP request.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum RequestError {
    /// The event carried no payload, or the payload is not a JSON object.
    #[error("the request must be an object {{method, url, data, headers}}: {0}")]
    NotAnObject(String),
    /// `url` is missing.
    #[error("no url provided in the request")]
    MissingUrl,
    /// The request carries binary attachments (a `Buffer`, `Blob` or `ArrayBuffer` as its
    /// url, headers, data or whole payload).
    #[error(
        "binary attachments are not supported in a virtual request: send the url, headers and data as JSON (bytes as base64 text)"
    )]
    BinaryAttachment,
    /// `url` is present but not a string.
    #[error("invalid url provided: {0} (the url must be a string)")]
    UrlNotAString(String),
    /// `url` is a string but not a valid request target.
    #[error("invalid url provided: {0:?}")]
    InvalidUrl(String),
    /// `headers` is present but not an object.
    #[error("headers must be an object of header names to values, got {0}")]
    HeadersNotAnObject(String),
    /// A header name or value cannot be carried in HTTP.
    #[error("invalid header {0:?}")]
    InvalidHeader(String),
    /// `data` has a shape the method cannot carry (GET/HEAD/DELETE/OPTIONS need an object).
    #[error(
        "data for a {method} request must be an object (its keys become the query string), got {found}"
    )]
    DataNotAnObject {
        /// The request method.
        method: &'static str,
        /// A short description of what was sent instead.
        found: &'static str,
    },
}

/// A short, human name for a JSON value's type, for error messages.
pub(crate) fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// The body of a JWR.
#[derive(Debug)]
pub(crate) enum JwrBody {
    /// No body: the `body` key is left out.
    None,
    /// A JSON response, validated and passed through without re-encoding.
    Json(Box<RawValue>),
    /// Any other response, as text.
    Text(String),
    /// A body built by the runtime itself (errors).
    Value(serde_json::Value),
}

/// The ack payload: `{body, headers, statusCode}`, in the key order Sails uses.
#[derive(Debug)]
pub(crate) struct Jwr {
    pub(crate) body: JwrBody,
    pub(crate) headers: HeaderMap,
    pub(crate) status: StatusCode,
}

/// A runtime-made HTTP error, in the same `{"error": message}` shape as [`Jwr::error`].
pub(crate) fn error_response(
    status: StatusCode,
    message: impl Into<String>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        status,
        axum::Json(serde_json::json!({ "error": message.into() })),
    )
        .into_response()
}

impl Jwr {
    /// A runtime-made error: `{"error": message}` with the given status.
    pub(crate) fn error(status: StatusCode, message: impl Into<String>) -> Self {
        Jwr {
            body: JwrBody::Value(serde_json::json!({ "error": message.into() })),
            headers: HeaderMap::new(),
            status,
        }
    }
}

impl Serialize for Jwr {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        match &self.body {
            JwrBody::None => {}
            JwrBody::Json(raw) => map.serialize_entry("body", raw)?,
            JwrBody::Text(text) => map.serialize_entry("body", text)?,
            JwrBody::Value(value) => map.serialize_entry("body", value)?,
        }
        map.serialize_entry("headers", &AckHeaders(&self.headers))?;
        map.serialize_entry("statusCode", &self.status.as_u16())?;
        map.end()
    }
}

/// Response headers as the ack carries them: lower-case names (the `http` crate already
/// stores them so), repeated values joined with `", "`, and never `set-cookie`, which a
/// socket client has no cookie jar for and which would leak session secrets into logs.
struct AckHeaders<'a>(&'a HeaderMap);

impl Serialize for AckHeaders<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for name in self.0.keys() {
            if name == header::SET_COOKIE {
                continue;
            }
            let mut values = self.0.get_all(name).iter();
            let Some(first) = values.next() else { continue };
            let first = String::from_utf8_lossy(first.as_bytes());
            match values.next() {
                // The usual case: one value, written without a copy.
                None => map.serialize_entry(name.as_str(), &*first)?,
                Some(second) => {
                    let mut joined = first.into_owned();
                    for more in std::iter::once(second).chain(values) {
                        joined.push_str(", ");
                        joined.push_str(&String::from_utf8_lossy(more.as_bytes()));
                    }
                    map.serialize_entry(name.as_str(), &joined)?;
                }
            }
        }
        map.end()
    }
}

/// The JWR sent as the `sails:parseError` event when a malformed request came without an
/// ack: the same object the ack would have carried, plus the message at the top level,
/// where a listener looks first.
#[derive(Debug, Serialize)]
pub(crate) struct ParseErrorEvent<'a> {
    pub(crate) body: ErrorBody<'a>,
    pub(crate) headers: EmptyMap,
    #[serde(rename = "statusCode")]
    pub(crate) status_code: u16,
    pub(crate) error: &'a str,
}

/// `{"error": message}`.
#[derive(Debug, Serialize)]
pub(crate) struct ErrorBody<'a> {
    pub(crate) error: &'a str,
}

/// Serializes as `{}`.
#[derive(Debug)]
pub(crate) struct EmptyMap;

impl Serialize for EmptyMap {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_map(Some(0))?.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jwr_without_body_has_no_body_key() {
        let jwr = Jwr {
            body: JwrBody::None,
            headers: HeaderMap::new(),
            status: StatusCode::NO_CONTENT,
        };
        assert_eq!(
            serde_json::to_string(&jwr).unwrap(),
            r#"{"headers":{},"statusCode":204}"#
        );
    }

    #[test]
    fn jwr_strips_set_cookie_and_joins_repeats() {
        let mut headers = HeaderMap::new();
        headers.append("x-custom", "abc".parse().unwrap());
        headers.append("set-cookie", "a=b".parse().unwrap());
        headers.append("vary", "origin".parse().unwrap());
        headers.append("vary", "accept".parse().unwrap());
        let jwr = Jwr {
            body: JwrBody::Json(RawValue::from_string(r#"{"a":1}"#.into()).unwrap()),
            headers,
            status: StatusCode::OK,
        };
        assert_eq!(
            serde_json::to_string(&jwr).unwrap(),
            r#"{"body":{"a":1},"headers":{"x-custom":"abc","vary":"origin, accept"},"statusCode":200}"#
        );
    }

    #[test]
    fn error_jwr_shape() {
        let jwr = Jwr::error(StatusCode::BAD_REQUEST, "no url");
        assert_eq!(
            serde_json::to_string(&jwr).unwrap(),
            r#"{"body":{"error":"no url"},"headers":{},"statusCode":400}"#
        );
    }
}
