//! The bridge: a virtual request becomes an `http::Request` for the application's router, and
//! the router's response becomes the ack payload.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use bytes::Bytes;
use http::header::{self, HeaderName, HeaderValue};
use http::{HeaderMap, Method, Request, Response, StatusCode, Uri};
use http_body_util::BodyExt;
use serde_json::value::RawValue;

use crate::sockets::Socket;
use crate::wire::{Jwr, JwrBody, MAX_REQUEST_HEADERS, RawRequest, RequestError, json_kind};

/// What a socket's handshake contributes to each of its virtual requests.
#[derive(Debug, Clone, Default)]
pub(crate) struct Handshake {
    /// Wins over any per-request cookie, so a request cannot swap the connection's session.
    pub(crate) cookie: Option<HeaderValue>,
    /// Always the handshake's (or none): a request cannot forge its origin.
    pub(crate) origin: Option<HeaderValue>,
    /// Defaults, used when the request does not set them.
    pub(crate) host: Option<HeaderValue>,
    pub(crate) user_agent: Option<HeaderValue>,
    pub(crate) remote_addr: Option<SocketAddr>,
    /// The client's address from the handshake's forwarded headers, when the server trusts a
    /// proxy (without one, `ClientIp` reads the peer address from `ConnectInfo`).
    pub(crate) client_ip: Option<std::net::IpAddr>,
    /// The headers the server pins to the handshake's
    /// ([`ServerBuilder::handshake_headers`](crate::ServerBuilder::handshake_headers)): each
    /// name with the handshake's values, none when it had none.
    pub(crate) pinned: Vec<(HeaderName, Vec<HeaderValue>)>,
}

impl Handshake {
    /// Reads what the bridge needs from the handshake request.
    pub(crate) fn from_parts(
        parts: &http::request::Parts,
        trust_proxy: &crate::client_ip::TrustProxy,
        pinned: &[HeaderName],
    ) -> Self {
        let get = |name: HeaderName| parts.headers.get(name).cloned();
        let remote_addr = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0);
        Handshake {
            cookie: get(header::COOKIE),
            origin: get(header::ORIGIN),
            host: get(header::HOST),
            user_agent: get(header::USER_AGENT),
            remote_addr,
            client_ip: trust_proxy
                .is_on()
                .then(|| trust_proxy.client_ip(&parts.headers, remote_addr))
                .flatten(),
            pinned: pinned
                .iter()
                .map(|name| {
                    let values = parts.headers.get_all(name).iter().cloned().collect();
                    (name.clone(), values)
                })
                .collect(),
        }
    }
}

/// Whether `data` travels in the query string (true) or as the JSON body (false).
fn data_in_query(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::DELETE | Method::OPTIONS
    )
}

