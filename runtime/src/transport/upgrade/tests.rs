//! The handshake's checks on requests alone, and a real upgrade through `axum::serve` that
//! ends in the connection's `TcpStream` with the bytes the client sent right behind its request.

use std::time::Duration;

use axum::Router;
use axum::routing::any;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::*;

const KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";

fn handshake() -> http::request::Builder {
    Request::get("/ws")
        .header(header::UPGRADE, "WebSocket")
        .header(header::CONNECTION, "keep-alive, Upgrade")
        .header(header::SEC_WEBSOCKET_VERSION, "13")
        .header(header::SEC_WEBSOCKET_KEY, KEY)
}

#[test]
fn broken_handshakes_are_refused_with_the_reason() {
    let refused = |request: Request<()>| accept(&mut { request }).map(|_| ()).unwrap_err();
    assert_eq!(
        refused(handshake().method(Method::POST).body(()).unwrap()),
        HandshakeError::Method(Method::POST)
    );
    let mut request = handshake().body(()).unwrap();
    request.headers_mut().remove(header::UPGRADE);
    assert_eq!(refused(request), HandshakeError::NotUpgrade);
    let mut request = handshake().body(()).unwrap();
    request
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("keep-alive"));
    assert_eq!(refused(request), HandshakeError::NotUpgrade);
    let mut request = handshake().body(()).unwrap();
    request
        .headers_mut()
        .insert(header::SEC_WEBSOCKET_VERSION, HeaderValue::from_static("8"));
    let error = refused(request);
    assert_eq!(error, HandshakeError::Version("8".to_owned()));
    let response = error.into_response();
    assert_eq!(response.status(), StatusCode::UPGRADE_REQUIRED);
    assert_eq!(response.headers()[header::SEC_WEBSOCKET_VERSION], "13");
    for key in [
        "",
        "c2hvcnQ=",
        "not base64 at all!!!!!!!",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ] {
        let mut request = handshake().body(()).unwrap();
        request
            .headers_mut()
            .insert(header::SEC_WEBSOCKET_KEY, HeaderValue::from_static(key));
        assert_eq!(refused(request), HandshakeError::Key, "{key:?}");
        assert_eq!(
            HandshakeError::Key.into_response().status(),
            StatusCode::BAD_REQUEST
        );
    }
    // Right in every header, but not from hyper: nothing to upgrade.
    assert_eq!(
        refused(handshake().body(()).unwrap()),
        HandshakeError::NoUpgrade
    );
}

#[tokio::test]
async fn an_upgrade_through_axum_serve_ends_in_the_tcp_stream() {
    let (got_tx, mut got_rx) = tokio::sync::mpsc::unbounded_channel::<Vec<u8>>();
    let app = Router::new().route(
        "/ws",
        any(move |mut request: axum::extract::Request| {
            let got = got_tx.clone();
            async move {
                let (response, on_upgrade) = match accept(&mut request) {
                    Ok(accepted) => accepted,
                    Err(e) => return e.into_response(),
                };
                tokio::spawn(async move {
                    let (mut stream, early) = stream(on_upgrade).await.expect("a TCP stream");
                    // The client's frame: part or all of it may have been read by hyper.
                    let mut seen = early.to_vec();
                    while seen.len() < FRAME.len() {
                        let mut buf = [0u8; 64];
                        let n = stream.read(&mut buf).await.expect("read");
                        assert!(n > 0, "the client's frame did not arrive");
                        seen.extend_from_slice(&buf[..n]);
                    }
                    got.send(seen).expect("the test waits");
                    stream
                        .write_all(&crate::transport::ws::text("hi"))
                        .await
                        .expect("write");
                });
                response
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, app).await });

    // A masked text frame "4x", written in the same packet as the request.
    const FRAME: &[u8] = &[0x81, 0x82, 1, 2, 3, 4, b'4' ^ 1, b'x' ^ 2];
    let mut client = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let mut wire = format!(
        "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {KEY}\r\n\r\n"
    )
    .into_bytes();
    wire.extend_from_slice(FRAME);
    client.write_all(&wire).await.unwrap();
    let seen = tokio::time::timeout(Duration::from_secs(10), got_rx.recv())
        .await
        .expect("the upgrade completes")
        .expect("a stream");
    assert_eq!(seen, FRAME);
    let mut answer = Vec::new();
    let expected_tail = crate::transport::ws::text("hi");
    while !answer.ends_with(&expected_tail) {
        let mut buf = [0u8; 512];
        let n = tokio::time::timeout(Duration::from_secs(10), client.read(&mut buf))
            .await
            .expect("the server answers")
            .unwrap();
        assert!(n > 0, "closed early: {}", String::from_utf8_lossy(&answer));
        answer.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&answer);
    assert!(
        text.starts_with("HTTP/1.1 101 Switching Protocols\r\n"),
        "{text}"
    );
    // RFC 6455's own example key and answer.
    assert!(
        text.to_ascii_lowercase()
            .contains("sec-websocket-accept: s3pplmbitxaq9kygzzhzrbk+xoo=\r\n"),
        "{text}"
    );
}

#[test]
fn early_bytes_do_not_keep_hyper_s_buffer() {
    let buffer = Bytes::from(vec![7u8; 8192]);
    let range = buffer.as_ptr_range();
    let inside = |b: &Bytes| range.contains(&b.as_ptr());
    // An empty slice of the buffer would hold all 8 KiB; what `stream` hands on holds none.
    let empty = detach(buffer.slice(100..100));
    assert!(empty.is_empty() && !inside(&empty));
    let some = detach(buffer.slice(10..20));
    assert_eq!(&some[..], &[7u8; 10]);
    assert!(!inside(&some));
}
