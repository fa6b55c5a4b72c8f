//! A story page as a browser gets it: the frame (head, article, byline) rendered for every
//! request, the conversation under it through the page cache, since every anonymous reader is
//! shown the same one (see `page_cache`).

use std::time::{Duration, Instant};

use chrono::Utc;
use maud::html;

use super::{
    page_cache::{Conversation, View},
    views::{
        self,
        layout::{self, Head},
    },
};
use crate::{
    domain::{
        quote,
        reply::{
            self,
            paged::{ConversationPage, Sort},
            presentation::Details,
            thread::ThreadReply,
        },
        story::Story,
    },
    error::AppError,
    state::AppState,
};

/// Quotes listed on a story page; the heading counts them all.
const QUOTES_SHOWN: u64 = 200;

/// Which part of the conversation the reader asked for (`?sort=&page=`, or `?thread=`).
#[derive(Debug, Clone, Copy)]
pub struct Asked {
    pub sort: Sort,
    /// 1-based; past the end, the last.
    pub page: u64,
    /// One top-level thread alone, every reply in it (where a long branch's "show more" leads).
    pub thread: Option<i64>,
}

impl Asked {
    fn view(&self) -> View {
        match self.thread {
            Some(root) => View::Thread(root),
            None => View::Page {
                sort: self.sort,
                page: self.page,
            },
        }
    }
}

/// The page of `story` (published, not deleted) with the conversation `asked`.
pub async fn render(state: &AppState, story: &Story, asked: Asked) -> Result<String, AppError> {
    let shown = match state.page_cache.get(story.id, asked.view()) {
        Ok(kept) => kept,
        Err(ticket) => {
            let (page, quotes) = load(state, story, asked).await?;
            let rendered = Conversation {
                links: views::story::page_links(story, &page).into_string(),
                body: views::story::conversation(state, story, &page, (&quotes.0, quotes.1))
                    .into_string(),
            };
            // Only the view asked for is kept: a thread that is not one, a page past the end,
            // are the usual page (kept under its own name when asked by it).
            let named = match asked.thread {
                Some(_) => page.whole_thread,
                None => page.page == asked.page,
            };
            if named {
                state
                    .page_cache
                    .put(ticket, rendered, changes_by_itself(state, story, &page))
            } else {
                std::sync::Arc::new(rendered)
            }
        }
    };
    Ok(frame(state, story, &shown))
}

async fn load(
    state: &AppState,
    story: &Story,
    asked: Asked,
) -> Result<(ConversationPage, (Vec<quote::ShownQuote>, u64)), AppError> {
    let conversation = async {
        let alone = match asked.thread {
            Some(root) => reply::paged::load_thread(&state.db, story, root).await?,
            None => None,
        };
        match alone {
            Some(thread) => Ok(thread),
            None => reply::paged::load(&state.db, story, asked.sort, asked.page).await,
        }
    };
    // Asked at once, on two of the pool's connections.
    futures_util::future::try_join(
        conversation,
        quote::shown_on(&state.db, story.id, QUOTES_SHOWN),
    )
    .await
}

/// When `page` would render differently with nothing changed: the story closing to replies by
/// age, or a poll on it closing.
fn changes_by_itself(state: &AppState, story: &Story, page: &ConversationPage) -> Option<Instant> {
    let now = Utc::now();
    let days = state.settings.replies.close_after_days;
    let closes = (days > 0 && story.accepts_replies(days))
        .then(|| story.published_at + chrono::Duration::days(i64::from(days)));
    let polls = page
        .threads
        .iter()
        .chain(&page.featured)
        .filter_map(|reply| first_poll_closing(reply, now))
        .min();
    let at = closes
        .into_iter()
        .chain(polls)
        .filter(|at| *at > now)
        .min()?;
    let wait = (at - now).to_std().unwrap_or(Duration::ZERO);
    Some(Instant::now() + wait)
}

/// The first poll in `reply`'s branch that closes after `now`.
fn first_poll_closing(
    reply: &ThreadReply,
    now: chrono::DateTime<Utc>,
) -> Option<chrono::DateTime<Utc>> {
    let own = match &reply.presentation.details {
        Details::Question {
            closes_at: Some(at),
            ..
        } if *at > now => Some(*at),
        _ => None,
    };
    let below = reply
        .children
        .iter()
        .filter_map(|child| first_poll_closing(child, now))
        .min();
    own.into_iter().chain(below).min()
}

/// The page around the conversation, rendered for this request.
fn frame(state: &AppState, story: &Story, shown: &Conversation) -> String {
    let head = Head {
        title: format!("{} · {}", story.title, state.settings.publication.name),
        description: Some(story.summary.clone()),
        // An article whose home is the newsroom's site: search engines credit that page.
        canonical: Some(
            story
                .canonical_url
                .clone()
                .unwrap_or_else(|| story.ap_id.clone()),
        ),
        activity_json: Some(story.ap_id.clone()),
        extra: Some(html! {
            (views::story::meta(state, story))
            (maud::PreEscaped(&shown.links))
        }),
    };
    layout::page(
        state,
        head,
        views::story::article(state, story, &shown.body),
    )
    .into_string()
}
