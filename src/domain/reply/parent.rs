//! What a reply answers: one of our stories, or a reply we hold.

use sea_orm::ConnectionTrait;

use crate::{
    error::AppError,
    storage::{
        entities::{reply, story},
        replies, stories,
    },
};

/// What a reply answers: a story of ours, or a reply we already hold.
#[derive(Debug, Clone)]
pub enum Parent {
    Story(story::Model),
    Reply(reply::Model),
}

impl Parent {
    /// Whether the story this parent belongs to still takes replies.
    pub async fn open_for_replies(
        &self,
        db: &impl ConnectionTrait,
        close_after_days: u32,
    ) -> Result<bool, AppError> {
        let story = match self {
            Parent::Story(s) => Some(s.clone()),
            Parent::Reply(r) => stories::find_by_id(db, r.story_id).await?,
        };
        Ok(story.is_some_and(|s| {
            s.deleted_at.is_none()
                && crate::domain::story::accepts_replies(
                    s.replies_closed_at,
                    s.published_at,
                    close_after_days,
                )
        }))
    }

    pub fn story_id(&self) -> i64 {
        match self {
            Parent::Story(s) => s.id,
            Parent::Reply(r) => r.story_id,
        }
    }
}

/// The parent named by `in_reply_to`, when we hold it. Deleted stories take no replies.
pub async fn find_parent(
    db: &impl ConnectionTrait,
    in_reply_to: &str,
) -> Result<Option<Parent>, AppError> {
    if let Some(story) = stories::find_by_ap_id(db, in_reply_to).await? {
        return Ok(story.deleted_at.is_none().then_some(Parent::Story(story)));
    }
    Ok(replies::find_by_ap_id(db, in_reply_to)
        .await?
        .map(Parent::Reply))
}
