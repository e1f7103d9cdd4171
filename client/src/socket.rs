//! Sails virtual requests over Socket.IO, on this crate's Engine.IO client (`engine.rs`).
//!
//! The Socket.IO packet layer is our own rather than `rust_socketio`'s: its ack ids are drawn
//! at random from 0..999, two calls in flight can draw the same one (and then both receive
//! the first answer while the second is dropped), and an ack that times out is never
//! reported. Here ack ids come from a per-connection counter, so no two calls in flight ever
//! share one; a call that times out or is dropped removes its entry at once.
//!
//! A connection that drops is re-opened with backoff; calls made meanwhile wait for it (their
//! timeout still runs), and subscribing calls are re-issued once it is back, since a
//! reconnected socket has a new id and no rooms.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::{oneshot, watch};

use crate::engine::{self, Engine, EngineConfig, Incoming};
use crate::error::{ConnectError, ResubscribeError, TransportError};
use crate::packet::is_success;
pub(crate) use crate::packet::{SioPacket, VirtualRequest, ack_status, parse_packet};

/// Where a socket connection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConnectionState {
    /// Opening the connection (first time).
    Connecting,
    /// Connected: calls go out at once.
    Connected,
    /// The connection dropped and is being re-opened; calls wait for it.
    Reconnecting,
    /// Closed by [`disconnect`](crate::RawClient::disconnect); calls fail.
    Closed,
}

type Listener = Arc<dyn Fn(Value) + Send + Sync>;
pub(crate) type ResubscribeListener = Arc<dyn Fn(ResubscribeError) + Send + Sync>;
type Pending = oneshot::Sender<Value>;
type Accepted = oneshot::Sender<Result<(), String>>;

/// Why a call was not answered, inside the client: the transport's reason, or the server's
/// refusal of this client's contract at its last reconnect (which the client reports as
/// `ClientError::Incompatible`), or a body that could not be written.
#[derive(Debug)]
pub(crate) enum SendError {
    Transport(TransportError),
    Refused(String),
    Encode(serde_json::Error),
}

impl From<TransportError> for SendError {
    fn from(error: TransportError) -> Self {
        SendError::Transport(error)
    }
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SendError::Transport(e) => e.fmt(f),
            SendError::Refused(why) => {
                write!(f, "the server refuses this client's contract: {why}")
            }
            SendError::Encode(e) => write!(f, "the request could not be encoded: {e}"),
        }
    }
}

/// A subscribing call, re-issued after a reconnect with headers computed then: the client's
/// fixed headers and its providers' current values, never the ones of the first call.
struct Subscription {
    request: VirtualRequest,
    headers: crate::HeaderProvider,
}

/// Backoff between reconnection attempts.
const RECONNECT_MIN: Duration = Duration::from_millis(200);
const RECONNECT_MAX: Duration = Duration::from_secs(5);
/// How long a replayed subscription may take.
const REPLAY_TIMEOUT: Duration = Duration::from_secs(10);

struct Shared {
    url: String,
    /// The path of the Engine.IO endpoint: the URL's path, then the socket path.
    socket_path: String,
    /// Query parameters of every handshake (the contract hash of a generated client).
    query: Vec<(String, String)>,
    /// Why the server refused this client's contract when it last tried to reconnect: calls
    /// fail with it instead of waiting for a connection that is refused.
    refused: Mutex<Option<String>>,
    headers: Vec<(String, String)>,
    header_provider: Option<crate::HeaderProvider>,
    connect_timeout: Duration,
    tls: crate::tls::Tls,
    engine: Mutex<Option<Engine>>,
    pending: Mutex<HashMap<u64, Pending>>,
    next_id: AtomicU64,
    listeners: Mutex<HashMap<String, Vec<Listener>>>,
    /// Subscribing calls to re-issue after a reconnect, by `method url data` (not by
    /// headers: a call made again with a newer token is the same subscription).
    subscriptions: Mutex<BTreeMap<String, Subscription>>,
    /// Told about subscribing calls that could not be re-issued.
    resubscribe_listeners: Mutex<Vec<ResubscribeListener>>,
    state: watch::Sender<ConnectionState>,
    sid: Mutex<Option<String>>,
    closed: AtomicBool,
}

