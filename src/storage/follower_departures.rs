//! Queries on `follower_departures`: followers who left, kept so the follower count of any past
//! day can be worked out (see `domain::stats`).

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::{
    days::{self, DayCount},
    entities::{follower, follower_departure},
};

/// Records that the follows in `left` ended now.
pub async fn record(db: &impl ConnectionTrait, left: &[follower::Model]) -> Result<(), DbErr> {
    if left.is_empty() {
        return Ok(());
    }
    let now = Utc::now();
    let rows = left.iter().map(|f| follower_departure::ActiveModel {
        actor_id: Set(f.actor_id),
        followed_at: Set(f.created_at),
        departed_at: Set(now),
        ..Default::default()
    });
    follower_departure::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Departures from `actor_id`'s followers since `since`, per day they left.
pub async fn left_per_day(
    db: &impl ConnectionTrait,
    actor_id: i64,
    since: DateTime<Utc>,
) -> Result<Vec<DayCount>, DbErr> {
    let select = follower_departure::Entity::find()
        .filter(follower_departure::Column::ActorId.eq(actor_id))
        .filter(follower_departure::Column::DepartedAt.gte(since));
    days::per_day(db, select, "follower_departures.departed_at").await
}

/// Follows of `actor_id` begun since `since` that have ended since, per day they began.
pub async fn followed_per_day(
    db: &impl ConnectionTrait,
    actor_id: i64,
    since: DateTime<Utc>,
) -> Result<Vec<DayCount>, DbErr> {
    let select = follower_departure::Entity::find()
        .filter(follower_departure::Column::ActorId.eq(actor_id))
        .filter(follower_departure::Column::FollowedAt.gte(since));
    days::per_day(db, select, "follower_departures.followed_at").await
}
