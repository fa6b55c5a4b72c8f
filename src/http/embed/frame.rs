//! The page inside the iframe: the story's conversation drawn by the story page's own views
//! (`views::thread`, `views::quotes`) with its live stream, under a policy whose
//! `frame-ancestors` names the newsroom's sites. An article not imported yet gets a page that
//! says the conversation opens shortly and asks its site's feed for an early poll.

use activitypub_federation::config::Data;
use axum::{
    extract::{Path, Query},
    http::{HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Redirect, Response},
};
use maud::{DOCTYPE, Markup, html};
use serde::Deserialize;
use url::Url;

use super::theme::ThemeQuery;
use crate::{
    domain::{
        feed::{self, entry::same_site},
        quote,
        reply::paged,
        story::{self, Story},
    },
    error::AppError,
    http::{
        security_headers,
        views::{quotes::quoted_by, thread::conversation},
    },
    state::AppState,
    storage::feeds,
};

#[derive(Deserialize)]
pub(super) struct FrameQuery {
    /// The article's canonical URL (for `/embed/article` and `/embed/open`).
    url: Option<String>,
    /// `light` or `dark`; otherwise the reader's preference.
    theme: Option<String>,
    #[serde(flatten)]
    colours: ThemeQuery,
}

pub(super) async fn by_slug(
    data: Data<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<FrameQuery>,
) -> Result<Response, AppError> {
    let found = story::find_by_slug(&data.db, &slug)
        .await?
        .filter(|s| s.deleted_at.is_none());
    match found {
        Some(story) => thread_page(&data, &story, &q).await,
        None => Ok(missing(&data, None, &q, false).await?),
    }
}

pub(super) async fn by_url(
    data: Data<AppState>,
    Query(q): Query<FrameQuery>,
) -> Result<Response, AppError> {
    let article = article_url(&q)?;
    match live_story(&data, &article).await? {
        Some(story) => thread_page(&data, &story, &q).await,
        None => {
            let cooldown = chrono::Duration::seconds(
                i64::try_from(data.settings.feeds.early_poll_secs).unwrap_or(60),
            );
            let asked = feed::poll_early_for(&data.db, &article, cooldown).await?;
            if asked {
                data.federation.feeds.notify_one();
            }
            let subscribed = subscribed_site(&data, &article).await?;
            missing(&data, Some(&article), &q, subscribed).await
        }
    }
}

/// The link in the snippet's `<noscript>`: the story page, or the waiting page.
pub(super) async fn open(
    data: Data<AppState>,
    Query(q): Query<FrameQuery>,
) -> Result<Response, AppError> {
    let article = article_url(&q)?;
    Ok(match live_story(&data, &article).await? {
        Some(story) => Redirect::to(story.ap_id.as_str()).into_response(),
        None => {
            let target = format!(
                "/embed/article?url={}",
                crate::http::views::thread::urlencode(article.as_str())
            );
            Redirect::to(&target).into_response()
        }
    })
}

