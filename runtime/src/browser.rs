//! What the server gives browsers besides Socket.IO itself: the sails.io.js-compatible client
//! (`/sailroute.js`, with the app's generated typed API appended), the stock Socket.IO client
//! (`<socket path>socket.io.js`, with `serve_client(true)`), and Sails' `GET /__getcookie`.

use std::sync::Arc;

use axum::Router;
use axum::extract::Request;
use axum::response::Response;
use http::{HeaderValue, Method, StatusCode, header};

use crate::policy::text_response;

/// The sails.io.js-compatible browser client served by default at `/sailroute.js`.
pub(crate) const BROWSER_CLIENT: &str = include_str!("browser/sailroute.js");

/// The `@sailroute/client` runtime (the repository's `client-js/index.js`) as a classic script
/// defining `window.sailroute.runtime`, which a generated `browser.js` calls through; served in
/// `/sailroute.js` before the typed API ([`ServerBuilder::browser_api`](crate::ServerBuilder::browser_api)).
/// Built by esbuild (`tests/node/scripts/runtime-bundle.js`, which the test command checks).
pub(crate) const CLIENT_RUNTIME: &str = include_str!("browser/client-runtime.js");

/// The stock Socket.IO browser client (socket.io-client 4.8.1, `dist/socket.io.min.js`, MIT),
/// served at `<socket path>socket.io.js` when the server is built with `serve_client(true)`.
pub const SOCKET_IO_CLIENT: &str = include_str!("browser/socket.io.min.js");

/// The browser assets a server serves, fixed when it is built.
pub(crate) struct Assets {
    /// Whether `GET /__getcookie` is answered.
    pub(crate) getcookie: bool,
    /// `/__getcookie` through the session layer, when the server has sessions.
    pub(crate) getcookie_router: Option<Router>,
    /// Where the browser client is served, if it is.
    pub(crate) browser_path: Option<String>,
    /// The browser client: the sails.io.js-compatible script, then any generated typed API.
    pub(crate) browser_script: Arc<str>,
}

impl Default for Assets {
    fn default() -> Self {
        Assets {
            getcookie: true,
            getcookie_router: None,
            browser_path: Some("/sailroute.js".to_owned()),
            browser_script: Arc::from(BROWSER_CLIENT),
        }
    }
}

/// How an asset request is answered.
pub(crate) enum Served {
    /// At once.
    Now(Response),
    /// By this router (`/__getcookie` with sessions, which may set the session cookie).
    Through(Router),
}

impl Assets {
    /// The answer to `request` when it asks for an asset: the Socket.IO client at
    /// `client_path` (under the socket path), the others only outside it.
    pub(crate) fn serve(
        &self,
        request: &Request,
        client_path: Option<&str>,
        is_socket: bool,
    ) -> Option<Served> {
        if request.method() != Method::GET {
            return None;
        }
        let path = request.uri().path();
        if client_path == Some(path) {
            let mut response = text_response(
                StatusCode::OK,
                "application/javascript; charset=utf-8",
                SOCKET_IO_CLIENT.to_owned(),
            );
            response.headers_mut().insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            );
            return Some(Served::Now(response));
        }
        if is_socket {
            return None;
        }
        if self.browser_path.as_deref() == Some(path) {
            let mut response = text_response(
                StatusCode::OK,
                "application/javascript; charset=utf-8",
                self.browser_script.to_string(),
            );
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            return Some(Served::Now(response));
        }
        if self.getcookie && path == "/__getcookie" {
            return Some(match &self.getcookie_router {
                Some(router) => Served::Through(router.clone()),
                None => Served::Now(text_response(
                    StatusCode::OK,
                    "application/javascript; charset=utf-8",
                    "_sailsIoJSConnect();".to_owned(),
                )),
            });
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(path: &str) -> Request {
        http::Request::builder()
            .uri(path)
            .body(axum::body::Body::empty())
            .unwrap()
    }

    #[test]
    fn serves_each_asset_where_it_belongs() {
        let assets = Assets::default();
        let client = Some("/socket.io/socket.io.js");
        assert!(matches!(
            assets.serve(&get("/socket.io/socket.io.js"), client, true),
            Some(Served::Now(_))
        ));
        assert!(matches!(
            assets.serve(&get("/sailroute.js"), client, false),
            Some(Served::Now(_))
        ));
        assert!(matches!(
            assets.serve(&get("/__getcookie"), client, false),
            Some(Served::Now(_))
        ));
        // Under the socket path only the Socket.IO client; elsewhere only what is configured.
        assert!(assets.serve(&get("/socket.io/x"), client, true).is_none());
        assert!(
            assets
                .serve(&get("/socket.io/socket.io.js"), None, true)
                .is_none()
        );
        assert!(assets.serve(&get("/other"), client, false).is_none());
        let post = http::Request::builder()
            .method(Method::POST)
            .uri("/sailroute.js")
            .body(axum::body::Body::empty())
            .unwrap();
        assert!(assets.serve(&post, client, false).is_none());
        let off = Assets {
            getcookie: false,
            browser_path: None,
            ..Assets::default()
        };
        assert!(off.serve(&get("/__getcookie"), client, false).is_none());
        assert!(off.serve(&get("/sailroute.js"), client, false).is_none());
    }
}
