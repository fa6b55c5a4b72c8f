//! This machine's own limits, measured in the same run as a benchmark's figures, so each figure
//! can be read as a share of what the hardware allows here and now (another machine, or the same
//! one busy with other work, moves both together): one core's RSA-2048 signatures and
//! verifications per second, with the key code the server uses, and SQLite's rows per second
//! when inserts are batched as well as they can be.

use std::{
    hint::black_box,
    time::{Duration, Instant},
};

use broadsheet::federation::signatures::keys::{SigningKey, VerifyingKey};
use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait, Value};

/// A signing string the size of a delivery's (request target, host, date and digest).
const MESSAGE: &[u8] = b"(request-target): post /inbox\nhost: mastodon.example\ndate: Tue, 07 Jun 2026 20:51:35 GMT\ndigest: SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=";
/// Rows per INSERT statement, and statements per transaction.
const ROWS_PER_STATEMENT: usize = 100;
const STATEMENTS_PER_TRANSACTION: usize = 10;

/// What this machine does per second, each measured for `budget` on one core.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub sign_per_sec: f64,
    pub verify_per_sec: f64,
    pub sqlite_rows_per_sec: f64,
}

impl Limits {
    /// Measures all three, one after the other, for about a second each (a fifth of that in a
    /// quick run).
    pub async fn measure() -> Limits {
        let budget = if super::quick() {
            Duration::from_millis(200)
        } else {
            Duration::from_secs(1)
        };
        let pair = activitypub_federation::http_signatures::generate_actor_keypair().unwrap();
        let signing = SigningKey::from_pem(&pair.private_key).unwrap();
        let verifying = VerifyingKey::from_pem(&pair.public_key).unwrap();
        let limits = Limits {
            sign_per_sec: sign_rate(&signing, budget),
            verify_per_sec: verify_rate(&signing, &verifying, budget),
            sqlite_rows_per_sec: sqlite_insert_rate(budget).await,
        };
        eprintln!(
            "machine limits (one core, {} each): RSA-2048 sign {:.0}/s, verify {:.0}/s; SQLite batched inserts {:.0} rows/s",
            super::ms(budget),
            limits.sign_per_sec,
            limits.verify_per_sec,
            limits.sqlite_rows_per_sec
        );
        limits
    }

    /// The three figures, for a benchmark's summary line.
    pub fn summary(&self) -> String {
        format!(
            "sign {:.0}/s, verify {:.0}/s, sqlite {:.0} rows/s",
            self.sign_per_sec, self.verify_per_sec, self.sqlite_rows_per_sec
        )
    }
}

/// Runs `op` in a loop on this thread for `budget`; returns how many ran per second.
fn rate(budget: Duration, mut op: impl FnMut()) -> f64 {
    // Warm the caches (and the CPU's clock) first.
    let warm = Instant::now();
    while warm.elapsed() < budget / 10 {
        op();
    }
    let start = Instant::now();
    let mut done = 0u64;
    while start.elapsed() < budget {
        op();
        done += 1;
    }
    done as f64 / start.elapsed().as_secs_f64()
}

/// RSA-2048 PKCS#1 v1.5 signatures per second, as a delivery signs: one per request.
pub fn sign_rate(key: &SigningKey, budget: Duration) -> f64 {
    rate(budget, || {
        black_box(key.sign(black_box(MESSAGE)).unwrap());
    })
}

/// Verifications per second, as the inbox verifies: one per request, the key already parsed.
pub fn verify_rate(signing: &SigningKey, key: &VerifyingKey, budget: Duration) -> f64 {
    let signature = signing.sign(MESSAGE).unwrap();
    rate(budget, || {
        assert!(key.verify(black_box(MESSAGE), black_box(&signature)));
    })
}

/// Reply-sized rows (an id, an author, a few hundred bytes of HTML, a time) inserted per second
/// into a new SQLite file opened as the server opens its own (WAL, `synchronous=NORMAL`), a
/// thousand rows a transaction in multi-row statements: the most a batched hot path can write.
pub async fn sqlite_insert_rate(budget: Duration) -> f64 {
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("limits.db").display()
    );
    let db = broadsheet::storage::connect(&url, 1).await.unwrap();
    db.execute_unprepared(
        "CREATE TABLE rows (id INTEGER PRIMARY KEY, ap_id TEXT NOT NULL UNIQUE, \
         author TEXT NOT NULL, content TEXT NOT NULL, published_at TEXT NOT NULL)",
    )
    .await
    .unwrap();
    let placeholders = vec!["(?, ?, ?, ?)"; ROWS_PER_STATEMENT].join(", ");
    let sql =
        format!("INSERT INTO rows (ap_id, author, content, published_at) VALUES {placeholders}");
    let content = "<p>".to_string()
        + &"A reader's answer to the story, a few lines long. ".repeat(8)
        + "</p>";
    let mut next = 0u64;
    let mut batch = || {
        let mut values: Vec<Value> = Vec::with_capacity(ROWS_PER_STATEMENT * 4);
        for _ in 0..ROWS_PER_STATEMENT {
            next += 1;
            values.push(format!("https://mastodon.example/users/reader/statuses/{next}").into());
            values.push("https://mastodon.example/users/reader".into());
            values.push(content.clone().into());
            values.push("2026-06-07T20:51:35.123456Z".into());
        }
        Statement::from_sql_and_values(DbBackend::Sqlite, &sql, values)
    };
    let start = Instant::now();
    let mut rows = 0usize;
    while start.elapsed() < budget {
        let txn = db.begin().await.unwrap();
        for _ in 0..STATEMENTS_PER_TRANSACTION {
            txn.execute_raw(batch()).await.unwrap();
            rows += ROWS_PER_STATEMENT;
        }
        txn.commit().await.unwrap();
    }
    let per_sec = rows as f64 / start.elapsed().as_secs_f64();
    db.close().await.ok();
    per_sec
}
