//! The conversation under a story: nested lists of replies, each with its author, time, a link
//! to the original, and a way to answer from one's own server.

use maud::{Markup, html};

use super::{
    reply::{Shown, body},
    safe_href, time,
};
use crate::{domain::reply::thread::ThreadReply, http::media::proxied, state::AppState};

/// Nesting deeper than this is drawn flat, so threads stay readable on a phone.
const MAX_INDENT: usize = 6;

pub fn conversation(
    state: &AppState,
    target: &str,
    replies: &[ThreadReply],
    count: usize,
    open: bool,
) -> Markup {
    html! {
        section class="conversation" aria-labelledby="replies" data-live=(format!("{}/live", target)) {
            h2 id="replies" {
                "Conversation"
                @if count > 0 { " " span class="count" { "(" (count) ")" } }
            }
            @if open {
                (reply_form(state, target, "Reply from your instance"))
            } @else {
                p class="closed" { "Replies to this story are closed." }
            }
            @if replies.is_empty() {
                p class="empty" { "No replies yet. Answer from your fediverse account to start the conversation." }
            }
            (list(state, replies, 0))
            script src="/static/live.js" defer {}
        }
    }
}

fn list(state: &AppState, replies: &[ThreadReply], level: usize) -> Markup {
    html! {
        ol class={ "thread" @if level >= MAX_INDENT { " flat" } } {
            @for reply in replies {
                li id={ "reply-" (reply.id) } class="reply" {
                    (card(state, reply))
                    @if !reply.children.is_empty() { (list(state, &reply.children, level + 1)) }
                }
            }
        }
    }
}

/// One reply's list item, as a live update inserts it.
pub fn item(state: &AppState, reply: &ThreadReply) -> Markup {
    html! { li id={ "reply-" (reply.id) } class="reply" { (card(state, reply)) } }
}

fn card(state: &AppState, reply: &ThreadReply) -> Markup {
    if reply.placeholder {
        return html! { article class="reply-body removed" { p { "This reply was removed." } } };
    }
    let shown = Shown {
        content_html: &reply.content_html,
        summary: reply.summary.as_deref(),
        sensitive: reply.sensitive,
        presentation: &reply.presentation,
        original: &reply.url,
    };
    html! {
        article class={ "reply-body h-entry" @if reply.quote.is_some() { " has-quote" } } {
            (byline(state, reply))
            (body(state, &shown))
            @if let Some(quote) = &reply.quote { (super::quotes::our_quote(quote)) }
            (meta(state, reply))
        }
    }
}

/// The author: avatar (through the media proxy) or initial, name and handle.
fn byline(state: &AppState, reply: &ThreadReply) -> Markup {
    let author = &reply.author;
    let who = html! { strong { (author.name) } " " span class="handle" { (author.handle) } };
    html! {
        header class="byline" {
            @if let Some(icon) = author.icon.as_ref().filter(|i| safe_href(i.as_str()).is_some()) {
                img class="avatar" src=(proxied(state, icon)) alt="" width="40" height="40" loading="lazy";
            } @else {
                span class="avatar initial" aria-hidden="true" { (initial(&author.name)) }
            }
            @if let Some(profile) = safe_href(author.profile.as_str()) {
                a class="author p-author" href=(profile) rel="nofollow noopener ugc" { (who) }
            } @else {
                span class="author p-author" { (who) }
            }
            @if author.local { " " span class="badge" { "Newsroom" } }
        }
    }
}

/// When, a link to the original, edits, counts, and a way to answer.
fn meta(state: &AppState, reply: &ThreadReply) -> Markup {
    html! {
        footer class="meta" {
            @if let Some(url) = safe_href(&reply.url) {
                a class="u-url" href=(url) rel="nofollow noopener ugc" { (time(reply.published_at)) }
            } @else {
                (time(reply.published_at))
            }
            @if reply.edited_at.is_some() { " · " span class="edited" { "edited" } }
            @if reply.likes > 0 { " · " span class="likes" { (reply.likes) " " (plural(reply.likes, "like")) } }
            @if reply.boosts > 0 { " · " span class="boosts" { (reply.boosts) " " (plural(reply.boosts, "boost")) } }
            " · " a href={ (state.urls.interact()) "?uri=" (urlencode(&reply.ap_id)) } { "Reply" }
        }
    }
}

/// The "answer from your own server" form: it sends the reader to their server's page for `uri`.
pub fn reply_form(state: &AppState, uri: &str, label: &str) -> Markup {
    html! {
        form class="interact" method="get" action=(state.urls.interact()) {
            input type="hidden" name="uri" value=(uri);
            label for="handle" { (label) }
            div class="row" {
                input id="handle" name="handle" type="text" required placeholder="you@your.server" autocomplete="username" inputmode="email";
                button type="submit" { "Reply" }
            }
        }
    }
}

fn initial(name: &str) -> String {
    name.chars()
        .next()
        .map(|c| c.to_uppercase().to_string())
        .unwrap_or_default()
}

pub fn plural(n: i32, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

pub fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
