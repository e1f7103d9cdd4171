//! sailroute with nothing of an application around it: the socket and HTTP `GET /hello` and
//! `POST /echo` of the raw socketioxide baseline (`raw-socketioxide.rs`), as plain axum
//! handlers served by the runtime, without the conformance app's router-wide middleware. The
//! difference between the two is the runtime's own cost per request (docs/benchmarks.md).
//!
//! ```text
//! sailroute-minimal --port 1337
//! ```
//! On one thread, as the other measured servers.

use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};

async fn hello() -> Json<Value> {
    Json(json!({ "hello": "world" }))
}

async fn echo(Json(body): Json<Value>) -> Json<Value> {
    Json(body)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut port = 1337u16;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--port" {
            port = args.next().ok_or("--port needs a number")?.parse()?;
        }
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let app = Router::new()
            .route("/hello", get(hello))
            .route("/echo", post(echo));
        let server = sailroute::Server::builder(app).build()?;
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
        println!("sailroute-minimal listening on http://127.0.0.1:{port}");
        server.serve(listener).await?;
        Ok(())
    })
}
