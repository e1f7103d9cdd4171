//! RawClient against an in-process sailroute server: timeouts, cancellation, error kinds,
//! connection state, pushed events — over both transports where they apply.

#![allow(missing_docs, clippy::unwrap_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::extract::Query;
use axum::routing::{get, post};
use axum::{Json, Router};
use sailroute::{Server, Socket};
use sailroute_client::{ClientError, ConnectError, ConnectionState, RawClient};
use serde_json::{Value, json};

#[derive(serde::Deserialize)]
struct Ms {
    ms: u64,
}

async fn start(started: Arc<AtomicUsize>) -> String {
    let app = Router::new()
        .route(
            "/slow",
            get(move |Query(Ms { ms }): Query<Ms>| {
                started.fetch_add(1, Ordering::SeqCst);
                async move {
                    tokio::time::sleep(Duration::from_millis(ms)).await;
                    Json(json!({ "slept": ms }))
                }
            }),
        )
        .route("/text", get(|| async { "plain" }))
        .route(
            "/missing-json",
            get(|| async { (axum::http::StatusCode::BAD_REQUEST, "not json") }),
        )
        .route(
            "/push",
            post(|socket: Socket, Json(body): Json<Value>| async move {
                socket.emit("pushed", &body).await.unwrap();
                Json(json!({}))
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(Server::builder(app).build().unwrap().serve(listener));
    url
}

async fn clients(url: &str) -> [RawClient; 2] {
    [RawClient::connect(url).await.unwrap(), RawClient::http(url)]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeouts_and_error_kinds() {
    let url = start(Arc::default()).await;
    for client in clients(&url).await {
        let client = client.with_timeout(Duration::from_millis(200));
        let slow: Result<Value, ClientError<Value>> = client
            .call(
                "GET",
                "/slow".into(),
                Some(&json!({ "ms": 5000 })),
                None::<&()>,
            )
            .await;
        assert!(matches!(slow, Err(ClientError::Timeout(_))), "{slow:?}");

        let ok: Value = client
            .call::<_, Value, _, ()>("GET", "/slow".into(), Some(&json!({ "ms": 1 })), None)
            .await
            .unwrap();
        assert_eq!(ok, json!({ "slept": 1 }));

        // A body that is not the declared type is a decode error, not a panic.
        let decode: Result<Vec<u8>, ClientError<Value>> = client
            .call("GET", "/text".into(), None::<&()>, None::<&()>)
            .await;
        assert!(
            matches!(decode, Err(ClientError::Decode { status: 200, .. })),
            "{decode:?}"
        );

        // An error status with a body that is not the error type keeps the raw body.
        let status: Result<Value, ClientError<Vec<u8>>> = client
            .call("GET", "/missing-json".into(), None::<&()>, None::<&()>)
            .await;
        match status {
            Err(ClientError::Status {
                status: 400,
                body: None,
                raw,
            }) => assert_eq!(raw, json!("not json")),
            other => panic!("{other:?}"),
        }
        let missing: Result<Value, ClientError<Value>> = client
            .call("GET", "/nope".into(), None::<&()>, None::<&()>)
            .await;
        assert_eq!(missing.unwrap_err().status(), Some(404));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_call_is_cancelled_and_the_connection_keeps_working() {
    let started = Arc::new(AtomicUsize::new(0));
    let url = start(started.clone()).await;
    let client = RawClient::connect(&url).await.unwrap();
    {
        let query = json!({ "ms": 3000 });
        let call = client.call::<Value, Value, _, ()>("GET", "/slow".into(), Some(&query), None);
        // Poll it until the server has the request, then drop it.
        tokio::select! {
            _ = call => panic!("the slow call cannot finish first"),
            () = async { while started.load(Ordering::SeqCst) == 0 { tokio::task::yield_now().await } } => {}
        }
    }
    let next: Value = client
        .call::<_, Value, _, ()>("GET", "/slow".into(), Some(&json!({ "ms": 2 })), None)
        .await
        .unwrap();
    assert_eq!(next, json!({ "slept": 2 }));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_state_and_disconnect() {
    let url = start(Arc::default()).await;
    let client = RawClient::connect(&url).await.unwrap();
    assert!(client.socket_id().is_some());
    let mut state = client.state().unwrap();
    assert_eq!(*state.borrow(), ConnectionState::Connected);

    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    client.on("pushed", move |value: Value| {
        tx.send(value).ok();
    });
    client
        .call::<Value, Value, (), _>("POST", "/push".into(), None, Some(&json!({ "n": 1 })))
        .await
        .unwrap();
    assert_eq!(rx.recv().await.unwrap(), json!({ "n": 1 }));

    client.disconnect().await;
    state
        .wait_for(|s| *s == ConnectionState::Closed)
        .await
        .unwrap();
    let after: Result<Value, ClientError<Value>> = client
        .call("GET", "/text".into(), None::<&()>, None::<&()>)
        .await;
    assert!(matches!(after, Err(ClientError::Transport(_))), "{after:?}");
}

#[tokio::test]
async fn connect_errors_are_typed() {
    assert!(matches!(
        RawClient::connect("not a url").await,
        Err(ConnectError::InvalidUrl { .. })
    ));
    // Nothing listens on port 9 of loopback.
    assert!(matches!(
        RawClient::connect("http://127.0.0.1:9").await,
        Err(ConnectError::Engine { .. })
    ));
}
