//! The conversation as the story page shows it, for the collections other servers read: the
//! story's `context` (FEP-7888), its `replies` and each reply's `replies`. All three are read
//! from the page's own tree, so what is held, hidden, deleted or blocked (a placeholder on the
//! page, or absent) is never listed, and approving a reply lists it at once.

use sea_orm::ConnectionTrait;

use super::thread::{self, ThreadReply};
use crate::error::AppError;

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
    let forest = thread::load(db, story_id).await?;
    let mut shown = Vec::new();
    flatten(&forest, None, &mut shown);
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

/// The shown replies of `replies` in pre-order, each with the row id of the reply it answers
/// (`None` under the story). Placeholders are left out but their answers are not, as on the
/// page.
fn flatten(replies: &[ThreadReply], parent: Option<i64>, out: &mut Vec<(String, Option<i64>)>) {
    for reply in replies {
        if !reply.placeholder {
            out.push((reply.ap_id.clone(), parent));
        }
        flatten(&reply.children, Some(reply.id), out);
    }
}