impl Shared {
    /// A connection's state before it is opened.
    fn new(
        url: &str,
        headers: &[(String, String)],
        header_provider: Option<crate::HeaderProvider>,
        connect_timeout: Duration,
        tls: crate::tls::Tls,
    ) -> Self {
        let (state, _) = watch::channel(ConnectionState::Connecting);
        Shared {
            url: url.to_owned(),
            socket_path: crate::DEFAULT_SOCKET_PATH.to_owned(),
            query: Vec::new(),
            refused: Mutex::new(None),
            headers: headers.to_vec(),
            header_provider,
            connect_timeout,
            tls,
            engine: Mutex::new(None),
            pending: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(0),
            listeners: Mutex::new(HashMap::new()),
            subscriptions: Mutex::new(BTreeMap::new()),
            resubscribe_listeners: Mutex::new(Vec::new()),
            state,
            sid: Mutex::new(None),
            closed: AtomicBool::new(false),
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A listener that panicked must not take the connection down with it.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// One Socket.IO connection to the default namespace.
#[derive(Clone)]
pub(crate) struct SocketTransport {
    shared: Arc<Shared>,
}

/// Removes a call's pending entry when the call ends early (timeout, or its future dropped).
struct PendingGuard<'a> {
    shared: &'a Shared,
    id: u64,
}

impl Drop for PendingGuard<'_> {
    fn drop(&mut self) {
        lock(&self.shared.pending).remove(&self.id);
    }
}

impl SocketTransport {
    /// Connects to `url` (an `http://host:port` server URL) and waits for the Socket.IO
    /// connection to be accepted.
    pub(crate) async fn connect(
        url: &str,
        socket_path: &str,
        query: &[(String, String)],
        headers: &[(String, String)],
        header_provider: Option<crate::HeaderProvider>,
        timeout: Duration,
        tls: crate::tls::Tls,
    ) -> Result<Self, ConnectError> {
        let parsed = url::Url::parse(url).map_err(|e| ConnectError::InvalidUrl {
            url: url.to_owned(),
            message: e.to_string(),
        })?;
        if !matches!(parsed.scheme(), "http" | "https" | "ws" | "wss") {
            return Err(ConnectError::InvalidUrl {
                url: url.to_owned(),
                message: "expected http:// or https://".to_owned(),
            });
        }
        crate::tls::require(url, parsed.scheme(), crate::tls::AVAILABLE)?;
        let mut shared = Shared::new(url, headers, header_provider, timeout, tls);
        shared.query = query.to_vec();
        shared.socket_path = engine_path(parsed.path(), socket_path);
        let shared = Arc::new(shared);
        open(&shared).await?;
        Ok(SocketTransport { shared })
    }

    /// Sends one virtual request and waits for its ack (the JWR). While the connection is
    /// being re-opened the call waits for it. Dropping the future abandons the call.
    /// `resubscribe`, for a subscribing call, computes its headers again when it is re-issued
    /// after a reconnect.
    pub(crate) async fn request(
        &self,
        request: VirtualRequest,
        headers: &[(String, String)],
        resubscribe: Option<crate::HeaderProvider>,
    ) -> Result<Value, SendError> {
        let jwr = send(&self.shared, &request.method, &request.payload(headers)).await?;
        if let (Some(headers), true) = (resubscribe, is_success(&jwr)) {
            lock(&self.shared.subscriptions)
                .insert(request.key(), Subscription { request, headers });
        }
        Ok(jwr)
    }

    /// Calls `listener` with the payload of every `event` the server pushes, across
    /// reconnects.
    pub(crate) fn on(&self, event: &str, listener: Listener) {
        lock(&self.shared.listeners)
            .entry(event.to_owned())
            .or_default()
            .push(listener);
    }

    /// Watches the connection state.
    pub(crate) fn state(&self) -> watch::Receiver<ConnectionState> {
        self.shared.state.subscribe()
    }

    /// The socket id the server assigned (it changes when the connection is re-opened).
    pub(crate) fn id(&self) -> Option<String> {
        lock(&self.shared.sid).clone()
    }

