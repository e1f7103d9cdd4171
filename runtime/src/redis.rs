//! Many nodes, one set of rooms: a Redis driver that survives Redis going away, under the own
//! transport's cluster backend (`sockets/node_cluster.rs`, the default) and socketioxide's
//! Redis adapter (`SocketTransport::Socketioxide`).
//!
//! socketioxide-redis' own driver holds one connection: when Redis restarts, its
//! subscriptions are gone for good, and while Redis is down a broadcast fails *before* it is
//! delivered to the node's own sockets. This driver instead drops cross-node messages while
//! Redis is unreachable (delivery across nodes is at most once anyway), so every node keeps
//! serving its own sockets, and it reconnects in the background and subscribes again, so
//! cross-node delivery resumes by itself. See `docs/scaling.md`.
//!
//! Why not `redis`' `ConnectionManager`, which reconnects and resubscribes by itself: every
//! command on it awaits the reconnection under way, with its retries and backoff, and the
//! adapter publishes a broadcast *before* delivering it locally — so while Redis is away every
//! broadcast, and the node's own sockets' copy of it, would wait for Redis. Here a command
//! never waits for a connection that is not there.
//!
//! Each connection gets an epoch. The connection, its epoch and the channel handlers change
//! under one lock, so a `subscribe` either lands before a new connection takes its snapshot of
//! the channels (and is subscribed with them) or finds the new connection (and subscribes on
//! it); and a failure or a disconnection push names its connection's epoch, so a late one from
//! a replaced connection cannot clear a healthy one. Both races are forced in the tests below.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
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

/// What changes together: the connection, its epoch, and the channels to subscribe.
#[derive(Default)]
struct State {
    conn: Option<MultiplexedConnection>,
    /// The epoch of `conn` (or of the last one, once it is gone).
    epoch: u64,
    handlers: HashMap<String, mpsc::Sender<ChanItem>>,
}

struct Inner {
    client: redis::Client,
    state: Mutex<State>,
    /// Numbers the connections, so that news about one is not taken for another.
    next_epoch: AtomicU64,
    reconnecting: AtomicBool,
    #[cfg(test)]
    hooks: tests::Hooks,
}

impl Inner {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // Plain values, consistent after any panic.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The connection of `epoch` is gone: forget it (unless a newer one replaced it) and
    /// reconnect in the background.
    fn lost(self: &Arc<Self>, epoch: u64, why: &dyn std::fmt::Display) {
        let current = {
            let mut state = self.state();
            let current = state.epoch == epoch && state.conn.is_some();
            if current {
                state.conn = None;
            }
            current
        };
        if current {
            tracing::warn!(%why, "redis unreachable: cross-node delivery paused, local delivery continues");
            reconnect(self.clone());
        }
    }
}

/// A socketioxide-redis [`Driver`] that keeps a node working while Redis is away and
/// resubscribes when it is back.
#[derive(Clone)]
pub(crate) struct ResilientDriver {
    inner: Arc<Inner>,
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
            state: Mutex::default(),
            next_epoch: AtomicU64::new(1),
            reconnecting: AtomicBool::new(false),
            #[cfg(test)]
            hooks: tests::Hooks::default(),
        });
        open(&inner).await?;
        Ok(ResilientDriver { inner })
    }

    /// The connection and its epoch, if there is one (else reconnection is under way).
    fn connection(&self) -> Option<(MultiplexedConnection, u64)> {
        let conn = {
            let state = self.inner.state();
            state.conn.clone().map(|conn| (conn, state.epoch))
        };
        if conn.is_none() {
            reconnect(self.inner.clone());
        }
        conn
    }
}

/// Opens a connection whose pushes feed the handlers, makes it current, and subscribes every
/// known channel on it.
async fn open(inner: &Arc<Inner>) -> Result<(), redis::RedisError> {
    let epoch = inner.next_epoch.fetch_add(1, Ordering::Relaxed);
    let weak = Arc::downgrade(inner);
    let config = redis::AsyncConnectionConfig::new().set_push_sender(move |push: PushInfo| {
        if let Some(inner) = weak.upgrade() {
            on_push(&inner, epoch, push);
        }
        Ok::<(), std::convert::Infallible>(())
    });
    let mut conn = inner
        .client
        .get_multiplexed_async_connection_with_config(&config)
        .await?;
    // Current from now on; every channel known now is subscribed below, every later one by
    // its `subscribe` on this connection.
    let channels: Vec<String> = {
        let mut state = inner.state();
        state.conn = Some(conn.clone());
        state.epoch = epoch;
        state.handlers.keys().cloned().collect()
    };
    #[cfg(test)]
    inner.hooks.current().await;
    for channel in channels {
        if let Err(e) = conn.subscribe(channel.as_str()).await {
            inner.lost(epoch, &e);
            return Err(e);
        }
    }
    Ok(())
}

