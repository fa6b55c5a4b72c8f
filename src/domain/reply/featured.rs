//! Editor picks: a published reply an editor features is shown first on its story's page (and
//! boosted by the publication, see `federation::outbox::picks`).

use chrono::Utc;
use sea_orm::ConnectionTrait;

use crate::{
    error::AppError,
    storage::{
        entities::reply,
        replies::{self, VISIBLE},
    },
};

/// Only what readers can see can be featured.
pub fn can_feature(reply: &reply::Model) -> Result<(), AppError> {
    if reply.state != VISIBLE || reply.deleted_at.is_some() {
        return Err(AppError::Unprocessable(
            "only a published reply can be featured".into(),
        ));
    }
    Ok(())
}

/// Features `reply` for `by`; false when it already was (nothing changes).
pub async fn feature(
    db: &impl ConnectionTrait,
    reply: &reply::Model,
    by: &str,
) -> Result<bool, AppError> {
    can_feature(reply)?;
    if reply.featured_at.is_some() {
        return Ok(false);
    }
    replies::set_featured(db, reply.id, Some((Utc::now(), by))).await?;
    Ok(true)
}

/// No longer featured; false when it was not.
pub async fn unfeature(db: &impl ConnectionTrait, reply: &reply::Model) -> Result<bool, AppError> {
    if reply.featured_at.is_none() {
        return Ok(false);
    }
    replies::set_featured(db, reply.id, None).await?;
    Ok(true)
}
