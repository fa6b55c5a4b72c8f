//! Queries on `followers`.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, sea_query::OnConflict,
};

use super::{
    days::{self, DayCount},
    entities::{actor, follower},
    follower_departures,
};

/// Records that `follower_id` follows `actor_id`; a repeated Follow refreshes the Follow id.
pub async fn upsert(
    db: &impl ConnectionTrait,
    actor_id: i64,
    follower_id: i64,
    follow_ap_id: &str,
) -> Result<(), DbErr> {
    let row = follower::ActiveModel {
        actor_id: Set(actor_id),
        follower_id: Set(follower_id),
        follow_ap_id: Set(follow_ap_id.to_string()),
        created_at: Set(Utc::now()),
        ..Default::default()
    };
    follower::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([follower::Column::ActorId, follower::Column::FollowerId])
                .update_column(follower::Column::FollowApId)
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

pub async fn find(
    db: &impl ConnectionTrait,
    actor_id: i64,
    follower_id: i64,
) -> Result<Option<follower::Model>, DbErr> {
    follower::Entity::find()
        .filter(follower::Column::ActorId.eq(actor_id))
        .filter(follower::Column::FollowerId.eq(follower_id))
        .one(db)
        .await
}

/// Removes the edge; returns whether there was one.
pub async fn delete(
    db: &impl ConnectionTrait,
    actor_id: i64,
    follower_id: i64,
) -> Result<bool, DbErr> {
    let leaving = find(db, actor_id, follower_id).await?;
    let result = follower::Entity::delete_many()
        .filter(follower::Column::ActorId.eq(actor_id))
        .filter(follower::Column::FollowerId.eq(follower_id))
        .exec(db)
        .await?;
    follower_departures::record(db, leaving.as_slice()).await?;
    Ok(result.rows_affected > 0)
}

pub async fn count(db: &impl ConnectionTrait, actor_id: i64) -> Result<u64, DbErr> {
    follower::Entity::find()
        .filter(follower::Column::ActorId.eq(actor_id))
        .count(db)
        .await
}

/// The inbox and shared inbox of every follower of `actor_ids` (a follower of several once per
/// follow): all a delivery needs, without the rest of each actor's row.
pub async fn inboxes_of(
    db: &impl ConnectionTrait,
    actor_ids: &[i64],
) -> Result<Vec<(String, Option<String>)>, DbErr> {
    follower::Entity::find()
        .select_only()
        .column(actor::Column::Inbox)
        .column(actor::Column::SharedInbox)
        .inner_join(actor::Entity)
        .filter(follower::Column::ActorId.is_in(actor_ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await
}

/// One page of an actor's followers.
pub async fn page(
    db: &impl ConnectionTrait,
    actor_id: i64,
    offset: u64,
    limit: u64,
) -> Result<Vec<actor::Model>, DbErr> {
    let rows = follower::Entity::find()
        .filter(follower::Column::ActorId.eq(actor_id))
        .order_by_asc(follower::Column::Id)
        .offset(offset)
        .limit(limit)
        .find_also_related(actor::Entity)
        .all(db)
        .await?;
    Ok(rows.into_iter().filter_map(|(_, a)| a).collect())
}

/// The edge created by the Follow `follow_ap_id` of `follower_id`.
pub async fn find_by_follow(
    db: &impl ConnectionTrait,
    follower_id: i64,
    follow_ap_id: &str,
) -> Result<Option<follower::Model>, DbErr> {
    follower::Entity::find()
        .filter(follower::Column::FollowerId.eq(follower_id))
        .filter(follower::Column::FollowApId.eq(follow_ap_id))
        .one(db)
        .await
}

/// Drops every follow by `follower_id` (their account is gone).
pub async fn delete_follower_everywhere(
    db: &impl ConnectionTrait,
    follower_id: i64,
) -> Result<u64, DbErr> {
    let leaving = follower::Entity::find()
        .filter(follower::Column::FollowerId.eq(follower_id))
        .all(db)
        .await?;
    let result = follower::Entity::delete_many()
        .filter(follower::Column::FollowerId.eq(follower_id))
        .exec(db)
        .await?;
    follower_departures::record(db, &leaving).await?;
    Ok(result.rows_affected)
}

/// Follows of `actor_id` begun since `since` and still standing, per day they began.
pub async fn started_per_day(
    db: &impl ConnectionTrait,
    actor_id: i64,
    since: DateTime<Utc>,
) -> Result<Vec<DayCount>, DbErr> {
    let select = follower::Entity::find()
        .filter(follower::Column::ActorId.eq(actor_id))
        .filter(follower::Column::CreatedAt.gte(since));
    days::per_day(db, select, "followers.created_at").await
}
