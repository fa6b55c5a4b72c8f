//! Queries on `actors`.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
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
    let ap_id = match &model.ap_id {
        sea_orm::ActiveValue::Set(id) | sea_orm::ActiveValue::Unchanged(id) => id.clone(),
        sea_orm::ActiveValue::NotSet => {
            return Err(DbErr::Custom("remote actor without id".into()));
        }
    };
    if !matches!(model.local, sea_orm::ActiveValue::Set(false)) {
        return Err(DbErr::Custom(format!("{ap_id}: only remote actors are upserted")));
    }
    if find_by_ap_id(db, &ap_id).await?.is_some_and(|m| m.local) {
        return Err(DbErr::Custom(format!("{ap_id} is a local actor")));
    }
    actor::Entity::insert(model)
        .on_conflict(
            sea_orm::sea_query::OnConflict::column(actor::Column::ApId)
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
                .action_and_where(
                    sea_orm::sea_query::ExprTrait::eq(
                        sea_orm::sea_query::Expr::col((actor::Entity, actor::Column::Local)),
                        false,
                    ),
                )
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    match find_by_ap_id(db, &ap_id).await? {
        Some(stored) if !stored.local => Ok(stored),
        Some(_) => Err(DbErr::Custom(format!("{ap_id} is a local actor"))),
        None => Err(DbErr::RecordNotFound(format!("actor {ap_id} after upsert"))),
    }
}

pub async fn find_by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<actor::Model>, DbErr> {
    actor::Entity::find_by_id(id).one(db).await
}