/// Builds the request the router will see, its extensions `extensions` (the guard's, from
/// [`Guarded::extensions`](crate::guard::Guarded::extensions), or none) and the socket's.
pub(crate) fn build_request(
    method: Method,
    raw: RawRequest,
    handshake: &Handshake,
    socket: Option<Socket>,
    extensions: http::Extensions,
) -> Result<Request<Body>, RequestError> {
    let url = match raw.url {
        None | Some(serde_json::Value::Null) => return Err(RequestError::MissingUrl),
        Some(serde_json::Value::String(url)) if url.trim().is_empty() => {
            return Err(RequestError::MissingUrl);
        }
        Some(serde_json::Value::String(url)) => url,
        Some(other) => return Err(RequestError::UrlNotAString(other.to_string())),
    };

    let mut headers = HeaderMap::new();
    match raw.headers {
        None | Some(serde_json::Value::Null) => {}
        Some(serde_json::Value::Object(map)) => {
            for (name, value) in map {
                add_header(&mut headers, &name, value)?;
            }
        }
        Some(other) => return Err(RequestError::HeadersNotAnObject(json_kind(&other).into())),
    }
    // Handshake values are applied after the per-request ones, so they win whatever letter
    // case the request used (header names were lower-cased when parsed).
    headers.remove(header::ORIGIN);
    if let Some(origin) = &handshake.origin {
        headers.insert(header::ORIGIN, origin.clone());
    }
    // Pinned headers are the handshake's, or absent: never the request's own.
    for (name, values) in &handshake.pinned {
        headers.remove(name);
        for value in values {
            headers.append(name.clone(), value.clone());
        }
    }
    if let Some(cookie) = &handshake.cookie {
        headers.insert(header::COOKIE, cookie.clone());
    }
    for (name, value) in [
        (header::HOST, &handshake.host),
        (header::USER_AGENT, &handshake.user_agent),
    ] {
        if let (Some(value), false) = (value, headers.contains_key(&name)) {
            headers.insert(name, value.clone());
        }
    }

    let (target, body) = if data_in_query(&method) {
        (with_query(url, raw.data.as_deref(), &method)?, Bytes::new())
    } else {
        match raw.data {
            Some(data) => {
                headers.insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
                let bytes = Bytes::from(Box::<str>::from(data).into_boxed_bytes());
                (url, bytes)
            }
            None => (url, Bytes::new()),
        }
    };
    if !body.is_empty() {
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
    }

    let uri = parse_target(target)?;
    // An empty body boxes nothing (`Body::empty` is a zero-sized body).
    let body = if body.is_empty() {
        Body::empty()
    } else {
        Body::from(body)
    };
    let mut request = Request::new(body);
    *request.method_mut() = method;
    *request.uri_mut() = uri;
    *request.headers_mut() = headers;
    *request.extensions_mut() = extensions;
    if let Some(addr) = handshake.remote_addr {
        request.extensions_mut().insert(ConnectInfo(addr));
    }
    if let Some(ip) = handshake.client_ip {
        request
            .extensions_mut()
            .insert(crate::client_ip::ClientIp(ip));
    }
    if let Some(socket) = socket {
        request.extensions_mut().insert(socket);
    }
    Ok(request)
}

/// Parses the url a client sent: a path with an optional query, or an absolute URL whose
/// path and query are kept. A path without its leading `/` gets one, as Sails' router does.
/// Takes the url's `String`, which the `Uri` then holds without a copy (its clone shares
/// the buffer: the router clones every request's `Uri` once, as `OriginalUri`, anyway).
fn parse_target(target: impl Into<String>) -> Result<Uri, RequestError> {
    let target: String = target.into();
    let target = if target.starts_with('/') || target.contains("://") {
        Bytes::from(target)
    } else {
        Bytes::from(format!("/{target}"))
    };
    let invalid = || RequestError::InvalidUrl(String::from_utf8_lossy(&target).into_owned());
    let uri = Uri::from_maybe_shared(target.clone()).map_err(|_| invalid())?;
    match uri.path_and_query() {
        Some(pq) if uri.authority().is_some() => Uri::try_from(pq.as_str()).map_err(|_| invalid()),
        Some(_) => Ok(uri),
        None => Uri::try_from("/").map_err(|_| invalid()),
    }
}

fn add_header(
    headers: &mut HeaderMap,
    name: &str,
    value: serde_json::Value,
) -> Result<(), RequestError> {
    let invalid = || RequestError::InvalidHeader(name.to_owned());
    let header_name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid())?;
    let mut push = |text: &str| -> Result<(), RequestError> {
        let value = HeaderValue::from_str(text).map_err(|_| invalid())?;
        // `HeaderMap` panics past 32,768 entries; the cap answers long before, with a 400.
        let too_many = RequestError::TooManyHeaders {
            max: MAX_REQUEST_HEADERS,
        };
        if headers.len() >= MAX_REQUEST_HEADERS {
            return Err(too_many);
        }
        headers
            .try_append(header_name.clone(), value)
            .map_err(|_| too_many)?;
        Ok(())
    };
    match value {
        // Sails drops undefined values; null is the closest JSON has.
        serde_json::Value::Null => Ok(()),
        serde_json::Value::String(s) => push(&s),
        serde_json::Value::Array(items) => items.iter().try_for_each(|item| match item {
            serde_json::Value::String(s) => push(s),
            other => push(&other.to_string()),
        }),
        other => push(&other.to_string()),
    }
}

