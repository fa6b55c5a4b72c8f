//! What some kinds of reply carry besides their text: an event's time and place, a document's
//! name, a poll's options with their votes so far.

use chrono::{DateTime, Utc};
use maud::{Markup, html};

use crate::{
    domain::reply::presentation::{Details, PollOption},
    http::views::{safe_href, thread::plural, time},
};

/// `original` is the reply on its server, where a document is read and a poll is answered.
pub fn details(details: &Details, original: &str) -> Markup {
    match details {
        Details::None => html! {},
        Details::Event {
            name,
            starts_at,
            ends_at,
            location,
        } => html! {
            div class="event" {
                p class="kind" { "Event" @if let Some(title) = name { ": " strong class="name" { (title) } } }
                @if let Some(start) = starts_at {
                    p class="when" {
                        (time(*start))
                        @if let Some(end) = ends_at { " – " (time(*end)) }
                    }
                }
                @if let Some(place) = location { p class="where" { (place) } }
            }
        },
        Details::Document { name } => {
            let name = name.as_deref().unwrap_or("Document");
            html! {
                p class="document" {
                    @if let Some(href) = safe_href(original) {
                        a href=(href) rel="nofollow noopener ugc" { (name) }
                    } @else {
                        (name)
                    }
                }
            }
        }
        Details::Question {
            options,
            multiple,
            closes_at,
        } => poll(options, *multiple, *closes_at, Utc::now()),
    }
}

fn poll(
    options: &[PollOption],
    multiple: bool,
    closes_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Markup {
    let total: u64 = options.iter().map(|o| o.votes).sum();
    // A meter needs a maximum above zero; with no votes yet every bar is empty anyway.
    let max = total.max(1);
    let votes = |n: u64| plural(i32::try_from(n).unwrap_or(i32::MAX), "vote");
    html! {
        div class="poll" {
            p class="kind" { "Poll" @if multiple { " (several answers allowed)" } }
            ul {
                @for option in options {
                    li {
                        span class="option" { (option.name) }
                        meter min="0" max=(max) value=(option.votes) {}
                        span class="votes" { (option.votes) " " (votes(option.votes)) }
                    }
                }
            }
            p class="meta" {
                (total) " " (votes(total))
                @if let Some(at) = closes_at {
                    @if at <= now { " · " span class="closed" { "closed" } " " (time(at)) }
                    @else { " · closes " (time(at)) }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_poll_shows_counts_and_whether_it_closed() {
        let now = Utc::now();
        let options = [
            PollOption {
                name: "Tea".into(),
                votes: 3,
            },
            PollOption {
                name: "Coffee".into(),
                votes: 1,
            },
        ];
        let closed = poll(&options, false, Some(now - chrono::Duration::hours(1)), now).0;
        assert!(
            closed.contains("3 votes") && closed.contains("1 vote<"),
            "{closed}"
        );
        assert!(
            closed.contains(r#"<meter min="0" max="4" value="3">"#),
            "{closed}"
        );
        assert!(closed.contains("closed"), "{closed}");
        let open = poll(&options, true, Some(now + chrono::Duration::hours(1)), now).0;
        assert!(
            open.contains("closes") && !open.contains("closed"),
            "{open}"
        );
        assert!(open.contains("several answers"), "{open}");
    }
}
