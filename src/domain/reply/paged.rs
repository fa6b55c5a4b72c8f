//! A story's conversation one page at a time, so a story with thousands of replies stays a light
//! page: the page's top-level threads are read first (in the reader's order), then only their
//! replies. Editor picks come with the first page.

use std::collections::HashMap;

use futures_util::future::try_join4;
use sea_orm::ConnectionTrait;

use super::thread::{Authors, ThreadReply, build, entry, with_quotes};
use crate::{
    domain::{moderation::blocks::Blocklist, story::Story},
    error::AppError,
    storage::{
        replies::{self, RootOrder},
        replies_shown::{self, ShownRow},
    },
};

/// Top-level threads on one page of a story.
pub const THREADS_PER_PAGE: u64 = 50;

/// The order of the top-level threads; the answers in a thread stay oldest first, so each
/// branch reads as a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Sort {
    #[default]
    Oldest,
    Newest,
    /// Most liked first; ties oldest first.
    Liked,
}

impl Sort {
    pub const ALL: [Sort; 3] = [Sort::Oldest, Sort::Newest, Sort::Liked];

    /// `oldest`, `newest` or `liked`; anything else is the default.
    pub fn parse(text: Option<&str>) -> Sort {
        match text {
            Some("newest") => Sort::Newest,
            Some("liked") => Sort::Liked,
            _ => Sort::Oldest,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Oldest => "oldest",
            Sort::Newest => "newest",
            Sort::Liked => "liked",
        }
    }

    fn order(self) -> RootOrder {
        match self {
            Sort::Oldest => RootOrder::Oldest,
            Sort::Newest => RootOrder::Newest,
            Sort::Liked => RootOrder::Liked,
        }
    }
}

/// One page of a story's conversation.
#[derive(Debug, Clone)]
pub struct ConversationPage {
    pub sort: Sort,
    /// 1-based, within `1..=pages`.
    pub page: u64,
    pub pages: u64,
    /// Top-level threads across all pages.
    pub threads_total: u64,
    pub threads: Vec<ThreadReply>,
    /// Editor picks, most recently featured first (the first page only).
    pub featured: Vec<ThreadReply>,
    /// One thread on its own page (`?thread=ROOT`), where long branches are never linked away.
    pub whole_thread: bool,
}

impl ConversationPage {
    pub fn is_first(&self) -> bool {
        self.page == 1
    }

    pub fn is_last(&self) -> bool {
        self.page >= self.pages
    }
}

/// Page `page` (clamped to the pages there are) of `story`'s conversation in `sort`: the page's
/// roots (ids and paths), their threads and the picks (the shown columns alone), and their
/// authors in one query.
pub async fn load(
    db: &impl ConnectionTrait,
    story: &Story,
    sort: Sort,
    page: u64,
) -> Result<ConversationPage, AppError> {
    // What needs no earlier answer is asked at once, on the pool's connections: each question
    // costs a round trip more than work. The first page (the one most read) needs no count to
    // know its threads: they are the first in any case.
    let first = page <= 1;
    let roots_at =
        |offset| replies_shown::roots(db, story.id, sort.order(), offset, THREADS_PER_PAGE);
    let (threads_total, blocks, early_picks, early_roots) = try_join4(
        async { Ok::<_, AppError>(replies::count_roots(db, story.id).await?) },
        Blocklist::load(db),
        async {
            Ok(if first {
                Some(replies_shown::featured(db, story.id).await?)
            } else {
                None
            })
        },
        async {
            Ok(if first {
                Some(roots_at(0).await?)
            } else {
                None
            })
        },
    )
    .await?;
    let pages = threads_total.div_ceil(THREADS_PER_PAGE).max(1);
    let page = page.clamp(1, pages);
    let roots = match early_roots {
        Some(roots) => roots,
        None => roots_at((page - 1) * THREADS_PER_PAGE).await?,
    };
    let rows = replies_shown::threads(db, story.id, &roots).await?;
    let picks = match early_picks {
        Some(picks) => picks,
        // Asked past the end of a one-page conversation: the first page after all.
        None if page == 1 => replies_shown::featured(db, story.id).await?,
        None => Vec::new(),
    };
    let story_authors: Vec<i64> = story.authors.iter().map(|a| a.id).collect();
    let everyone: Vec<&ShownRow> = rows.iter().chain(&picks).collect();
    let authors = Authors::load(db, &everyone, &blocks, &story_authors).await?;
    // Read in path order; shown in the page's order of its roots.
    let mut threads = with_quotes(db, build(rows, &authors)).await?;
    let position: HashMap<i64, usize> = roots
        .iter()
        .enumerate()
        .map(|(at, (id, _))| (*id, at))
        .collect();
    threads.sort_by_key(|t| position.get(&t.id).copied().unwrap_or(usize::MAX));
    // Each alone (their answers are in their threads), so depths do not nest them.
    let featured = picks
        .into_iter()
        .filter_map(|row| entry(row, &authors))
        .filter(|r| !r.placeholder)
        .collect();
    Ok(ConversationPage {
        sort,
        page,
        pages,
        threads_total,
        threads,
        featured,
        whole_thread: false,
    })
}

/// The thread whose top-level reply is `root`, alone; `None` when `root` is not a top-level
/// reply of `story`.
pub async fn load_thread(
    db: &impl ConnectionTrait,
    story: &Story,
    root: i64,
) -> Result<Option<ConversationPage>, AppError> {
    let Some(found) = replies_shown::one(db, root)
        .await?
        .filter(|r| r.story_id == story.id && r.parent_id.is_none())
    else {
        return Ok(None);
    };
    let rows = replies_shown::threads(db, story.id, &[(found.id, found.path)]).await?;
    let blocks = Blocklist::load(db).await?;
    let story_authors: Vec<i64> = story.authors.iter().map(|a| a.id).collect();
    let authors = Authors::load(
        db,
        &rows.iter().collect::<Vec<_>>(),
        &blocks,
        &story_authors,
    )
    .await?;
    let threads = with_quotes(db, build(rows, &authors)).await?;
    Ok(Some(ConversationPage {
        sort: Sort::default(),
        page: 1,
        pages: 1,
        threads_total: replies::count_roots(db, story.id).await?,
        threads,
        featured: Vec::new(),
        whole_thread: true,
    }))
}
