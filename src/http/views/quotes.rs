//! "Quoted by": the posts on other servers that quote a story (FEP-044f), under its
//! conversation. Only visible quotes reach here; their HTML was cleaned when stored.

use maud::{Markup, html};

use super::{layout::trusted, safe_href, time};
use crate::domain::{
    quote::ShownQuote,
    quoting::{QuoteCard, QuoteState},
};

/// The section is there even before the first quote, hidden, so that a live page can show one.
pub fn quoted_by(quotes: &[ShownQuote], total: u64) -> Markup {
    html! {
        section class="quotes" aria-labelledby="quoted-by" hidden[quotes.is_empty()] {
            h2 id="quoted-by" { "Quoted by " span class="count" { "(" (total) ")" } }
            ol class="quote-list" {
                @for quote in quotes { (item(quote)) }
            }
        }
    }
}

/// One quote's list item, as a live update inserts it.
pub fn item(quote: &ShownQuote) -> Markup {
    html! { li id={ "quote-" (quote.id) } class="quote" { (card(quote)) } }
}

fn card(quote: &ShownQuote) -> Markup {
    let who =
        html! { strong { (quote.author_name) } " " span class="handle" { (quote.author_handle) } };
    html! {
        article class="reply-body h-entry" {
            header class="byline" {
                @if let Some(profile) = safe_href(&quote.author_profile) {
                    a class="author p-author" href=(profile) rel="nofollow noopener ugc" { (who) }
                } @else {
                    span class="author p-author" { (who) }
                }
            }
            div class="e-content" { (trusted(&quote.content_html)) }
            footer class="meta" {
                @if let Some(url) = safe_href(&quote.original) {
                    a class="u-url" href=(url) rel="nofollow noopener ugc" { (time(quote.at)) }
                } @else {
                    (time(quote.at))
                }
            }
        }
    }
}

/// The reader's post one of our answers quotes: shown once its author's server approved, said
/// to be pending until then (as Mastodon says it), and only named after a refusal.
pub fn our_quote(quote: &QuoteCard) -> Markup {
    let anchor = format!("#reply-{}", quote.quoted_reply_id);
    let who = html! { a href=(anchor) { (quote.author_handle) } };
    match (quote.state, &quote.content_html) {
        (QuoteState::Accepted, Some(content)) => html! {
            blockquote class="quoted-post" {
                p class="byline" { strong { (quote.author_name) } " " (who) }
                div class="e-content" { (trusted(content)) }
            }
        },
        (QuoteState::Accepted, None) => html! {
            p class="quoted-post gone" { "Quoting a post by " (who) " that is no longer shown." }
        },
        (QuoteState::Pending, _) => html! {
            p class="quoted-post pending" { "Quoting " (who) " · pending approval from their server." }
        },
        (QuoteState::Rejected, _) => html! {
            p class="quoted-post refused" { (who) " declined to be quoted." }
        },
        (QuoteState::Revoked, _) => html! {
            p class="quoted-post refused" { (who) " withdrew their approval of this quote." }
        },
    }
}
