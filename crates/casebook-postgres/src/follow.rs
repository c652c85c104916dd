//! Following other app servers' appends: LISTEN/NOTIFY with polling as a fallback.

use std::time::{Duration, Instant};

use casebook::store::StoreError;
use postgres::fallible_iterator::FallibleIterator;
use postgres::{Client, Statement};

use crate::conn::{self, backend, to_u64};
use crate::schema;
use crate::store::PgStore;

/// The listening connection of a store.
pub(crate) struct Listener {
    client: Client,
    head: Statement,
    /// False when the server refused LISTEN (a hot-standby replica): then only polling wakes.
    listening: bool,
}

impl Listener {
    fn open(url: &str, schema: &str) -> Result<Listener, StoreError> {
        let mut client = conn::open(url)?;
        // LISTEN before the first head read, so no append can slip between the two unseen.
        // A read replica refuses LISTEN (its appends arrive by replication, not NOTIFY):
        // there the follower polls.
        let listening = match client.batch_execute(&format!("LISTEN {}", schema::channel(schema))) {
            Ok(()) => true,
            Err(e) if e.as_db_error().is_some() && !client.is_closed() => false,
            Err(e) => return Err(backend("starting to listen for appends", e)),
        };
        let head = client
            .prepare(&format!("SELECT position FROM {schema}.head WHERE id = 1"))
            .map_err(|e| backend("preparing statements", e))?;
        Ok(Listener {
            client,
            head,
            listening,
        })
    }

    fn head(&mut self) -> Result<u64, StoreError> {
        let v: i64 = self
            .client
            .query_one(&self.head, &[])
            .and_then(|r| r.try_get(0))
            .map_err(|e| backend("reading the head", e))?;
        to_u64("head", v)
    }

    /// Waits up to `wait` for a notification, then drops any others already buffered.
    fn wait(&mut self, wait: Duration) -> Result<(), StoreError> {
        if !self.listening {
            std::thread::sleep(wait);
            return Ok(());
        }
        let mut notes = self.client.notifications();
        notes
            .timeout_iter(wait)
            .next()
            .map_err(|e| backend("waiting for appends", e))?;
        let mut rest = notes.iter();
        while rest
            .next()
            .map_err(|e| backend("waiting for appends", e))?
            .is_some()
        {}
        Ok(())
    }
}

impl PgStore {
    /// Waits until the log's head passes `after` (some app server appended) or `timeout` ends,
    /// and returns the head then: greater than `after` when there is something new to read
    /// with `read_all(after, ..)`, otherwise the unchanged head.
    ///
    /// It wakes on the notification every append sends at commit and re-reads the head every
    /// poll interval (see [`PgStore::set_poll_interval`]) in case a notification is missed.
    /// On a read replica, which refuses LISTEN, it only polls.
    /// It uses a connection of its own, so appends through this store are not blocked; two
    /// threads waiting on the same store take turns. Followers get each change at least once:
    /// callers resume from the last position they processed.
    pub fn wait_for_change(&self, after: u64, timeout: Duration) -> Result<u64, StoreError> {
        let deadline = Instant::now() + timeout;
        let mut guard = self.listener.lock().unwrap_or_else(|p| p.into_inner());
        if guard.as_ref().is_none_or(|l| l.client.is_closed()) {
            *guard = None;
            *guard = Some(Listener::open(self.url(), self.schema())?);
        }
        let Some(listener) = guard.as_mut() else {
            return Err(StoreError::Backend("no listening connection".into()));
        };
        let result = (|| loop {
            let head = listener.head()?;
            let now = Instant::now();
            if head > after || now >= deadline {
                return Ok(head);
            }
            listener.wait((deadline - now).min(self.poll_interval))?;
        })();
        if result.is_err() {
            // Open a fresh listener next time.
            *guard = None;
        }
        result
    }
}
