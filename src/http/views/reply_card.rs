//! One reply on the story page: its author (avatar, name, handle, badges), what it says, the
//! quote it makes, and its footer (when, the original, counts, a way to answer). Live updates
//! insert the same markup.

use maud::{Markup, html};

use super::{
    reply::{Shown, body},
    safe_href,
    thread::plural,
    time,
};
use crate::{domain::reply::thread::ThreadReply, http::media::proxied, state::AppState};

/// One reply's list item, as a live update inserts it.
pub fn item(state: &AppState, reply: &ThreadReply) -> Markup {
    html! { li id={ "reply-" (reply.id) } class="reply" { (card(state, reply)) } }
}

pub fn card(state: &AppState, reply: &ThreadReply) -> Markup {
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
    let author = &reply.author;
    // One template per reply, its byline and footer inline: a page renders hundreds. Links to
    // other servers are `nofollow ugc`; `noopener` would only matter with a `target`.
    html! {
        article class={ "reply-body h-entry" @if reply.quote.is_some() { " has-quote" } } {
            header class="byline" {
                @if let Some(icon) = author.icon.as_ref().filter(|i| safe_href(i.as_str()).is_some()) {
                    img class="avatar" src=(proxied(state, icon)) alt="" width="40" height="40" loading="lazy";
                } @else {
                    span class="avatar initial" aria-hidden="true" { (initial(&author.name)) }
                }
                @if let Some(profile) = safe_href(author.profile.as_str()) {
                    a class="author p-author" href=(profile) rel="nofollow ugc" {
                        strong { (author.name) } " " span class="handle" { (author.handle) }
                    }
                } @else {
                    span class="author p-author" {
                        strong { (author.name) } " " span class="handle" { (author.handle) }
                    }
                }
                @if author.local { " " span class="badge" { "Newsroom" } }
                @if reply.by_story_author { " " span class="badge author" { "Author" } }
                @if reply.featured { " " span class="badge featured" { "Featured" } }
            }
            (body(state, &shown))
            @if let Some(quote) = &reply.quote { (super::quotes::our_quote(quote)) }
            // When, a link to the original, edits, counts, and a way to answer.
            footer class="meta" {
                @if let Some(url) = safe_href(&reply.url) {
                    a class="u-url" href=(url) rel="nofollow ugc" { (time(reply.published_at)) }
                } @else {
                    (time(reply.published_at))
                }
                @if reply.edited_at.is_some() { " · " span class="edited" { "edited" } }
                @if reply.likes > 0 { " · " span class="likes" { (reply.likes) " " (plural(reply.likes, "like")) } }
                @if reply.boosts > 0 { " · " span class="boosts" { (reply.boosts) " " (plural(reply.boosts, "boost")) } }
                " · " a href={ "/interact?uri=" (query_value(&reply.ap_id)) } { "Reply" }
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

/// `text` as a query value, escaped only where a form decoder would read it otherwise: URLs
/// keep their `:` and `/`, so the link on every reply stays short (and readable).
fn query_value(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~:/@".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn query_values_read_back_as_written() {
        for text in [
            "https://a.example/@bob/1?x=1&y=2#z",
            "https://b.example/ü +%",
            "",
        ] {
            let query = format!("uri={}", super::query_value(text));
            let back: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .collect();
            assert_eq!(back, vec![("uri".to_string(), text.to_string())]);
        }
        assert_eq!(
            super::query_value("https://a.example/notes/1"),
            "https://a.example/notes/1"
        );
    }
}
