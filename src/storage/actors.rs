//! Queries on `actors`.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    QueryOrder,
    sea_query::{Expr, ExprTrait, OnConflict},
};

use super::entities::actor;

pub async fn find_by_role(
    db: &impl ConnectionTrait,
    role: &str,
) -> Result<Option<actor::Model>, DbErr> {
    actor::Entity::find()
        .filter(actor::Column::Role.eq(role))
        .filter(actor::Column::Local.eq(true))
        .order_by_asc(actor::Column::Id)
        .one(db)
        .await
}

pub async fn find_local_by_username(
    db: &impl ConnectionTrait,
    username: &str,
) -> Result<Option<actor::Model>, DbErr> {
    actor::Entity::find()
        .filter(actor::Column::Username.eq(username))
        .filter(actor::Column::Local.eq(true))
        .one(db)
        .await
}

pub async fn find_local_by_name(
    db: &impl ConnectionTrait,
    role: &str,
    name: &str,
) -> Result<Option<actor::Model>, DbErr> {
    actor::Entity::find()
        .filter(actor::Column::Name.eq(name))
        .filter(actor::Column::Role.eq(role))
        .filter(actor::Column::Local.eq(true))
        .one(db)
        .await
}

pub async fn insert(
    db: &impl ConnectionTrait,
    model: actor::ActiveModel,
) -> Result<actor::Model, DbErr> {
    model.insert(db).await
}

pub async fn list_by_role(
    db: &impl ConnectionTrait,
    role: &str,
) -> Result<Vec<actor::Model>, DbErr> {
    actor::Entity::find()
        .filter(actor::Column::Role.eq(role))
        .filter(actor::Column::Local.eq(true))
        .order_by_asc(actor::Column::Name)
        .all(db)
        .await
}

pub async fn find_by_ap_id(
    db: &impl ConnectionTrait,
    ap_id: &str,
) -> Result<Option<actor::Model>, DbErr> {
    actor::Entity::find()
        .filter(actor::Column::ApId.eq(ap_id))
        .one(db)
        .await
}

pub async fn find_by_key_id(
    db: &impl ConnectionTrait,
    key_id: &str,
) -> Result<Option<actor::Model>, DbErr> {
    actor::Entity::find()
        .filter(actor::Column::PublicKeyId.eq(key_id))
        .one(db)
        .await
}

/// Inserts a remote actor or refreshes the one with the same id; returns the stored row.
/// A local actor is never overwritten, whoever calls: the update applies only to remote rows,
/// and a conflict with a local row is an error.
pub async fn upsert_remote(
    db: &impl ConnectionTrait,
    model: actor::ActiveModel,
) -> Result<actor::Model, DbErr> {
    let ap_id = remote_id(&model)?;
    if find_by_ap_id(db, &ap_id).await?.is_some_and(|m| m.local) {
        return Err(DbErr::Custom(format!("{ap_id} is a local actor")));
    }
    actor::Entity::insert(model)
        .on_conflict(refresh_if_remote())
        .exec_without_returning(db)
        .await?;
    super::changes::wrote(super::changes::Table::Actors);
    match find_by_ap_id(db, &ap_id).await? {
        Some(stored) if !stored.local => Ok(stored),
        Some(_) => Err(DbErr::Custom(format!("{ap_id} is a local actor"))),
        None => Err(DbErr::RecordNotFound(format!("actor {ap_id} after upsert"))),
    }
}

/// The id of a row to upsert, which must be a remote actor's.
fn remote_id(model: &actor::ActiveModel) -> Result<String, DbErr> {
    let ap_id = match &model.ap_id {
        ActiveValue::Set(id) | ActiveValue::Unchanged(id) => id.clone(),
        ActiveValue::NotSet => {
            return Err(DbErr::Custom("remote actor without id".into()));
        }
    };
    if !matches!(model.local, ActiveValue::Set(false)) {
        return Err(DbErr::Custom(format!(
            "{ap_id}: only remote actors are upserted"
        )));
    }
    Ok(ap_id)
}

/// On a known id, refreshes what the actor's server says about it, and only on a remote row.
fn refresh_if_remote() -> OnConflict {
    OnConflict::column(actor::Column::ApId)
        .update_columns([
            actor::Column::Kind,
            actor::Column::Username,
            actor::Column::Name,
            actor::Column::Summary,
            actor::Column::Inbox,
            actor::Column::SharedInbox,
            actor::Column::Url,
            actor::Column::IconUrl,
            actor::Column::PublicKeyId,
            actor::Column::PublicKey,
            actor::Column::LastRefreshedAt,
        ])
        .action_and_where(Expr::col((actor::Entity, actor::Column::Local)).eq(false))
        .to_owned()
}

pub async fn find_by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<actor::Model>, DbErr> {
    actor::Entity::find_by_id(id).one(db).await
}

/// Marks an actor as approved at `at`, unless it already was.
pub async fn approve(db: &impl ConnectionTrait, id: i64, at: DateTime<Utc>) -> Result<(), DbErr> {
    actor::Entity::update_many()
        .col_expr(actor::Column::ApprovedAt, Expr::value(at))
        .filter(actor::Column::Id.eq(id))
        .filter(actor::Column::ApprovedAt.is_null())
        .exec(db)
        .await?;
    super::changes::wrote(super::changes::Table::Actors);
    Ok(())
}

/// Sets when the remote account `id` says it was created.
pub async fn set_account_published(
    db: &impl ConnectionTrait,
    id: i64,
    at: Option<DateTime<Utc>>,
) -> Result<(), DbErr> {
    actor::Entity::update_many()
        .col_expr(actor::Column::AccountPublishedAt, Expr::value(at))
        .filter(actor::Column::Id.eq(id))
        .filter(actor::Column::Local.eq(false))
        .exec(db)
        .await?;
    Ok(())
}
