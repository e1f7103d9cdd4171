//! The Sails virtual-request wire format: the request payload a client emits and the
//! `{body, headers, statusCode}` object ("JWR") it receives in the ack.

use std::fmt;

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode, header};
use serde::de::{self, DeserializeSeed, IgnoredAny, SeqAccess, Visitor};
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

/// The method of a virtual request arriving as the event `name`; `None` for any other event.
fn method_of_event(name: &str) -> Option<Method> {
    Some(match name {
        "get" => Method::GET,
        "post" => Method::POST,
        "put" => Method::PUT,
        "patch" => Method::PATCH,
        "delete" => Method::DELETE,
        "options" => Method::OPTIONS,
        "head" => Method::HEAD,
        _ => return None,
    })
}

/// Decodes a Socket.IO event's JSON array `[name, request, ...]`: the method its name stands
/// for (`None` for an event that is not a virtual request) and its request object. Elements
/// after the request are ignored, as sails.io.js never sends them.
pub(crate) fn decode_event(text: &str) -> (Option<Method>, Result<RawRequest, RequestError>) {
    let mut method = None;
    let decoded = Payload {
        method: &mut method,
    }
    .deserialize(&mut serde_json::Deserializer::from_str(text));
    let request = match decoded {
        Ok(Some(request)) => Ok(request),
        Ok(None) => Err(RequestError::NotAnObject(
            "the event carries no request".into(),
        )),
        Err(e) => Err(RequestError::NotAnObject(e.to_string())),
    };
    (method, request)
}

/// Decodes an event's JSON array in one pass, writing the method its name stands for before
/// decoding the request, so that a malformed request still gets its 400.
///
/// Written by hand rather than through socketioxide's `TryData`: its decoder builds (and drops)
/// a `serde_json` error on every decode — an allocation and a string search — and would read
/// the event name a second time (issue 13, point 3; docs/benchmarks.md has the figures).
struct Payload<'a> {
    method: &'a mut Option<Method>,
}

impl<'de> DeserializeSeed<'de> for Payload<'_> {
    type Value = Option<RawRequest>;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Payload<'_> {
    type Value = Option<RawRequest>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an event: [name, request]")
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Self::Value, S::Error> {
        let Some(EventMethod(method)) = seq.next_element()? else {
            return Ok(None);
        };
        *self.method = method;
        let request = match self.method {
            Some(_) => seq.next_element::<RawRequest>()?,
            None => None,
        };
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(request)
    }
}

/// An event name, as the method of the virtual request it names (if it names one).
struct EventMethod(Option<Method>);

impl<'de> de::Deserialize<'de> for EventMethod {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Name;
        impl Visitor<'_> for Name {
            type Value = EventMethod;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an event name")
            }
            fn visit_str<E: de::Error>(self, name: &str) -> Result<EventMethod, E> {
                Ok(EventMethod(method_of_event(name)))
            }
        }
        deserializer.deserialize_str(Name)
    }
}

/// How many header values a virtual request may carry: hyper's default for an HTTP/1
/// request, so a request that the HTTP side would refuse is refused over a socket too (with a
/// 400 through the ack).
pub const MAX_REQUEST_HEADERS: usize = 100;

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
    /// More header values than an HTTP request may carry here (hyper's own limit for HTTP/1).
    #[error("too many headers: a request may carry at most {max} header values")]
    TooManyHeaders {
        /// The limit, [`MAX_REQUEST_HEADERS`].
        max: usize,
    },
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
    /// A JSON response, validated and passed through without re-encoding. Kept as the
    /// response's own bytes (no copy into a `RawValue` of its own), and borrowed as one when
    /// written.
    Json(Bytes),
    /// Any other response, as text.
    Text(String),
    /// A body built by the runtime itself (errors).
    Value(serde_json::Value),
}

