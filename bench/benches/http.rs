//! A plain HTTP request through the runtime's whole stack (connection policy, Socket.IO path
//! check, catch-panic, body limits, the `Sockets` extension) against the same router called
//! alone: what sailroute adds to an HTTP request in process, without the kernel's share.
//!
//! Also the runtime's hand-written guard alone against tower-http's `CatchPanicLayer`,
//! `RequestBodyLimitLayer` and `AddExtensionLayer` (+ axum's `DefaultBodyLimit`) wrapped once
//! around the whole router, the usual way, which adds no per-route boxing.
//!
//! `cargo bench -p sailroute-bench --bench http`

#![allow(missing_docs)] // criterion's macros generate undocumented public items

use axum::body::Body;
use axum::routing::get;
use axum::{Json, Router};
use criterion::{Criterion, criterion_group, criterion_main};
use http::Request;
use http_body_util::BodyExt;
use serde_json::json;
use tower::{Service, ServiceExt};

fn hello() -> Router {
    Router::new().route(
        "/hello",
        get(|| async { Json(json!({ "hello": "world" })) }),
    )
}

/// As `Server::serve` hands it on: with the peer address in the extensions.
fn request() -> Request<Body> {
    let mut request = Request::get("/hello")
        .header("host", "127.0.0.1:1337")
        .body(Body::empty())
        .expect("request");
    request
        .extensions_mut()
        .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
            [127, 0, 0, 1],
            40000,
        ))));
    request
}

async fn call<S>(service: &mut S) -> usize
where
    S: Service<
            Request<Body>,
            Response = axum::response::Response,
            Error = std::convert::Infallible,
        >,
{
    let response = service
        .ready()
        .await
        .unwrap_or_else(|e| match e {})
        .call(request())
        .await
        .unwrap_or_else(|e| match e {});
    let body = response.into_body().collect().await.expect("body");
    body.to_bytes().len()
}

fn http(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut plain = hello();
    let mut stack = runtime.block_on(async {
        sailroute::Server::builder(hello())
            .build()
            .expect("server")
            .into_service()
    });

    // The guard alone, and tower-http's layers wrapped once around the whole router doing the
    // same jobs (catch-panic, both body limits, the `Sockets` extension).
    let sockets = runtime.block_on(async {
        sailroute::Server::builder(hello())
            .build()
            .expect("server")
            .sockets()
    });
    const MAX: usize = 1 << 20;
    let mut guard = sailroute::__bench::guarded(hello(), MAX, sockets.clone());
    let mut tower_http = tower::ServiceBuilder::new()
        .map_response(|r: http::Response<_>| r.map(Body::new))
        .layer(tower_http::catch_panic::CatchPanicLayer::new())
        .layer(tower_http::limit::RequestBodyLimitLayer::new(MAX))
        .map_request(|r: Request<_>| r.map(Body::new))
        .layer(tower_http::add_extension::AddExtensionLayer::new(sockets))
        .layer(axum::extract::DefaultBodyLimit::max(MAX))
        .service(hello());

    let mut group = c.benchmark_group("http");
    group.bench_function("GET /hello, plain axum router", |b| {
        b.iter(|| runtime.block_on(call(&mut plain)));
    });
    group.bench_function("GET /hello, router + the runtime's guard", |b| {
        b.iter(|| runtime.block_on(call(&mut guard)));
    });
    group.bench_function("GET /hello, router + tower-http layers around it", |b| {
        b.iter(|| runtime.block_on(call(&mut tower_http)));
    });
    group.bench_function("GET /hello, through the runtime's stack", |b| {
        b.iter(|| runtime.block_on(call(&mut stack)));
    });
    group.finish();
}

criterion_group!(benches, http);
criterion_main!(benches);
