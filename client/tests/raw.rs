//! RawClient against an in-process sailroute server: timeouts, cancellation, error kinds,
//! connection state, pushed events — over both transports where they apply.

#![allow(missing_docs, clippy::unwrap_used)]

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::Query;
use axum::routing::{get, post};
use axum::{Json, Router};
use sailroute::{Server, Socket};
use sailroute_client::{
    ClientError, ConnectError, ConnectionState, RawClient, ResubscribeError, TransportError,
    path_rest, path_segment,
};
use serde_json::{Value, json};
use socketioxide::extract::SocketRef;
use support::connected_with;

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
            "/subscribe-once",
            post(|| async {
                // Succeeds the first time only: a replay after a reconnect is refused.
                static CALLS: AtomicUsize = AtomicUsize::new(0);
                if CALLS.fetch_add(1, Ordering::SeqCst) == 0 {
                    (axum::http::StatusCode::OK, Json(json!({})))
                } else {
                    (
                        axum::http::StatusCode::FORBIDDEN,
                        Json(json!({ "error": "no" })),
                    )
                }
            }),
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
    [
        RawClient::connect(url).await.unwrap(),
        RawClient::http(url).unwrap(),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeouts_and_error_kinds() {
    let url = start(Arc::default()).await;
    for client in clients(&url).await {
        let client = client.with_timeout(Duration::from_millis(200));
        let slow: Result<Value, ClientError<Value>> = client
            .request("GET", "/slow".into())
            .query(&json!({ "ms": 5000 }))
            .send()
            .await;
        assert!(matches!(slow, Err(ClientError::Timeout(_))), "{slow:?}");

        let ok: Value = client
            .request("GET", "/slow".into())
            .query(&json!({ "ms": 1 }))
            .send::<Value, Value>()
            .await
            .unwrap();
        assert_eq!(ok, json!({ "slept": 1 }));

        // A body that is not the declared type is a decode error, not a panic.
        let decode: Result<Vec<u8>, ClientError<Value>> =
            client.request("GET", "/text".into()).send().await;
        assert!(
            matches!(decode, Err(ClientError::Decode { status: Some(200), method: "GET", ref path, .. }) if path == "/text"),
            "{decode:?}"
        );

        // An error status with a body that is not the error type keeps the raw body.
        let status: Result<Value, ClientError<Vec<u8>>> =
            client.request("GET", "/missing-json".into()).send().await;
        let error = status.unwrap_err();
        assert_eq!(error.to_string(), "GET /missing-json answered 400");
        match error {
            ClientError::Status {
                method: "GET",
                path,
                status: 400,
                body: None,
                raw,
            } => {
                assert_eq!(path, "/missing-json");
                assert_eq!(raw, json!("not json"));
            }
            other => panic!("{other:?}"),
        }
        let missing: Result<Value, ClientError<Value>> =
            client.request("GET", "/nope".into()).send().await;
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
        let call = client
            .request("GET", "/slow".into())
            .query(&query)
            .send::<Value, Value>();
        // Poll it until the server has the request, then drop it.
        tokio::select! {
            _ = call => panic!("the slow call cannot finish first"),
            () = async { while started.load(Ordering::SeqCst) == 0 { tokio::task::yield_now().await } } => {}
        }
    }
    let next: Value = client
        .request("GET", "/slow".into())
        .query(&json!({ "ms": 2 }))
        .send::<Value, Value>()
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
        .request("POST", "/push".into())
        .body(&json!({ "n": 1 }))
        .send::<Value, Value>()
        .await
        .unwrap();
    assert_eq!(rx.recv().await.unwrap(), json!({ "n": 1 }));

    client.disconnect().await;
    state
        .wait_for(|s| *s == ConnectionState::Closed)
        .await
        .unwrap();
    let after: Result<Value, ClientError<Value>> =
        client.request("GET", "/text".into()).send().await;
    // A closed client is told apart from a lost connection (issue 22).
    assert!(
        matches!(after, Err(ClientError::Transport(TransportError::Closed))),
        "{after:?}"
    );
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

#[tokio::test]
async fn an_http_client_needs_an_http_url() {
    for url in ["not a url", "ftp://127.0.0.1:1"] {
        assert!(
            matches!(RawClient::http(url), Err(ConnectError::InvalidUrl { .. })),
            "{url}"
        );
    }
}

#[test]
fn path_parameters_that_cannot_be_written_are_errors_not_empty_segments() {
    assert_eq!(path_segment("a b/c").unwrap(), "a%20b%2Fc");
    assert_eq!(path_segment(&42).unwrap(), "42");
    assert_eq!(path_segment(&true).unwrap(), "true");
    assert_eq!(path_rest("a b/c").unwrap(), "a%20b/c");
    for (value, what) in [
        (json!(null), "null"),
        (json!(""), "empty"),
        (json!({ "a": 1 }), "object"),
        (json!([1]), "sequence"),
    ] {
        assert!(path_segment(&value).is_err(), "{what}");
    }
    assert!(path_segment(&None::<u32>).is_err());
    let error: ClientError<Value> = path_segment(&None::<u32>).unwrap_err().into();
    assert!(matches!(error, ClientError::Encode(_)), "{error:?}");
}

/// A socketioxide server that acks every `get` with `ack` as it is (not a sailroute server:
/// what a broken or foreign server may send).
async fn acking(ack: Value) -> String {
    use socketioxide::SocketIo;
    use socketioxide::extract::AckSender;
    let (layer, io) = SocketIo::new_layer();
    io.ns(
        "/",
        connected_with(move |socket| {
            let ack = ack.clone();
            socket.on("get", async move |ack_sender: AckSender| {
                ack_sender.send(&ack).ok();
            });
        }),
    );
    let app = Router::new().layer(layer);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ack_without_a_status_is_a_decode_error_not_a_success() {
    for ack in [
        json!({ "body": { "ok": true } }),
        json!({ "body": 1, "statusCode": "200" }),
        json!(null),
    ] {
        let url = acking(ack.clone()).await;
        let client = RawClient::connect(&url).await.unwrap();
        let result: Result<Value, ClientError<Value>> =
            client.request("GET", "/x".into()).send().await;
        match result {
            Err(ClientError::Decode {
                status: None,
                method: "GET",
                path,
                raw,
                ..
            }) => {
                assert_eq!(path, "/x");
                assert_eq!(raw, ack);
            }
            other => panic!("{ack}: {other:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_resubscription_after_a_reconnect_reaches_the_app() {
    let url = start(Arc::default()).await;
    let client = RawClient::connect(&url).await.unwrap();
    let failures: Arc<Mutex<Vec<ResubscribeError>>> = Arc::default();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let seen = failures.clone();
    client.on_resubscribe_error(move |error| {
        seen.lock().unwrap().push(error);
        tx.send(()).ok();
    });
    client
        .request("POST", "/subscribe-once".into())
        .subscribing()
        .send_empty::<Value>()
        .await
        .unwrap();
    client.simulate_connection_loss().await;
    rx.recv().await.unwrap();
    let failures = failures.lock().unwrap().clone();
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].method, "post");
    assert_eq!(failures[0].url, "/subscribe-once");
    assert!(failures[0].reason.contains("403"), "{}", failures[0].reason);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_disconnect_fails_calls_in_flight_and_the_client_reconnects() {
    use socketioxide::SocketIo;

    let (layer, io) = SocketIo::new_layer();
    io.ns(
        "/",
        connected_with(|socket| {
            // Every `get` makes the server close the socket (a Socket.IO DISCONNECT packet).
            socket.on("get", async |socket: SocketRef| {
                socket.disconnect().ok();
            });
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, Router::new().layer(layer)).await });

    let client = RawClient::connect(&url).await.unwrap();
    let first_id = client.socket_id().unwrap();
    let mut state = client.state().unwrap();
    let call: Result<Value, ClientError<Value>> = client.request("GET", "/x".into()).send().await;
    assert!(
        matches!(call, Err(ClientError::Transport(TransportError::Lost))),
        "{call:?}"
    );
    state
        .wait_for(|s| *s == ConnectionState::Connected)
        .await
        .unwrap();
    // Connected again, as a new socket.
    let mut id = client.socket_id();
    while id.as_deref() == Some(first_id.as_str()) {
        state.changed().await.unwrap();
        id = client.socket_id();
    }
    assert!(id.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_websocket_falls_back_to_long_polling() {
    use socketioxide::extract::AckSender;
    use socketioxide::{SocketIo, TransportType};
    // A server that allows long-polling only, as behind a proxy that refuses upgrades.
    let (layer, io) = SocketIo::builder()
        .transports([TransportType::Polling])
        .build_layer();
    io.ns(
        "/",
        connected_with(|socket| {
            socket.on("get", async |ack: AckSender| {
                ack.send(&json!({ "statusCode": 200, "body": { "via": "polling" } }))
                    .ok();
            });
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, Router::new().layer(layer)).await });

    let client = RawClient::connect(&url).await.unwrap();
    let answer: Value = client
        .request("GET", "/x".into())
        .send::<Value, Value>()
        .await
        .unwrap();
    assert_eq!(answer, json!({ "via": "polling" }));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn header_providers_run_for_every_call_and_every_reconnect() {
    use sailroute_client::ConnectOptions;
    let app = Router::new()
        .route(
            "/token",
            get(|headers: axum::http::HeaderMap| async move {
                Json(json!(
                    headers.get("authorization").and_then(|v| v.to_str().ok())
                ))
            }),
        )
        .route(
            "/handshake-token",
            get(|socket: Socket| async move {
                let handshake = socket.handshake().unwrap();
                Json(json!(handshake.header("authorization")))
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(Server::builder(app).build().unwrap().serve(listener));

    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let rotating = move || {
        let n = counter.fetch_add(1, Ordering::SeqCst);
        vec![("authorization".to_owned(), format!("Bearer {n}"))]
    };
    let http = RawClient::http(&url)
        .unwrap()
        .with_header_provider(rotating.clone());
    for expected in ["Bearer 0", "Bearer 1"] {
        let token: Value = http
            .request("GET", "/token".into())
            .send::<Value, Value>()
            .await
            .unwrap();
        assert_eq!(token, json!(expected));
    }

    let connects = Arc::new(AtomicUsize::new(0));
    let connect_counter = connects.clone();
    let options = ConnectOptions::default().handshake_header_provider(move || {
        let n = connect_counter.fetch_add(1, Ordering::SeqCst);
        vec![("authorization".to_owned(), format!("Handshake {n}"))]
    });
    let socket = RawClient::connect_with(&url, options).await.unwrap();
    let first: Value = socket
        .request("GET", "/handshake-token".into())
        .send::<Value, Value>()
        .await
        .unwrap();
    assert_eq!(first, json!("Handshake 0"));
    let mut state = socket.state().unwrap();
    let first_id = socket.socket_id().unwrap();
    socket.simulate_connection_loss().await;
    // Connected again as a new socket (the id changes with the connection).
    while !(*state.borrow_and_update() == ConnectionState::Connected
        && socket.socket_id().is_some_and(|id| id != first_id))
    {
        state.changed().await.unwrap();
    }
    let second: Value = socket
        .request("GET", "/handshake-token".into())
        .send::<Value, Value>()
        .await
        .unwrap();
    assert_eq!(
        second,
        json!("Handshake 1"),
        "the reconnect asked the provider again"
    );
}

/// Without the `rustls` feature (`cargo test -p sailroute-client` alone; the workspace turns
/// the feature on, and `src/tls.rs` tests the decision itself in every build),
/// an https:// server is refused with what to enable, never tried in the clear.
#[cfg(not(feature = "rustls"))]
#[tokio::test]
async fn https_without_the_rustls_feature_says_what_to_enable() {
    use sailroute_client::ConnectError;
    let error = RawClient::connect("https://127.0.0.1:1").await.unwrap_err();
    assert!(
        matches!(error, ConnectError::TlsUnavailable { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("`rustls` feature"), "{error}");
    let error = RawClient::http("https://127.0.0.1:1").unwrap_err();
    assert!(
        matches!(error, ConnectError::TlsUnavailable { .. }),
        "{error}"
    );
    let error = RawClient::connect_with(
        "http://127.0.0.1:1",
        sailroute_client::ConnectOptions::default().root_certificate(vec![1, 2, 3]),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(error, ConnectError::InvalidCertificate(_)),
        "{error}"
    );
}

/// Issue 22: a subscribing call is re-issued after a reconnect with the headers of *then*
/// (the provider asked again), once per route, not once per token it was ever called with.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resubscription_asks_the_header_provider_again_and_runs_once() {
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let record = seen.clone();
    let app = Router::new().route(
        "/subscribe",
        post(move |headers: axum::http::HeaderMap| {
            let token = headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            record.lock().unwrap().push(token);
            tx.send(()).ok();
            async { Json(json!({})) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(Server::builder(app).build().unwrap().serve(listener));

    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let client = RawClient::connect(&url)
        .await
        .unwrap()
        .with_header_provider(move || {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            vec![("authorization".to_owned(), format!("Bearer {n}"))]
        });
    // The same subscription twice, the token rotating in between.
    for _ in 0..2 {
        client
            .request("POST", "/subscribe".into())
            .subscribing()
            .send_empty::<Value>()
            .await
            .unwrap();
    }
    client.simulate_connection_loss().await;
    for _ in 0..3 {
        rx.recv().await.unwrap();
    }
    // Re-issued with a token asked for now, where main replayed "Bearer 0" and "Bearer 1".
    let seen_now = seen.lock().unwrap().clone();
    assert_eq!(seen_now[..3], ["Bearer 0", "Bearer 1", "Bearer 2"]);
    // A second reconnect re-issues it once again, with the next token: one subscription.
    client.simulate_connection_loss().await;
    rx.recv().await.unwrap();
    assert_eq!(seen.lock().unwrap()[3], "Bearer 3");
    assert_eq!(calls.load(Ordering::SeqCst), 4);
}

/// Issue 22: a server with its own Socket.IO path has a Rust client: `ConnectOptions` takes
/// the path, joined to the URL's own path as HTTP calls are (main always used `/socket.io/`
/// and dropped the URL's path).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_socket_path_is_an_option_joined_to_the_urls_path() {
    use sailroute_client::ConnectOptions;
    for (server_path, client_url_path, option) in [
        ("/realtime", "", Some("/realtime")),
        ("/app/socket.io", "/app", None),
        ("/app/live", "/app/", Some("live/")),
    ] {
        let app = Router::new().route("/hello", get(|| async { Json(json!("hi")) }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}{client_url_path}", listener.local_addr().unwrap());
        let server = Server::builder(app)
            .socket_path(server_path)
            .build()
            .unwrap();
        tokio::spawn(server.serve(listener));
        let mut options = ConnectOptions::default().connect_timeout(Duration::from_secs(5));
        if let Some(path) = option {
            options = options.socket_path(path);
        }
        let client = RawClient::connect_with(&url, options)
            .await
            .unwrap_or_else(|e| panic!("{server_path} from {url}: {e}"));
        let answer: Value = client
            .request("GET", "/hello".into())
            .send::<Value, Value>()
            .await
            .unwrap();
        assert_eq!(answer, json!("hi"));
    }
}

/// A method no virtual request can carry is refused before anything is sent, on both
/// transports (it was sent as GET over HTTP, and as an event the server ignores over a socket).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_method_is_an_encode_error() {
    let url = start(Arc::default()).await;
    for client in clients(&url).await {
        let result: Result<Value, ClientError<Value>> =
            client.request("FETCH", "/text".into()).send().await;
        match result {
            Err(ClientError::Encode(message)) => {
                assert!(message.contains("\"FETCH\" is not a method"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        // Any letter case of a known method is that method.
        let text: String = client
            .request("get", "/text".into())
            .send::<String, Value>()
            .await
            .unwrap();
        assert_eq!(text, "plain");
    }
}
