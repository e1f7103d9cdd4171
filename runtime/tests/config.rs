//! Configuration checked when the server is built, and the socket origin policy through the
//! public service: same-origin by default (a page on another site cannot open a socket carrying
//! the user's cookie), an explicit allow-list or "any" otherwise, and origins no browser can send
//! refused when the server is built.

mod support;

use axum::Router;
use axum::body::Body;
use http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use sailroute::{AppService, Error, Server};
use tower::ServiceExt;

/// An Engine.IO v4 long-polling handshake (what a browser sends first) from `origin`.
async fn handshake(service: &AppService, origin: Option<&str>) -> (StatusCode, Option<String>) {
    let mut request = Request::get("/socket.io/?EIO=4&transport=polling")
        .header(header::HOST, "127.0.0.1:1337")
        .header(header::COOKIE, "sid=victim");
    if let Some(origin) = origin {
        request = request.header(header::ORIGIN, origin);
    }
    let response = service
        .clone()
        .oneshot(request.body(Body::empty()).expect("request"))
        .await
        .unwrap_or_else(|e| match e {});
    let cors = response
        .headers()
        .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
        .map(|v| v.to_str().expect("ascii").to_owned());
    let status = response.status();
    response.into_body().collect().await.expect("body");
    (status, cors)
}

#[tokio::test]
async fn by_default_only_the_same_origin_and_non_browsers_connect() {
    let service = Server::builder(Router::new())
        .build()
        .unwrap()
        .into_service();
    assert_eq!(handshake(&service, None).await, (StatusCode::OK, None));
    assert_eq!(
        handshake(&service, Some("http://127.0.0.1:1337")).await,
        (StatusCode::OK, None)
    );
    for foreign in [
        "http://evil.example",
        "http://127.0.0.1:1338",
        "http://localhost:1337",
        "null",
    ] {
        assert_eq!(
            handshake(&service, Some(foreign)).await.0,
            StatusCode::BAD_REQUEST,
            "{foreign}"
        );
    }
}

#[tokio::test]
async fn an_allow_list_is_exact_and_answers_cors() {
    let service = Server::builder(Router::new())
        .allow_origin("http://good.example")
        .allow_origin("https://also.example:8443")
        .build()
        .unwrap()
        .into_service();
    assert_eq!(
        handshake(&service, Some("https://also.example:8443")).await,
        (StatusCode::OK, Some("https://also.example:8443".to_owned()))
    );
    for refused in [
        None,
        Some("http://127.0.0.1:1337"),
        Some("http://good.example/"),
    ] {
        assert_eq!(
            handshake(&service, refused).await.0,
            StatusCode::BAD_REQUEST,
            "{refused:?}"
        );
    }
}

#[tokio::test]
async fn any_origin_is_explicit_and_logged() {
    let (server, log) =
        support::with_logs(|| Server::builder(Router::new()).allow_any_origin().build());
    assert!(
        log.contains("WARN") && log.contains("allow_any_origin"),
        "{log}"
    );
    let service = server.unwrap().into_service();
    assert_eq!(
        handshake(&service, Some("http://elsewhere.example")).await,
        (StatusCode::OK, Some("http://elsewhere.example".to_owned()))
    );
}

#[test]
fn origins_no_browser_sends_fail_the_build_with_what_to_write() {
    let cases = [
        ("localboast.com", "write \"https://localboast.com\""),
        ("http://x.example:80", "write \"http://x.example\""),
        ("https://x.example:443", "write \"https://x.example\""),
        ("http://x.example/", "write \"http://x.example\""),
    ];
    for (origin, fix) in cases {
        let error = Server::builder(Router::new())
            .allow_origin(origin)
            .build()
            .expect_err(origin);
        assert!(matches!(error, Error::Config(_)), "{origin}: {error:?}");
        let message = error.to_string();
        assert!(message.contains(fix), "{origin}: {message}");
        assert!(message.starts_with("invalid server configuration: allow_origin("));
    }
    let both = Server::builder(Router::new())
        .allow_origin("http://good.example")
        .allow_any_origin()
        .build()
        .expect_err("contradiction");
    assert!(both.to_string().contains("choose one of them"), "{both}");
}

#[test]
fn a_socket_path_must_be_an_absolute_path_other_than_the_root() {
    for bad in ["socketsarefun", "/", "", "/io?x=1"] {
        let error = Server::builder(Router::new())
            .socket_path(bad)
            .build()
            .expect_err(bad);
        assert!(
            error
                .to_string()
                .contains("a Socket.IO path is an absolute path other than `/`"),
            "{bad}: {error}"
        );
    }
    for good in ["/socketsarefun", "/socketsarefun/", "/a/b"] {
        Server::builder(Router::new())
            .socket_path(good)
            .build()
            .expect(good);
    }
}
