//! The handshake's checks on requests alone, and real upgrades with the bytes the client sent
//! right behind its request: through `axum::serve`, ending in the connection's `TcpStream`, and
//! on another I/O type (as TLS is), ending in a bridge.

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

/// How the test's server is served: by `axum::serve`, or by hyper-util on an I/O type that
/// is not a `TcpStream` (as a TLS stream is not).
#[derive(Clone, Copy, PartialEq, Debug)]
enum Serve {
    Axum,
    OtherIo,
}

/// A `TcpStream` behind a type of its own: what hyper upgrades cannot be downcast to the stream.
struct OtherIo(tokio::net::TcpStream);

impl tokio::io::AsyncRead for OtherIo {
    fn poll_read(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.get_mut().0).poll_read(cx, buf)
    }
}

impl tokio::io::AsyncWrite for OtherIo {
    fn poll_write(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::pin::Pin::new(&mut self.get_mut().0).poll_write(cx, buf)
    }

    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.get_mut().0).poll_flush(cx)
    }

    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.get_mut().0).poll_shutdown(cx)
    }
}

/// Serves `app` on `listener` as `how` says.
fn serve(how: Serve, listener: tokio::net::TcpListener, app: Router) {
    match how {
        Serve::Axum => {
            tokio::spawn(async move { axum::serve(listener, app).await });
        }
        Serve::OtherIo => {
            tokio::spawn(async move {
                loop {
                    let Ok((stream, _)) = listener.accept().await else {
                        return;
                    };
                    let app = app.clone();
                    tokio::spawn(async move {
                        let service = hyper::service::service_fn(
                            move |request: Request<hyper::body::Incoming>| {
                                tower::ServiceExt::oneshot(app.clone(), request.map(Body::new))
                            },
                        );
                        hyper_util::server::conn::auto::Builder::new(
                            hyper_util::rt::TokioExecutor::new(),
                        )
                        .serve_connection_with_upgrades(TokioIo::new(OtherIo(stream)), service)
                        .await
                        .ok();
                    });
                }
            });
        }
    }
}

#[tokio::test]
async fn an_upgrade_through_axum_serve_ends_in_the_tcp_stream() {
    upgrade_carries_frames(Serve::Axum).await;
}

#[cfg(unix)]
#[tokio::test]
async fn an_upgrade_on_another_io_type_is_bridged() {
    upgrade_carries_frames(Serve::OtherIo).await;
}

/// A real upgrade served as `how` says: the client's first frame (sent with its request) and
/// the server's answer cross it, and the stream is the connection's own `TcpStream` only under
/// `axum::serve`.
async fn upgrade_carries_frames(how: Serve) {
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
                    let (stream, early) = stream(on_upgrade).await.expect("a stream");
                    assert_eq!(stream.is_tcp(), how == Serve::Axum, "{how:?}");
                    // The client's frame: part or all of it may have been read by hyper.
                    let mut seen = early.to_vec();
                    while seen.len() < FRAME.len() {
                        let chunk = stream.read_some().await;
                        assert!(!chunk.is_empty(), "the client's frame did not arrive");
                        seen.extend_from_slice(&chunk);
                    }
                    got.send(seen).expect("the test waits");
                    let hi = crate::transport::ws::text("hi");
                    assert_eq!(stream.try_write(&hi).expect("write"), hi.len());
                    // Held while the client reads: the test is over before the sleep is.
                    tokio::time::sleep(Duration::from_secs(5)).await;
                });
                response
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    serve(how, listener, app);

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
