//! Connection policy: the before-connect hook sees the handshake and can refuse it, with
//! engine.io's status codes, before any upgrade.

#![allow(missing_docs, clippy::unwrap_used)]

mod support;

use rust_socketio::TransportType;
use sailroute::{Refusal, Server};
use serde_json::json;
use support::raw_get;

async fn start() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let server = Server::builder(conformance::app())
        .before_connect(|handshake| async move {
            match handshake.query("token").as_deref() {
                Some("let-me-in") if handshake.remote_addr().is_some() => Ok(()),
                Some(_) => Err(Refusal::new("wrong token")),
                None => Err(Refusal::forbidden()),
            }
        })
        .build()
        .unwrap();
    tokio::spawn(server.serve(listener));
    addr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn before_connect_refuses_with_engine_io_statuses() {
    let addr = start().await;

    let polling = raw_get(&addr, "/socket.io/?EIO=4&transport=polling&token=nope", "").await;
    assert!(polling.starts_with("HTTP/1.1 403"), "{polling}");
    assert!(
        polling.ends_with(r#"{"code":4,"message":"wrong token"}"#),
        "{polling}"
    );

    let upgrade = "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    let ws = raw_get(&addr, "/socket.io/?EIO=3&transport=websocket", upgrade).await;
    assert!(ws.starts_with("HTTP/1.1 400"), "{ws}");
    assert!(ws.ends_with("Forbidden"), "{ws}");

    let accepted = raw_get(
        &addr,
        "/socket.io/?EIO=4&transport=polling&token=let-me-in",
        "",
    )
    .await;
    assert!(accepted.starts_with("HTTP/1.1 200"), "{accepted}");

    // Plain HTTP is not a handshake: the hook does not run.
    assert!(
        raw_get(&addr, "/hello", "")
            .await
            .starts_with("HTTP/1.1 200")
    );

    let socket = support::connect(
        &format!("http://{addr}/?token=let-me-in"),
        TransportType::Websocket,
        &[],
    )
    .await;
    let res = support::request(&socket.client, "get", "/hello", json!({}), json!({})).await;
    assert_eq!(res["statusCode"], 200);
}

/// Issue 23, point 1: a request that looks like it names a session (`&sid`, `&%73id=x`, …)
/// but that the transport treats as a handshake must pass the hook too; one that names an
/// empty or unknown session opens nothing. Both transports, both protocol versions.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_sid_lookalike_skips_before_connect() {
    let addr = start().await;
    let upgrade = "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    for eio in [3, 4] {
        for lookalike in [
            "&sid",
            "&%73id=x",
            "&s%69d=AAAAAAAAAAAAAAAA",
            "&sid&token=x",
        ] {
            let polling = raw_get(
                &addr,
                &format!("/socket.io/?EIO={eio}&transport=polling{lookalike}"),
                "",
            )
            .await;
            assert!(
                polling.starts_with("HTTP/1.1 403"),
                "EIO={eio} polling {lookalike}: {polling}"
            );
            let ws = raw_get(
                &addr,
                &format!("/socket.io/?EIO={eio}&transport=websocket{lookalike}"),
                upgrade,
            )
            .await;
            assert!(
                ws.starts_with("HTTP/1.1 400"),
                "EIO={eio} websocket {lookalike}: {ws}"
            );
            assert!(!ws.contains("101 Switching"), "{ws}");
        }
        // A literal but empty or unknown `sid=` is not a handshake, and the transport opens no
        // session for it: a 400, or for a well-formed unknown id over WebSocket an upgrade that
        // is closed without an open packet.
        for sid in ["&sid=", "&sid=AAAAAAAAAAAAAAAA"] {
            for (transport, extra) in [("polling", ""), ("websocket", upgrade)] {
                let response = raw_get(
                    &addr,
                    &format!("/socket.io/?EIO={eio}&transport={transport}{sid}"),
                    extra,
                )
                .await;
                let closed_upgrade = transport == "websocket"
                    && sid != "&sid="
                    && response.starts_with("HTTP/1.1 101");
                assert!(
                    response.starts_with("HTTP/1.1 400") || closed_upgrade,
                    "EIO={eio} {transport} {sid}: {response}"
                );
                assert!(!response.contains("\"sid\""), "{response}");
            }
        }
        // The look-alike is dropped before the transport: with the right token the handshake
        // opens a session as usual.
        let accepted = raw_get(
            &addr,
            &format!("/socket.io/?EIO={eio}&transport=polling&sid&%73id=x&token=let-me-in"),
            "",
        )
        .await;
        assert!(accepted.starts_with("HTTP/1.1 200"), "{accepted}");
        assert!(accepted.contains("\"sid\""), "{accepted}");
    }
}
