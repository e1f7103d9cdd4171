//! Sails virtual requests over Socket.IO, on the rust-socketio project's Engine.IO client
//! (`rust_engineio`).
//!
//! The Socket.IO packet layer is our own rather than `rust_socketio`'s: its ack ids are drawn
//! at random from 0..999, two calls in flight can draw the same one (and then both receive
//! the first answer while the second is dropped), and an ack that times out is never
//! reported. Here ack ids come from a per-connection counter, so no two calls in flight ever
//! share one; a call that times out or is dropped removes its entry at once.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use rust_engineio::asynchronous::{Client as EngineClient, ClientBuilder as EngineBuilder};
use rust_engineio::header::HeaderMap as EngineHeaders;
use rust_engineio::{Packet, PacketId};
use serde_json::Value;
use tokio::sync::{oneshot, watch};

use crate::error::ConnectError;

/// Where a socket connection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConnectionState {
    /// Opening the connection.
    Connecting,
    /// Connected: calls go out at once.
    Connected,
    /// The connection is gone; calls fail with a transport error.
    Disconnected,
}

type Listener = Arc<dyn Fn(Value) + Send + Sync>;
type Pending = oneshot::Sender<Value>;

struct Shared {
    engine: EngineClient,
    pending: Mutex<HashMap<u64, Pending>>,
    next_id: AtomicU64,
    listeners: Mutex<HashMap<String, Vec<Listener>>>,
    state: watch::Sender<ConnectionState>,
    sid: Mutex<Option<String>>,
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
        headers: &[(String, String)],
        timeout: Duration,
    ) -> Result<Self, ConnectError> {
        let mut engine_url = url::Url::parse(url).map_err(|e| ConnectError::InvalidUrl {
            url: url.to_owned(),
            message: e.to_string(),
        })?;
        if !matches!(engine_url.scheme(), "http" | "https" | "ws" | "wss") {
            return Err(ConnectError::InvalidUrl {
                url: url.to_owned(),
                message: "expected http:// or https://".to_owned(),
            });
        }
        engine_url.set_path("/socket.io/");
        let mut builder = EngineBuilder::new(engine_url);
        if !headers.is_empty() {
            let mut map = EngineHeaders::default();
            for (name, value) in headers {
                map.insert(name.clone(), value.clone());
            }
            builder = builder.headers(map);
        }
        let engine_error = |e: rust_engineio::Error| ConnectError::Engine {
            url: url.to_owned(),
            message: e.to_string(),
        };
        let engine = tokio::time::timeout(timeout, builder.build_websocket())
            .await
            .map_err(|_| ConnectError::Timeout(timeout))?
            .map_err(engine_error)?;
        engine.connect().await.map_err(engine_error)?;

        let (state, _) = watch::channel(ConnectionState::Connecting);
        let shared = Arc::new(Shared {
            engine: engine.clone(),
            pending: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(0),
            listeners: Mutex::new(HashMap::new()),
            state,
            sid: Mutex::new(None),
        });
        let (accepted_tx, accepted_rx) = oneshot::channel();
        tokio::spawn(read_loop(engine, Arc::downgrade(&shared), accepted_tx));
        shared
            .engine
            .emit(Packet::new(PacketId::Message, Bytes::from_static(b"0")))
            .await
            .map_err(engine_error)?;
        match tokio::time::timeout(timeout, accepted_rx).await {
            Ok(Ok(Ok(()))) => Ok(SocketTransport { shared }),
            Ok(Ok(Err(refusal))) => Err(ConnectError::Refused(refusal)),
            Ok(Err(_)) => Err(ConnectError::Engine {
                url: url.to_owned(),
                message: "the connection closed during the handshake".to_owned(),
            }),
            Err(_) => Err(ConnectError::Timeout(timeout)),
        }
    }

    /// Sends one virtual request and waits for its ack (the JWR). Dropping the future
    /// abandons the call.
    pub(crate) async fn request(&self, method: &str, payload: &Value) -> Result<Value, String> {
        if *self.shared.state.borrow() != ConnectionState::Connected {
            return Err("the socket is not connected".to_owned());
        }
        let id = self.shared.next_id.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = oneshot::channel();
        lock(&self.shared.pending).insert(id, tx);
        let _guard = PendingGuard {
            shared: &self.shared,
            id,
        };
        let text = format!(
            "2{id}{}",
            serde_json::to_string(&(method, payload)).map_err(|e| e.to_string())?
        );
        self.shared
            .engine
            .emit(Packet::new(PacketId::Message, Bytes::from(text)))
            .await
            .map_err(|e| e.to_string())?;
        rx.await
            .map_err(|_| "the socket disconnected before the request completed".to_owned())
    }

    /// Calls `listener` with the payload of every `event` the server pushes.
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

    /// The socket id the server assigned.
    pub(crate) fn id(&self) -> Option<String> {
        lock(&self.shared.sid).clone()
    }

    /// Closes the connection; calls in flight fail.
    pub(crate) async fn disconnect(&self) {
        self.shared
            .engine
            .emit(Packet::new(PacketId::Message, Bytes::from_static(b"1")))
            .await
            .ok();
        self.shared.engine.disconnect().await.ok();
        self.shared
            .state
            .send_replace(ConnectionState::Disconnected);
        lock(&self.shared.pending).clear();
    }
}

