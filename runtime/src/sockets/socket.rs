//! [`Socket`]: the socket a virtual request came from, as an extractor.

use super::*;

/// The socket a virtual request came from: present for socket requests, absent over HTTP.
///
/// Take `Option<Socket>` in a handler that serves both transports, or `Socket` in one that
/// only makes sense over a socket (an HTTP request then gets a 400).
///
/// ```no_run
/// use axum::{Json, extract::Path};
/// use sailroute::Socket;
///
/// async fn subscribe(socket: Socket, Path(room): Path<String>) -> Json<serde_json::Value> {
///     socket.join(room.as_str()).await.ok();
///     Json(serde_json::json!({ "joined": room }))
/// }
/// ```
#[derive(Clone)]
pub struct Socket {
    id: Sid,
    sockets: Sockets,
}

impl fmt::Debug for Socket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Socket").field("id", &self.id).finish()
    }
}

impl Socket {
    pub(crate) fn new(id: Sid, sockets: Sockets) -> Self {
        Socket { id, sockets }
    }

    /// The socket id (for Engine.IO v3 clients such as sails.io.js, the engine session id).
    pub fn id(&self) -> String {
        self.id.to_string()
    }

    /// The request that opened this socket — Sails' `req.socket.handshake`: its headers,
    /// query (`__sails_io_sdk_version`, the client's own `query`) and peer address. `None`
    /// once the socket has disconnected.
    ///
    /// ```
    /// use sailroute::Socket;
    ///
    /// #[sailroute::get("/whoami")]
    /// async fn whoami(socket: Socket) -> String {
    ///     let handshake = socket.handshake();
    ///     let token = handshake.as_ref().and_then(|h| h.query("token"));
    ///     let agent = handshake.as_ref().and_then(|h| h.header("user-agent").map(str::to_owned));
    ///     format!("{token:?} {agent:?}")
    /// }
    /// # let _app: axum::Router = sailroute::routes![whoami];
    /// ```
    pub fn handshake(&self) -> Option<crate::Handshake> {
        self.sockets.backend.handshake(self.id)
    }

    // The id is a valid Sid by construction: these go to the backend directly instead of
    // through `Sockets`, which would format and re-parse it.

    /// The rooms this socket is in, its own id room included, sorted.
    pub fn rooms(&self) -> Vec<String> {
        let mut rooms = self
            .sockets
            .backend
            .local_rooms(self.id)
            .unwrap_or_default();
        rooms.sort();
        rooms
    }

    /// Joins `rooms`.
    pub async fn join(&self, rooms: impl Into<Rooms>) -> Result<(), SocketsError> {
        self.sockets
            .backend
            .join(self.id.to_string(), rooms.into().0)
            .await
    }

    /// Leaves `rooms`.
    pub async fn leave(&self, rooms: impl Into<Rooms>) -> Result<(), SocketsError> {
        self.sockets
            .backend
            .leave(self.id.to_string(), rooms.into().0)
            .await
    }

    /// Sends `event` with `data` to this socket only.
    pub async fn emit<T: Serialize + ?Sized>(
        &self,
        event: &str,
        data: &T,
    ) -> Result<(), SocketsError> {
        let data = to_raw(event, data)?;
        self.sockets
            .backend
            .emit(vec![self.id.to_string()], None, event.to_owned(), data)
            .await
    }

    /// The handle for every other socket operation.
    pub fn sockets(&self) -> &Sockets {
        &self.sockets
    }
}

/// Returned when a handler requires a [`Socket`] and the request came over HTTP.
#[derive(Debug, Clone, Copy)]
pub struct NotASocketRequest;

impl IntoResponse for NotASocketRequest {
    fn into_response(self) -> Response {
        crate::wire::error_response(
            StatusCode::BAD_REQUEST,
            "this route must be requested over a socket (it joins the requesting socket to rooms)",
        )
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Socket {
    type Rejection = NotASocketRequest;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Socket>()
            .cloned()
            .ok_or(NotASocketRequest)
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for Socket {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<Socket>().cloned())
    }
}
