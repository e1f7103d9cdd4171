//! A socket's life on this node, in the order its data flows: registration when it connects,
//! then each virtual request from its frame to its ack — decoded, capped per socket, turned
//! into an `http::Request` by the bridge, sent through the router, answered — and the
//! disconnect hook when it goes.

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use http::{Method, StatusCode};
use socketioxide::adapter::Adapter;
use socketioxide::extract::{AckSender, SocketRef};
use socketioxide::handler::{FromMessageParts, Value};
use socketioxide::socket::{Sid, Socket as IoSocket};

use crate::bridge::{self, Handshake as Defaults};
use crate::guard::Guarded;
use crate::policy::Handshake;
use crate::server::Lifecycle;
use crate::sockets::{Socket, Sockets};
use crate::wire::{ErrorBody, Jwr, ParseErrorEvent, RawRequest, RequestError, decode_event};

/// Called with a socket once it has disconnected (on this node).
pub(crate) type OnDisconnect = Arc<
    dyn Fn(Disconnected, Sockets) -> std::pin::Pin<Box<dyn Future<Output = ()> + Send>>
        + Send
        + Sync,
>;

/// A socket that has just disconnected, as the [`on_disconnect`](crate::ServerBuilder::on_disconnect)
/// hook receives it: its id and the request that opened it.
#[derive(Debug, Clone)]
pub struct Disconnected {
    id: String,
    handshake: Handshake,
    #[cfg(feature = "sessions")]
    session: Option<crate::sessions::Session>,
}

impl Disconnected {
    /// The socket's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The request that opened the socket: headers (its cookie names its session), query
    /// and peer address.
    pub fn handshake(&self) -> &Handshake {
        &self.handshake
    }

    /// The socket's session, when the server has [sessions](crate::ServerBuilder::sessions) and the
    /// socket had one: the session its handshake cookie named, or the one made for it alone.
    /// Read it here; a write is kept only after `save()`. A session made for this socket
    /// alone is deleted once the hook returns.
    ///
    /// ```
    /// # fn builder(app: axum::Router) -> sailroute::ServerBuilder {
    /// use sailroute::sessions::{MemoryStore, Sessions};
    ///
    /// sailroute::Server::builder(app)
    ///     .sessions(Sessions::new(MemoryStore::default()))
    ///     .on_disconnect(|socket, sockets| async move {
    ///         let user = match socket.session() {
    ///             Some(session) => session.get::<String>("user").await.ok().flatten(),
    ///             None => None,
    ///         };
    ///         let gone = serde_json::json!({ "id": socket.id(), "user": user });
    ///         sockets.broadcast("lobby", "left", &gone, None).await.ok();
    ///     })
    /// # }
    /// ```
    #[cfg(feature = "sessions")]
    pub fn session(&self) -> Option<&crate::sessions::Session> {
        self.session.as_ref()
    }
}

/// What every socket's request handlers share.
pub(crate) struct Shared {
    pub(crate) router: Guarded,
    pub(crate) sockets: Sockets,
    pub(crate) max_in_flight: usize,
    pub(crate) on_disconnect: Option<OnDisconnect>,
    pub(crate) trust_proxy: crate::client_ip::TrustProxy,
    /// Headers every virtual request takes from its socket's handshake.
    pub(crate) handshake_headers: Vec<http::HeaderName>,
    pub(crate) lifecycle: Arc<Lifecycle>,
    #[cfg(feature = "sessions")]
    pub(crate) sessions: Option<crate::sessions::SessionsConfig>,
}

/// Per-socket state, held by its request handler.
pub(crate) struct SocketState {
    defaults: Defaults,
    in_flight: AtomicUsize,
    #[cfg(feature = "sessions")]
    session: Option<crate::sessions::SocketSession>,
}

impl SocketState {
    /// The state of a socket that connected with the handshake request `parts`.
    pub(crate) fn new(shared: &Shared, parts: &http::request::Parts) -> Self {
        SocketState {
            defaults: Defaults::from_parts(parts, &shared.trust_proxy, &shared.handshake_headers),
            in_flight: AtomicUsize::new(0),
            #[cfg(feature = "sessions")]
            session: shared
                .sessions
                .as_ref()
                .map(|sessions| sessions.for_socket(parts)),
        }
    }

    /// Whether the socket's departure needs anything run: the app's hook, or a session made
    /// for it alone to delete.
    pub(crate) fn needs_farewell(&self, shared: &Shared) -> bool {
        #[cfg(feature = "sessions")]
        let has_session = self.session.is_some();
        #[cfg(not(feature = "sessions"))]
        let has_session = false;
        shared.on_disconnect.is_some() || has_session
    }

