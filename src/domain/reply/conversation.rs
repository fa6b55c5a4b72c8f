//! The conversation as the story page shows it, for the collections other servers read: the
//! story's `context` (FEP-7888), its `replies` and each reply's `replies`. All three follow the
//! page's own tree rules, so what is held, hidden, deleted or blocked (a placeholder on the
//! page, or absent) is never listed, and approving a reply lists it at once. They read only an
//! outline of the conversation (ids, states, authors), never what the replies say: other
//! servers fetch these often, and a big story's whole thread is megabytes.

use sea_orm::ConnectionTrait;

use crate::{
    domain::{links::web, moderation::blocks::Blocklist},
    error::AppError,
    storage::replies::{self, OutlineRow, VISIBLE},
};

/// Which part of a story's conversation a collection lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    /// The story (its id given), then every reply shown (the `context` collection).
    Whole(&'a str),
    /// Every reply shown, in thread order (the story's `replies`).
    Replies,
    /// The shown direct answers to one reply (that reply's `replies`).
    AnswersTo(i64),
}

/// One page of `scope` in thread order, as ids, and how many items it has in all.
pub async fn page(
    db: &impl ConnectionTrait,
    story_id: i64,
    scope: Scope<'_>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<String>, u64), AppError> {
    let rows = replies::outline(db, story_id).await?;
    let blocks = crate::domain::moderation::blocks::Blocklist::load(db).await?;
    let shown = listed(rows, &blocks);
    let ids: Vec<String> = match scope {
        Scope::Whole(story_ap_id) => std::iter::once(story_ap_id.to_string())
            .chain(shown.into_iter().map(|(ap_id, _)| ap_id))
            .collect(),
        Scope::Replies => shown.into_iter().map(|(ap_id, _)| ap_id).collect(),
        Scope::AnswersTo(id) => shown
            .into_iter()
            .filter(|(_, parent)| *parent == Some(id))
            .map(|(ap_id, _)| ap_id)
            .collect(),
    };
    let total = ids.len() as u64;
    let skip = usize::try_from(offset).unwrap_or(usize::MAX);
    let take = usize::try_from(limit).unwrap_or(usize::MAX);
    Ok((ids.into_iter().skip(skip).take(take).collect(), total))
}

/// The shown replies of `rows` (pre-order, as the page's tree has them), each with the row id
/// of the reply it answers on the page (`None` under the story). The rules are the page's
/// (`thread::build`): a deleted, moderated or blocked reply is a placeholder, left out here
/// but not its answers; a reply whose author has no web address is not on the page at all,
/// and its answers sit under the reply above it.
fn listed(rows: Vec<OutlineRow>, blocks: &Blocklist) -> Vec<(String, Option<i64>)> {
    let mut open: Vec<(i32, i64)> = Vec::new();
    let mut shown = Vec::new();
    for row in rows {
        while open.last().is_some_and(|(depth, _)| *depth >= row.depth) {
            open.pop();
        }
        let has_profile =
            row.author_url.as_deref().and_then(web).is_some() || web(&row.author_ap_id).is_some();
        if !has_profile {
            continue;
        }
        let blocked = blocks
            .blocks_actor(&row.author_ap_id, &row.author_domain)
            .is_some();
        let placeholder = row.deleted_at.is_some() || row.state != VISIBLE || blocked;
        if !placeholder {
            shown.push((row.ap_id, open.last().map(|(_, id)| *id)));
        }
        open.push((row.depth, row.id));
    }
    shown
}
