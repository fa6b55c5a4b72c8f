//! Story pages' conversations as rendered, kept in memory, so that the readers who arrive
//! together (followers' servers fetching a story for its preview right after a fan-out, a link
//! shared widely) cost one load and one render between them.
//!
//! Only what every anonymous reader is shown is kept: the conversation section and the quotes
//! under it, rendered from the story and its replies alone, never from a request (no session,
//! no token, no editor's controls). It is kept per story and per view (sort and page, or one
//! thread), bounded in entries and bytes (the least recently read go first).
//!
//! It is dropped by the changes it shows, heard on the federation's two broadcast channels
//! (which carry other replicas' changes too): a conversation event drops its story's entries,
//! an invalidation its story's or everything, and a receiver that fell behind drops everything.
//! Pending messages are read before every look-up and every fill, so a read that starts after
//! a change was announced never sees what it replaced; and a fill that started before a change
//! is refused, since it may hold what was read before the change. Entries also expire on their
//! own: when the page would render differently by itself (the story closes to replies by age, a
//! poll closes), and after `web.page_cache_ttl_secs` at the latest, the safety net for a change
//! that is not announced.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use tokio::sync::broadcast::{Receiver, error::TryRecvError};

use crate::{
    config::WebSettings,
    domain::reply::{ThreadEvent, paged::Sort},
    federation::context::Invalidation,
};

/// Which conversation of a story is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum View {
    Page {
        sort: Sort,
        page: u64,
    },
    /// One top-level thread alone (`?thread=ROOT`).
    Thread(i64),
}

/// What a story page shows that is the same for every anonymous reader, as HTML.
#[derive(Debug)]
pub struct Conversation {
    /// `<link rel="prev|next">` for the `<head>`.
    pub links: String,
    /// The conversation section and the quotes under it.
    pub body: String,
}

impl Conversation {
    fn bytes(&self) -> usize {
        self.links.len() + self.body.len()
    }
}

/// Permission to fill the entry looked up, valid while nothing changed its story.
pub struct Ticket {
    key: (i64, View),
    epoch: u64,
    story_epoch: u64,
}

struct Entry {
    shown: Arc<Conversation>,
    expires: Instant,
    /// When it was last read, in reads of the whole cache: the smallest goes first.
    used: u64,
}

struct Inner {
    /// By story, then view, so a story's entries go at once.
    stories: HashMap<i64, HashMap<View, Entry>>,
    entries: usize,
    bytes: usize,
    reads: u64,
    /// Counts the times everything was dropped.
    epoch: u64,
    /// Counts, per story, the times its entries were dropped.
    story_epochs: HashMap<i64, u64>,
    events: Receiver<ThreadEvent>,
    invalidations: Receiver<Invalidation>,
}

pub struct PageCache {
    enabled: bool,
    max_entries: usize,
    max_bytes: usize,
    ttl: Duration,
    inner: Mutex<Inner>,
}

impl PageCache {
    /// A cache dropping what `events` and `invalidations` (the federation's channels) name.
    pub fn new(
        settings: &WebSettings,
        events: Receiver<ThreadEvent>,
        invalidations: Receiver<Invalidation>,
    ) -> Self {
        PageCache {
            enabled: settings.page_cache && settings.page_cache_entries > 0,
            max_entries: settings.page_cache_entries,
            max_bytes: settings.page_cache_bytes,
            ttl: Duration::from_secs(settings.page_cache_ttl_secs),
            inner: Mutex::new(Inner {
                stories: HashMap::new(),
                entries: 0,
                bytes: 0,
                reads: 0,
                epoch: 0,
                story_epochs: HashMap::new(),
                events,
                invalidations,
            }),
        }
    }

    /// The conversation `view` of `story_id` as kept, or a ticket to fill it with.
    pub fn get(&self, story_id: i64, view: View) -> Result<Arc<Conversation>, Ticket> {
        let key = (story_id, view);
        let Some(mut inner) = self.lock() else {
            // Off (or poisoned): every ticket is refused, so nothing is ever kept.
            return Err(Ticket {
                key,
                epoch: u64::MAX,
                story_epoch: u64::MAX,
            });
        };
        inner.catch_up();
        inner.reads += 1;
        let reads = inner.reads;
        let now = Instant::now();
        let found = inner
            .stories
            .get_mut(&story_id)
            .and_then(|s| s.get_mut(&view));
        match found {
            Some(entry) if entry.expires > now => {
                entry.used = reads;
                return Ok(entry.shown.clone());
            }
            Some(_) => inner.remove(key),
            None => {}
        }
        Err(inner.ticket(key))
    }

