//! A tower-sessions store on Redis, for sessions shared by several nodes (`sessions` and
//! `redis` features).
//!
//! Written here on the `redis` crate the runtime already uses for its adapter rather than
//! taken from `tower-sessions-redis-store`, which is built on a second Redis client (`fred`,
//! with its own connection pool and reconnect logic) that every multi-node app would then
//! compile and run beside this one. It is four commands: `SET … NX EXAT` to create (a new id on
//! a collision), `SET … EXAT` to save, `GET`, `DEL`; the connection is the crate's
//! `ConnectionManager`, which reconnects by itself.

use std::sync::Arc;

use redis::aio::ConnectionManager;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error as StoreError, Result as StoreResult, SessionStore};

/// Sessions in Redis: one key per session (`sailroute:session:<id>` by default) holding its
/// record as JSON, expiring with the session.
#[derive(Clone)]
pub struct RedisStore {
    connection: ConnectionManager,
    prefix: Arc<str>,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl RedisStore {
    /// Connects to Redis at `url` (`redis://host:port`). Fails when Redis is unreachable now;
    /// later outages fail the requests that need a session (500) until it is back.
    pub async fn connect(url: &str) -> Result<Self, crate::Error> {
        let redis_error = |e: redis::RedisError| crate::Error::Redis {
            url: url.to_owned(),
            source: Box::new(e),
        };
        let client = redis::Client::open(url).map_err(redis_error)?;
        let connection = ConnectionManager::new(client).await.map_err(redis_error)?;
        Ok(RedisStore {
            connection,
            prefix: Arc::from("sailroute:session:"),
        })
    }

    /// The prefix of the keys sessions are kept under (`sailroute:session:` by default).
    pub fn key_prefix(mut self, prefix: &str) -> Self {
        self.prefix = Arc::from(prefix);
        self
    }

    fn key(&self, id: &Id) -> String {
        format!("{}{id}", self.prefix)
    }

    /// Writes `record`; with `only_new`, only when no session has its id yet.
    async fn set(&self, record: &Record, only_new: bool) -> StoreResult<bool> {
        let value = serde_json::to_string(record).map_err(|e| StoreError::Encode(e.to_string()))?;
        let mut command = redis::cmd("SET");
        command.arg(self.key(&record.id)).arg(value);
        if only_new {
            command.arg("NX");
        }
        command
            .arg("EXAT")
            .arg(record.expiry_date.unix_timestamp().max(1));
        let mut connection = self.connection.clone();
        let answer: Option<String> = command
            .query_async(&mut connection)
            .await
            .map_err(backend)?;
        Ok(answer.is_some())
    }
}

fn backend(e: redis::RedisError) -> StoreError {
    StoreError::Backend(format!("redis: {e}"))
}

#[async_trait::async_trait]
impl SessionStore for RedisStore {
    async fn create(&self, record: &mut Record) -> StoreResult<()> {
        while !self.set(record, true).await? {
            record.id = Id::default();
        }
        Ok(())
    }

    async fn save(&self, record: &Record) -> StoreResult<()> {
        self.set(record, false).await.map(drop)
    }

    async fn load(&self, id: &Id) -> StoreResult<Option<Record>> {
        let mut connection = self.connection.clone();
        let value: Option<String> = redis::cmd("GET")
            .arg(self.key(id))
            .query_async(&mut connection)
            .await
            .map_err(backend)?;
        value
            .map(|value| {
                serde_json::from_str(&value).map_err(|e| StoreError::Decode(e.to_string()))
            })
            .transpose()
    }

    async fn delete(&self, id: &Id) -> StoreResult<()> {
        let mut connection = self.connection.clone();
        redis::cmd("DEL")
            .arg(self.key(id))
            .query_async::<()>(&mut connection)
            .await
            .map_err(backend)
    }
}
