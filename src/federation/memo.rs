//! What the inbox reads for every request, kept in memory: the blocklist with the moderation
//! standing (mode and per-server policies), remote actors by key id, which hosts were found
//! alive, and the stories replies answer. At thousands of replies a second, reading these from the database for each
//! one cost more than verifying its signature.
//!
//! A copy is used only while it is fresh on three counts: no write to its table since it was
//! loaded (`storage::changes`, moved by every write in this process), no invalidation heard
//! since (`Federation::invalidate`, which other replicas' changes also reach), and younger
//! than its time to live, which bounds what any missed notice could cost.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, MutexGuard},
    time::{Duration, Instant},
};

use sea_orm::ConnectionTrait;
use tokio::sync::broadcast;

use super::context::Invalidation;
use crate::{
    domain::{
        moderation::{Mode, blocks::Blocklist, standing::Standing},
        remote::{self, RemoteActor},
    },
    error::AppError,
    storage::{
        changes::{self, Table},
        entities::story,
        stories,
    },
};

/// Blocks apply within this long even if a notice was lost.
const MODERATION_TTL: Duration = Duration::from_secs(1);
/// A changed key or approval shows within this long even if a notice was lost.
const ACTOR_TTL: Duration = Duration::from_secs(30);
const HOST_TTL: Duration = Duration::from_secs(10);
/// A story closed or deleted by a process that cannot tell this one (the CLI on SQLite) stops
/// taking replies within this long.
const STORY_TTL: Duration = Duration::from_secs(2);
/// Entries kept at most per map; past it the map starts over (the database has them all).
const MAX_ENTRIES: usize = 50_000;

/// The moderation rules in force, as one snapshot.
pub struct Moderation {
    pub blocks: Blocklist,
    pub standing: Standing,
}

struct Kept<T> {
    value: T,
    at: Instant,
    generation: u64,
}

impl<T> Kept<T> {
    fn new(value: T, generation: u64) -> Self {
        Kept {
            value,
            at: Instant::now(),
            generation,
        }
    }
    fn fresh(&self, table: Table, ttl: Duration) -> bool {
        self.generation == changes::generation(table) && self.at.elapsed() < ttl
    }
}

#[derive(Default)]
pub struct Memo {
    moderation: Mutex<Option<Kept<Arc<Moderation>>>>,
    actors: Mutex<HashMap<String, Kept<RemoteActor>>>,
    live_hosts: Mutex<HashMap<String, Kept<()>>>,
    stories: Mutex<HashMap<String, Kept<story::Model>>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Memo {
    /// The blocklist and standing in force, loaded at most once per change.
    pub async fn moderation(
        &self,
        db: &impl ConnectionTrait,
        configured: Mode,
    ) -> Result<Arc<Moderation>, AppError> {
        if let Some(kept) = lock(&self.moderation).as_ref()
            && kept.fresh(Table::Moderation, MODERATION_TTL)
        {
            return Ok(kept.value.clone());
        }
        // Read the generation first: a write that lands while loading makes the copy stale.
        let generation = changes::generation(Table::Moderation);
        let loaded = Arc::new(Moderation {
            blocks: Blocklist::load(db).await?,
            standing: Standing::load(db, configured).await?,
        });
        *lock(&self.moderation) = Some(Kept::new(loaded.clone(), generation));
        Ok(loaded)
    }

    /// The remote actor whose key is `key_id`, as stored.
    pub async fn actor_by_key(
        &self,
        db: &impl ConnectionTrait,
        key_id: &str,
    ) -> Result<Option<RemoteActor>, AppError> {
        if let Some(actor) = fresh_in(&self.actors, key_id, Table::Actors, ACTOR_TTL) {
            return Ok(Some(actor));
        }
        let generation = changes::generation(Table::Actors);
        let found = remote::find_by_key_id(db, key_id).await?;
        if let Some(actor) = &found {
            keep_in(&self.actors, key_id, actor.clone(), generation);
        }
        Ok(found)
    }

    /// Our story whose id is `ap_id`, as replies to it see it (its counts may be behind).
    pub async fn story(
        &self,
        db: &impl ConnectionTrait,
        ap_id: &str,
    ) -> Result<Option<story::Model>, AppError> {
        if let Some(story) = fresh_in(&self.stories, ap_id, Table::Stories, STORY_TTL) {
            return Ok(Some(story));
        }
        let generation = changes::generation(Table::Stories);
        let found = stories::find_by_ap_id(db, ap_id).await?;
        if let Some(story) = &found {
            keep_in(&self.stories, ap_id, story.clone(), generation);
        }
        Ok(found)
    }

    /// Whether `host` was found alive lately (and none has been marked dead since).
    pub fn known_alive(&self, host: &str) -> bool {
        lock(&self.live_hosts)
            .get(host)
            .is_some_and(|kept| kept.fresh(Table::Hosts, HOST_TTL))
    }

    /// Records that `host` was just found alive, as of `generation` (read before looking).
    pub fn found_alive(&self, host: &str, generation: u64) {
        keep_in(&self.live_hosts, host, (), generation);
    }
}

/// The copy under `key` in `map`, while fresh.
fn fresh_in<T: Clone>(
    map: &Mutex<HashMap<String, Kept<T>>>,
    key: &str,
    table: Table,
    ttl: Duration,
) -> Option<T> {
    lock(map)
        .get(key)
        .filter(|kept| kept.fresh(table, ttl))
        .map(|kept| kept.value.clone())
}

/// Keeps `value` under `key`, loaded as of `generation`; a full map starts over.
fn keep_in<T>(map: &Mutex<HashMap<String, Kept<T>>>, key: &str, value: T, generation: u64) {
    let mut kept = lock(map);
    if kept.len() >= MAX_ENTRIES {
        kept.clear();
    }
    kept.insert(key.to_string(), Kept::new(value, generation));
}

/// Makes the copies that `what` concerns stale, at once.
pub fn drop_what(what: &Invalidation) {
    match what {
        Invalidation::Moderation => changes::wrote(Table::Moderation),
        Invalidation::RemoteActor(_) => changes::wrote(Table::Actors),
        Invalidation::Story(_) => changes::wrote(Table::Stories),
    }
}

/// Turns announced invalidations (this replica's and, through the cluster, the others') into
/// new generations until the channel closes with the federation runtime. A lagging listener
/// drops everything: it may have missed one.
pub async fn follow_invalidations(mut heard: broadcast::Receiver<Invalidation>) {
    loop {
        match heard.recv().await {
            Ok(what) => drop_what(&what),
            Err(broadcast::error::RecvError::Lagged(_)) => {
                changes::wrote(Table::Moderation);
                changes::wrote(Table::Actors);
                changes::wrote(Table::Stories);
            }
            Err(broadcast::error::RecvError::Closed) => return,
        }
    }
}
