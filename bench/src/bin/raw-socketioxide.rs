//! The baseline: socketioxide acking Sails-shaped requests by hand, and a plain axum handler
//! for HTTP. No router, no `http::Request`, no body parsing beyond what the answer needs, so
//! it measures the transport's own cost on this stack.
//!
//! ```text
//! raw-socketioxide --port 1337 [--workers N]
//! ```
//! Serves what the shared load generator needs: socket `get /hello` (a constant ack),
//! `post /echo` (the data back), `put /subscribe/<room>` (join), `post /broadcast/<room>`
//! (`msg` to the room, omitting the sender), and HTTP `GET /hello`.

use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};
use socketioxide::SocketIo;
use socketioxide::extract::{AckSender, Data, SocketRef};

#[derive(Deserialize)]
struct Request {
    url: String,
    #[serde(default)]
    data: Value,
}

fn ok(body: Value) -> Value {
    json!({ "body": body, "headers": {}, "statusCode": 200 })
}

fn main() -> std::io::Result<()> {
    let mut port = 1337u16;
    let mut workers = 1usize;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut number = |name: &str| {
            args.next()
                .and_then(|p| p.parse::<usize>().ok())
                .ok_or_else(|| std::io::Error::other(format!("{name} needs a number")))
        };
        match arg.as_str() {
            "--port" => port = u16::try_from(number("--port")?).map_err(std::io::Error::other)?,
            "--workers" => workers = number("--workers")?,
            _ => {}
        }
    }
    // The same runtime as the conformance server, so the two are compared like for like.
    let runtime = if workers <= 1 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(workers)
            .enable_all()
            .build()?
    };
    runtime.block_on(serve(port))
}

async fn serve(port: u16) -> std::io::Result<()> {
    let (layer, io) = SocketIo::builder().build_layer();
    io.ns("/", async |socket: SocketRef| {
        socket.on("get", async |ack: AckSender| {
            ack.send(&ok(json!({ "hello": "world" }))).ok();
        });
        socket.on(
            "post",
            async |socket: SocketRef, Data(req): Data<Request>, ack: AckSender| {
                if let Some(room) = req.url.strip_prefix("/broadcast/") {
                    socket.to(room.to_owned()).emit("msg", &req.data).await.ok();
                    ack.send(&ok(json!({ "sent": true }))).ok();
                } else {
                    ack.send(&ok(req.data)).ok();
                }
            },
        );
        socket.on(
            "put",
            async |socket: SocketRef, Data(req): Data<Request>, ack: AckSender| {
                let room = req.url.trim_start_matches("/subscribe/").to_owned();
                socket.join(room.clone());
                ack.send(&ok(json!({ "joined": room }))).ok();
            },
        );
    });
    let app = Router::new()
        .route(
            "/hello",
            get(|| async { Json(json!({ "hello": "world" })) }),
        )
        .layer(layer);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!(
        "raw-socketioxide listening on http://127.0.0.1:{}",
        listener.local_addr()?.port()
    );
    axum::serve(listener, app).await
}
