//! The operations the runtime needs from socketioxide, behind a trait so that [`Sockets`]
//! and [`Socket`] are plain types whatever adapter sits underneath.

use super::*;

/// The operations the runtime needs from socketioxide, with the adapter type erased so that
/// [`Sockets`] and [`Socket`] are plain types whether rooms live in memory or across nodes.
pub(crate) trait Backend: Send + Sync + 'static {
    fn emit(
        &self,
        rooms: Vec<String>,
        omit: Option<Sid>,
        event: String,
        data: Box<RawValue>,
    ) -> BoxFuture<'_, Result<(), SocketsError>>;
    fn join(&self, target: String, rooms: Vec<String>) -> BoxFuture<'_, Result<(), SocketsError>>;
    fn leave(&self, target: String, rooms: Vec<String>) -> BoxFuture<'_, Result<(), SocketsError>>;
    /// Rooms of every socket in `room`, on every node, keyed by socket id.
    fn members(&self, room: String) -> BoxFuture<'_, Result<Vec<Member>, SocketsError>>;
    /// Rooms of one socket connected to this node, if it is.
    fn local_rooms(&self, id: Sid) -> Option<Vec<String>>;
    /// The handshake of one socket connected to this node, if it is.
    fn handshake(&self, id: Sid) -> Option<crate::policy::Handshake>;
}

/// A socket and its rooms, as reported by the adapter.
pub(crate) struct Member {
    pub(crate) id: Sid,
    pub(crate) rooms: Vec<String>,
}

pub(crate) struct IoBackend<A: Adapter> {
    pub(crate) io: SocketIo<A>,
}

tokio::task_local! {
    /// Set while a socket request runs; a push during it marks it, so that the requester's
    /// ack waits until this node's recipients have been written to.
    pub(crate) static PUSHED: std::cell::Cell<bool>;
}

pub(super) fn adapter_error(e: impl std::error::Error) -> SocketsError {
    // The causes too: the adapter's own message often only says which operation failed.
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    SocketsError::Adapter(text)
}

impl<A: Adapter> Backend for IoBackend<A> {
    fn emit(
        &self,
        rooms: Vec<String>,
        omit: Option<Sid>,
        event: String,
        data: Box<RawValue>,
    ) -> BoxFuture<'_, Result<(), SocketsError>> {
        Box::pin(async move {
            // No rooms means a blast: socketioxide needs its broadcast flag for "everyone".
            let mut op = if rooms.is_empty() {
                self.io.broadcast()
            } else {
                self.io.to(rooms)
            };
            if let Some(sid) = omit {
                op = op.except(sid);
            }
            let sent = op.emit(&event, &*data).await.map_err(adapter_error);
            // Outside a socket request (HTTP, or code outside requests) there is no ack to order.
            PUSHED.try_with(|pushed| pushed.set(true)).ok();
            sent
        })
    }

    fn join(&self, target: String, rooms: Vec<String>) -> BoxFuture<'_, Result<(), SocketsError>> {
        Box::pin(async move { self.io.to(target).join(rooms).await.map_err(adapter_error) })
    }

    fn leave(&self, target: String, rooms: Vec<String>) -> BoxFuture<'_, Result<(), SocketsError>> {
        Box::pin(async move { self.io.to(target).leave(rooms).await.map_err(adapter_error) })
    }

    fn members(&self, room: String) -> BoxFuture<'_, Result<Vec<Member>, SocketsError>> {
        Box::pin(async move {
            let sockets = self
                .io
                .to(room)
                .fetch_sockets()
                .await
                .map_err(adapter_error)?;
            let mut members = Vec::with_capacity(sockets.len());
            for socket in sockets {
                let rooms = socket.rooms().await.map_err(adapter_error)?;
                members.push(Member {
                    id: socket.data().id,
                    rooms: rooms.into_iter().map(|r| r.into_owned()).collect(),
                });
            }
            Ok(members)
        })
    }

    fn local_rooms(&self, id: Sid) -> Option<Vec<String>> {
        self.io
            .get_socket(id)
            .map(|s| s.rooms().into_iter().map(|r| r.into_owned()).collect())
    }

    fn handshake(&self, id: Sid) -> Option<crate::policy::Handshake> {
        // Read from socketioxide's own copy of the handshake request, when asked: no
        // per-socket copy, nothing on the request path.
        self.io
            .get_socket(id)
            .map(|s| crate::policy::Handshake::from_parts(s.req_parts()))
    }
}
