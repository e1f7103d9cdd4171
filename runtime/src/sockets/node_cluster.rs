//! Several nodes of the project's own transport through Redis: the [`Backend`] that applies
//! each operation to this node's table at once and publishes it for the other nodes.
//!
//! It runs on the same [`ResilientDriver`] as socketioxide's Redis adapter, so it keeps the
//! driver's epochs and its outage behaviour (docs/scaling.md): while Redis is away an operation
//! reaches this node's sockets and no other, listings see this node alone, and once Redis is
//! back the driver subscribes again by itself. The guarantees are the adapter's too: at most
//! once across nodes, membership changes applied by the other nodes shortly after, listings
//! waiting at most [`LISTING_TIMEOUT`] for the other nodes' answers (what came in time is the
//! answer, as with socketioxide's adapter).
//!
//! Written here rather than reusing socketioxide-redis' adapter because that adapter drives
//! socketioxide's sockets; the wire between nodes is this module's own (JSON messages on two
//! channels per node), so nodes on the two transports do not share rooms.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use futures_util::StreamExt as _;
use serde::{Deserialize, Serialize};
use socketioxide_redis::drivers::Driver as _;
use tokio::sync::mpsc;

use super::*;
use crate::redis::ResilientDriver;
use crate::sockets::backend::Member;

/// How long a listing waits for the other nodes' answers (the Redis adapter's request timeout).
pub(crate) const LISTING_TIMEOUT: Duration = Duration::from_secs(2);

/// What one node tells the others.
///
/// Externally tagged (`{"emit":{…}}`): serde reads a [`RawValue`] only straight from the JSON,
/// which an internally tagged enum does not do (it buffers the fields first).
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Message {
    /// A push to `rooms` (every socket when empty), except `omit`.
    Emit {
        from: String,
        rooms: Vec<String>,
        omit: Option<String>,
        event: String,
        data: Box<RawValue>,
    },
    /// The sockets in `target` (a room or a socket id) join `rooms`.
    Join {
        from: String,
        target: String,
        rooms: Vec<String>,
    },
    /// The sockets in `target` leave `rooms`.
    Leave {
        from: String,
        target: String,
        rooms: Vec<String>,
    },
    /// Who is in `room`: each node answers on the asker's own channel.
    Members {
        from: String,
        req: u64,
        room: String,
    },
    /// An answer to `Members`: socket ids and their rooms.
    MembersOf { req: u64, members: Listing },
}

/// Socket ids and their rooms, as one node answers a listing.
type Listing = Vec<(String, Vec<String>)>;

/// Listings waiting for the other nodes' answers, by request number.
type Pending = Mutex<HashMap<u64, mpsc::Sender<Listing>>>;

/// This node's sockets, and the other nodes' through Redis.
pub(crate) struct ClusterBackend {
    local: NodeBackend,
    driver: ResilientDriver,
    /// This node's name on the wire (random).
    uid: String,
    /// What every channel's name starts with.
    prefix: String,
    /// The channel every node listens on.
    all: String,
    pending: Arc<Pending>,
    next_req: AtomicU64,
}

impl ClusterBackend {
    /// The backend of `local` on `driver`, subscribed before it returns so that the first
    /// message of another node reaches it. `path` (the socket path) names the channels, so that
    /// servers at different paths on one Redis keep apart.
    pub(crate) async fn subscribe(
        local: NodeBackend,
        driver: ResilientDriver,
        path: &str,
    ) -> Result<Arc<ClusterBackend>, crate::redis::RedisError> {
        let prefix = format!("sailroute-node#{path}");
        let uid = format!("{:016x}", rand::random::<u64>());
        let all = format!("{prefix}#all");
        let own = format!("{prefix}#{uid}");
        let backend = Arc::new(ClusterBackend {
            local,
            driver,
            uid,
            prefix,
            all,
            pending: Arc::default(),
            next_req: AtomicU64::new(0),
        });
        let broadcasts = backend.driver.subscribe(backend.all.clone(), 4096).await?;
        let answers = backend.driver.subscribe(own, 1024).await?;
        let listener = Arc::downgrade(&backend);
        tokio::spawn(listen(
            listener,
            futures_util::stream::select(broadcasts, answers),
        ));
        Ok(backend)
    }

    /// Publishes `message` to the other nodes; while Redis is away the driver drops it.
    async fn publish(&self, channel: String, message: &Message) {
        let bytes = match serde_json::to_vec(message) {
            Ok(bytes) => bytes,
            Err(e) => {
                tracing::error!(error = %e, "a message for the other nodes was not encoded");
                return;
            }
        };
        if let Err(e) = self.driver.publish(channel, bytes).await {
            tracing::debug!(error = %e, "a message for the other nodes was not published");
        }
    }

