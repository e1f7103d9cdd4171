//! The runtime's guards on the HTTP side, through the public service: a panicking handler is a
//! 500, a body over the limit is a 413 whether or not its length is declared, the extractor
//! limit follows `max_body` (above axum's 2 MB default too), and handlers see `Sockets`.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::{Body, Bytes};
use axum::routing::{get, post};
use axum::{Json, Router};
use http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use sailroute::{AppService, Server, Sockets};
use serde_json::{Value, json};
use tower::ServiceExt;

async fn send(service: &AppService, request: Request<Body>) -> (StatusCode, Bytes) {
    let response = service
        .clone()
        .oneshot(request)
        .await
        .unwrap_or_else(|e| match e {});
    let status = response.status();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("the body is readable")
        .to_bytes();
    (status, body)
}

fn post_bytes(path: &str, body: Vec<u8>) -> Request<Body> {
    Request::post(path)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CONTENT_LENGTH, body.len())
        .body(Body::from(body))
        .expect("request")
}

/// A body of `total` bytes in 1 KiB chunks, with no length declared (chunked upload).
fn streamed(path: &str, total: usize) -> Request<Body> {
    let chunks: Vec<Result<Bytes, std::io::Error>> = (0..total.div_ceil(1024))
        .map(|i| Ok(Bytes::from(vec![b'x'; (total - i * 1024).min(1024)])))
        .collect();
    Request::post(path)
        .body(Body::from_stream(futures_util::stream::iter(chunks)))
        .expect("request")
}

async fn panics() -> &'static str {
    panic!("handler panicked on purpose")
}

fn app(calls: Arc<AtomicUsize>) -> Router {
    Router::new()
        .route("/panic", get(panics))
        .route(
            "/bytes",
            post(move |body: Bytes| {
                calls.fetch_add(1, Ordering::SeqCst);
                async move { Json(json!({ "len": body.len() })) }
            }),
        )
        .route(
            "/stream",
            post(|body: Body| async move {
                // A handler that reads the raw body is held to the limit as well.
                match body.collect().await {
                    Ok(all) => (StatusCode::OK, all.to_bytes().len().to_string()),
                    Err(_) => (StatusCode::PAYLOAD_TOO_LARGE, "too large".to_owned()),
                }
            }),
        )
        .route(
            "/json",
            post(|Json(value): Json<Value>| async move {
                Json(json!({ "len": value["s"].as_str().map_or(0, str::len) }))
            }),
        )
        .route(
            "/sockets",
            get(|sockets: Sockets| async move {
                Json(json!({ "sockets": sockets.socket_ids("lobby").await.map(|ids| ids.len()).ok() }))
            }),
        )
}

#[tokio::test]
async fn a_panicking_handler_is_a_500_and_the_service_keeps_serving() {
    let _one_at_a_time = PANICS.lock().await;
    let service = Server::builder(app(Arc::default()))
        .build()
        .unwrap()
        .into_service();
    let (status, body) = send(
        &service,
        Request::get("/panic").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        serde_json::from_slice::<Value>(&body).unwrap(),
        json!({ "error": "internal server error" })
    );
    let (status, _) = send(&service, post_bytes("/bytes", b"ok".to_vec())).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_declared_length_over_the_limit_is_refused_before_the_handler_runs() {
    let calls = Arc::new(AtomicUsize::new(0));
    let service = Server::builder(app(calls.clone()))
        .max_body(1000)
        .build()
        .unwrap()
        .into_service();
    let (status, body) = send(&service, post_bytes("/bytes", vec![b'x'; 1001])).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert!(
        body["error"].as_str().unwrap().contains("1000 bytes"),
        "{body}"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 0);

    let (status, body) = send(&service, post_bytes("/bytes", vec![b'x'; 1000])).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        serde_json::from_slice::<Value>(&body).unwrap(),
        json!({ "len": 1000 })
    );
}

#[tokio::test]
async fn an_undeclared_length_is_counted_as_it_streams() {
    let service = Server::builder(app(Arc::default()))
        .max_body(4000)
        .build()
        .unwrap()
        .into_service();
    assert_eq!(
        send(&service, streamed("/bytes", 5000)).await.0,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    let (status, body) = send(&service, streamed("/bytes", 3000)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        serde_json::from_slice::<Value>(&body).unwrap(),
        json!({ "len": 3000 })
    );

    let (status, body) = send(&service, streamed("/stream", 5000)).await;
    assert_eq!(
        (status, &body[..]),
        (StatusCode::PAYLOAD_TOO_LARGE, &b"too large"[..])
    );
    let (status, body) = send(&service, streamed("/stream", 4000)).await;
    assert_eq!((status, &body[..]), (StatusCode::OK, &b"4000"[..]));
}

#[tokio::test]
async fn extractors_follow_max_body_above_axums_default() {
    // axum's extractors refuse more than 2 MB unless told otherwise.
    let big = json!({ "s": "y".repeat(3 * 1024 * 1024) })
        .to_string()
        .into_bytes();
    let service = Server::builder(app(Arc::default()))
        .max_body(4 * 1024 * 1024)
        .build()
        .unwrap()
        .into_service();
    let (status, body) = send(&service, post_bytes("/json", big.clone())).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    assert_eq!(
        serde_json::from_slice::<Value>(&body).unwrap(),
        json!({ "len": 3 * 1024 * 1024 })
    );

    let default = Server::builder(app(Arc::default()))
        .build()
        .unwrap()
        .into_service();
    assert_eq!(
        send(&default, post_bytes("/json", big)).await.0,
        StatusCode::PAYLOAD_TOO_LARGE
    );
}

#[tokio::test]
async fn handlers_reach_the_sockets_handle_over_http() {
    let service = Server::builder(app(Arc::default()))
        .build()
        .unwrap()
        .into_service();
    let (status, body) = send(
        &service,
        Request::get("/sockets").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        serde_json::from_slice::<Value>(&body).unwrap(),
        json!({ "sockets": 0 })
    );
}

/// Held by the tests that make the guard log a panic. tracing caches, per call site and for
/// the whole process, whether anyone listens: a test on another thread reaching the call site
/// with no subscriber while this one's is being set up can leave it cached as "never", and the
/// panic is then not logged to the capturing subscriber (seen as a flake once the workspace's
/// features changed the timing). One at a time, each test's subscriber is there when it hits it.
static PANICS: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[test]
fn a_panic_is_logged_with_its_message() {
    let _one_at_a_time = PANICS.blocking_lock();
    let service = Server::builder(app(Arc::default()))
        .build()
        .unwrap()
        .into_service();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let ((status, _), log) = support::with_logs(|| {
        runtime.block_on(send(
            &service,
            Request::get("/panic").body(Body::empty()).unwrap(),
        ))
    });
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        log.contains("ERROR") && log.contains("handler panicked on purpose"),
        "{log}"
    );
}