fn on_push(inner: &Arc<Inner>, epoch: u64, push: PushInfo) {
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
            let handler = inner.state().handlers.get(&channel).cloned();
            if let Some(tx) = handler
                && let Err(e) = tx.try_send((channel, message))
            {
                tracing::warn!("redis message dropped, the adapter is behind: {e}");
            }
        }
        PushKind::Disconnection => inner.lost(epoch, &"the connection closed"),
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
                Ok(()) => {
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
        let Some((mut conn, epoch)) = self.connection() else {
            return Ok(());
        };
        if let Err(e) = conn.publish::<_, _, redis::Value>(chan, val).await {
            self.inner.lost(epoch, &e);
        }
        Ok(())
    }

    async fn subscribe(
        &self,
        chan: String,
        size: usize,
    ) -> Result<MessageStream<ChanItem>, RedisError> {
        let (tx, rx) = mpsc::channel(size);
        // Known to the next connection's snapshot, or subscribed on the current one: the
        // handler and the connection are read under one lock.
        let conn = {
            let mut state = self.inner.state();
            state.handlers.insert(chan.clone(), tx);
            state.conn.clone().map(|conn| (conn, state.epoch))
        };
        match conn {
            Some((mut conn, epoch)) => {
                if let Err(e) = conn.subscribe(chan.as_str()).await {
                    self.inner.lost(epoch, &e);
                }
            }
            // Subscribed with the others when the connection is back.
            None => reconnect(self.inner.clone()),
        }
        Ok(MessageStream::new(rx))
    }

    async fn unsubscribe(&self, chan: String) -> Result<(), RedisError> {
        let conn = {
            let mut state = self.inner.state();
            state.handlers.remove(&chan);
            state.conn.clone().map(|conn| (conn, state.epoch))
        };
        if let Some((mut conn, epoch)) = conn
            && let Err(e) = conn.unsubscribe(chan.as_str()).await
        {
            self.inner.lost(epoch, &e);
        }
        Ok(())
    }

    async fn num_serv(&self, chan: &str) -> Result<u16, RedisError> {
        // Unreachable Redis: no other node answers, so none is waited for.
        let Some((mut conn, epoch)) = self.connection() else {
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
                self.inner.lost(epoch, &e);
                Ok(0)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::process::{Child, Command, Stdio};

    use futures_util::StreamExt;

    use super::*;

    /// A pause point in `open`, once the new connection is current and has taken its snapshot
    /// of the channels (where, before the epochs, a `subscribe` was lost).
    #[derive(Default)]
    pub(super) struct Hooks {
        armed: AtomicBool,
        reached: tokio::sync::Notify,
        gate: tokio::sync::Mutex<()>,
    }

    impl Hooks {
        pub(super) async fn current(&self) {
            if self.armed.swap(false, Ordering::SeqCst) {
                self.reached.notify_one();
                drop(self.gate.lock().await);
            }
        }
    }

    /// A `redis-server` on a free port, without persistence, killed on drop.
    struct Redis(Child, u16);

    impl Redis {
        async fn start() -> Redis {
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let child = Command::new("redis-server")
                .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
                .args(["--save", "", "--appendonly", "no"])
                .stdout(Stdio::null())
                .spawn()
                .expect("redis-server is installed (scripts/test.sh installs it)");
            let redis = Redis(child, port);
            while tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_err()
            {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            redis
        }

        fn url(&self) -> String {
            format!("redis://127.0.0.1:{}", self.1)
        }
    }

    impl Drop for Redis {
        fn drop(&mut self) {
            self.0.kill().ok();
            self.0.wait().ok();
        }
    }

    /// Waits until the driver has a connection of another epoch than `old`.
    async fn replaced(driver: &ResilientDriver, old: u64) -> u64 {
        loop {
            {
                let state = driver.inner.state();
                if state.conn.is_some() && state.epoch != old {
                    return state.epoch;
                }
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    #[tokio::test]
    async fn a_subscribe_while_a_new_connection_subscribes_the_others_is_not_lost() {
        let redis = Redis::start().await;
        let driver = ResilientDriver::connect(&redis.url()).await.unwrap();
        let mut early = driver.subscribe("early".into(), 16).await.unwrap();

        // Drop the connection and hold the reconnection right after its snapshot.
        let gate = driver.inner.hooks.gate.lock().await;
        driver.inner.hooks.armed.store(true, Ordering::SeqCst);
        let old = driver.inner.state().epoch;
        driver.inner.lost(old, &"forced by the test");
        driver.inner.hooks.reached.notified().await;
        let mut late = driver.subscribe("late".into(), 16).await.unwrap();
        drop(gate);
        replaced(&driver, old).await;

        let client = redis::Client::open(redis.url()).unwrap();
        let mut plain = client.get_multiplexed_async_connection().await.unwrap();
        for channel in ["early", "late"] {
            // Polled (a hang guard, not a timing claim: a lost subscription never arrives).
            let mut subscribed = false;
            for _ in 0..1000 {
                let (_, count): (String, u32) = redis::cmd("PUBSUB")
                    .arg("NUMSUB")
                    .arg(channel)
                    .query_async(&mut plain)
                    .await
                    .unwrap();
                if count == 1 {
                    subscribed = true;
                    break;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            assert!(
                subscribed,
                "{channel:?} was never subscribed on the new connection"
            );
            let () = plain.publish(channel, b"hi".to_vec()).await.unwrap();
        }
        assert_eq!(
            early.next().await.unwrap(),
            ("early".to_owned(), b"hi".to_vec())
        );
        assert_eq!(
            late.next().await.unwrap(),
            ("late".to_owned(), b"hi".to_vec())
        );
    }

    #[tokio::test]
    async fn a_late_disconnection_of_a_replaced_connection_leaves_the_new_one() {
        let redis = Redis::start().await;
        let driver = ResilientDriver::connect(&redis.url()).await.unwrap();
        let old = driver.inner.state().epoch;
        driver.inner.lost(old, &"forced by the test");
        let new = replaced(&driver, old).await;

        // The old connection's disconnection push arrives only now.
        let push = PushInfo {
            kind: PushKind::Disconnection,
            data: Vec::new(),
        };
        on_push(&driver.inner, old, push);
        let state = driver.inner.state();
        assert!(
            state.conn.is_some(),
            "a stale push cleared the new connection"
        );
        assert_eq!(state.epoch, new);
    }
}
