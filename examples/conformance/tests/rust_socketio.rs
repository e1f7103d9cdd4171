//! The conformance binary driven by rust_socketio (async), over WebSocket and polling.

#![allow(missing_docs, clippy::unwrap_used)]

mod support;

use rust_socketio::TransportType;
use serde_json::json;
use support::{connect, drain, next_event, request, spawn_conformance};

/// What every transport serves the same: requests through the router with their query,
/// headers and socket, an empty answer, a panic's 500 and a malformed request's 400.
async fn serves_requests(client: &rust_socketio::asynchronous::Client) {
    let hello = request(client, "get", "/hello", json!({}), json!({})).await;
    assert_eq!(hello["statusCode"], 200);
    assert_eq!(hello["body"], json!({ "hello": "world" }));

    let echo = request(client, "post", "/echo", json!({ "n": [1, 2] }), json!({})).await;
    assert_eq!(echo["body"], json!({ "n": [1, 2] }));

    let seen = request(
        client,
        "get",
        "/inspect?a=1",
        json!({ "b": true }),
        json!({ "X-Thing": "t" }),
    )
    .await;
    assert_eq!(seen["body"]["isSocket"], true);
    assert_eq!(seen["body"]["query"], json!({ "a": "1", "b": "true" }));
    assert_eq!(seen["body"]["headers"]["x-thing"], "t");
    assert!(seen["body"]["socketId"].is_string());

    let empty = request(client, "get", "/empty", json!({}), json!({})).await;
    assert_eq!(empty["statusCode"], 204);
    assert!(empty.get("body").is_none());

    let panic = request(client, "get", "/panic", json!({}), json!({})).await;
    assert_eq!(panic["statusCode"], 500);

    let malformed = request(client, "get", "", json!([1]), json!({})).await;
    assert_eq!(malformed["statusCode"], 400);
}

#[tokio::test]
async fn requests_over_both_transports() {
    let server = spawn_conformance(&[]);
    for transport in [TransportType::Websocket, TransportType::Polling] {
        let socket = connect(&server.url, transport, &[]).await;
        serves_requests(&socket.client).await;
        socket.client.disconnect().await.ok();
    }
}

#[tokio::test]
async fn a_message_larger_than_the_read_buffer_is_read_whole() {
    // 256 bytes, the smallest read buffer the builder allows; the request is 64 KiB.
    let server = spawn_conformance(&["--ws-read-buffer", "256"]);
    let socket = connect(&server.url, TransportType::Websocket, &[]).await;
    for size in [10, 300, 64 * 1024] {
        let body = json!({ "s": "é".repeat(size / 2) });
        let res = request(&socket.client, "post", "/echo", body.clone(), json!({})).await;
        assert_eq!(res["statusCode"], 200, "{size}");
        assert_eq!(res["body"], body, "{size}");
    }
}

#[tokio::test]
async fn oversized_body_is_413() {
    let server = spawn_conformance(&["--max-body", "2048"]);
    let socket = connect(&server.url, TransportType::Websocket, &[]).await;
    let big = json!({ "s": "x".repeat(4096) });
    let res = request(&socket.client, "post", "/echo", big, json!({})).await;
    assert_eq!(res["statusCode"], 413);
    let ok = request(
        &socket.client,
        "post",
        "/echo",
        json!({ "s": "small" }),
        json!({}),
    )
    .await;
    assert_eq!(ok["statusCode"], 200);
}

#[tokio::test]
async fn subscribe_broadcast_and_omit() {
    let server = spawn_conformance(&[]);
    let mut listener = connect(&server.url, TransportType::Websocket, &["msg"]).await;
    let mut sender = connect(&server.url, TransportType::Websocket, &["msg"]).await;
    for socket in [&listener, &sender] {
        let joined = request(
            &socket.client,
            "put",
            "/subscribe/room",
            json!({}),
            json!({}),
        )
        .await;
        assert_eq!(joined["body"], json!({ "joined": "room" }));
    }
    let sent = request(
        &sender.client,
        "post",
        "/broadcast/room",
        json!({ "hi": "there" }),
        json!({}),
    )
    .await;
    assert_eq!(sent["body"], json!({ "sent": true }));
    assert_eq!(
        next_event(&mut listener).await,
        ("msg".to_owned(), json!({ "hi": "there" }))
    );
    assert!(drain(&mut sender).await.is_empty(), "the sender is omitted");
}

/// The project's own transport (`--transport sailroute`, issue 20) with rust_socketio over
/// WebSocket: requests through the router, a message far larger than one read, bad input
/// answered through the ack, and a push to a room.
#[tokio::test]
async fn requests_and_pushes_on_the_projects_own_transport() {
    let server = spawn_conformance(&["--transport", "sailroute"]);
    let socket = connect(&server.url, TransportType::Websocket, &[]).await;
    serves_requests(&socket.client).await;
    for size in [10, 300, 64 * 1024] {
        let body = json!({ "s": "é".repeat(size / 2) });
        let res = request(&socket.client, "post", "/echo", body.clone(), json!({})).await;
        assert_eq!(res["statusCode"], 200, "{size}");
        assert_eq!(res["body"], body, "{size}");
    }

    let mut listener = connect(&server.url, TransportType::Websocket, &["msg"]).await;
    let joined = request(
        &listener.client,
        "put",
        "/subscribe/rs",
        json!({}),
        json!({}),
    )
    .await;
    assert_eq!(joined["statusCode"], 200);
    let sent = request(
        &socket.client,
        "post",
        "/broadcast/rs",
        json!({ "n": 1 }),
        json!({}),
    )
    .await;
    assert_eq!(sent["body"], json!({ "sent": true }));
    assert_eq!(
        next_event(&mut listener).await,
        ("msg".to_owned(), json!({ "n": 1 }))
    );
    socket.client.disconnect().await.ok();
    listener.client.disconnect().await.ok();
}
