//! The story page and its `<head>` metadata (OpenGraph, `fediverse:creator`).

use maud::{Markup, html};

use super::{
    images::{image_src, proxy_images},
    layout::trusted,
    listing::byline,
    quotes::quoted_by,
    safe_href,
    thread::{self, page_href, plural},
    time,
};
use crate::{
    domain::{quote::ShownQuote, reply::paged::ConversationPage, story::Story},
    state::AppState,
};

/// Visible quotes shown on the page, and how many there are in all.
pub type Quotes<'a> = (&'a [ShownQuote], u64);

/// The story page: one template, kept whole so the page reads top to bottom as it renders. The
/// conversation under it comes rendered (see [`conversation`]): it is kept between readers.
pub fn article(state: &AppState, story: &Story, conversation: &str) -> Markup {
    html! {
        article class="story h-entry" {
            h1 class="p-name" { (story.title) }
            p class="standfirst p-summary" { (story.summary) }
            p class="meta" {
                (byline(story)) (time(story.published_at))
                @if story.is_edited() { " · updated " (time(story.updated_at)) }
                @if story.likes > 0 { " · " span class="likes" { (story.likes) " " (plural(story.likes, "like")) } }
                @if story.boosts > 0 { " · " span class="boosts" { (story.boosts) " " (plural(story.boosts, "boost")) } }
            }
            @if let Some(image) = &story.image {
                figure {
                    img src=(image_src(state, &image.url)) alt=(image.alt);
                    figcaption { (image.alt) }
                }
            }
            div class="e-content" { (trusted(&proxy_images(state, &story.content_html))) }
            @if let Some(home) = story.canonical_url.as_ref().and_then(|u| safe_href(u.as_str())) {
                p class="canonical" { "The full story is at " a class="u-url" href=(home) { (home) } "." }
            }
            @if !story.tags.is_empty() {
                ul class="tags" aria-label="Tags" {
                    @for tag in &story.tags {
                        li { a rel="tag" href=(state.urls.tag(tag)) { "#" (tag) } }
                    }
                }
            }
            (trusted(conversation))
        }
    }
}

/// The conversation under the story and the quotes of it: the same for every reader, so it is
/// rendered from the story and its replies alone.
pub fn conversation(
    state: &AppState,
    story: &Story,
    conversation_page: &ConversationPage,
    quotes: Quotes<'_>,
) -> Markup {
    html! {
        (thread::conversation(
            state,
            story.ap_id.as_str(),
            conversation_page,
            usize::try_from(story.reply_count.max(0)).unwrap_or_default(),
            story.accepts_replies(state.settings.replies.close_after_days),
        ))
        (quoted_by(quotes.0, quotes.1))
    }
}

/// The conversation's neighbouring pages, for the `<head>`.
pub fn page_links(story: &Story, page: &ConversationPage) -> Markup {
    let target = story.ap_id.as_str();
    html! {
        @if !page.is_first() { link rel="prev" href=(page_href(target, page.sort, page.page - 1)); }
        @if !page.is_last() { link rel="next" href=(page_href(target, page.sort, page.page + 1)); }
    }
}

/// OpenGraph for link previews, and one `fediverse:creator` per author so Mastodon credits them.
pub fn meta(state: &AppState, story: &Story) -> Markup {
    let domain = state.settings.domain();
    html! {
        meta property="og:type" content="article";
        meta property="og:title" content=(story.title);
        meta property="og:description" content=(story.summary);
        meta property="og:url" content=(story.canonical_url.as_ref().unwrap_or(&story.ap_id));
        meta property="og:site_name" content=(state.settings.publication.name);
        meta property="article:published_time" content=(story.published_at.to_rfc3339());
        @if story.is_edited() {
            meta property="article:modified_time" content=(story.updated_at.to_rfc3339());
        }
        @for tag in &story.tags { meta property="article:tag" content=(tag); }
        @if let Some(image) = &story.image {
            meta property="og:image" content=(image.url);
            meta property="og:image:alt" content=(image.alt);
        }
        @for author in &story.authors {
            meta property="article:author" content=(author.name);
            meta name="fediverse:creator" content={ "@" (author.username) "@" (domain) };
        }
        @if story.authors.is_empty() {
            meta name="fediverse:creator" content={ "@" (state.settings.publication.handle) "@" (domain) };
        }
    }
}
