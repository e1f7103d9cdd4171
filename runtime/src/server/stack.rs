//! The service both transports go through: the policy, Socket.IO and the router as one tower
//! service for either adapter or the project's own transport, and the per-connection service that adds the peer address.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::task::{Context, Poll};

use axum::extract::Request;
use axum::response::Response;
use axum::serve::IncomingStream;
use socketioxide::adapter::LocalAdapter;
use socketioxide::service::SocketIoService;
use tokio::net::TcpListener;
use tower::Service;

use crate::guard::Guarded;
use crate::policy::{PolicyFuture, PolicyService};
use crate::transport::node::NodeService;

/// The Redis adapter type the runtime uses.
#[cfg(feature = "redis")]
pub(super) type RedisAdapter = socketioxide_redis::CustomRedisAdapter<
    socketioxide::adapter::Emitter,
    crate::redis::ResilientDriver,
>;

/// The whole stack — connection policy, Socket.IO, the router — as one tower service, for
/// either adapter. An enum rather than a boxed service: a plain HTTP request then costs no
/// allocation or dynamic call for the wrapping.
#[derive(Clone)]
pub struct AppService(pub(super) Stack);

#[derive(Clone)]
pub(super) enum Stack {
    Local(PolicyService<SocketIoService<Guarded, LocalAdapter>>),
    #[cfg(feature = "redis")]
    Redis(PolicyService<SocketIoService<Guarded, RedisAdapter>>),
    /// The project's own transport (`transport/node.rs`).
    Node(PolicyService<NodeService>),
}

impl std::fmt::Debug for AppService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppService").finish_non_exhaustive()
    }
}

#[cfg(feature = "redis")]
type SocketioxideFuture = futures_util::future::Either<
    PolicyFuture<SocketIoService<Guarded, LocalAdapter>>,
    PolicyFuture<SocketIoService<Guarded, RedisAdapter>>,
>;
#[cfg(not(feature = "redis"))]
type SocketioxideFuture = PolicyFuture<SocketIoService<Guarded, LocalAdapter>>;
type StackFuture = futures_util::future::Either<SocketioxideFuture, PolicyFuture<NodeService>>;

/// The future of an [`AppService`] call.
pub struct AppFuture(StackFuture);

impl Future for AppFuture {
    type Output = Result<Response, Infallible>;

    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        std::pin::Pin::new(&mut self.0).poll(cx)
    }
}

impl std::fmt::Debug for AppFuture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppFuture").finish_non_exhaustive()
    }
}

impl Service<Request> for AppService {
    type Response = Response;
    type Error = Infallible;
    type Future = AppFuture;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> Self::Future {
        use futures_util::future::Either;
        AppFuture(match &mut self.0 {
            #[cfg(feature = "redis")]
            Stack::Local(service) => Either::Left(Either::Left(service.call(request))),
            #[cfg(not(feature = "redis"))]
            Stack::Local(service) => Either::Left(service.call(request)),
            #[cfg(feature = "redis")]
            Stack::Redis(service) => Either::Left(Either::Right(service.call(request))),
            Stack::Node(service) => Either::Right(service.call(request)),
        })
    }
}

/// Hands each connection the service, with the peer address in every request.
#[derive(Clone)]
pub(super) struct MakeService {
    pub(super) service: AppService,
}

impl<'a> Service<IncomingStream<'a, TcpListener>> for MakeService {
    type Response = WithPeer;
    type Error = Infallible;
    type Future = std::future::Ready<Result<WithPeer, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, stream: IncomingStream<'a, TcpListener>) -> Self::Future {
        // Pushes and acks are small writes: with Nagle's algorithm on, one waits until the
        // previous is acknowledged, which a client's delayed ACK holds back up to 40 ms.
        if let Err(e) = stream.io().set_nodelay(true) {
            tracing::debug!(error = %e, "cannot set TCP_NODELAY on a connection");
        }
        std::future::ready(Ok(WithPeer {
            service: self.service.clone(),
            peer: *stream.remote_addr(),
        }))
    }
}

#[derive(Clone)]
pub(super) struct WithPeer {
    service: AppService,
    peer: SocketAddr,
}

impl Service<Request> for WithPeer {
    type Response = Response;
    type Error = Infallible;
    type Future = <AppService as Service<Request>>::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.service.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request) -> Self::Future {
        request
            .extensions_mut()
            .insert(axum::extract::ConnectInfo(self.peer));
        self.service.call(request)
    }
}