    /// `local` (the operation on this node's sockets, done first and whether or not Redis is
    /// there), then `message` for the other nodes.
    fn spread<'a>(
        &'a self,
        local: BoxFuture<'a, Result<(), SocketsError>>,
        message: Message,
    ) -> BoxFuture<'a, Result<(), SocketsError>> {
        Box::pin(async move {
            local.await?;
            self.publish(self.all.clone(), &message).await;
            Ok(())
        })
    }

    /// A message from another node, applied to this node's sockets.
    async fn receive(&self, message: Message) {
        match message {
            Message::Emit { from, .. }
            | Message::Join { from, .. }
            | Message::Leave { from, .. }
            | Message::Members { from, .. }
                if from == self.uid => {}
            Message::Emit {
                rooms,
                omit,
                event,
                data,
                ..
            } => {
                let omit = omit.and_then(|id| Sid::from_str(&id).ok());
                let _ = self.local.emit(rooms, omit, event, data).await;
            }
            Message::Join { target, rooms, .. } => {
                let _ = self.local.join(target, rooms).await;
            }
            Message::Leave { target, rooms, .. } => {
                let _ = self.local.leave(target, rooms).await;
            }
            Message::Members { from, req, room } => {
                let members = self
                    .local
                    .members(room)
                    .await
                    .unwrap_or_default()
                    .into_iter()
                    .map(|m| (m.id.to_string(), m.rooms))
                    .collect();
                let answer = Message::MembersOf { req, members };
                let channel = format!("{}#{from}", self.prefix);
                // Answered on a task of its own: the messages behind this one do not wait for
                // the answer's round trip to Redis.
                let driver = self.driver.clone();
                tokio::spawn(async move {
                    match serde_json::to_vec(&answer) {
                        Ok(bytes) => {
                            if let Err(e) = driver.publish(channel, bytes).await {
                                tracing::debug!(error = %e, "a listing's answer was not published");
                            }
                        }
                        Err(e) => tracing::error!(error = %e, "a listing's answer was not encoded"),
                    }
                });
            }
            Message::MembersOf { req, members } => {
                let waiting = self.pending().get(&req).cloned();
                if let Some(waiting) = waiting {
                    let _ = waiting.try_send(members);
                }
            }
        }
    }

    fn pending(&self) -> std::sync::MutexGuard<'_, HashMap<u64, mpsc::Sender<Listing>>> {
        // Plain values, consistent after any panic.
        self.pending
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Forgets a listing's entry in the pending map when the listing ends.
struct Forget<'a>(&'a ClusterBackend, u64);

impl Drop for Forget<'_> {
    fn drop(&mut self) {
        self.0.pending().remove(&self.1);
    }
}

/// The subscription's task: every message from another node, in order. Ends with the backend.
async fn listen(
    backend: Weak<ClusterBackend>,
    mut messages: impl futures_util::Stream<Item = socketioxide_redis::drivers::ChanItem> + Unpin,
) {
    while let Some((channel, bytes)) = messages.next().await {
        let Some(backend) = backend.upgrade() else {
            return;
        };
        match serde_json::from_slice::<Message>(&bytes) {
            Ok(message) => backend.receive(message).await,
            Err(e) => {
                tracing::warn!(%channel, error = %e, "a message from another node was not read")
            }
        }
    }
}

impl Backend for ClusterBackend {
    fn emit(
        &self,
        rooms: Vec<String>,
        omit: Option<Sid>,
        event: String,
        data: Box<RawValue>,
    ) -> BoxFuture<'_, Result<(), SocketsError>> {
        let message = Message::Emit {
            from: self.uid.clone(),
            rooms: rooms.clone(),
            omit: omit.map(|id| id.to_string()),
            event: event.clone(),
            data: data.clone(),
        };
        // This node's sockets first, written before this returns (the requester's ack follows
        // them), and whether or not Redis is there.
        let local = self.local.emit(rooms, omit, event, data);
        self.spread(local, message)
    }

    fn join(&self, target: String, rooms: Vec<String>) -> BoxFuture<'_, Result<(), SocketsError>> {
        let message = Message::Join {
            from: self.uid.clone(),
            target: target.clone(),
            rooms: rooms.clone(),
        };
        let local = self.local.join(target, rooms);
        self.spread(local, message)
    }

    fn leave(&self, target: String, rooms: Vec<String>) -> BoxFuture<'_, Result<(), SocketsError>> {
        let message = Message::Leave {
            from: self.uid.clone(),
            target: target.clone(),
            rooms: rooms.clone(),
        };
        let local = self.local.leave(target, rooms);
        self.spread(local, message)
    }

    fn members(&self, room: String) -> BoxFuture<'_, Result<Vec<Member>, SocketsError>> {
        Box::pin(async move {
            let mut members = self.local.members(room.clone()).await?;
            // Every node listens on `all`, this one included; while Redis is away the driver
            // counts none, and this node's answer is the whole answer.
            let others =
                usize::from(self.driver.num_serv(&self.all).await.unwrap_or(0)).saturating_sub(1);
            if others == 0 {
                return Ok(members);
            }
            let req = self.next_req.fetch_add(1, Ordering::Relaxed);
            let (tx, mut rx) = mpsc::channel(others);
            self.pending().insert(req, tx);
            // Forgotten however this ends, a caller that gives up on the listing included.
            let _forget = Forget(self, req);
            let ask = Message::Members {
                from: self.uid.clone(),
                req,
                room: room.clone(),
            };
            self.publish(self.all.clone(), &ask).await;
            let mut answered = 0;
            let gathered = tokio::time::timeout(LISTING_TIMEOUT, async {
                while answered < others {
                    let Some(theirs) = rx.recv().await else { break };
                    answered += 1;
                    for (id, rooms) in theirs {
                        match Sid::from_str(&id) {
                            Ok(id) => members.push(Member { id, rooms }),
                            Err(_) => tracing::warn!(%id, "another node named a socket id that is not one"),
                        }
                    }
                }
            })
            .await;
            if gathered.is_err() {
                // As socketioxide's adapter does: what came in time is the answer (a node that
                // went away stays counted by Redis until its connection is noticed gone).
                tracing::warn!(
                    room,
                    missing = others - answered,
                    "nodes did not answer a listing within {} s: listed without them",
                    LISTING_TIMEOUT.as_secs()
                );
            }
            Ok(members)
        })
    }

    fn local_rooms(&self, id: Sid) -> Option<Vec<String>> {
        self.local.local_rooms(id)
    }

    fn handshake(&self, id: Sid) -> Option<crate::policy::Handshake> {
        self.local.handshake(id)
    }
}
