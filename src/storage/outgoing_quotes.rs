//! Queries on `outgoing_quotes`: our answers that quote a reader's post, and where each
//! request for a stamp stands.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, sea_query::Expr,
};

use super::entities::{outgoing_quote, reply};

/// What a new request holds.
pub struct NewOutgoingQuote<'a> {
    pub reply_id: i64,
    pub quoted: &'a reply::Model,
    pub request_ap_id: &'a str,
}

pub async fn insert(
    db: &impl ConnectionTrait,
    new: &NewOutgoingQuote<'_>,
    state: &str,
) -> Result<outgoing_quote::Model, DbErr> {
    let now = Utc::now();
    outgoing_quote::ActiveModel {
        reply_id: Set(new.reply_id),
        quoted_reply_id: Set(new.quoted.id),
        quoted_ap_id: Set(new.quoted.ap_id.clone()),
        quoted_author_id: Set(new.quoted.author_id),
        request_ap_id: Set(new.request_ap_id.to_string()),
        state: Set(state.to_string()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

pub async fn of_reply(
    db: &impl ConnectionTrait,
    reply_id: i64,
) -> Result<Option<outgoing_quote::Model>, DbErr> {
    outgoing_quote::Entity::find()
        .filter(outgoing_quote::Column::ReplyId.eq(reply_id))
        .one(db)
        .await
}

/// Every quote made by these replies (one story's answers, say), in one query.
pub async fn of_replies(
    db: &impl ConnectionTrait,
    reply_ids: &[i64],
) -> Result<Vec<outgoing_quote::Model>, DbErr> {
    if reply_ids.is_empty() {
        return Ok(Vec::new());
    }
    outgoing_quote::Entity::find()
        .filter(outgoing_quote::Column::ReplyId.is_in(reply_ids.iter().copied()))
        .all(db)
        .await
}

pub async fn find_by_request(
    db: &impl ConnectionTrait,
    request_ap_id: &str,
) -> Result<Option<outgoing_quote::Model>, DbErr> {
    outgoing_quote::Entity::find()
        .filter(outgoing_quote::Column::RequestApId.eq(request_ap_id))
        .one(db)
        .await
}

pub async fn find_by_authorization(
    db: &impl ConnectionTrait,
    authorization_url: &str,
) -> Result<Option<outgoing_quote::Model>, DbErr> {
    outgoing_quote::Entity::find()
        .filter(outgoing_quote::Column::AuthorizationUrl.eq(authorization_url))
        .one(db)
        .await
}

/// Moves a request to `state`, with the stamp when there is one (cleared otherwise).
pub async fn set_state(
    db: &impl ConnectionTrait,
    id: i64,
    state: &str,
    authorization_url: Option<&str>,
) -> Result<(), DbErr> {
    outgoing_quote::Entity::update_many()
        .col_expr(outgoing_quote::Column::State, Expr::value(state))
        .col_expr(
            outgoing_quote::Column::AuthorizationUrl,
            Expr::value(authorization_url.map(str::to_string)),
        )
        .col_expr(outgoing_quote::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(outgoing_quote::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
