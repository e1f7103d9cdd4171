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

/// A raw HTTP/1.1 request from a chosen loopback address; what the server sent before it
/// closed the connection (an upgrade it accepted would keep it open: the test fails then).
async fn raw_from(from: &str, addr: &str, head: &str, extra: &str, body: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind(format!("{from}:0").parse().unwrap()).unwrap();
    let mut stream = socket.connect(addr.parse().unwrap()).await.unwrap();
    let request = format!(
        "{head} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: {}\r\n{extra}\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    let read = stream.read_to_end(&mut response);
    tokio::time::timeout(std::time::Duration::from_secs(10), read)
        .await
        .unwrap_or_else(|_| {
            panic!(
                "{head}: the connection stayed open: {}",
                String::from_utf8_lossy(&response)
            )
        })
        .unwrap();
    String::from_utf8_lossy(&response).into_owned()
}

/// Issue 23, point 2: a socket's id is its Engine.IO session id, and socket ids are handed
/// around; a request naming that session from another client address is refused as an unknown
/// session (polling and the upgrade alike), while its own client goes on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_is_bound_to_the_client_that_opened_it() {
    const CLOSE: &str = "Connection: close\r\n";
    const UPGRADE: &str = "Connection: Upgrade, close\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let server = Server::builder(conformance::app()).build().unwrap();
    tokio::spawn(server.serve(listener));

    let base = "/socket.io/?EIO=4&transport=polling";
    let open = raw_from("127.0.0.1", &addr, &format!("GET {base}"), CLOSE, "").await;
    let sid = open
        .split("\"sid\":\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    let session = format!("{base}&sid={sid}");
    // The victim's socket connects on the default namespace: now its id is out there.
    let connect = raw_from("127.0.0.1", &addr, &format!("POST {session}"), CLOSE, "40").await;
    assert!(connect.starts_with("HTTP/1.1 200"), "{connect}");
    // Polled as a client polls: the CONNECT answer may come after a ping the transport
    // queued when the session opened (socketioxide pings at once), in a later poll.
    let mut polls = Vec::new();
    for _ in 0..5 {
        let poll = raw_from("127.0.0.1", &addr, &format!("GET {session}"), CLOSE, "").await;
        let done = poll.contains("40{\"sid\"");
        polls.push(poll);
        if done {
            break;
        }
    }
    assert!(
        polls.last().is_some_and(|p| p.contains("40{\"sid\"")),
        "no CONNECT answer in {polls:#?}"
    );

    // Another client polls, posts or upgrades with that id: unknown session.
    for head in [format!("GET {session}"), format!("POST {session}")] {
        let stolen = raw_from(
            "127.0.0.2",
            &addr,
            &head,
            CLOSE,
            "42[\"get\",{\"url\":\"/hello\"}]",
        )
        .await;
        assert!(stolen.starts_with("HTTP/1.1 400"), "{head}: {stolen}");
        assert!(stolen.contains("Session ID unknown"), "{stolen}");
    }
    let ws = raw_from(
        "127.0.0.2",
        &addr,
        &format!("GET /socket.io/?EIO=4&transport=websocket&sid={sid}"),
        UPGRADE,
        "",
    )
    .await;
    assert!(ws.starts_with("HTTP/1.1 400"), "{ws}");

    // The victim goes on: its own requests are served.
    let own = raw_from(
        "127.0.0.1",
        &addr,
        &format!("POST {session}"),
        CLOSE,
        "42[\"get\",{\"url\":\"/hello\"}]",
    )
    .await;
    assert!(own.starts_with("HTTP/1.1 200"), "{own}");
}