/// Appends the `data` object's entries to the url's query string.
fn with_query(
    mut url: String,
    data: Option<&RawValue>,
    method: &Method,
) -> Result<String, RequestError> {
    let Some(data) = data else { return Ok(url) };
    let method_name = method_name(method);
    let value: serde_json::Value =
        serde_json::from_str(data.get()).map_err(|_| RequestError::DataNotAnObject {
            method: method_name,
            found: "invalid JSON",
        })?;
    let map = match value {
        serde_json::Value::Null => return Ok(url),
        serde_json::Value::Object(map) => map,
        other => {
            return Err(RequestError::DataNotAnObject {
                method: method_name,
                found: json_kind(&other),
            });
        }
    };
    if map.is_empty() {
        return Ok(url);
    }
    // Keep a fragment out of the way: it never reaches the server in HTTP either.
    if let Some(hash) = url.find('#') {
        url.truncate(hash);
    }
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (key, value) in &map {
        append_query(&mut query, key, value);
    }
    let query = query.finish();
    match url.find('?') {
        Some(q) if q + 1 == url.len() => {}
        Some(_) => url.push('&'),
        None => url.push('?'),
    }
    url.push_str(&query);
    Ok(url)
}

fn append_query(
    query: &mut form_urlencoded::Serializer<'_, String>,
    key: &str,
    value: &serde_json::Value,
) {
    match value {
        // A null is "not given": typed `Option` query fields then read `None`.
        serde_json::Value::Null => {}
        serde_json::Value::String(s) => {
            query.append_pair(key, s);
        }
        serde_json::Value::Array(items) => {
            for item in items {
                append_query(query, key, item);
            }
        }
        // Nested objects have no standard query form; their JSON text is the least surprising.
        other => {
            query.append_pair(key, &other.to_string());
        }
    }
}

fn method_name(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        _ => "other",
    }
}

/// Turns the router's response into the ack payload.
pub(crate) async fn into_jwr(response: Response<Body>) -> Jwr {
    let (parts, body) = response.into_parts();
    let bytes = match body_bytes(body).await {
        Ok(bytes) => bytes,
        Err(e) => {
            return Jwr::error(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("the response body failed: {e}"),
            );
        }
    };
    let body = if bytes.is_empty() {
        JwrBody::None
    } else if is_json(&parts.headers) {
        JwrBody::json(bytes)
    } else {
        JwrBody::Text(String::from_utf8_lossy(&bytes).into_owned())
    };
    Jwr {
        body,
        headers: parts.headers,
        status: parts.status,
    }
}

/// A response body's bytes. A body of one frame (a handler's JSON, text or bytes) is taken as
/// it comes, without the list and the split of `BodyExt::collect`; trailers are dropped, as a
/// JWR has none.
async fn body_bytes(mut body: Body) -> Result<Bytes, axum::Error> {
    let mut first: Option<Bytes> = None;
    let mut joined: Option<bytes::BytesMut> = None;
    while let Some(frame) = body.frame().await {
        let Ok(data) = frame?.into_data() else {
            continue;
        };
        match (&first, &mut joined) {
            (None, _) => first = Some(data),
            (Some(_), Some(joined)) => joined.extend_from_slice(&data),
            (Some(head), None) => {
                let mut all = bytes::BytesMut::from(&head[..]);
                all.extend_from_slice(&data);
                joined = Some(all);
            }
        }
    }
    Ok(match (joined, first) {
        (Some(joined), _) => joined.freeze(),
        (None, Some(first)) => first,
        (None, None) => Bytes::new(),
    })
}

