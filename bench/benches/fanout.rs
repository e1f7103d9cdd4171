//! Broadcast fan-out in process: a server and 200 connected socket clients (sailroute-client)
//! in one runtime; one iteration is a `Sockets::broadcast` to the room until every client has
//! the message. Client-side receive is part of the figure; the wire benchmark measures server
//! CPU alone.
//!
//! `cargo bench -p sailroute-bench --bench fanout`

#![allow(missing_docs)] // criterion's macros generate undocumented public items

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::routing::put;
use axum::{Json, Router};
use criterion::{Criterion, criterion_group, criterion_main};
use sailroute::{Server, Socket, Sockets};
use sailroute_client::RawClient;
use serde_json::{Value, json};
use tokio::sync::Notify;

const SUBSCRIBERS: usize = 200;

fn fanout(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let received = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(Notify::new());
    let (sockets, _clients) = runtime.block_on(async {
        let app = Router::new().route(
            "/join",
            put(|socket: Socket| async move {
                socket.join("room").await.ok();
                Json(json!({}))
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let server = Server::builder(app).build().expect("server");
        let sockets: Sockets = server.sockets();
        tokio::spawn(server.serve(listener));
        let mut clients = Vec::new();
        for _ in 0..SUBSCRIBERS {
            let client = RawClient::connect(&url).await.expect("connect");
            client
                .request("PUT", "/join".into())
                .send::<Value, Value>()
                .await
                .expect("join");
            let received = received.clone();
            let done = done.clone();
            client.on("msg", move |_: Value| {
                if received.fetch_add(1, Ordering::SeqCst) + 1 == SUBSCRIBERS {
                    done.notify_one();
                }
            });
            clients.push(client);
        }
        (sockets, clients)
    });
    let payload = json!({ "text": "x".repeat(100) });
    let mut group = c.benchmark_group("fanout");
    group.sample_size(20);
    group.bench_function("broadcast to 200 sockets, until all received", |b| {
        b.iter(|| {
            runtime.block_on(async {
                received.store(0, Ordering::SeqCst);
                let all = done.notified();
                sockets
                    .broadcast("room", "msg", &payload, None)
                    .await
                    .expect("broadcast");
                all.await;
            })
        });
    });
    group.finish();
}

criterion_group!(benches, fanout);
criterion_main!(benches);
