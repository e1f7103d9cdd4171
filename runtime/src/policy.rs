//! Connection policy in front of Socket.IO: the origin policy and the before-connect
//! hook (both refuse before the upgrade) and the `/engine.io/` path fix for sails.io.js on
//! socket.io-client 3+. What is served to browsers before them is in `browser.rs`.

use std::convert::Infallible;
use std::future::Future;
use std::future::Ready;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::extract::{ConnectInfo, Request};
use axum::response::Response;
use futures_util::FutureExt;
use futures_util::future::{Either, Map};
use http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use tower::{Service, ServiceExt};

use crate::browser::{Assets, Served};
use crate::client_ip::TrustProxy;
use crate::engine_query;
pub(crate) use crate::handshake::BeforeConnect;
pub use crate::handshake::{Handshake, Refusal};
use crate::origin::OriginPolicy;
use crate::origin::Own;
use crate::refusal::Transport;
pub(crate) use crate::refusal::text_response;

/// Where socketioxide listens by default (Socket.IO's and Sails' default path).
pub(crate) const DEFAULT_SOCKET_PATH: &str = "/socket.io/";
/// Where engine.io-client 4+ goes when sails.io.js' hidden options are lost (see
/// `docs/protocol.md`).
const ENGINE_IO_PATH: &str = "/engine.io/";

/// The connection policy, fixed when the server is built.
pub(crate) struct Policy {
    pub(crate) origins: OriginPolicy,
    /// Where Socket.IO is served, with a trailing `/`.
    pub(crate) socket_path: String,
    /// Where the stock Socket.IO browser client is served, if it is (`<socket path>socket.io.js`).
    pub(crate) client_path: Option<String>,
    pub(crate) before_connect: Option<BeforeConnect>,
    /// The proxies believed about the page's scheme and the client's address.
    pub(crate) trust_proxy: TrustProxy,
    /// The sockets of this node, to bind a request that names a session to the client that
    /// opened it (set when the server is built).
    pub(crate) sockets: Option<crate::Sockets>,
    /// What browsers get besides Socket.IO: the clients and `/__getcookie`.
    pub(crate) assets: Assets,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            origins: OriginPolicy::default(),
            socket_path: DEFAULT_SOCKET_PATH.to_owned(),
            client_path: None,
            before_connect: None,
            trust_proxy: TrustProxy::none(),
            sockets: None,
            assets: Assets::default(),
        }
    }
}

impl Policy {
    /// Whether a request that names an Engine.IO session comes from the client address that
    /// opened the session's socket (issue 23, point 2).
    ///
    /// Under socketioxide a socket's id *is* its Engine.IO session id, and the API hands socket
    /// ids around as addresses (a room per id, `socket_ids`). Whoever learned one could poll
    /// as that socket, or upgrade it to a WebSocket of their own, while it is on long-polling.
    /// A session is bound to its client's address ([`ClientIp`](crate::ClientIp)'s rule, so
    /// set `trust_proxy` behind a proxy): a request from another address is answered as if the
    /// session did not exist. A session whose socket has not connected yet has no id anyone
    /// could have learned, and passes.
    fn same_client(&self, request: &Request, peer: Option<SocketAddr>) -> bool {
        let Some(sockets) = &self.sockets else {
            return true;
        };
        let Some(sid) = engine_query::session_id(request.uri().query().unwrap_or("")) else {
            return true;
        };
        let Some(opened_by) = sockets.local_handshake(sid) else {
            return true;
        };
        let owner = self
            .trust_proxy
            .client_ip(opened_by.headers(), opened_by.remote_addr());
        let caller = self.trust_proxy.client_ip(request.headers(), peer);
        owner == caller
    }
}

/// Wraps the Socket.IO service (which wraps the router) with the policy.
#[derive(Clone)]
pub(crate) struct PolicyService<S> {
    inner: S,
    policy: Arc<Policy>,
}

impl<S> PolicyService<S> {
    pub(crate) fn new(inner: S, policy: Arc<Policy>) -> Self {
        PolicyService { inner, policy }
    }
}

type BoxResponseFuture = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

/// Turns the inner service's answer into an axum response.
type Finish<S> = fn(
    Result<<S as Service<Request>>::Response, <S as Service<Request>>::Error>,
) -> Result<Response, Infallible>;

/// The future of a [`PolicyService`] call: answered at once (browser client, `/__getcookie`),
/// the router's future as it is (plain HTTP: no allocation on the hot path), or boxed (socket
/// handshakes, which may run the before-connect hook).
pub(crate) type PolicyFuture<S> = Either<
    Ready<Result<Response, Infallible>>,
    Either<Map<<S as Service<Request>>::Future, Finish<S>>, BoxResponseFuture>,
>;

