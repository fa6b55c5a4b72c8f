//! Storage: the only layer that builds queries. It uses its entities, sea_orm, the migrations and
//! chrono, never `domain`, `federation` or `http`, and nothing outside it names a `Column` or a
//! `Condition`. One file per table, named for it, with functions named for what they do; callers
//! get `Model`s back. The work queues, `deliveries`, `inbox_jobs` and `webhook_deliveries`, are
//! claimed through one lease (`lease`). SQLite and PostgreSQL are both compiled in and the URL picks one at runtime.

pub mod actors;
pub mod api_tokens;
pub mod blocklist_subscriptions;
pub mod blocks;
pub mod changes;
pub mod days;
pub mod deliveries;
pub mod delivery_outcomes;
pub mod entities;
pub mod feed_entries;
pub mod feeds;
pub mod follower_departures;
pub mod followers;
pub mod hosts;
pub mod inbox_jobs;
pub mod instance_nodeinfo;
pub mod instance_policies;
pub mod interactions;
pub mod job_leases;
mod lease;
pub mod moderation_log;
pub mod outgoing_activities;
pub mod outgoing_quotes;
pub mod quotes;
pub mod received_activities;
pub mod replies;
pub mod replies_shown;
pub mod reports;
pub mod sessions;
pub mod site_settings;
pub mod stories;
pub mod story_authors;
pub mod story_tags;
pub mod users;
pub mod webhook_deliveries;
pub mod webhook_events;
pub mod webhooks;

use std::{path::Path, time::Duration};

use anyhow::Context;
use migrations::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DatabaseTransaction, DbErr, SqlErr,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
    sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous},
};

/// Opens a pool for `url`, creating the folder of a SQLite file first (SQLite creates the file
/// with `mode=rwc`, but not its directory, and `data/` does not exist in a fresh clone).
pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<DatabaseConnection> {
    if let Some(dir) = sqlite_parent_dir(url) {
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create database folder {}", dir.display()))?;
    }
    let mut options = ConnectOptions::new(url);
    options
        .max_connections(max_connections)
        .connect_timeout(Duration::from_secs(10))
        .sqlx_logging(false);
    // SQLite: write-ahead logging lets readers proceed during a write, and `NORMAL` sync commits
    // without an fsync each (still crash-safe; a power cut may lose the last commits). With the
    // defaults, every delivery outcome cost several fsyncs and fan-out was three times slower.
    options.map_sqlx_sqlite_opts(|o| {
        o.journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
    });
    Database::connect(options)
        .await
        .context("cannot connect to the database (check DATABASE_URL)")
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None)
        .await
        .context("database migration failed")
}

/// Opens a transaction that will write. On SQLite it takes the write lock at once (`BEGIN
/// IMMEDIATE`): a deferred transaction that reads first and writes later fails outright, instead
/// of waiting, when another connection wrote in between. PostgreSQL ignores the mode.
pub async fn begin_write(
    db: &impl TransactionTrait<Transaction = DatabaseTransaction>,
) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// Rows per multi-row statement at most.
const MAX_ROWS_PER_STATEMENT: usize = 64;

/// Splits rows for multi-row statements into chunks whose sizes are powers of two (at most
/// [`MAX_ROWS_PER_STATEMENT`]). Every connection keeps each distinct statement it prepared,
/// and a statement of 200 rows is a large program: with a chunk of any length, a busy server
/// would soon hold hundreds of megabytes of them. Seven shapes per table are enough.
pub fn in_statement_chunks<T>(rows: Vec<T>) -> Vec<Vec<T>> {
    let mut chunks = Vec::new();
    let mut rest = rows.into_iter();
    let mut left = rest.len();
    while left > 0 {
        let size = if left >= MAX_ROWS_PER_STATEMENT {
            MAX_ROWS_PER_STATEMENT
        } else {
            1 << (usize::BITS - 1 - left.leading_zeros())
        };
        chunks.push(rest.by_ref().take(size).collect());
        left -= size;
    }
    chunks
}

/// True when the error is a unique-constraint violation, on either backend.
pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

fn sqlite_parent_dir(url: &str) -> Option<std::path::PathBuf> {
    let rest = url.strip_prefix("sqlite://")?;
    let path = rest.split('?').next()?;
    if path.is_empty() || path.starts_with(':') {
        return None;
    }
    Path::new(path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::{in_statement_chunks, sqlite_parent_dir};

    #[test]
    fn rows_are_split_into_a_few_statement_shapes() {
        let sizes = |n: usize| -> Vec<usize> {
            in_statement_chunks((0..n).collect::<Vec<_>>())
                .iter()
                .map(Vec::len)
                .collect()
        };
        assert_eq!(sizes(0), Vec::<usize>::new());
        assert_eq!(sizes(1), [1]);
        assert_eq!(sizes(100), [64, 32, 4]);
        assert_eq!(sizes(256), [64, 64, 64, 64]);
        assert_eq!(sizes(7), [4, 2, 1]);
        let chunks = in_statement_chunks((0..77).collect::<Vec<_>>());
        assert_eq!(chunks.concat(), (0..77).collect::<Vec<_>>());
    }

    #[test]
    fn finds_the_folder_of_a_sqlite_file() {
        assert_eq!(
            sqlite_parent_dir("sqlite://data/broadsheet.db?mode=rwc"),
            Some("data".into())
        );
        assert_eq!(sqlite_parent_dir("sqlite://broadsheet.db"), None);
        assert_eq!(sqlite_parent_dir("sqlite::memory:"), None);
        assert_eq!(sqlite_parent_dir("postgres://localhost/x"), None);
    }
}