    /// What runs once the socket `id` has disconnected: the app's hook, then the deletion of
    /// a session made for this socket alone.
    pub(crate) fn farewell(
        &self,
        shared: &Shared,
        id: String,
        parts: &http::request::Parts,
    ) -> impl Future<Output = ()> + Send + 'static + use<> {
        let gone = Disconnected {
            id,
            handshake: Handshake::from_parts(parts),
            #[cfg(feature = "sessions")]
            session: self.session.as_ref().and_then(|s| s.session()),
        };
        #[cfg(feature = "sessions")]
        let owned = self.session.as_ref().and_then(|s| s.owned());
        let sockets = shared.sockets.clone();
        let hook = shared.on_disconnect.clone();
        async move {
            if let Some(hook) = hook {
                hook(gone, sockets).await;
            }
            // A session made for this socket alone: nothing else can ever name it.
            #[cfg(feature = "sessions")]
            if let Some(owned) = owned
                && let Err(e) = owned.delete().await
            {
                tracing::warn!(error = %e, "could not delete a disconnected socket's session");
            }
        }
    }
}

pub(crate) fn on_connect<A: Adapter>(shared: Arc<Shared>, socket: SocketRef<A>) {
    // Every socket is in a room named by its id, as in Socket.IO and Sails, so that an id
    // works wherever a room does — on every node.
    socket.join(socket.id);
    let state = Arc::new(SocketState::new(&shared, socket.req_parts()));
    if state.needs_farewell(&shared) {
        let shared = shared.clone();
        let state = state.clone();
        socket.on_disconnect(move |socket: SocketRef<A>| {
            state.farewell(&shared, socket.id.to_string(), socket.req_parts())
        });
    }
    // One handler for the seven method events rather than one registration each: socketioxide
    // calls the fallback for every event without a handler of its own, and a socket holds one
    // boxed handler instead of seven plus their map (issue 13: memory per idle socket).
    socket.on_fallback(
        move |socket: SocketRef<A>, incoming: Incoming, ack: AckSender<A>| {
            handle(
                shared.clone(),
                state.clone(),
                IoPeer {
                    socket,
                    ack: incoming.has_ack.then_some(ack),
                },
                incoming,
            )
        },
    );
}

/// Where a request's answers go: the ack, or the `sails:parseError` event for a malformed
/// request that asked for none. One implementation per transport.
pub(crate) trait Peer: Send + 'static {
    /// The requesting socket's id.
    fn id(&self) -> Sid;
    /// Sends the ack (only called when the client asked for one).
    fn ack(self, jwr: &Jwr) -> Result<(), String>;
    /// Emits `sails:parseError` to the requesting socket.
    fn parse_error(self, event: &ParseErrorEvent<'_>);
}

/// A socketioxide socket and its ack sender.
struct IoPeer<A: Adapter> {
    socket: SocketRef<A>,
    ack: Option<AckSender<A>>,
}

impl<A: Adapter> Peer for IoPeer<A> {
    fn id(&self) -> Sid {
        self.socket.id
    }

    fn ack(self, jwr: &Jwr) -> Result<(), String> {
        match self.ack {
            Some(ack) => ack.send(jwr).map_err(|e| e.to_string()),
            None => Ok(()),
        }
    }

    fn parse_error(self, event: &ParseErrorEvent<'_>) {
        self.socket.emit("sails:parseError", event).ok();
    }
}

/// An event, decoded: the method it names, its request, and whether the client asked for an
/// ack.
pub(crate) struct Incoming {
    /// `None` for an event that is not a virtual request: it is ignored, as Sails does.
    method: Option<Method>,
    payload: Result<RawRequest, String>,
    has_ack: bool,
}

impl Incoming {
    /// An event from its JSON text (`["get", {...}]`); `attachments` says whether binary
    /// attachments came with it, which no virtual request may carry.
    pub(crate) fn read(text: &str, attachments: bool, has_ack: bool) -> Self {
        let (method, decoded) = decode_event(text);
        // Binary attachments reach the JSON as `{"_placeholder": true, "num": n}` objects: as a
        // url or headers they would be misread, as data they would become that object.
        let payload = if attachments {
            Err(RequestError::BinaryAttachment.to_string())
        } else {
            decoded.map_err(|e| e.to_string())
        };
        Incoming {
            method,
            payload,
            has_ack,
        }
    }

    /// Whether the event is a virtual request (names a method).
    pub(crate) fn is_request(&self) -> bool {
        self.method.is_some()
    }
}

impl<A: Adapter> FromMessageParts<A> for Incoming {
    type Error = Infallible;