impl<S, B> Service<Request> for PolicyService<S>
where
    S: Service<Request, Response = http::Response<B>> + Clone + Send + 'static,
    S::Future: Send,
    S::Error: std::fmt::Display,
    B: http_body::Body<Data = bytes::Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = PolicyFuture<S>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        // Both the Socket.IO service and axum's router are always ready.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, mut request: Request) -> Self::Future {
        let socket_path = self.policy.socket_path.as_str();
        if let Some(rest) = request.uri().path().strip_prefix(ENGINE_IO_PATH) {
            let rewritten = format!("{socket_path}{rest}");
            if let Some(uri) = with_path(request.uri(), &rewritten) {
                *request.uri_mut() = uri;
            }
        }
        let path = request.uri().path();
        let is_socket = path.starts_with(socket_path) || path == socket_path.trim_end_matches('/');
        match self
            .policy
            .assets
            .serve(&request, self.policy.client_path.as_deref(), is_socket)
        {
            Some(Served::Now(response)) => return Either::Left(std::future::ready(Ok(response))),
            Some(Served::Through(router)) => {
                return Either::Right(Either::Right(Box::pin(router.oneshot(request))));
            }
            None => {}
        }
        if !is_socket {
            let finish: Finish<S> = |result| Ok(into_response(result));
            return Either::Right(Either::Left(self.inner.call(request).map(finish)));
        }

        let policy = self.policy.clone();
        let mut inner = self.inner.clone();
        Either::Right(Either::Right(Box::pin(async move {
            let transport = Transport::of(&request);
            let origin = request.headers().get(header::ORIGIN).cloned();
            let peer = request
                .extensions()
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0);
            // The server serves plain HTTP; only a trusted proxy can say the page used https.
            let scheme = policy.trust_proxy.scheme(request.headers(), peer);
            let own = Own {
                host: request.headers().get(header::HOST),
                scheme: scheme.as_deref().unwrap_or("http"),
            };
            if !policy.origins.allows(origin.as_ref(), &own) {
                tracing::debug!(?origin, "socket connection refused: origin not allowed");
                return Ok(transport.refuse_origin());
            }
            // Only a new session's first request is a handshake; later polls and the
            // upgrade of an accepted session carry its `sid`. The transport's own rule decides
            // (engine_query.rs), and a handshake goes on without any `sid` look-alike, so no
            // request reaches a new session without passing the hook.
            let is_handshake = engine_query::opens_session(request.uri());
            if !is_handshake && !policy.same_client(&request, peer) {
                tracing::debug!(
                    ?peer,
                    "socket request refused: its session was opened by another client"
                );
                return Ok(transport.refuse_session());
            }
            if is_handshake {
                if let Some(uri) = engine_query::without_session_lookalikes(request.uri()) {
                    *request.uri_mut() = uri;
                }
                detach_head(&mut request);
            }
            if let (Some(hook), true) = (&policy.before_connect, is_handshake) {
                let handshake = Handshake::of_request(&request);
                if let Err(refusal) = hook(handshake).await {
                    tracing::debug!(
                        message = refusal.message(),
                        "socket connection refused by before_connect"
                    );
                    return Ok(transport.refuse_hook(&refusal));
                }
            }
            let mut response = into_response(inner.call(request).await);
            if let (Some(origin), true) = (origin, policy.origins.answers_cors()) {
                let headers = response.headers_mut();
                headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
                headers.insert(
                    header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                    HeaderValue::from_static("true"),
                );
                headers.append(header::VARY, HeaderValue::from_static("Origin"));
            }
            Ok(response)
        })))
    }
}

/// Copies a handshake's header values and URI out of the connection's read buffer.
///
/// hyper parses a request head without copying: every header value and the URI are slices of
/// the connection's read buffer (8–16 KB), and a slice keeps the whole buffer alive.
/// socketioxide keeps the handshake's head for the socket's whole life (`req_parts`), and so
/// does `Socket::handshake()`, so without this copy each idle socket pins that buffer: 16.4 KB
/// of the 39 KB of heap per idle socket measured with heaptrack (docs/benchmarks.md). The copy
/// is a few hundred bytes, once per connection.
fn detach_head(request: &mut Request) {
    let headers = std::mem::take(request.headers_mut());
    let mut owned = HeaderMap::with_capacity(headers.len());
    let mut current = None;
    for (name, value) in headers {
        // `into_iter` names a header once, then yields its further values without the name.
        if let Some(name) = name {
            current = Some(name);
        }
        let Some(name) = &current else { continue };
        let sensitive = value.is_sensitive();
        let mut copy = match HeaderValue::from_bytes(value.as_bytes()) {
            Ok(copy) => copy,
            // The bytes were a valid value a moment ago; keep the original if not.
            Err(_) => value,
        };
        copy.set_sensitive(sensitive);
        owned.append(name.clone(), copy);
    }
    *request.headers_mut() = owned;
    if let Ok(uri) = Uri::try_from(request.uri().to_string()) {
        *request.uri_mut() = uri;
    }
}

fn into_response<B, E>(result: Result<http::Response<B>, E>) -> Response
where
    B: http_body::Body<Data = bytes::Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
    E: std::fmt::Display,
{
    match result {
        Ok(response) => response.map(Body::new),
        Err(e) => text_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            "text/plain; charset=utf-8",
            format!("internal error: {e}"),
        ),
    }
}

fn with_path(uri: &Uri, path: &str) -> Option<Uri> {
    let path_and_query = match uri.query() {
        Some(query) => format!("{path}?{query}"),
        None => path.to_owned(),
    };
    Uri::try_from(path_and_query).ok()
}
