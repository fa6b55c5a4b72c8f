//! Writing what delivery attempts found, many at once: every outcome of a batch, and what it
//! says of each host's health, in one transaction of a few multi-row statements. A fan-out to
//! thousands of inboxes thus costs a few commits instead of three writes per delivery.
//!
//! An outcome is written only under the lease its attempt ran under, so a batch lost to a
//! crash leaves its rows pending and leased: they are sent again once the lease runs out (at
//! worst a duplicate, never a delivery skipped).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait, Func, OnConflict},
};

use super::{
    begin_write,
    deliveries::{DELIVERED, Outcome},
    entities::{delivery, host},
    lease,
};

/// Statements' `IN` lists are cut to this many ids: both backends cap bound parameters.
const CHUNK: usize = 500;

/// What one attempt found.
pub struct Attempted<'a> {
    pub delivery_id: i64,
    pub host: String,
    pub outcome: Outcome<'a>,
    pub health: HostHealth,
}

/// What an attempt says of its host: it answered (it is up), or it failed, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostHealth {
    Answered,
    Failed(String),
}

/// Writes `batch`, attempted under lease `token`, in one transaction. A host that failed since
/// before `dead_before` is marked dead.
pub async fn record<C>(
    db: &C,
    token: &str,
    batch: &[Attempted<'_>],
    dead_before: DateTime<Utc>,
) -> Result<(), DbErr>
where
    C: sea_orm::TransactionTrait<Transaction = sea_orm::DatabaseTransaction>,
{
    if batch.is_empty() {
        return Ok(());
    }
    let now = Utc::now();
    let txn = begin_write(db).await?;
    record_hosts(&txn, batch, now, dead_before).await?;
    record_deliveries(&txn, token, batch, now).await?;
    txn.commit().await
}

/// The hosts' health. A host that answered any attempt of the batch is healthy first; one whose
/// last attempt failed is then failing again, from now (as one write per attempt, in order,
/// would leave it).
async fn record_hosts(
    db: &impl ConnectionTrait,
    batch: &[Attempted<'_>],
    now: DateTime<Utc>,
    dead_before: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut answered: Vec<&str> = Vec::new();
    let mut last: HashMap<&str, &HostHealth> = HashMap::new();
    for attempt in batch {
        if attempt.health == HostHealth::Answered && !answered.contains(&attempt.host.as_str()) {
            answered.push(&attempt.host);
        }
        last.insert(&attempt.host, &attempt.health);
    }
    let mut failed: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (name, health) in &last {
        if let HostHealth::Failed(error) = health {
            failed.entry(error.as_str()).or_default().push(name);
        }
    }
    let names: Vec<&str> = last.keys().copied().collect();
    insert_if_new(db, &names).await?;
    for chunk in answered.chunks(CHUNK) {
        host::Entity::update_many()
            .col_expr(host::Column::LastSuccessAt, Expr::value(now))
            .col_expr(host::Column::FailingSince, Expr::value(no_time()))
            .col_expr(host::Column::DeadSince, Expr::value(no_time()))
            .filter(host::Column::Host.is_in(chunk.iter().copied()))
            .exec(db)
            .await?;
    }
    for (error, hosts) in failed {
        for chunk in hosts.chunks(CHUNK) {
            fail(db, chunk, error, now, dead_before).await?;
        }
    }
    Ok(())
}

async fn fail(
    db: &impl ConnectionTrait,
    hosts: &[&str],
    error: &str,
    now: DateTime<Utc>,
    dead_before: DateTime<Utc>,
) -> Result<(), DbErr> {
    let failing_since = Func::coalesce([Expr::col(host::Column::FailingSince), Expr::value(now)]);
    host::Entity::update_many()
        .col_expr(host::Column::FailingSince, failing_since.into())
        .col_expr(host::Column::LastError, Expr::value(error))
        .filter(host::Column::Host.is_in(hosts.iter().copied()))
        .exec(db)
        .await?;
    host::Entity::update_many()
        .col_expr(host::Column::DeadSince, Expr::value(now))
        .filter(host::Column::Host.is_in(hosts.iter().copied()))
        .filter(host::Column::DeadSince.is_null())
        .filter(host::Column::FailingSince.lt(dead_before))
        .exec(db)
        .await?;
    // The inbox remembers which hosts are alive (`federation::memo`): one may just have died.
    super::changes::wrote(super::changes::Table::Hosts);
    Ok(())
}

async fn insert_if_new(db: &impl ConnectionTrait, names: &[&str]) -> Result<(), DbErr> {
    for chunk in names.chunks(CHUNK) {
        let rows = chunk.iter().map(|name| host::ActiveModel {
            host: Set((*name).to_string()),
            ..Default::default()
        });
        host::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::column(host::Column::Host)
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// The deliveries, one statement per distinct outcome: a fan-out's successes are nearly all
/// alike (delivered, 202), so they go in a few statements; each retry has its own due time.
async fn record_deliveries(
    db: &impl ConnectionTrait,
    token: &str,
    batch: &[Attempted<'_>],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    type Key<'k> = (&'k str, Option<i32>, Option<&'k str>, DateTime<Utc>);
    let mut groups: BTreeMap<Key<'_>, Vec<i64>> = BTreeMap::new();
    for attempt in batch {
        let o = &attempt.outcome;
        // Only a pending row's due time matters; the others share the batch's time.
        let due = if o.state == super::deliveries::PENDING {
            o.next_attempt_at
        } else {
            now
        };
        groups
            .entry((o.state, o.status, o.error.as_deref(), due))
            .or_default()
            .push(attempt.delivery_id);
    }
    for ((state, status, error, due), ids) in groups {
        let delivered_at = (state == DELIVERED).then_some(now);
        for chunk in ids.chunks(CHUNK) {
            lease::unlocked(delivery::Entity::update_many())
                .col_expr(delivery::Column::State, Expr::value(state))
                .col_expr(
                    delivery::Column::Attempts,
                    Expr::col(delivery::Column::Attempts).add(1),
                )
                .col_expr(delivery::Column::LastStatus, Expr::value(status))
                .col_expr(delivery::Column::LastError, Expr::value(error))
                .col_expr(delivery::Column::NextAttemptAt, Expr::value(due))
                .col_expr(delivery::Column::DeliveredAt, Expr::value(delivered_at))
                .filter(delivery::Column::Id.is_in(chunk.iter().copied()))
                .filter(delivery::Column::LeaseToken.eq(token))
                .exec(db)
                .await?;
        }
    }
    Ok(())
}

fn no_time() -> Option<DateTime<Utc>> {
    None
}
