//! TLS through rustls (the `rustls` feature): a sailroute server behind a real TLS endpoint
//! (tokio-rustls + hyper, with a test CA, TLS ended in the server's process), reached over
//! `wss://` WebSocket, over `https://`
//! long-polling, and over plain HTTPS calls; an untrusted certificate is refused.
#![cfg(feature = "rustls")]
#![allow(missing_docs, clippy::unwrap_used)]

mod support;

use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use axum::routing::get;
use axum::{Json, Router};
use hyper_util::rt::{TokioExecutor, TokioIo};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use sailroute_client::{ConnectError, ConnectOptions, RawClient};
use serde_json::{Value, json};
use tower::ServiceExt;

const CA: &str = include_str!("tls/ca.pem");
const CERT: &str = include_str!("tls/server.pem");
const KEY: &str = include_str!("tls/server.key");

/// Serves `service` over TLS on a free port; returns `https://127.0.0.1:port`.
async fn serve_tls<S>(service: S) -> String
where
    S: tower::Service<
            axum::extract::Request,
            Response = axum::response::Response,
            Error = Infallible,
        > + Clone
        + Send
        + 'static,
    S::Future: Send,
{
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(CERT.as_bytes())
        .collect::<Result<_, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_slice(KEY.as_bytes()).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            let service = service.clone();
            tokio::spawn(async move {
                // A client that refuses the certificate ends here; that is a test case.
                let Ok(tls) = acceptor.accept(stream).await else {
                    return;
                };
                let service =
                    service.map_request(|request: hyper::Request<hyper::body::Incoming>| {
                        request.map(axum::body::Body::new)
                    });
                hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                    .serve_connection_with_upgrades(
                        TokioIo::new(tls),
                        hyper_util::service::TowerToHyperService::new(service),
                    )
                    .await
                    .ok();
            });
        }
    });
    url
}

fn trusted() -> ConnectOptions {
    ConnectOptions::default().root_certificate_pem(CA).unwrap()
}

/// A sailroute server (its default transport) behind the TLS endpoint: its URL, and the URIs
/// of the requests it got.
async fn sailroute_over_tls() -> (String, Arc<Mutex<Vec<String>>>) {
    let app = Router::new().route("/hello", get(|| async { Json(json!({ "hello": "tls" })) }));
    let server = sailroute::Server::builder(app).build().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let service = server
        .into_service()
        .map_request(move |request: axum::extract::Request| {
            record.lock().unwrap().push(request.uri().to_string());
            request
        });
    (serve_tls(service).await, seen)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_socket_over_wss_and_calls_over_https() {
    let (url, seen) = sailroute_over_tls().await;
    let socket = RawClient::connect_with(&url, trusted()).await.unwrap();
    assert!(socket.is_socket());
    assert!(socket.socket_id().is_some());
    let answer: Value = socket
        .request("GET", "/hello".into())
        .send::<Value, Value>()
        .await
        .unwrap();
    assert_eq!(answer, json!({ "hello": "tls" }));
    // Carried by the WebSocket, which the transport serves through its bridge behind TLS
    // ended in this process: the client did not fall back to long-polling.
    {
        let seen = seen.lock().unwrap();
        assert!(
            seen.iter().any(|uri| uri.contains("transport=websocket")),
            "{seen:?}"
        );
        assert!(
            !seen.iter().any(|uri| uri.contains("transport=polling")),
            "{seen:?}"
        );
    }

    let http = RawClient::http_with(&url, trusted()).unwrap();
    let answer: Value = http
        .request("GET", "/hello".into())
        .send::<Value, Value>()
        .await
        .unwrap();
    assert_eq!(answer, json!({ "hello": "tls" }));
    socket.disconnect().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_polling_over_https_when_the_websocket_is_refused() {
    use socketioxide::extract::AckSender;
    use socketioxide::{SocketIo, TransportType};
    let (layer, io) = SocketIo::builder()
        .transports([TransportType::Polling])
        .build_layer();
    io.ns(
        "/",
        support::connected_with(|socket| {
            socket.on("get", async |ack: AckSender| {
                ack.send(&json!({ "statusCode": 200, "body": { "via": "polling over tls" } }))
                    .ok();
            });
        }),
    );
    let url = serve_tls(Router::new().layer(layer)).await;
    let client = RawClient::connect_with(&url, trusted()).await.unwrap();
    let answer: Value = client
        .request("GET", "/x".into())
        .send::<Value, Value>()
        .await
        .unwrap();
    assert_eq!(answer, json!({ "via": "polling over tls" }));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_untrusted_certificate_is_refused() {
    let (url, _) = sailroute_over_tls().await;
    let error = RawClient::connect(&url).await.unwrap_err();
    assert!(
        matches!(&error, ConnectError::Engine { message, .. } if message.contains("certificate")),
        "{error}"
    );
    let http = RawClient::http(&url).unwrap();
    let error = http
        .request("GET", "/hello".into())
        .send::<Value, Value>()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("certificate"), "{error}");
}

#[test]
fn a_pem_without_a_certificate_is_an_error() {
    let error = ConnectOptions::default()
        .root_certificate_pem("not a certificate")
        .unwrap_err();
    assert!(
        matches!(error, ConnectError::InvalidCertificate(_)),
        "{error}"
    );
}