/// `application/json` and the `+json` family (`application/problem+json`, …): how responses
/// become ack bodies, and which request bodies `StrictJson` reads as JSON.
pub(crate) fn is_json(headers: &HeaderMap) -> bool {
    let Some(content_type) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    // Compared without lower-casing into a new string: this runs on every response.
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .as_bytes();
    let ends_with = |suffix: &[u8]| {
        essence.len() >= suffix.len()
            && essence[essence.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
    };
    essence.eq_ignore_ascii_case(b"application/json") || ends_with(b"+json")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(url: &str, data: Option<&str>) -> RawRequest {
        RawRequest {
            url: Some(serde_json::Value::String(url.into())),
            headers: None,
            data: data.map(|d| RawValue::from_string(d.into()).unwrap()),
        }
    }

    /// Issue 23, point 6: `HeaderMap` panics past 32,768 entries; a request with more header
    /// values than the cap is refused, whether as many names or one name with many values.
    #[test]
    fn too_many_headers_is_an_error_not_a_panic() {
        let many_names: serde_json::Map<String, serde_json::Value> = (0..40_000)
            .map(|i| (format!("x-h{i}"), serde_json::Value::from("v")))
            .collect();
        let many_values = serde_json::json!({ "x-h": vec!["v"; 40_000] });
        for headers in [serde_json::Value::Object(many_names), many_values] {
            let mut request = raw("/x", None);
            request.headers = Some(headers);
            let err = build_request(
                Method::GET,
                request,
                &Handshake::default(),
                None,
                Default::default(),
            )
            .expect_err("refused");
            assert_eq!(
                err,
                RequestError::TooManyHeaders {
                    max: MAX_REQUEST_HEADERS
                }
            );
        }
        let at_cap: serde_json::Map<String, serde_json::Value> = (0..MAX_REQUEST_HEADERS)
            .map(|i| (format!("x-h{i}"), serde_json::Value::from("v")))
            .collect();
        let mut request = raw("/x", None);
        request.headers = Some(serde_json::Value::Object(at_cap));
        let built = build_request(
            Method::GET,
            request,
            &Handshake::default(),
            None,
            Default::default(),
        )
        .expect("at the cap");
        assert_eq!(built.headers().len(), MAX_REQUEST_HEADERS);
    }

    /// Issue 23, point 9: a pinned header is the handshake's or absent, never the request's.
    #[test]
    fn pinned_headers_come_from_the_handshake_only() {
        let name = HeaderName::from_static("x-user");
        let (with, ()) = http::Request::builder()
            .header("x-user", "ann")
            .body(())
            .expect("request")
            .into_parts();
        let (without, ()) = http::Request::builder()
            .body(())
            .expect("request")
            .into_parts();
        let none = crate::client_ip::TrustProxy::none();
        for (parts, expected) in [(with, Some("ann")), (without, None)] {
            let handshake = Handshake::from_parts(&parts, &none, std::slice::from_ref(&name));
            let mut request = raw("/x", None);
            request.headers = Some(serde_json::json!({ "X-User": "mallory" }));
            let built = build_request(Method::GET, request, &handshake, None, Default::default())
                .expect("built");
            let values: Vec<_> = built.headers().get_all(&name).iter().collect();
            assert_eq!(values.len(), usize::from(expected.is_some()));
            assert_eq!(
                built.headers().get(&name).and_then(|v| v.to_str().ok()),
                expected
            );
        }
    }

    #[test]
    fn query_merge_keeps_existing_query_and_repeats_arrays() {
        let url = with_query(
            "/inspect?a=1".into(),
            raw("", Some(r#"{"b":"x y","n":2,"arr":[1,"2"],"skip":null}"#))
                .data
                .as_deref(),
            &Method::GET,
        )
        .unwrap();
        assert_eq!(url, "/inspect?a=1&arr=1&arr=2&b=x+y&n=2");
    }

    #[test]
    fn query_merge_refuses_non_objects() {
        let err = with_query(
            "/x".into(),
            raw("", Some("[1]")).data.as_deref(),
            &Method::GET,
        )
        .unwrap_err();
        assert_eq!(
            err,
            RequestError::DataNotAnObject {
                method: "GET",
                found: "an array"
            }
        );
    }

    #[test]
    fn targets() {
        assert_eq!(parse_target("/a?b=1").unwrap(), "/a?b=1");
        assert_eq!(parse_target("hello").unwrap(), "/hello");
        assert_eq!(parse_target("http://h:1/p?q").unwrap(), "/p?q");
        assert!(parse_target("/a b").is_err());
    }

    #[test]
    fn json_detection() {
        let mut h = HeaderMap::new();
        h.insert(
            header::CONTENT_TYPE,
            "application/problem+json; charset=utf-8".parse().unwrap(),
        );
        assert!(is_json(&h));
        for (content_type, json) in [
            ("Application/JSON", true),
            (" application/json ; charset=utf-8", true),
            ("application/vnd.api+JSON", true),
            ("text/plain", false),
            ("application/jsonp", false),
            ("json", false),
            ("", false),
        ] {
            h.insert(header::CONTENT_TYPE, content_type.parse().unwrap());
            assert_eq!(is_json(&h), json, "{content_type:?}");
        }
        h.remove(header::CONTENT_TYPE);
        assert!(!is_json(&h));
    }

    /// What a generated client puts in a query and a server's `sailroute::Query` reads.
    #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Search {
        #[serde(default)]
        tag: Vec<String>,
        #[serde(default)]
        ids: Vec<u32>,
        done: Option<bool>,
        limit: Option<u64>,
        q: Option<String>,
    }

    fn search() -> impl proptest::strategy::Strategy<Value = Search> {
        use proptest::prelude::*;
        // Any text but the empty string in an `Option` (an empty value reads as absent, the
        // one documented exception).
        let text = "\\PC{0,12}";
        (
            proptest::collection::vec(text, 0..4),
            proptest::collection::vec(any::<u32>(), 0..4),
            any::<Option<bool>>(),
            any::<Option<u64>>(),
            proptest::option::of("\\PC{1,12}"),
        )
            .prop_map(|(tag, ids, done, limit, q)| Search {
                tag,
                ids,
                done,
                limit,
                q,
            })
    }

    proptest::proptest! {
        /// One query encoding: a socket GET's `data` (the JSON of the query, as sails.io.js
        /// and the JS client send it) reaches the router as the query the Rust client writes,
        /// and the server's extractor reads back the same value.
        #[test]
        fn socket_data_and_the_rust_client_write_the_same_query(search in search()) {
            let data = serde_json::to_string(&search).unwrap();
            let url = with_query("/s".into(), raw("", Some(&data)).data.as_deref(), &Method::GET)
                .unwrap();
            let from_socket = url.strip_prefix("/s").unwrap().trim_start_matches('?');
            let decoded: Search = serde_html_form::from_str(from_socket).unwrap();
            proptest::prop_assert_eq!(&decoded, &search);
            let from_client = serde_html_form::to_string(&search).unwrap();
            let decoded: Search = serde_html_form::from_str(&from_client).unwrap();
            proptest::prop_assert_eq!(&decoded, &search);
        }

        /// The JWR mapping: a JSON response body reaches the ack as the same JSON value, with
        /// its status, whatever the value.
        #[test]
        fn a_json_body_reaches_the_ack_unchanged(
            value in proptest::arbitrary::any::<(String, Vec<i64>, Option<bool>)>(),
            status in 200u16..600,
        ) {
            let json = serde_json::json!({ "s": value.0, "n": value.1, "b": value.2 });
            let response = http::Response::builder()
                .status(status)
                .header(header::CONTENT_TYPE, "application/json")
                .body(axum::body::Body::from(json.to_string()))
                .unwrap();
            let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
            let jwr = runtime.block_on(into_jwr(response));
            let ack: serde_json::Value = serde_json::to_value(&jwr).unwrap();
            proptest::prop_assert_eq!(&ack["body"], &json);
            proptest::prop_assert_eq!(&ack["statusCode"], &serde_json::json!(status));
        }
    }
}