    /// Keeps `shown` for the ticket's view until `until` (at the latest the configured time to
    /// live), unless its story changed since the ticket was given; hands it back either way.
    pub fn put(
        &self,
        ticket: Ticket,
        shown: Conversation,
        until: Option<Instant>,
    ) -> Arc<Conversation> {
        let shown = Arc::new(shown);
        let size = shown.bytes();
        if size > self.max_bytes {
            return shown;
        }
        let Some(mut inner) = self.lock() else {
            return shown;
        };
        inner.catch_up();
        let current = inner.ticket(ticket.key);
        if current.epoch != ticket.epoch || current.story_epoch != ticket.story_epoch {
            return shown;
        }
        inner.remove(ticket.key);
        while inner.entries > 0
            && (inner.entries >= self.max_entries || inner.bytes + size > self.max_bytes)
        {
            inner.evict_one();
        }
        let latest = Instant::now() + self.ttl;
        let entry = Entry {
            shown: shown.clone(),
            expires: until.map_or(latest, |until| until.min(latest)),
            used: inner.reads,
        };
        let (story_id, view) = ticket.key;
        inner
            .stories
            .entry(story_id)
            .or_default()
            .insert(view, entry);
        inner.entries += 1;
        inner.bytes += size;
        shown
    }

    fn lock(&self) -> Option<std::sync::MutexGuard<'_, Inner>> {
        if !self.enabled {
            return None;
        }
        self.inner.lock().ok()
    }
}

/// Stories whose drop counts are kept before everything is dropped instead, so the counts
/// stay bounded whatever the number of stories that change.
const MAX_STORY_EPOCHS: usize = 10_000;

impl Inner {
    fn ticket(&self, key: (i64, View)) -> Ticket {
        Ticket {
            key,
            epoch: self.epoch,
            story_epoch: self.story_epochs.get(&key.0).copied().unwrap_or(0),
        }
    }

    /// Applies every change announced since the last look.
    fn catch_up(&mut self) {
        loop {
            match self.events.try_recv() {
                Ok(event) => self.drop_story(event.story_id),
                Err(TryRecvError::Lagged(_)) => self.drop_all(),
                Err(TryRecvError::Empty | TryRecvError::Closed) => break,
            }
        }
        loop {
            match self.invalidations.try_recv() {
                Ok(Invalidation::Story(Some(story_id))) => self.drop_story(story_id),
                // Blocks and rules, an author's name or picture, any story: any page may show it.
                Ok(Invalidation::Story(None) | Invalidation::Moderation)
                | Ok(Invalidation::RemoteActor(_)) => self.drop_all(),
                Err(TryRecvError::Lagged(_)) => self.drop_all(),
                Err(TryRecvError::Empty | TryRecvError::Closed) => break,
            }
        }
    }

    fn drop_story(&mut self, story_id: i64) {
        if self.story_epochs.len() >= MAX_STORY_EPOCHS {
            return self.drop_all();
        }
        *self.story_epochs.entry(story_id).or_default() += 1;
        if let Some(gone) = self.stories.remove(&story_id) {
            self.entries -= gone.len();
            self.bytes -= gone.values().map(|e| e.shown.bytes()).sum::<usize>();
        }
    }

    fn drop_all(&mut self) {
        self.epoch += 1;
        self.story_epochs.clear();
        self.stories.clear();
        self.entries = 0;
        self.bytes = 0;
    }

    fn remove(&mut self, (story_id, view): (i64, View)) {
        let Some(views) = self.stories.get_mut(&story_id) else {
            return;
        };
        if let Some(gone) = views.remove(&view) {
            self.entries -= 1;
            self.bytes -= gone.shown.bytes();
        }
        if views.is_empty() {
            self.stories.remove(&story_id);
        }
    }

    /// Drops the least recently read entry (an expired one first).
    fn evict_one(&mut self) {
        let now = Instant::now();
        let oldest = self
            .stories
            .iter()
            .flat_map(|(story, views)| views.iter().map(move |(view, e)| ((*story, *view), e)))
            .min_by_key(|(_, e)| (e.expires > now, e.used))
            .map(|(key, _)| key);
        if let Some(key) = oldest {
            self.remove(key);
        }
    }
}

#[cfg(test)]
mod tests;
