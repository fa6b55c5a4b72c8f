//! Queries on `moderation_log`: written with each editor action, read newest first.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Select,
};

use super::entities::moderation_log_entry as entry;

pub async fn insert(db: &impl ConnectionTrait, row: entry::ActiveModel) -> Result<(), DbErr> {
    row.insert(db).await?;
    Ok(())
}

/// What a reader of the log narrows it to; `None` is any.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub story_id: Option<i64>,
    pub editor: Option<String>,
    pub account: Option<String>,
}

fn filtered(filter: &Filter) -> Select<entry::Entity> {
    let mut query = entry::Entity::find();
    if let Some(story) = filter.story_id {
        query = query.filter(entry::Column::StoryId.eq(story));
    }
    if let Some(editor) = &filter.editor {
        query = query.filter(entry::Column::Editor.eq(editor.as_str()));
    }
    if let Some(account) = &filter.account {
        query = query.filter(entry::Column::Account.eq(account.as_str()));
    }
    query
}

/// One page of the log, newest first, and how many entries match in all.
pub async fn page(
    db: &impl ConnectionTrait,
    filter: &Filter,
    offset: u64,
    limit: u64,
) -> Result<(Vec<entry::Model>, u64), DbErr> {
    let total = filtered(filter).count(db).await?;
    let rows = filtered(filter)
        .order_by_desc(entry::Column::At)
        .order_by_desc(entry::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    Ok((rows, total))
}
