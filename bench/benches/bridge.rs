//! The bridge's hot path in process: a virtual request event's data to an `http::Request`, the
//! router's response to the ack payload, and both around a real router call; and the minimal
//! reproduction of what socketioxide's own decoder costs per event (group `decode`).
//!
//! `cargo bench -p sailroute-bench --bench bridge`

#![allow(missing_docs)] // criterion's macros generate undocumented public items

use axum::body::Body;
use axum::routing::{get, post};
use axum::{Json, Router};
use criterion::{Criterion, criterion_group, criterion_main};
use serde::de::{self, DeserializeSeed, IgnoredAny, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Value, json};
use socketioxide_core::parser::Parse;
use socketioxide_parser_common::CommonParser;
use tower::ServiceExt;

/// A socket GET as sails.io.js emits it: the event's data, `[name, request]`.
const GET: &str = r#"["get",{"method":"get","headers":{},"data":{},"url":"/hello"}]"#;
const GET_QUERY: &str = r#"["get",{"method":"get","headers":{"x-token":"t"},"data":{"ms":5,"tags":["a","b"]},"url":"/slow?x=1"}]"#;

fn post_payload(bytes: usize) -> String {
    json!(["post", { "method": "post", "headers": {}, "data": { "p": "x".repeat(bytes) }, "url": "/echo" }])
        .to_string()
}

/// The runtime's request object, as a handler would declare it for socketioxide's `Data`.
#[derive(serde::Deserialize)]
#[allow(dead_code)] // decoded, not read
struct Request {
    url: Option<Value>,
    headers: Option<Value>,
    data: Option<Box<RawValue>>,
}

/// socketioxide-core's `FirstElement` seed (which its common parser uses to read an event's
/// name and a non-tuple `Data`) with one change: the "not found" error is built only when the
/// element is missing (`ok_or_else`), not on every call (`ok_or`).
struct LazyFirstElement;

impl<'de> Visitor<'de> for LazyFirstElement {
    type Value = &'de str;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a sequence")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<&'de str, A::Error> {
        let data = seq
            .next_element::<&str>()?
            .ok_or_else(|| de::Error::custom("first element not found"));
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        data
    }
}

impl<'de> DeserializeSeed<'de> for LazyFirstElement {
    type Value = &'de str;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<&'de str, D::Error> {
        d.deserialize_seq(self)
    }
}

/// socketioxide's decoder against the runtime's, on the same event (the GET above).
fn decode(c: &mut Criterion) {
    let value = socketioxide_core::Value::Str(GET.to_owned().into(), None);
    let mut group = c.benchmark_group("decode");
    group.bench_function("socketioxide: read the event name (every event)", |b| {
        b.iter(|| {
            CommonParser
                .read_event(&value)
                .map(str::len)
                .expect("valid")
        });
    });
    group.bench_function("same, the error built only when needed", |b| {
        b.iter(|| {
            LazyFirstElement
                .deserialize(&mut serde_json::Deserializer::from_str(GET))
                .map(str::len)
                .expect("valid")
        });
    });
    group.bench_function("socketioxide: Data<Request> (the request object)", |b| {
        b.iter(|| {
            let mut value = value.clone();
            CommonParser
                .decode_value::<Request>(&mut value, true)
                .map(|r| r.url.is_some())
                .expect("valid")
        });
    });
    group.bench_function("sailroute: event name and request in one pass", |b| {
        b.iter(|| sailroute::__bench::decode_event(GET));
    });
    group.finish();
}

fn bridge(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let router: Router = Router::new()
        .route(
            "/hello",
            get(|| async { Json(json!({ "hello": "world" })) }),
        )
        .route("/echo", post(|Json(v): Json<Value>| async move { Json(v) }));
    let post_4k = post_payload(4096);

    let mut group = c.benchmark_group("bridge");
    group.bench_function("event -> http::Request (GET)", |b| {
        b.iter(|| sailroute::__bench::request(GET).expect("valid"));
    });
    group.bench_function(
        "event -> http::Request (GET, data into query, headers)",
        |b| {
            b.iter(|| sailroute::__bench::request(GET_QUERY).expect("valid"));
        },
    );
    group.bench_function("event -> http::Request (POST 4 KiB)", |b| {
        b.iter(|| sailroute::__bench::request(&post_4k).expect("valid"));
    });
    group.bench_function("response -> ack payload (JSON)", |b| {
        b.iter(|| {
            let response = http::Response::builder()
                .header("content-type", "application/json")
                .body(Body::from(r#"{"hello":"world"}"#))
                .expect("response");
            runtime.block_on(sailroute::__bench::ack(response))
        });
    });
    group.bench_function("GET /hello through the router, event to ack", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let request = sailroute::__bench::request(GET).expect("valid");
                let response = router.clone().oneshot(request).await.expect("infallible");
                sailroute::__bench::ack(response).await
            })
        });
    });
    group.bench_function("POST /echo 4 KiB through the router, event to ack", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let request = sailroute::__bench::request(&post_4k).expect("valid");
                let response = router.clone().oneshot(request).await.expect("infallible");
                sailroute::__bench::ack(response).await
            })
        });
    });
    group.finish();
}

criterion_group!(benches, bridge, decode);
criterion_main!(benches);
