//! What the client's test files share.

use socketioxide::extract::SocketRef;

/// A connect handler that runs `register` before the server accepts the connection.
/// socketioxide runs a connect handler on a task of its own after sending CONNECT, so a client
/// that calls at once (as this one does) could otherwise beat the registration; middlewares
/// run before (the runtime registers its handlers the same way).
pub(crate) fn connected_with(
    register: impl Fn(&SocketRef) + Clone + Send + Sync + 'static,
) -> impl socketioxide::handler::ConnectHandler<socketioxide::adapter::LocalAdapter, (SocketRef,)> {
    use socketioxide::handler::ConnectHandler;
    (async |_: SocketRef| {}).with(move |socket: SocketRef| {
        register(&socket);
        async { Ok::<(), std::convert::Infallible>(()) }
    })
}
