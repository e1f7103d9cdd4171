//! A session store in this process's memory that forgets expired sessions.
//!
//! tower-sessions' own `MemoryStore` filters expired records on load but never removes them,
//! so every session ever made stays in memory for good: one per cookie-less `GET
//! /__getcookie`, which anyone can send in a loop (issue 23, point 7: 20,000 GETs, 20,000
//! sessions kept). This one removes a record when it is loaded expired, and sweeps the whole
//! map whenever it has doubled since the last sweep, so the work stays constant per write and
//! memory follows the sessions that are still alive.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tower_sessions::cookie::time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

/// The fewest records at which a write sweeps expired ones: below it, a sweep costs more than
/// the memory it frees.
const MIN_SWEEP: usize = 1024;

/// Sessions kept in this process's memory, for one node (use `RedisStore` for several);
/// expired sessions are removed. Cloning shares the store.
///
/// ```
/// use sailroute::sessions::{MemoryStore, Sessions};
///
/// # fn builder(app: axum::Router) -> sailroute::ServerBuilder {
/// sailroute::Server::builder(app).sessions(Sessions::new(MemoryStore::default()))
/// # }
/// ```
#[derive(Clone, Debug, Default)]
pub struct MemoryStore(Arc<Mutex<Records>>);

#[derive(Debug, Default)]
struct Records {
    map: HashMap<Id, Record>,
    /// The size at which the next write sweeps.
    sweep_at: usize,
}

impl Records {
    fn insert(&mut self, record: Record) {
        self.map.insert(record.id, record);
        if self.map.len() >= self.sweep_at.max(MIN_SWEEP) {
            let now = OffsetDateTime::now_utc();
            self.map.retain(|_, record| record.expiry_date > now);
            self.sweep_at = self.map.len().saturating_mul(2);
        }
    }
}

impl MemoryStore {
    /// How many sessions the store holds now, expired ones not yet swept included.
    pub fn len(&self) -> usize {
        self.lock().map.len()
    }

    /// Whether the store holds no session.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> MutexGuard<'_, Records> {
        // A map of plain records: consistent after any panic.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[async_trait::async_trait]
impl SessionStore for MemoryStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let mut records = self.lock();
        while records.map.contains_key(&record.id) {
            // An id already taken (vanishingly rare): draw another, as tower-sessions does.
            record.id = Id::default();
        }
        records.insert(record.clone());
        Ok(())
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.lock().insert(record.clone());
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let mut records = self.lock();
        match records.map.get(id) {
            Some(record) if record.expiry_date > OffsetDateTime::now_utc() => {
                Ok(Some(record.clone()))
            }
            Some(_) => {
                records.map.remove(id);
                Ok(None)
            }
            None => Ok(None),
        }
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.lock().map.remove(id);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_sessions::cookie::time::Duration;

    fn record(expires_in: Duration) -> Record {
        Record {
            id: Id::default(),
            data: Default::default(),
            expiry_date: OffsetDateTime::now_utc() + expires_in,
        }
    }

    #[tokio::test]
    async fn expired_sessions_leave_the_store() {
        let store = MemoryStore::default();
        let live = record(Duration::hours(1));
        store.save(&live).await.expect("saved");
        let gone = record(-Duration::seconds(1));
        store.save(&gone).await.expect("saved");
        assert_eq!(store.len(), 2);
        // Loading an expired session removes it.
        assert_eq!(store.load(&gone.id).await.expect("loaded"), None);
        assert_eq!(store.len(), 1);
        assert_eq!(store.load(&live.id).await.expect("loaded"), Some(live));

        // Many expired sessions nobody loads again are swept by later writes.
        for _ in 0..10 * MIN_SWEEP {
            let mut expired = record(-Duration::seconds(1));
            store.create(&mut expired).await.expect("created");
        }
        assert!(store.len() <= MIN_SWEEP, "{} kept", store.len());
        store
            .delete(&record(Duration::hours(1)).id)
            .await
            .expect("deleted");
    }
}
