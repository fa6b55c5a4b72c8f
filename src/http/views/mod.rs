//! Server-rendered HTML (maud escapes every interpolation). Pages work without JavaScript.

pub mod layout;
pub mod listing;
pub mod story;
pub mod thread;

use chrono::{DateTime, Utc};
use maud::{Markup, html};

/// A `<time>` element people can read and machines can parse.
pub fn time(at: DateTime<Utc>) -> Markup {
    html! {
        time datetime=(at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)) {
            (at.format("%-d %B %Y, %H:%M UTC"))
        }
    }
}