    fn from_message_parts(
        _: &Arc<IoSocket<A>>,
        value: &mut Value,
        ack_id: &Option<i64>,
    ) -> Result<Self, Infallible> {
        let has_ack = ack_id.is_some();
        // The common parser (the only one enabled) always hands over the event as JSON text,
        // binary as attachments beside it; `Value::Bytes` comes only from the MessagePack
        // parser, so such an event names no method here and is ignored.
        let Value::Str(text, attachments) = value else {
            return Ok(Incoming {
                method: None,
                payload: Err(RequestError::BinaryAttachment.to_string()),
                has_ack,
            });
        };
        let attachments = attachments.as_ref().is_some_and(|a| !a.is_empty());
        Ok(Incoming::read(text.as_str(), attachments, has_ack))
    }
}

/// Counts a request in flight for as long as it lives.
struct InFlight<'a>(&'a AtomicUsize);

impl<'a> InFlight<'a> {
    fn enter(counter: &'a AtomicUsize, max: usize) -> Option<Self> {
        let previous = counter.fetch_add(1, Ordering::AcqRel);
        let guard = InFlight(counter);
        (previous < max).then_some(guard)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Serves one virtual request from its event to its ack.
pub(crate) async fn handle<P: Peer>(
    shared: Arc<Shared>,
    state: Arc<SocketState>,
    peer: P,
    incoming: Incoming,
) {
    let Some(method) = incoming.method else {
        return;
    };
    let _counted = Counted::enter(&shared.lifecycle);
    if shared.lifecycle.closing.load(Ordering::Acquire) {
        let jwr = Jwr::error(
            StatusCode::SERVICE_UNAVAILABLE,
            "the server is shutting down".to_owned(),
        );
        peer.ack(&jwr).ok();
        return;
    }
    let Some(_guard) = InFlight::enter(&state.in_flight, shared.max_in_flight) else {
        let jwr = Jwr::error(
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "too many requests in flight on this socket (the limit is {})",
                shared.max_in_flight
            ),
        );
        peer.ack(&jwr).ok();
        return;
    };
    let id = peer.id();
    let request = incoming.payload.and_then(|raw| {
        let handle = Socket::new(id, shared.sockets.clone());
        bridge::build_request(
            method,
            raw,
            &state.defaults,
            Some(handle),
            shared.router.extensions(),
        )
        .map_err(|e| e.to_string())
    });
    #[cfg_attr(not(feature = "sessions"), allow(unused_mut))]
    let mut request = match request {
        Ok(request) => request,
        Err(message) => {
            tracing::debug!(socket = %id, %message, "malformed virtual request");
            if incoming.has_ack {
                peer.ack(&Jwr::error(StatusCode::BAD_REQUEST, message)).ok();
            } else {
                let event = ParseErrorEvent {
                    body: ErrorBody { error: &message },
                    headers: crate::wire::EmptyMap,
                    status_code: 400,
                    error: &message,
                };
                peer.parse_error(&event);
            }
            return;
        }
    };
    #[cfg(feature = "sessions")]
    if let Some(session) = &state.session {
        session.prepare(&mut request);
    }
    let (response, pushed) = crate::sockets::PUSHED
        .scope(std::cell::Cell::new(false), async {
            let response = match shared.router.serve(request).await {
                Ok(response) => response,
                Err(never) => match never {},
            };
            (response, crate::sockets::PUSHED.with(std::cell::Cell::get))
        })
        .await;
    #[cfg(feature = "sessions")]
    if let Some(stale) = state
        .session
        .as_ref()
        .and_then(|s| s.observe(response.headers()))
        && let Err(e) = stale.delete().await
    {
        tracing::warn!(error = %e, "could not delete a socket's replaced session");
    }
    if pushed {
        // The handler pushed to sockets of this node: their writer tasks were woken first, so
        // letting them run puts those messages on the wire before the ack (as Sails does).
        // On a multi-threaded runtime a writer may also run on another worker meanwhile.
        for _ in 0..2 {
            tokio::task::yield_now().await;
        }
    }
    if incoming.has_ack {
        let jwr = bridge::into_jwr(response).await;
        // A closed socket is normal (it went away while the handler ran); a full queue means
        // the client stopped reading.
        if let Err(e) = peer.ack(&jwr) {
            tracing::debug!(socket = %id, error = %e, "the ack could not be sent");
        }
    }
}

/// Counts a socket request on the whole server for as long as it lives.
struct Counted<'a>(&'a Lifecycle);

impl<'a> Counted<'a> {
    fn enter(lifecycle: &'a Lifecycle) -> Self {
        lifecycle.in_flight.fetch_add(1, Ordering::AcqRel);
        Counted(lifecycle)
    }
}

impl Drop for Counted<'_> {
    fn drop(&mut self) {
        if self.0.in_flight.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.0.idle.notify_waiters();
        }
    }
}
