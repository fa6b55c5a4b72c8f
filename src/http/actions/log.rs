//! The moderation log's filters, as the admin page and the API both read them from a query
//! string.

use serde::Deserialize;

use crate::{
    domain::{moderation::log::Filter, page::PageRequest, story},
    error::AppError,
    state::AppState,
};

const PAGE_SIZE: u64 = 50;

/// The log's filters as a query string: `story` (a slug), `editor`, `account`, `page`.
#[derive(Debug, Default, Deserialize)]
pub struct LogQuery {
    pub story: Option<String>,
    pub editor: Option<String>,
    pub account: Option<String>,
    pub page: Option<u64>,
}

impl LogQuery {
    /// The filter these name; a story that does not exist matches nothing.
    pub async fn filter(&self, data: &AppState) -> Result<Filter, AppError> {
        let given = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(String::from)
        };
        let story_id = match given(&self.story) {
            Some(slug) => Some(
                story::find_by_slug(&data.db, &slug)
                    .await?
                    .map_or(-1, |s| s.id),
            ),
            None => None,
        };
        Ok(Filter {
            story_id,
            editor: given(&self.editor),
            account: given(&self.account),
        })
    }
    pub fn page(&self) -> PageRequest {
        PageRequest::new(self.page, PAGE_SIZE)
    }
}