    /// Calls `listener` with every subscribing call that could not be re-issued.
    pub(crate) fn on_resubscribe_error(&self, listener: ResubscribeListener) {
        lock(&self.shared.resubscribe_listeners).push(listener);
    }

    /// Forgets the subscribing calls that would be re-issued after a reconnect.
    pub(crate) fn forget_subscriptions(&self) {
        lock(&self.shared.subscriptions).clear();
    }

    /// Closes the connection for good; calls in flight fail.
    pub(crate) async fn disconnect(&self) {
        self.shared.closed.store(true, Ordering::SeqCst);
        let engine = lock(&self.shared.engine).take();
        if let Some(engine) = engine {
            // Socket.IO's DISCONNECT, then Engine.IO's close.
            engine.send("1".to_owned()).ok();
            engine.close();
        }
        self.shared.state.send_replace(ConnectionState::Closed);
        lock(&self.shared.pending).clear();
    }

    /// Drops the underlying connection as if the network had failed (tests use it to prove
    /// reconnection and replay); the client reconnects by itself.
    #[doc(hidden)]
    pub(crate) async fn drop_connection(&self) {
        let engine = lock(&self.shared.engine).clone();
        if let Some(engine) = engine {
            engine.close();
        }
    }
}

/// The Engine.IO endpoint's path: `base` (the URL's path) then `socket_path`, as HTTP calls
/// join the URL's path and the route's; one slash between, one at the end (engine.io's form).
fn engine_path(base: &str, socket_path: &str) -> String {
    let base = base.trim_end_matches('/');
    let socket_path = socket_path.trim_matches('/');
    if socket_path.is_empty() {
        format!("{base}/")
    } else {
        format!("{base}/{socket_path}/")
    }
}

/// Waits for a connection, then sends and awaits the ack.
async fn send(shared: &Shared, method: &str, payload: &Value) -> Result<Value, SendError> {
    let mut state = shared.state.subscribe();
    let refused = || lock(&shared.refused).clone();
    let ready = state
        .wait_for(|s| {
            matches!(s, ConnectionState::Connected | ConnectionState::Closed) || refused().is_some()
        })
        .await
        .map(|s| *s);
    if let Some(why) = refused() {
        return Err(SendError::Refused(why));
    }
    if !matches!(ready, Ok(ConnectionState::Connected)) {
        return Err(TransportError::Closed.into());
    }
    let engine = lock(&shared.engine)
        .clone()
        .ok_or(TransportError::NotConnected)?;
    let id = shared.next_id.fetch_add(1, Ordering::Relaxed);
    let (tx, rx) = oneshot::channel();
    lock(&shared.pending).insert(id, tx);
    let _guard = PendingGuard { shared, id };
    let text = crate::packet::event_with_ack(id, method, payload).map_err(SendError::Encode)?;
    engine.send(text)?;
    rx.await.map_err(|_| TransportError::Lost.into())
}

/// Opens (or re-opens) the connection and waits for the server to accept it.
async fn open(shared: &Arc<Shared>) -> Result<(), ConnectError> {
    let url = &shared.url;
    let mut engine_url = url::Url::parse(url).map_err(|e| ConnectError::InvalidUrl {
        url: url.clone(),
        message: e.to_string(),
    })?;
    // ws:// and wss:// name the same server as http:// and https://.
    let scheme = match engine_url.scheme() {
        "wss" | "https" => "https",
        _ => "http",
    };
    engine_url
        .set_scheme(scheme)
        .map_err(|()| ConnectError::InvalidUrl {
            url: url.clone(),
            message: "expected http:// or https://".to_owned(),
        })?;
    engine_url.set_path(&shared.socket_path);
    engine_url.set_query(None);
    if !shared.query.is_empty() {
        engine_url.query_pairs_mut().extend_pairs(&shared.query);
    }
    // Provided headers are computed again for every (re)connect: a token may have rotated.
    let provided = shared
        .header_provider
        .as_ref()
        .map_or_else(Vec::new, |p| p());
    let config = EngineConfig {
        url: engine_url,
        headers: shared.headers.iter().chain(&provided).cloned().collect(),
        tls: shared.tls.clone(),
    };
    let timeout = shared.connect_timeout;
    let (engine, incoming) = tokio::time::timeout(timeout, engine::connect(&config))
        .await
        .map_err(|_| ConnectError::Timeout(timeout))?
        .map_err(|e| ConnectError::Engine {
            url: url.clone(),
            message: e.to_string(),
        })?;
    *lock(&shared.engine) = Some(engine.clone());
    let (accepted_tx, accepted_rx) = oneshot::channel();
    tokio::spawn(read_loop(
        engine.clone(),
        incoming,
        Arc::downgrade(shared),
        accepted_tx,
    ));
    // Socket.IO's CONNECT to the default namespace.
    engine
        .send("0".to_owned())
        .map_err(|e| ConnectError::Engine {
            url: url.clone(),
            message: e.to_string(),
        })?;
    match tokio::time::timeout(timeout, accepted_rx).await {
        Ok(Ok(Ok(()))) => Ok(()),
        Ok(Ok(Err(refusal))) => Err(
            if let Some(why) = refusal.strip_prefix(crate::raw::INCOMPATIBLE_HANDSHAKE) {
                ConnectError::Incompatible(why.trim_start().to_owned())
            } else {
                ConnectError::Refused(refusal)
            },
        ),
        Ok(Err(_)) => Err(ConnectError::Engine {
            url: url.clone(),
            message: "the connection closed during the handshake".to_owned(),
        }),
        Err(_) => Err(ConnectError::Timeout(timeout)),
    }
}

/// Re-opens a dropped connection with backoff, then re-issues the subscribing calls.
///
/// Boxed, so its type is nameable: it is spawned from the read loop that `open` spawns.
fn reconnect(
    shared: Weak<Shared>,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
    Box::pin(async move {
        let mut delay = RECONNECT_MIN;
        loop {
            tokio::time::sleep(delay).await;
            let Some(strong) = shared.upgrade() else {
                return;
            };
            if strong.closed.load(Ordering::SeqCst) {
                return;
            }
            match open(&strong).await {
                Ok(()) => {
                    lock(&strong.refused).take();
                    let subscriptions: Vec<(VirtualRequest, crate::HeaderProvider)> =
                        lock(&strong.subscriptions)
                            .values()
                            .map(|s| (s.request.clone(), s.headers.clone()))
                            .collect();
                    for (request, headers) in subscriptions {
                        let payload = request.payload(&headers());
                        let reason = match tokio::time::timeout(
                            REPLAY_TIMEOUT,
                            send(&strong, &request.method, &payload),
                        )
                        .await
                        {
                            Ok(Ok(jwr)) if is_success(&jwr) => continue,
                            Ok(Ok(jwr)) => match ack_status(&jwr) {
                                Some(status) => format!(
                                    "the server answered {status} {}",
                                    jwr.get("body").unwrap_or(&Value::Null)
                                ),
                                None => format!("the ack has no valid status: {jwr}"),
                            },
                            Ok(Err(e)) => e.to_string(),
                            Err(_) => format!("no answer within {REPLAY_TIMEOUT:?}"),
                        };
                        let error = ResubscribeError {
                            method: request.method.clone(),
                            url: request.url.clone(),
                            reason,
                        };
                        tracing::warn!(%error, "a subscription was lost");
                        let listeners = lock(&strong.resubscribe_listeners).clone();
                        for listener in listeners {
                            listener(error.clone());
                        }
                    }
                    return;
                }
                Err(ConnectError::Incompatible(why)) => {
                    // The server now refuses this client's contract (it was redeployed with
                    // another API): calls fail with that, while reconnecting goes on in case
                    // it is rolled back.
                    tracing::warn!(reason = %why, "the server refuses this client's contract");
                    *lock(&strong.refused) = Some(why);
                    strong.state.send_modify(|_| {});
                    delay = (delay * 2).min(RECONNECT_MAX);
                }
                Err(e) => {
                    tracing::debug!(error = %e, "reconnecting failed; retrying");
                    delay = (delay * 2).min(RECONNECT_MAX);
                }
            }
        }
    })
}

/// Reads packets until the connection ends, then hands over to [`reconnect`]. Holds the
/// shared state weakly, so dropping the last client handle ends the connection.
async fn read_loop(
    engine: Engine,
    mut incoming: Incoming,
    shared: Weak<Shared>,
    accepted: Accepted,
) {
    let mut accepted = Some(accepted);
    while let Some(text) = incoming.recv().await {
        let Some(shared) = shared.upgrade() else {
            engine.close();
            return;
        };
        if let Flow::ServerDisconnected = handle_message(&shared, &text, &mut accepted) {
            // The server closed the namespace: the Engine.IO connection is of no further
            // use, and the reconnect policy below takes over.
            engine.close();
            break;
        }
    }
    let Some(strong) = shared.upgrade() else {
        return;
    };
    // Dropping the senders fails every call in flight with "disconnected".
    lock(&strong.pending).clear();
    if strong.closed.load(Ordering::SeqCst) {
        strong.state.send_replace(ConnectionState::Closed);
        return;
    }
    if accepted.is_none() {
        // The connection had been accepted: re-open it.
        strong.state.send_replace(ConnectionState::Reconnecting);
        tokio::spawn(reconnect(shared));
    }
}

/// What the read loop does after a packet.
enum Flow {
    Continue,
    /// The server sent DISCONNECT for the namespace.
    ServerDisconnected,
}

/// Handles one Socket.IO packet.
fn handle_message(shared: &Shared, text: &str, accepted: &mut Option<Accepted>) -> Flow {
    match parse_packet(text) {
        SioPacket::Connect { sid } => {
            *lock(&shared.sid) = sid;
            shared.state.send_replace(ConnectionState::Connected);
            if let Some(tx) = accepted.take() {
                tx.send(Ok(())).ok();
            }
        }
        SioPacket::Disconnect => return Flow::ServerDisconnected,
        SioPacket::Event { name, payload } => {
            let listeners: Vec<Listener> = lock(&shared.listeners)
                .get(&name)
                .cloned()
                .unwrap_or_default();
            for listener in listeners {
                listener(payload.clone());
            }
        }
        SioPacket::Ack { id, jwr } => {
            if let Some(tx) = lock(&shared.pending).remove(&id) {
                tx.send(jwr).ok();
            }
        }
        SioPacket::ConnectError { message } => {
            if let Some(tx) = accepted.take() {
                tx.send(Err(message)).ok();
            }
        }
        SioPacket::Ignored => {}
    }
    Flow::Continue
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shared() -> Shared {
        Shared::new(
            "http://127.0.0.1:1",
            &[],
            None,
            Duration::from_secs(1),
            crate::tls::Tls::default(),
        )
    }

    #[test]
    fn packets_starting_with_any_character_are_read_without_panicking() {
        let shared = shared();
        let mut accepted = None;
        for text in [
            "",
            "é",
            "€[1]",
            "💥{}",
            "3",
            "3é",
            "2é",
            "0é",
            "4é",
            "9[]",
            "3999999999999999999999[1]",
        ] {
            assert!(matches!(
                handle_message(&shared, text, &mut accepted),
                Flow::Continue
            ));
        }
    }

    #[test]
    fn an_ack_reaches_its_call_and_a_disconnect_packet_ends_the_connection() {
        let shared = shared();
        let (tx, mut rx) = oneshot::channel();
        lock(&shared.pending).insert(7, tx);
        let mut accepted = None;
        handle_message(&shared, r#"37[{"statusCode":200}]"#, &mut accepted);
        assert_eq!(
            rx.try_recv().ok(),
            Some(serde_json::json!({"statusCode": 200}))
        );
        assert!(matches!(
            handle_message(&shared, "1", &mut accepted),
            Flow::ServerDisconnected
        ));
    }

    #[test]
    fn an_ack_status_must_be_an_http_status() {
        assert_eq!(
            ack_status(&serde_json::json!({"statusCode": 404})),
            Some(404)
        );
        assert_eq!(ack_status(&serde_json::json!({"body": 1})), None);
        assert_eq!(ack_status(&serde_json::json!({"statusCode": "200"})), None);
        assert_eq!(ack_status(&serde_json::json!({"statusCode": 70000})), None);
        assert_eq!(ack_status(&serde_json::Value::Null), None);
    }
}