fn article_url(q: &FrameQuery) -> Result<Url, AppError> {
    q.url
        .as_deref()
        .and_then(|u| Url::parse(u.trim()).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .ok_or_else(|| AppError::BadRequest("`url` must be the article's http(s) address".into()))
}

async fn live_story(data: &AppState, article: &Url) -> Result<Option<Story>, AppError> {
    Ok(story::find_by_canonical_url(&data.db, article)
        .await?
        .filter(|s| s.deleted_at.is_none()))
}

async fn subscribed_site(data: &AppState, article: &Url) -> Result<bool, AppError> {
    Ok(feeds::all(&data.db)
        .await?
        .iter()
        .filter_map(|f| Url::parse(&f.url).ok())
        .any(|f| same_site(&f, article)))
}

async fn thread_page(data: &AppState, story: &Story, q: &FrameQuery) -> Result<Response, AppError> {
    // The first page of the conversation, as the story page shows it; further pages and long
    // branches are links that open on the story page.
    let replies = paged::load(&data.db, story, paged::Sort::default(), 1).await?;
    let (quotes, total) = quote::shown_on(&data.db, story.id, 200).await?;
    let follow = format!(
        "@{}@{}",
        data.settings.publication.handle,
        data.settings.domain()
    );
    let body = html! {
        p class="embed-about" {
            "Replies from the fediverse to "
            a href=(story.ap_id) { (story.title) }
            ". Follow " span class="h" { (follow) } " to see new stories in your timeline."
        }
        (conversation(
            data,
            story.ap_id.as_str(),
            &replies,
            usize::try_from(story.reply_count.max(0)).unwrap_or_default(),
            story.accepts_replies(data.settings.replies.close_after_days),
        ))
        (quoted_by(&quotes, total))
    };
    let ancestors = ancestors(data, story.canonical_url.as_ref()).await?;
    Ok(framed(
        data,
        &ancestors,
        StatusCode::OK,
        page(data, &story.title, q, None, body),
    ))
}

async fn missing(
    data: &AppState,
    article: Option<&Url>,
    q: &FrameQuery,
    subscribed: bool,
) -> Result<Response, AppError> {
    let waiting = article.filter(|_| subscribed);
    let body = html! {
        section class="conversation embed-waiting" aria-live="polite" {
            @if waiting.is_some() {
                p { "The conversation opens shortly." }
                p class="meta" { "This article reached us a moment ago; its replies will appear here." }
            } @else {
                p { "There is no conversation for this article yet." }
            }
        }
    };
    let ancestors = ancestors(data, waiting).await?;
    let status = if waiting.is_some() {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    let page = page(data, "Conversation", q, waiting, body);
    Ok(framed(data, &ancestors, status, page))
}

/// Who may frame the page: `embed.origins` when set; otherwise the article's own site and the
/// sites of the subscribed feeds.
async fn ancestors(data: &AppState, article: Option<&Url>) -> Result<String, AppError> {
    let configured = data.settings.embed.origins.trim();
    if !configured.is_empty() {
        return Ok(configured.to_string());
    }
    let mut origins: Vec<String> = article
        .map(|a| a.origin().ascii_serialization())
        .into_iter()
        .collect();
    for f in feeds::all(&data.db).await? {
        if let Ok(url) = Url::parse(&f.url) {
            let origin = url.origin().ascii_serialization();
            if !origins.contains(&origin) {
                origins.push(origin);
            }
        }
    }
    origins.retain(|o| o != "null");
    Ok(if origins.is_empty() {
        "'none'".to_string()
    } else {
        origins.join(" ")
    })
}

fn framed(data: &AppState, ancestors: &str, status: StatusCode, page: Markup) -> Response {
    let policy = security_headers::framed_by(&data.settings, ancestors);
    let mut response = (status, Html(page.into_string())).into_response();
    // A value that does not fit in a header (it cannot, from checked settings) frames nothing.
    let value = HeaderValue::from_str(&policy)
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'; frame-ancestors 'none'"));
    response
        .headers_mut()
        .insert(header::CONTENT_SECURITY_POLICY, value);
    response
}

/// The frame's document. `waiting`: the article not imported yet, which the frame's script
/// keeps asking about until its story exists, then reloads.
fn page(
    data: &AppState,
    title: &str,
    q: &FrameQuery,
    waiting: Option<&Url>,
    body: Markup,
) -> Markup {
    let theme = q
        .theme
        .as_deref()
        .filter(|t| matches!(*t, "light" | "dark"))
        .unwrap_or("auto");
    html! {
        (DOCTYPE)
        html lang=(data.settings.publication.language) data-theme=(theme) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="robots" content="noindex";
                title { "Conversation: " (title) " · " (data.settings.publication.name) }
                link rel="stylesheet" href=(data.urls.stylesheet());
                link rel="stylesheet" href="/static/embed.css";
                @if q.colours.is_set() {
                    link rel="stylesheet" href={ "/embed/theme.css?" (q.colours.query()) };
                }
            }
            body class="embed" data-waiting=[waiting.map(|u| u.as_str())] {
                main id="main" { (body) }
                script src="/static/embed-frame.js" defer {}
            }
        }
    }
}
