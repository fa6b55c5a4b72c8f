//! Queries on `hosts`: how each remote server has answered our deliveries (written with the
//! deliveries' outcomes, by `delivery_outcomes`).

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    UpdateMany, sea_query::Expr,
};

use super::{deliveries, entities::host};

/// A host wrote to us: if it was dead, it lives again and its waiting deliveries are due now.
pub async fn revive(db: &impl ConnectionTrait, host_name: &str) -> Result<bool, DbErr> {
    // Nearly every request comes from a live host: a read answers that without taking a write
    // lock (which SQLite would serialise across all inbox requests).
    let dead = host::Entity::find_by_id(host_name.to_string())
        .one(db)
        .await?
        .is_some_and(|h| h.dead_since.is_some());
    if !dead {
        return Ok(false);
    }
    let revived = healthy(host::Entity::update_many())
        .filter(host::Column::Host.eq(host_name))
        .filter(host::Column::DeadSince.is_not_null())
        .exec(db)
        .await?
        .rows_affected
        > 0;
    if revived {
        deliveries::make_due_for_host(db, host_name, Utc::now()).await?;
    }
    Ok(revived)
}

/// Hosts that are failing or dead, worst first.
pub async fn troubled(db: &impl ConnectionTrait) -> Result<Vec<host::Model>, DbErr> {
    host::Entity::find()
        .filter(host::Column::FailingSince.is_not_null())
        .order_by_asc(host::Column::FailingSince)
        .all(db)
        .await
}

pub async fn count_dead(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    host::Entity::find()
        .filter(host::Column::DeadSince.is_not_null())
        .count(db)
        .await
}

/// Adds "neither failing nor dead" to an update.
fn healthy(update: UpdateMany<host::Entity>) -> UpdateMany<host::Entity> {
    update
        .col_expr(
            host::Column::FailingSince,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            host::Column::DeadSince,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
}