impl JwrBody {
    /// A response body declared JSON: passed through if it is, as text if it is not.
    pub(crate) fn json(bytes: Bytes) -> Self {
        if serde_json::from_slice::<&RawValue>(&bytes).is_ok() {
            JwrBody::Json(bytes)
        } else {
            JwrBody::Text(String::from_utf8_lossy(&bytes).into_owned())
        }
    }
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
            JwrBody::Json(bytes) => {
                // Validated when the body was taken (`JwrBody::json`): this parse borrows.
                let raw: &RawValue =
                    serde_json::from_slice(bytes).map_err(serde::ser::Error::custom)?;
                map.serialize_entry("body", raw)?
            }
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
/// Neither are the HTTP body's framing headers (`content-length`, `transfer-encoding`),
/// which the router adds to every response and which say nothing about a body that travels
/// as a JSON value in the ack: Sails' JWR carries only the headers the app set.
struct AckHeaders<'a>(&'a HeaderMap);

impl Serialize for AckHeaders<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for name in self.0.keys() {
            if name == header::SET_COOKIE
                || name == header::CONTENT_LENGTH
                || name == header::TRANSFER_ENCODING
            {
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
    fn an_event_decodes_to_its_method_and_request() {
        let (method, raw) =
            decode_event(r#"["post",{"method":"post","url":"/echo","data":{"a":1},"headers":{}}]"#);
        assert_eq!(method, Some(Method::POST));
        let raw = raw.unwrap();
        assert_eq!(raw.url, Some(serde_json::json!("/echo")));
        assert_eq!(raw.data.unwrap().get(), r#"{"a":1}"#);
        // A name written with escapes is still the name.
        assert_eq!(
            decode_event(r#"["g\u0065t",{"url":"/"}]"#).0,
            Some(Method::GET)
        );
        // sails.io.js sends exactly two elements; more are ignored rather than refused.
        let (method, raw) = decode_event(r#"["delete",{"url":"/x"},1,[2]]"#);
        assert_eq!(method, Some(Method::DELETE));
        assert_eq!(raw.unwrap().url, Some(serde_json::json!("/x")));
    }

    #[test]
    fn a_malformed_request_keeps_its_method_for_the_400() {
        let (method, raw) = decode_event(r#"["get","/hello"]"#);
        assert_eq!(method, Some(Method::GET));
        let message = raw.unwrap_err().to_string();
        assert!(
            message.starts_with("the request must be an object {method, url, data, headers}: invalid type: string \"/hello\""),
            "{message}"
        );
        let (method, raw) = decode_event(r#"["head"]"#);
        assert_eq!(method, Some(Method::HEAD));
        assert_eq!(
            raw.unwrap_err(),
            RequestError::NotAnObject("the event carries no request".into())
        );
    }

    #[test]
    fn other_events_are_not_requests() {
        for event in [r#"["chat",{"url":"/"}]"#, r#"["GET",{"url":"/"}]"#, "[]"] {
            assert_eq!(decode_event(event).0, None, "{event}");
        }
    }

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
    fn jwr_strips_set_cookie_and_framing_and_joins_repeats() {
        let mut headers = HeaderMap::new();
        headers.append("x-custom", "abc".parse().unwrap());
        headers.append("set-cookie", "a=b".parse().unwrap());
        headers.append("content-length", "7".parse().unwrap());
        headers.append("transfer-encoding", "chunked".parse().unwrap());
        headers.append("vary", "origin".parse().unwrap());
        headers.append("vary", "accept".parse().unwrap());
        let jwr = Jwr {
            body: JwrBody::json(Bytes::from_static(b" {\"a\":1}\n")),
            headers,
            status: StatusCode::OK,
        };
        assert_eq!(
            serde_json::to_string(&jwr).unwrap(),
            r#"{"body":{"a":1},"headers":{"x-custom":"abc","vary":"origin, accept"},"statusCode":200}"#
        );
    }

    #[test]
    fn a_body_declared_json_that_is_not_becomes_text() {
        for (bytes, body) in [
            (&b"{\"a\":"[..], r#""{\"a\":""#),
            (b"[1] [2]", r#""[1] [2]""#),
            (b"\"\xff\"", "\"\\\"\u{fffd}\\\"\""),
        ] {
            let jwr = Jwr {
                body: JwrBody::json(Bytes::from_static(bytes)),
                headers: HeaderMap::new(),
                status: StatusCode::OK,
            };
            assert_eq!(
                serde_json::to_string(&jwr).unwrap(),
                format!(r#"{{"body":{body},"headers":{{}},"statusCode":200}}"#)
            );
        }
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
