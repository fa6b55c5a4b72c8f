//! Lists of stories: the front page, author pages and tag pages.

use maud::{Markup, html};

use super::{images::image_src, time};
use crate::{
    domain::{page::Page, story::Story},
    state::AppState,
};

/// Story cards with older/newer links. `base` is the page's own path, for `?page=` links.
pub fn stories(state: &AppState, page: &Page<Story>, base: &str) -> Markup {
    html! {
        @if page.items.is_empty() {
            p class="empty" { "No stories yet." }
        }
        ol class="stories" {
            @for story in &page.items {
                li class="card" {
                    @if let Some(image) = &story.image {
                        img src=(image_src(state, &image.url)) alt=(image.alt) loading="lazy";
                    }
                    h2 { a href=(story.ap_id) { (story.title) } }
                    p class="teaser" { (story.summary) }
                    p class="meta" {
                        (byline(story)) (time(story.published_at))
                        @if story.reply_count > 0 {
                            " · " a href={ (story.ap_id) "#replies" } {
                                (story.reply_count) @if story.reply_count == 1 { " reply" } @else { " replies" }
                            }
                        }
                        @let shares = story.shares();
                        @if shares > 0 {
                            " · " span class="shares" {
                                (shares) @if shares == 1 { " share" } @else { " shares" }
                            }
                        }
                    }
                }
            }
        }
        nav class="pager" aria-label="Pages" {
            @if page.has_previous() {
                a rel="prev" href={ (base) "?page=" (page.number - 1) } { "← Newer stories" }
            }
            @if page.has_next() {
                a rel="next" href={ (base) "?page=" (page.number + 1) } { "Older stories →" }
            }
        }
    }
}

/// "By Ana Ruiz and Bo Li · " with links to the author pages.
pub fn byline(story: &Story) -> Markup {
    let last = story.authors.len().saturating_sub(1);
    html! {
        @if !story.authors.is_empty() {
            span class="byline" {
                "By "
                @for (i, author) in story.authors.iter().enumerate() {
                    @if i > 0 { @if i == last { " and " } @else { ", " } }
                    a rel="author" href=(author.ap_id) { (author.name) }
                }
                " · "
            }
        }
    }
}
