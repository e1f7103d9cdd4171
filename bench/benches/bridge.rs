//! The bridge's hot path in process: a virtual request's payload to an `http::Request`, the
//! router's response to the ack payload, and both around a real router call.
//!
//! `cargo bench -p sailroute-bench --bench bridge`

#![allow(missing_docs)] // criterion's macros generate undocumented public items

use axum::body::Body;
use axum::routing::{get, post};
use axum::{Json, Router};
use criterion::{Criterion, criterion_group, criterion_main};
use http::Method;
use serde_json::{Value, json};
use tower::ServiceExt;

const GET: &str = r#"{"method":"get","headers":{},"data":{},"url":"/hello"}"#;
const GET_QUERY: &str = r#"{"method":"get","headers":{"x-token":"t"},"data":{"ms":5,"tags":["a","b"]},"url":"/slow?x=1"}"#;

fn post_payload(bytes: usize) -> String {
    json!({ "method": "post", "headers": {}, "data": { "p": "x".repeat(bytes) }, "url": "/echo" })
        .to_string()
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
    group.bench_function("payload -> http::Request (GET)", |b| {
        b.iter(|| sailroute::__bench::request(Method::GET, GET).expect("valid"));
    });
    group.bench_function(
        "payload -> http::Request (GET, data into query, headers)",
        |b| {
            b.iter(|| sailroute::__bench::request(Method::GET, GET_QUERY).expect("valid"));
        },
    );
    group.bench_function("payload -> http::Request (POST 4 KiB)", |b| {
        b.iter(|| sailroute::__bench::request(Method::POST, &post_4k).expect("valid"));
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
    group.bench_function("GET /hello through the router, payload to ack", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let request = sailroute::__bench::request(Method::GET, GET).expect("valid");
                let response = router.clone().oneshot(request).await.expect("infallible");
                sailroute::__bench::ack(response).await
            })
        });
    });
    group.bench_function("POST /echo 4 KiB through the router, payload to ack", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let request = sailroute::__bench::request(Method::POST, &post_4k).expect("valid");
                let response = router.clone().oneshot(request).await.expect("infallible");
                sailroute::__bench::ack(response).await
            })
        });
    });
    group.finish();
}

criterion_group!(benches, bridge);
criterion_main!(benches);