/// Reads packets until the connection ends. Holds the shared state weakly, so dropping the
/// last client handle ends the connection.
async fn read_loop(
    mut engine: EngineClient,
    shared: std::sync::Weak<Shared>,
    accepted: oneshot::Sender<Result<(), String>>,
) {
    let mut accepted = Some(accepted);
    while let Some(item) = engine.next().await {
        let Some(shared) = shared.upgrade() else {
            engine.disconnect().await.ok();
            return;
        };
        let packet = match item {
            Ok(packet) => packet,
            Err(e) => {
                tracing::debug!(error = %e, "socket transport error");
                break;
            }
        };
        match packet.packet_id {
            PacketId::Message => {
                let text = String::from_utf8_lossy(&packet.data);
                handle_message(&shared, &text, &mut accepted);
            }
            PacketId::Close => break,
            _ => {}
        }
    }
    if let Some(shared) = shared.upgrade() {
        shared.state.send_replace(ConnectionState::Disconnected);
        // Dropping the senders fails every call in flight with "disconnected".
        lock(&shared.pending).clear();
    }
}

/// Handles one Socket.IO packet (namespace `/`, JSON only).
fn handle_message(
    shared: &Shared,
    text: &str,
    accepted: &mut Option<oneshot::Sender<Result<(), String>>>,
) {
    let Some(kind) = text.chars().next() else {
        return;
    };
    let rest = &text[1..];
    match kind {
        '0' => {
            let sid = serde_json::from_str::<Value>(rest)
                .ok()
                .and_then(|v| v.get("sid").and_then(Value::as_str).map(str::to_owned));
            *lock(&shared.sid) = sid;
            shared.state.send_replace(ConnectionState::Connected);
            if let Some(tx) = accepted.take() {
                tx.send(Ok(())).ok();
            }
        }
        '1' => {
            shared.state.send_replace(ConnectionState::Disconnected);
            lock(&shared.pending).clear();
        }
        '2' => {
            let json = rest.trim_start_matches(|c: char| c.is_ascii_digit());
            let Ok(Value::Array(mut items)) = serde_json::from_str::<Value>(json) else {
                return;
            };
            if items.is_empty() {
                return;
            }
            let Value::String(event) = items.remove(0) else {
                return;
            };
            let payload = match items.len() {
                0 => Value::Null,
                1 => items.remove(0),
                _ => Value::Array(items),
            };
            let listeners: Vec<Listener> = lock(&shared.listeners)
                .get(&event)
                .cloned()
                .unwrap_or_default();
            for listener in listeners {
                listener(payload.clone());
            }
        }
        '3' => {
            let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            let Ok(id) = rest[..digits].parse::<u64>() else {
                return;
            };
            let Ok(Value::Array(mut items)) = serde_json::from_str::<Value>(&rest[digits..]) else {
                return;
            };
            let jwr = if items.is_empty() {
                Value::Null
            } else {
                items.remove(0)
            };
            if let Some(tx) = lock(&shared.pending).remove(&id) {
                tx.send(jwr).ok();
            }
        }
        '4' => {
            let message = serde_json::from_str::<Value>(rest)
                .ok()
                .and_then(|v| v.get("message").and_then(Value::as_str).map(str::to_owned))
                .unwrap_or_else(|| rest.to_owned());
            if let Some(tx) = accepted.take() {
                tx.send(Err(message)).ok();
            }
        }
        _ => {}
    }
}
