//! Generations of the tables the inbox keeps in memory (`federation::memo`). Every write to
//! one of them moves its generation on, and a cached copy loaded under an older generation is
//! loaded again. Counters are per process and shared by every database it opens: a write to
//! one database only makes the others' copies reload, which is merely wasted work.
//!
//! A write inside a transaction moves the generation before it commits, so a copy loaded in
//! between may hold the old rows: callers announce the change again once committed
//! (`Federation::invalidate`), and cached copies expire after a short time regardless.

use std::sync::atomic::{AtomicU64, Ordering};

/// What a generation counts writes to.
#[derive(Clone, Copy, Debug)]
pub enum Table {
    /// Blocks, keyword rules, instance policies and site settings (the moderation mode).
    Moderation = 0,
    /// Actors (keys, approvals).
    Actors = 1,
    /// Hosts' health (a host marked dead).
    Hosts = 2,
    /// Stories as replies see them (closed, deleted). Moved by `Invalidation::Story`, not by
    /// every write: a story's counts change with each reply and matter to no decision.
    Stories = 3,
}

static GENERATIONS: [AtomicU64; 4] = [
    AtomicU64::new(0),
    AtomicU64::new(0),
    AtomicU64::new(0),
    AtomicU64::new(0),
];

/// Records a write to `table`.
pub fn wrote(table: Table) {
    GENERATIONS[table as usize].fetch_add(1, Ordering::AcqRel);
}

/// The current generation of `table`.
pub fn generation(table: Table) -> u64 {
    GENERATIONS[table as usize].load(Ordering::Acquire)
}
