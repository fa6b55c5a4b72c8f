//! Server-rendered HTML (maud escapes every interpolation). Pages work without JavaScript.

pub mod images;
pub mod layout;
pub mod listing;
pub mod quotes;
pub mod reply;
pub mod reply_card;
pub mod story;
pub mod thread;

use std::fmt::Write;

use chrono::{DateTime, Datelike, Timelike, Utc};
use maud::{Markup, PreEscaped};

/// `href` when it may be a link or an image source on our pages: an http(s) URL. Everything a
/// page links to from stored remote data goes through here, so rows written before the protocol
/// boundary checked URLs (or any path that forgets to) still never render a `javascript:` link:
/// without a web URL, the page shows text instead.
pub fn safe_href(href: &str) -> Option<&str> {
    // Written out as it is, so it must not rely on whitespace or controls a parser strips.
    let plain = href.bytes().all(|b| b > b' ' && b != 0x7f);
    (plain && crate::domain::links::web(href).is_some()).then_some(href)
}

/// A `<time>` element people can read and machines can parse.
pub fn time(at: DateTime<Utc>) -> Markup {
    // Written out rather than through `format`, which parses its pattern on every call: a page
    // has one per reply.
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let month = MONTHS[at.month0() as usize % 12];
    let (year, day, hour, minute) = (at.year(), at.day(), at.hour(), at.minute());
    let second = at.second();
    let mut out = String::with_capacity(64);
    // `fmt::Write` on a `String` cannot fail.
    let _ = write!(
        out,
        "<time datetime=\"{year:04}-{:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z\">\
         {day} {month} {year}, {hour:02}:{minute:02} UTC</time>",
        at.month()
    );
    PreEscaped(out)
}

#[cfg(test)]
mod tests {
    use super::safe_href;

    #[test]
    fn times_read_alike_for_people_and_machines() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-03-05T07:08:09.5Z")
            .expect("time")
            .to_utc();
        assert_eq!(
            super::time(at).into_string(),
            r#"<time datetime="2026-03-05T07:08:09Z">5 March 2026, 07:08 UTC</time>"#
        );
        assert_eq!(
            super::time(at).into_string(),
            maud::html! {
                time datetime=(at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)) {
                    (at.format("%-d %B %Y, %H:%M UTC"))
                }
            }
            .into_string()
        );
    }

    #[test]
    fn only_web_urls_become_links() {
        assert_eq!(
            safe_href("https://a.example/@x"),
            Some("https://a.example/@x")
        );
        for bad in [
            "javascript:alert(document.cookie)//",
            " JAVASCRIPT:alert(1)",
            "https://a.example/\tx",
            "data:text/html,x",
            "vbscript:x",
            "",
        ] {
            assert_eq!(safe_href(bad), None, "{bad}");
        }
    }
}
