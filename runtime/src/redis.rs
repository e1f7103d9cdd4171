//! Many nodes, one set of rooms: socketioxide's Redis adapter, on a driver that survives
//! Redis going away.
//!
//! socketioxide-redis' own driver holds one connection: when Redis restarts, its
//! subscriptions are gone for good, and while Redis is down a broadcast fails *before* it is
//! delivered to the node's own sockets. This driver instead drops cross-node messages while
//! Redis is unreachable (delivery across nodes is at most once anyway), so every node keeps
//! serving its own sockets, and it reconnects in the background and subscribes again, so
//! cross-node delivery resumes by itself. See `docs/scaling.md`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use redis::aio::MultiplexedConnection;
use redis::{AsyncCommands, PushInfo, PushKind};
use socketioxide_redis::drivers::{ChanItem, Driver, MessageStream};
use tokio::sync::mpsc;

/// Backoff between reconnection attempts.
const RECONNECT_MIN: Duration = Duration::from_millis(100);
const RECONNECT_MAX: Duration = Duration::from_secs(2);

/// What can go wrong talking to Redis.
#[derive(Debug, thiserror::Error)]
#[error("redis: {0}")]
pub(crate) struct RedisError(#[from] redis::RedisError);

type Handlers = Arc<RwLock<HashMap<String, mpsc::Sender<ChanItem>>>>;

struct Inner {
    client: redis::Client,
    conn: RwLock<Option<MultiplexedConnection>>,
    handlers: Handlers,
    reconnecting: AtomicBool,
}

/// A socketioxide-redis [`Driver`] that keeps a node working while Redis is away and
/// resubscribes when it is back.
#[derive(Clone)]
pub(crate) struct ResilientDriver {
    inner: Arc<Inner>,
}

fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl ResilientDriver {
    /// Connects to Redis at `url` (`redis://host:port`); fails when Redis is unreachable now.
    pub(crate) async fn connect(url: &str) -> Result<Self, RedisError> {
        // The adapter's subscriptions arrive as RESP3 pushes.
        let url = if url.contains("protocol=") {
            url.to_owned()
        } else if url.contains('?') {
            format!("{url}&protocol=resp3")
        } else {
            format!("{url}?protocol=resp3")
        };
        let client = redis::Client::open(url)?;
        let inner = Arc::new(Inner {
            client,
            conn: RwLock::new(None),
            handlers: Arc::default(),
            reconnecting: AtomicBool::new(false),
        });
        let conn = open(&inner).await?;
        *write(&inner.conn) = Some(conn);
        Ok(ResilientDriver { inner })
    }

    fn connection(&self) -> Option<MultiplexedConnection> {
        let conn = read(&self.inner.conn).clone();
        if conn.is_none() {
            reconnect(self.inner.clone());
        }
        conn
    }

    /// Marks the connection lost and starts reconnecting.
    fn lost(&self, error: &redis::RedisError) {
        tracing::warn!(%error, "redis unreachable: cross-node delivery paused, local delivery continues");
        *write(&self.inner.conn) = None;
        reconnect(self.inner.clone());
    }
}

/// Opens a connection whose pushes feed the handlers, and subscribes every known channel.
async fn open(inner: &Arc<Inner>) -> Result<MultiplexedConnection, redis::RedisError> {
    let weak = Arc::downgrade(inner);
    let config = redis::AsyncConnectionConfig::new().set_push_sender(move |push: PushInfo| {
        if let Some(inner) = weak.upgrade() {
            on_push(&inner, push);
        }
        Ok::<(), std::convert::Infallible>(())
    });
    let mut conn = inner
        .client
        .get_multiplexed_async_connection_with_config(&config)
        .await?;
    let channels: Vec<String> = read(&inner.handlers).keys().cloned().collect();
    for channel in channels {
        conn.subscribe(channel.as_str()).await?;
    }
    Ok(conn)
}

fn on_push(inner: &Arc<Inner>, push: PushInfo) {
    match push.kind {
        PushKind::Message | PushKind::SMessage => {
            let mut data = push.data.into_iter();
            let (Some(channel), Some(message)) = (data.next(), data.next()) else {
                return;
            };
            let (Ok(channel), Ok(message)) = (
                redis::from_redis_value::<String>(channel),
                redis::from_redis_value::<Vec<u8>>(message),
            ) else {
                return;
            };
            if let Some(tx) = read(&inner.handlers).get(&channel)
                && let Err(e) = tx.try_send((channel, message))
            {
                tracing::warn!("redis message dropped, the adapter is behind: {e}");
            }
        }
        PushKind::Disconnection => {
            tracing::warn!(
                "redis connection lost: cross-node delivery paused, local delivery continues"
            );
            *write(&inner.conn) = None;
            reconnect(inner.clone());
        }
        _ => {}
    }
}

/// Reconnects in the background (once at a time), then resubscribes.
fn reconnect(inner: Arc<Inner>) {
    if inner.reconnecting.swap(true, Ordering::SeqCst) {
        return;
    }
    tokio::spawn(async move {
        let mut delay = RECONNECT_MIN;
        loop {
            tokio::time::sleep(delay).await;
            match open(&inner).await {
                Ok(conn) => {
                    *write(&inner.conn) = Some(conn);
                    tracing::info!("redis reachable again: cross-node delivery resumed");
                    break;
                }
                Err(e) => {
                    tracing::debug!(error = %e, "redis still unreachable");
                    delay = (delay * 2).min(RECONNECT_MAX);
                }
            }
        }
        inner.reconnecting.store(false, Ordering::SeqCst);
    });
}

impl Driver for ResilientDriver {
    type Error = RedisError;

    async fn publish(&self, chan: String, val: Vec<u8>) -> Result<(), RedisError> {
        // Unreachable Redis: the message is not delivered to other nodes (at most once), and
        // the broadcast goes on to this node's sockets.
        let Some(mut conn) = self.connection() else {
            return Ok(());
        };
        if let Err(e) = conn.publish::<_, _, redis::Value>(chan, val).await {
            self.lost(&e);
        }
        Ok(())
    }

    async fn subscribe(
        &self,
        chan: String,
        size: usize,
    ) -> Result<MessageStream<ChanItem>, RedisError> {
        let (tx, rx) = mpsc::channel(size);
        write(&self.inner.handlers).insert(chan.clone(), tx);
        // Without a connection, the channel is subscribed when one is back.
        if let Some(mut conn) = self.connection()
            && let Err(e) = conn.subscribe(chan.as_str()).await
        {
            self.lost(&e);
        }
        Ok(MessageStream::new(rx))
    }

    async fn unsubscribe(&self, chan: String) -> Result<(), RedisError> {
        write(&self.inner.handlers).remove(&chan);
        if let Some(mut conn) = self.connection()
            && let Err(e) = conn.unsubscribe(chan.as_str()).await
        {
            self.lost(&e);
        }
        Ok(())
    }

    async fn num_serv(&self, chan: &str) -> Result<u16, RedisError> {
        // Unreachable Redis: no other node answers, so none is waited for.
        let Some(mut conn) = self.connection() else {
            return Ok(0);
        };
        let result: Result<(String, u16), _> = redis::cmd("PUBSUB")
            .arg("NUMSUB")
            .arg(chan)
            .query_async(&mut conn)
            .await;
        match result {
            Ok((_, count)) => Ok(count),
            Err(e) => {
                self.lost(&e);
                Ok(0)
            }
        }
    }
}
